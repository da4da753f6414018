import {sha256 as nobleSha256} from '@noble/hashes/sha2.js';
import {ripemd160} from '@noble/hashes/legacy.js';

export function sha256(data: Uint8Array): Uint8Array {
	return nobleSha256(data);
}

/** Bitcoin's double SHA-256: block hashes, txids, merkle nodes, checksums. */
export function sha256d(data: Uint8Array): Uint8Array {
	return nobleSha256(nobleSha256(data));
}

/** RIPEMD-160 of SHA-256: the 20-byte hash inside P2PKH scripts and addresses. */
export function hash160(data: Uint8Array): Uint8Array {
	return ripemd160(nobleSha256(data));
}
