import {bytesToHex, hexToBytes} from '@noble/hashes/utils.js';
import {EncodingError} from '../errors.js';

export function toHex(b: Uint8Array): string {
	return bytesToHex(b);
}

export function fromHex(s: string): Uint8Array {
	if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new EncodingError(`not hex: ${s.slice(0, 20)}`);
	return hexToBytes(s);
}

/** Hashes are shown byte-reversed, as Bitcoin does. */
export function hashToHex(hash: Uint8Array): string {
	return bytesToHex(Uint8Array.from(hash).reverse()); // from(): Buffer.slice would not copy
}

export function hexToHash(s: string): Uint8Array {
	if (s.length !== 64) throw new EncodingError(`hash must be 64 hex characters, got ${s.length}`);
	return fromHex(s).reverse();
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}
