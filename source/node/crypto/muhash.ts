/**
 * MuHash3072, Bitcoin Core's rolling multiset hash (crypto/muhash.cpp), as gettxoutsetinfo's
 * `muhash` uses it: each element's SHA-256 keys ChaCha20, whose first 384 bytes of keystream are a
 * number modulo the prime 2^3072 - 1103717; the set is the product of its elements (removals
 * divide), so the order coins are added in does not matter. The result is the SHA-256 of that
 * product's 384 little-endian bytes. Checked against Core's crypto_tests vector.
 */
import {createCipheriv} from 'node:crypto';
import {sha256} from './hash.js';

const PRIME = (1n << 3072n) - 1103717n;
const BYTES = 384;

function fromLittleEndian(bytes: Uint8Array): bigint {
	return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
}

function toLittleEndian(n: bigint): Uint8Array {
	return Uint8Array.from(Buffer.from(n.toString(16).padStart(BYTES * 2, '0'), 'hex').reverse());
}

function modPow(base: bigint, exponent: bigint): bigint {
	let result = 1n;
	let b = base % PRIME;
	for (let e = exponent; e > 0n; e >>= 1n) {
		if (e & 1n) result = (result * b) % PRIME;
		b = (b * b) % PRIME;
	}
	return result;
}

/** Core's ToNum3072: an element as a number modulo the prime. */
function toNum(data: Uint8Array): bigint {
	// ChaCha20 keyed by the element's hash, nonce and counter 0 (OpenSSL's 16-byte IV: counter, then nonce).
	const cipher = createCipheriv('chacha20', sha256(data), Buffer.alloc(16));
	return fromLittleEndian(cipher.update(Buffer.alloc(BYTES))) % PRIME;
}

export class MuHash3072 {
	private numerator = 1n;
	private denominator = 1n;

	insert(data: Uint8Array): this {
		this.numerator = (this.numerator * toNum(data)) % PRIME;
		return this;
	}

	remove(data: Uint8Array): this {
		this.denominator = (this.denominator * toNum(data)) % PRIME;
		return this;
	}

	/** The 32-byte digest in internal byte order (hashToHex shows it as Core's uint256 does). */
	finalize(): Uint8Array {
		const value = (this.numerator * modPow(this.denominator, PRIME - 2n)) % PRIME;
		return sha256(toLittleEndian(value));
	}
}
