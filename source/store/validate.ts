/**
 * Form field checks, as pure functions: each returns the message to show next to the field, or
 * null when the value is good. The forms run them as you type; the actions run them again.
 */
import {decodeAddress} from '../node/crypto/address.js';
import {parseHostPort} from '../node/net/pool.js';
import {AmountError, formatAmount, parseAmount, parseFeeRate} from '../node/wallet/amount.js';
import {MAX_BPM, MIN_BPM} from '../node/wallet/wallet.js';

export function checkLabel(label: string): string | null {
	const clean = label.trim();
	if (clean.length === 0) return 'a label is needed';
	if (clean.length > 64) return 'at most 64 characters';
	return null;
}

export function checkPassphrasePair(first: string, second: string): string | null {
	if (first === '' && second === '') return null; // optional
	if (first.length > 1024) return 'at most 1,024 characters';
	if (first !== second) return 'the two passphrases differ';
	return null;
}

export function checkAddress(text: string, version: number): string | null {
	if (text.trim() === '') return 'an address is needed';
	try {
		decodeAddress(text.trim(), version);
		return null;
	} catch (error) {
		return (error as Error).message;
	}
}

/** Amount in coins; `balance` (spendable units) bounds it when known. */
export function checkAmount(text: string, maxMoney: bigint, balance?: bigint): string | null {
	if (/^\s*-\s*\d*\.?\d*\s*$/.test(text) && text.trim() !== '-') return 'amount must not be negative';
	try {
		const units = parseAmount(text, maxMoney);
		if (balance !== undefined && units > balance) return `more than the ${formatAmount(balance)} this address can spend`;
		return null;
	} catch (error) {
		if (error instanceof AmountError) return error.message;
		throw error;
	}
}

export function checkFeeRate(text: string): string | null {
	// A number out of range gets the range, whatever its form (negative, fractional, huge).
	if (/^\s*-?\d+(\.\d*)?\s*$/.test(text) && !/^\s*\d+\s*$/.test(text)) return 'fee rate must be a whole number from 1 to 100,000 units per byte';
	try {
		parseFeeRate(text);
		return null;
	} catch (error) {
		return (error as Error).message;
	}
}

export function checkBpm(text: string): string | null {
	const s = text.trim();
	if (s === '') return 'a BPM reading is needed';
	if (!/^\d+$/.test(s)) return `BPM must be a whole number from ${MIN_BPM} to ${MAX_BPM}`;
	const n = Number(s);
	if (n < MIN_BPM || n > MAX_BPM) return `BPM must be from ${MIN_BPM} to ${MAX_BPM}`;
	return null;
}

export function checkHostPort(text: string): string | null {
	if (text.trim() === '') return 'host:port is needed';
	try {
		parseHostPort(text);
		return null;
	} catch (error) {
		return (error as Error).message;
	}
}
