/**
 * Strict DER for ECDSA signatures (BIP66). @noble/secp256k1 v3 speaks only the 64-byte compact
 * form, so we convert both ways here and check encodings exactly as Bitcoin Core does.
 */
import {EncodingError} from '../errors.js';

/** secp256k1 group order. */
export const CURVE_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = CURVE_N >> 1n;

/**
 * Bitcoin Core's IsValidSignatureEncoding: `sig` is DER plus the trailing sighash byte.
 * Format: 0x30 [total-length] 0x02 [R-length] [R] 0x02 [S-length] [S] [sighash]
 */
export function isValidSignatureEncoding(sig: Uint8Array): boolean {
	const n = sig.length;
	if (n < 9 || n > 73) return false;
	if (sig[0] !== 0x30) return false;
	if (sig[1] !== n - 3) return false;
	const lenR = sig[3]!;
	if (5 + lenR >= n) return false;
	const lenS = sig[5 + lenR]!;
	if (lenR + lenS + 7 !== n) return false;
	if (sig[2] !== 0x02) return false;
	if (lenR === 0) return false;
	if (sig[4]! & 0x80) return false;
	if (lenR > 1 && sig[4] === 0x00 && !(sig[5]! & 0x80)) return false;
	if (sig[lenR + 4] !== 0x02) return false;
	if (lenS === 0) return false;
	if (sig[lenR + 6]! & 0x80) return false;
	if (lenS > 1 && sig[lenR + 6] === 0x00 && !(sig[lenR + 7]! & 0x80)) return false;
	return true;
}

// n and n/2 as 32 big-endian bytes: the range and low-S checks compare bytes, no BigInt (they run
// once per signature, beside a libsecp256k1 check of ~70 µs, and BigInt parsing was ~10% of it).
const N_BYTES = be32(CURVE_N);
const HALF_N_BYTES = be32(HALF_N);

function be32(v: bigint): Uint8Array {
	const out = new Uint8Array(32);
	for (let i = 31; i >= 0; i--) {
		out[i] = Number(v & 0xffn);
		v >>= 8n;
	}
	return out;
}

/** Compares 32-byte big-endian numbers: -1, 0 or 1. */
function compare32(a: Uint8Array, aAt: number, b: Uint8Array): number {
	for (let i = 0; i < 32; i++) {
		const d = a[aAt + i]! - b[i]!;
		if (d !== 0) return d < 0 ? -1 : 1;
	}
	return 0;
}

/** A DER integer's bytes right-aligned into out[at..at+32); false if it needs more than 32. */
function place(der: Uint8Array, from: number, length: number, out: Uint8Array, at: number): boolean {
	while (length > 0 && der[from] === 0) {
		from++;
		length--;
	}
	if (length > 32) return false;
	out.set(der.subarray(from, from + length), at + 32 - length);
	return true;
}

function isZero32(b: Uint8Array, at: number): boolean {
	for (let i = at; i < at + 32; i++) if (b[i] !== 0) return false;
	return true;
}

/** Strict DER (no sighash byte) -> 64-byte compact r||s. Throws on any non-canonical form. */
export function derToCompact(der: Uint8Array): Uint8Array {
	// Reuse Core's check by appending a dummy sighash byte.
	const withType = new Uint8Array(der.length + 1);
	withType.set(der);
	if (!isValidSignatureEncoding(withType)) throw new EncodingError('signature is not strict DER');
	const lenR = der[3]!;
	const lenS = der[5 + lenR]!;
	const out = new Uint8Array(64);
	const fits = place(der, 4, lenR, out, 0) && place(der, 6 + lenR, lenS, out, 32);
	if (!fits || isZero32(out, 0) || isZero32(out, 32) || compare32(out, 0, N_BYTES) >= 0 || compare32(out, 32, N_BYTES) >= 0) {
		throw new EncodingError('signature r or s out of range');
	}
	return out;
}

function derInt(b: Uint8Array): Uint8Array {
	let i = 0;
	while (i < b.length - 1 && b[i] === 0 && !(b[i + 1]! & 0x80)) i++;
	const trimmed = b.subarray(i);
	if (trimmed[0]! & 0x80) {
		const out = new Uint8Array(trimmed.length + 1);
		out.set(trimmed, 1);
		return out;
	}
	return trimmed;
}

/** 64-byte compact r||s -> strict DER (no sighash byte). */
export function compactToDer(compact: Uint8Array): Uint8Array {
	if (compact.length !== 64) throw new EncodingError('compact signature must be 64 bytes');
	const r = derInt(compact.subarray(0, 32));
	const s = derInt(compact.subarray(32, 64));
	const out = new Uint8Array(6 + r.length + s.length);
	out[0] = 0x30;
	out[1] = 4 + r.length + s.length;
	out[2] = 0x02;
	out[3] = r.length;
	out.set(r, 4);
	out[4 + r.length] = 0x02;
	out[5 + r.length] = s.length;
	out.set(s, 6 + r.length);
	return out;
}

/** BIP62/BIP146 low-S: s <= n/2 (what Core's IsLowDERSignature checks). */
export function isLowS(compact: Uint8Array): boolean {
	return compare32(compact, 32, HALF_N_BYTES) <= 0;
}
