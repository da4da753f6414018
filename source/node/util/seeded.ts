/** A deterministic stream of "random" integers in [lo, hi] (xorshift32), so a run can be replayed. */
export function seeded(seed: number): (lo: number, hi: number) => number {
	let x = seed >>> 0 || 1;
	return (lo, hi) => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return lo + ((x >>> 0) % (hi - lo + 1));
	};
}
