import {runSigCheck, type SigCheck} from '../primitives/sign.js';
import {nobleBackend, type EcdsaBackend} from './backends.js';
import {SigCache} from './sig-cache.js';

/** Checks a batch of signatures; true only if every one is valid. */
export interface SigVerifier {
	verify(checks: readonly SigCheck[]): Promise<boolean>;
	close?(): Promise<void>;
	/** The backend that does the curve arithmetic (for the screen and RPC). */
	readonly backend?: EcdsaBackend;
}

/** Longest run of checks in this thread between turns of the event loop. */
const SLICE_MS = 4;

/**
 * Verifies in this thread, yielding to the event loop every few milliseconds so the node stays
 * live (by time, not count: one noble check costs what ~40 native ones do).
 */
export class InlineVerifier implements SigVerifier {
	constructor(readonly backend: EcdsaBackend = nobleBackend) {}

	async verify(checks: readonly SigCheck[]): Promise<boolean> {
		let slice = performance.now();
		for (const check of checks) {
			if (!runSigCheck(check, this.backend)) return false;
			if (performance.now() - slice > SLICE_MS) {
				await new Promise(resolve => setImmediate(resolve));
				slice = performance.now();
			}
		}
		return true;
	}
}

/** In this thread with @noble/secp256k1: the default of a chain or mempool opened without one. */
export const inlineVerifier: SigVerifier = new InlineVerifier();

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

	get backend(): EcdsaBackend | undefined {
		return this.inner.backend;
	}

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
