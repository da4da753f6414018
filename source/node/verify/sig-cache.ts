import type {SigCheck} from '../primitives/sign.js';
import {toHex} from '../encoding/hex.js';

/**
 * Signature checks already known to pass, so a transaction checked when it entered the mempool
 * is not checked again when its block connects (each check costs ~2-4 ms). Bounded; the oldest
 * entries go first.
 */
export class SigCache {
	private readonly seen = new Set<string>();

	constructor(private readonly capacity = 200_000) {}

	static key(check: SigCheck): string {
		return toHex(check.digest) + toHex(check.signature) + toHex(check.publicKey);
	}

	has(check: SigCheck): boolean {
		return this.seen.has(SigCache.key(check));
	}

	add(check: SigCheck): void {
		const key = SigCache.key(check);
		if (this.seen.has(key)) return;
		this.seen.add(key);
		if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value as string);
	}

	get size(): number {
		return this.seen.size;
	}
}
