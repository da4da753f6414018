import {seeded} from '../../source/node/util/seeded.js';

/** A deterministic stream of "random" integers in [lo, hi] (source/node/util/seeded.ts). */
export {seeded};

/** Uniform in [0, 1) from a seed, so every run makes the same choices. */
export function seededRandom(seed: number): () => number {
	const next = seeded(seed);
	return () => next(0, 0x3fffffff) / 0x40000000;
}

/** `n` distinct fresh public addresses in many /16s (class E, so nothing is ever reachable). */
export function floodAddresses(n: number, salt: number): {host: string; port: number}[] {
	const out: {host: string; port: number}[] = [];
	for (let i = 0; i < n; i++) out.push({host: `${240 + (salt % 15)}.${i % 256}.${Math.floor(i / 256) % 256}.${(salt * 7 + 1) % 256}`, port: 1111});
	return out;
}
