import {hash as oneShot} from 'node:crypto';
import {ripemd160} from '@noble/hashes/legacy.js';

/**
 * SHA-256 by OpenSSL through Node's one-shot crypto.hash: for the 80-byte headers and the ~200-byte
 * transactions hashed all through block validation it is about 2.4 times @noble/hashes (measured:
 * README, "Performance"). The result is copied out of the Buffer, so no caller ever shares Node's
 * Buffer pool memory (a slice of a Buffer shares memory; a Uint8Array's copies).
 */
export function sha256(data: Uint8Array): Uint8Array {
	return new Uint8Array(oneShot('sha256', data, 'buffer'));
}

/** Bitcoin's double SHA-256: block hashes, txids, merkle nodes, checksums. */
export function sha256d(data: Uint8Array): Uint8Array {
	return new Uint8Array(oneShot('sha256', oneShot('sha256', data, 'buffer'), 'buffer'));
}

/** RIPEMD-160 of SHA-256: the 20-byte hash inside P2PKH scripts and addresses. */
export function hash160(data: Uint8Array): Uint8Array {
	return ripemd160(sha256(data));
}
