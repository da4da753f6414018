/**
 * Per-block difficulty: Bitcoin Cash's aserti3-2d (absolutely scheduled exponentially rising
 * targets), ported from Bitcoin Cash Node's CalculateASERT (src/pow.cpp), integer-only, and the
 * rule each network follows for the block after a tip.
 */
import {decodeCompact, encodeCompact} from './pow.js';
import type {NetworkParams} from './networks.js';

/** Fixed-point radix of the exponent: 16 fractional bits. */
const RADIX = 16n;
const UINT64_MASK = (1n << 64n) - 1n;

/**
 * CalculateASERT: the anchor's target times 2^((timeDiff - spacing * (heightDiff + 1)) / halfLife),
 * with 2^frac from BCHN's cubic approximation in 16-bit fixed point, clamped to [1, powLimit].
 *
 * `timeDiff` is the time of the block before the new one minus the time of the anchor's parent,
 * `heightDiff` the height of the block before the new one minus the anchor's height. Integers are
 * bigints: division truncates toward zero and `>>` floors, as int64 `/` and the arithmetic shift do
 * in BCHN. Unlike BCHN's 256-bit integers nothing wraps, so targets near 2^256 (our pow limits are
 * above BCHN's asserted 2^224) give the exact result where BCHN would need its overflow check.
 */
export function asertTarget(
	refTarget: bigint,
	spacing: bigint,
	timeDiff: bigint,
	heightDiff: bigint,
	powLimit: bigint,
	halfLife: bigint,
): bigint {
	if (refTarget <= 0n || refTarget > powLimit) throw new RangeError('ASERT anchor target must be within (0, powLimit]');
	if (heightDiff < 0n) throw new RangeError('ASERT height difference must not be negative');
	const exponent = ((timeDiff - spacing * (heightDiff + 1n)) << RADIX) / halfLife;
	let shifts = exponent >> RADIX;
	const frac = exponent & 0xffffn;
	// 2^x ~= 1 + 0.695502049x + 0.2262698x^2 + 0.0782318x^3 for 0 <= x < 1 (error < 0.013%), in
	// BCHN's uint64 sum (it stays below 2^64 for every frac; the mask is its wrap-around anyway).
	const poly = (195766423245049n * frac + 971821376n * frac * frac + 5127n * frac * frac * frac + (1n << 47n)) & UINT64_MASK;
	const factor = 65536n + (poly >> 48n);
	let target = refTarget * factor;
	shifts -= RADIX;
	if (shifts <= 0n) target >>= -shifts;
	// Shifting a nonzero target 256 or more bits left passes any limit: skip building the number.
	else target = shifts >= 256n ? powLimit + 1n : target << shifts;
	if (target === 0n) return 1n; // 0 is not a valid target, 1 is
	return target > powLimit ? powLimit : target;
}

/** What nextBitsFromTip needs of a block. */
export interface TipInfo {
	readonly height: number;
	readonly time: number;
	readonly bits: number;
}

/**
 * The bits the block after `prev` must carry. `anchor` is block 1 of prev's branch (null while prev
 * is genesis): main's ASERT anchor. Needs nothing else, so a headers presync that keeps a small
 * state per peer computes the same bits as the chain. Null is kept for a rule that would need more
 * history than this (a window retarget); no network has one now.
 *
 * Deviation from aserti3-2d: its schedule starts at the anchor's parent's time, which for block 1
 * is the genesis time, fixed when the network was defined and days earlier; that would make the
 * chain look days behind and drop difficulty to the limit. Ours starts at block 1's own time, as if
 * its parent had come exactly one spacing before it. Block 1 has the genesis bits.
 */
export function nextBitsFromTip(net: NetworkParams, prev: TipInfo, anchor: {time: number; bits: number} | null): number | null {
	const genesisBits = net.genesis.header.bits;
	switch (net.retarget) {
		case 'none':
			return genesisBits;
		case 'asert': {
			if (prev.height === 0) return genesisBits;
			if (!anchor) throw new Error(`ASERT needs block 1 of the branch to follow block ${prev.height}`);
			const spacing = BigInt(net.targetSpacing);
			const target = asertTarget(
				decodeCompact(anchor.bits).target,
				spacing,
				BigInt(prev.time - anchor.time) + spacing,
				BigInt(prev.height - 1),
				net.powLimit,
				BigInt(net.halfLife),
			);
			return encodeCompact(target);
		}
	}
}
