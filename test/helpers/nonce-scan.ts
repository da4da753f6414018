/** Plain reference scans for the mining kernels: one @noble/hashes sha256d per nonce. */
import {sha256d} from '../../source/node/crypto/hash.js';

export function withNonce(header: Uint8Array, nonce: number): Uint8Array {
	const h = header.slice();
	new DataView(h.buffer).setUint32(76, nonce >>> 0, true);
	return h;
}

/** Every nonce in [from, from + count) (wrapping at 2^32) whose sha256d passes `accept`. */
export function plainScan(header: Uint8Array, from: number, count: number, accept: (hash: Uint8Array) => boolean): number[] {
	const out: number[] = [];
	for (let i = 0; i < count; i++) {
		const nonce = (from + i) >>> 0;
		if (accept(sha256d(withNonce(header, nonce)))) out.push(nonce);
	}
	return out;
}
