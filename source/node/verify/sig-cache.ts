import type {SigCheck} from '../primitives/sign.js';
import {sha256} from '../crypto/hash.js';
import {concatBytes, toHex} from '../encoding/hex.js';

/**
 * Signature checks already known to pass, so a transaction checked when it entered the mempool
 * is not checked again when its block connects (each check costs ~2-4 ms). Bounded; the oldest
 * entries go first.
 */
export class SigCache {
	private readonly seen = new Set<string>();

	constructor(private readonly capacity = 200_000) {}

	/**
	 * SHA-256 of the triple, as Core keys its cache: 64 characters a key, not ~270. The signature's
	 * length goes in too, so no two triples can run together into the same bytes.
	 */
	static key(check: SigCheck): string {
		return toHex(sha256(concatBytes(check.digest, Uint8Array.of(check.signature.length), check.signature, check.publicKey)));
	}

	has(check: SigCheck): boolean {
		return this.hasKey(SigCache.key(check));
	}

	add(check: SigCheck): void {
		this.addKey(SigCache.key(check));
	}

	/** With a key from `SigCache.key`, for a caller that asks and then adds (one hash, not two). */
	hasKey(key: string): boolean {
		return this.seen.has(key);
	}

	addKey(key: string): void {
		if (this.seen.has(key)) return;
		this.seen.add(key);
		if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
	}

	get size(): number {
		return this.seen.size;
	}
}
