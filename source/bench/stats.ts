/** Shared measuring helpers of the benchmarks: medians of 5, side by side. */

export function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
}

/** Runs `fn` (which does `n` operations) 5 times; returns the median rate per second. */
export async function rate(n: number, fn: () => void | Promise<void>): Promise<number> {
	return (await sideBySide([n], [fn]))[0]!;
}

/**
 * Runs each of `fns` (each doing `n[i]` operations) 5 times, taking turns round by round so that
 * drift in the machine's speed touches each alike; returns the median rates per second.
 */
export async function sideBySide(n: number[], fns: (() => void | Promise<void>)[]): Promise<number[]> {
	const rates: number[][] = fns.map(() => []);
	for (let round = 0; round < 5; round++) {
		for (const [i, fn] of fns.entries()) {
			const start = process.hrtime.bigint();
			await fn();
			rates[i]!.push(n[i]! / (Number(process.hrtime.bigint() - start) / 1e9));
		}
	}
	return rates.map(median);
}

export function fmt(n: number): string {
	return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
}

export type Row = [name: string, value: number, unit: string];
