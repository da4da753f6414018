/**
 * Amounts typed by people: decimal coin strings parsed exactly into base units (bigint), never
 * through binary floating point.
 */
export class AmountError extends Error {
	override readonly name = 'AmountError';
}

export const UNITS_PER_COIN = 100_000_000n;

/**
 * "1.5" -> 150000000n. At most 8 decimals, greater than zero, at most `max`; no sign, exponent,
 * spaces inside, thousands separators, NaN or Infinity.
 */
export function parseAmount(text: string, max: bigint): bigint {
	const s = String(text).trim();
	if (s === '') throw new AmountError('amount is empty');
	const match = /^(\d+)(?:\.(\d*))?$|^\.(\d+)$/.exec(s);
	if (!match) throw new AmountError(`"${s}" is not an amount: write digits with at most one decimal point, like 1.5`);
	const whole = match[1] ?? '0';
	const fraction = match[2] ?? match[3] ?? '';
	if (fraction.length > 8) throw new AmountError('at most 8 decimal places (1 unit = 0.00000001)');
	if (whole.length > 12) throw new AmountError('amount is larger than all the money there can be');
	const units = BigInt(whole) * UNITS_PER_COIN + BigInt(fraction.padEnd(8, '0') || '0');
	if (units <= 0n) throw new AmountError('amount must be greater than zero');
	if (units > max) throw new AmountError(`amount is more than the maximum of ${formatAmount(max)}`);
	return units;
}

/** 150000000n -> "1.5"; always exact, at most 8 decimals, no trailing zeros. */
export function formatAmount(units: bigint): string {
	const negative = units < 0n;
	const abs = negative ? -units : units;
	const whole = abs / UNITS_PER_COIN;
	const fraction = (abs % UNITS_PER_COIN).toString().padStart(8, '0').replace(/0+$/, '');
	return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A fee rate in units per byte: a whole number from 1 to 100,000. */
export function parseFeeRate(text: string): bigint {
	const s = String(text).trim();
	if (!/^\d{1,6}$/.test(s)) throw new AmountError('fee rate must be a whole number of units per byte, like 2');
	const rate = BigInt(s);
	if (rate < 1n || rate > 100_000n) throw new AmountError('fee rate must be from 1 to 100,000 units per byte');
	return rate;
}
