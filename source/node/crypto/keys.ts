import * as secp from '@noble/secp256k1';
import {hmac} from '@noble/hashes/hmac.js';
import {sha256} from '@noble/hashes/sha2.js';
import {compactToDer, derToCompact, isLowS} from './der.js';

// @noble/secp256k1 v3 needs sync hash functions for sync sign (RFC 6979 nonces use HMAC-SHA256).
secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg);

export type RandomBytes = (n: number) => Uint8Array;

/** A new 32-byte secret key; `random` is injected so tests can be deterministic. */
export function generatePrivateKey(random: RandomBytes): Uint8Array {
	for (let i = 0; i < 100; i++) {
		const key = random(32);
		if (secp.utils.isValidSecretKey(key)) return key;
	}
	throw new Error('random source gave no valid secp256k1 key in 100 tries');
}

export function isValidPrivateKey(key: Uint8Array): boolean {
	return key.length === 32 && secp.utils.isValidSecretKey(key);
}

/** The 33-byte compressed public key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
	return secp.getPublicKey(privateKey, true);
}

export function isValidPublicKey(pub: Uint8Array): boolean {
	try {
		return secp.utils.isValidPublicKey(pub, pub.length === 33);
	} catch {
		return false;
	}
}

/** Signs a 32-byte digest we computed ourselves (never prehashed): RFC 6979, low-S, strict DER. */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
	const compact = secp.sign(digest, privateKey, {prehash: false, lowS: true, format: 'compact'});
	return compactToDer(compact);
}

/**
 * Verifies a strict-DER signature over a digest. `requireLowS` is our chain's rule; it is off only
 * when checking historical Bitcoin signatures in tests.
 */
export function verifyDigest(der: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, requireLowS = true): boolean {
	let compact: Uint8Array;
	try {
		compact = derToCompact(der);
	} catch {
		return false;
	}
	if (requireLowS && !isLowS(compact)) return false;
	try {
		return secp.verify(compact, digest, publicKey, {prehash: false, lowS: requireLowS, format: 'compact'});
	} catch {
		return false;
	}
}
