import {CURVE_N, compactToDer, derToCompact} from '../../source/node/crypto/der.js';

/** The same signature with s replaced by n - s: valid ECDSA, but high-S (malleated). */
export function toHighS(der: Uint8Array): Uint8Array {
	const compact = derToCompact(der);
	let s = 0n;
	for (const b of compact.subarray(32)) s = (s << 8n) | BigInt(b);
	let high = CURVE_N - s;
	for (let i = 63; i >= 32; i--) {
		compact[i] = Number(high & 0xffn);
		high >>= 8n;
	}
	return compactToDer(compact);
}
