import {runSigCheck, type SigCheck} from '../primitives/sign.js';
import {SigCache} from './sig-cache.js';

/** Checks a batch of signatures; true only if every one is valid. */
export interface SigVerifier {
	verify(checks: readonly SigCheck[]): Promise<boolean>;
	close?(): Promise<void>;
}

/** Verifies in this thread, yielding to the event loop every few checks so the node stays live. */
export const inlineVerifier: SigVerifier = {
	async verify(checks) {
		for (let i = 0; i < checks.length; i++) {
			if (!runSigCheck(checks[i]!)) return false;
			if (i % 16 === 15) await new Promise(resolve => setImmediate(resolve));
		}
		return true;
	},
};

/** Skips checks the cache has seen pass and remembers the ones that pass now. */
export class CachingVerifier implements SigVerifier {
	/** How many checks were answered from the cache (for tests and the screen). */
	hits = 0;
	/** How many checks went to the underlying verifier. */
	misses = 0;

	constructor(
		private readonly inner: SigVerifier,
		readonly cache = new SigCache(),
	) {}

	async verify(checks: readonly SigCheck[]): Promise<boolean> {
		const keys = checks.map(check => SigCache.key(check));
		const todo = checks.filter((_, i) => !this.cache.hasKey(keys[i]!));
		this.hits += checks.length - todo.length;
		this.misses += todo.length;
		if (todo.length === 0) return true;
		if (!(await this.inner.verify(todo))) return false;
		for (const key of keys) this.cache.addKey(key);
		return true;
	}

	async close(): Promise<void> {
		await this.inner.close?.();
	}
}
