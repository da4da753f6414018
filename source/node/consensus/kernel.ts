/**
 * The proof-of-stake lottery, after Blackcoin's PoS v3 kernel (src/pos.cpp): in each slot every
 * mature coin gets one independent try, weighted by its value, so a holder's chance grows with the
 * coins held and splitting them changes it only to second order (1 − Π(1 − pᵢ) against Σ pᵢ: README,
 * "Proof of stake"). Pure functions: the chain checks blocks with them,
 * the staker searches with them, and the fairness test simulates the lottery with them.
 */
import {sha256d} from '../crypto/hash.js';
import {Writer} from '../encoding/writer.js';
import type {OutPoint} from '../primitives/tx.js';
import {hashToBigInt} from './pow.js';

/** Fixed-point bits of a kernel's rank (kernelRank): ties in one slot are rarer than 2^-64. */
const RANK_BITS = 64n;

/**
 * sha256d(stake modifier ‖ time of the coin's block ‖ prevout txid ‖ prevout index ‖ slot time),
 * Blackcoin's CheckStakeKernelHash stream with 32-bit times.
 */
export function kernelHash(modifier: Uint8Array, coinTime: number, prevout: OutPoint, slotTime: number): Uint8Array {
	const w = new Writer(76);
	w.bytes(modifier).u32(coinTime).bytes(prevout.txid).u32(prevout.index).u32(slotTime);
	return sha256d(w.finish());
}

/** A coin wins its slot when its kernel hash, read as a number, is below target × value. */
export function meetsKernel(hash: Uint8Array, target: bigint, value: bigint): boolean {
	return value > 0n && hashToBigInt(hash) < target * value;
}

/**
 * hash / (target × value) in 64-bit fixed point: a winner's rank is uniform in [0, 2^64), whatever
 * its value. When two coins win one slot, the lower rank wins (the same rule on every node and in
 * the simulation); null for a coin that did not win.
 */
export function kernelRank(hash: Uint8Array, target: bigint, value: bigint): bigint | null {
	if (!meetsKernel(hash, target, value)) return null;
	return (hashToBigInt(hash) << RANK_BITS) / (target * value);
}

/**
 * Blackcoin's ComputeStakeModifierV2: H(kernel ‖ previous modifier). The kernel is the coinstake's
 * prevout txid for a staked block and the block's own hash for a mined one; genesis has zero.
 * Nobody knows a coin's future tries before the coin can stake, since the modifier keeps moving.
 */
export function nextStakeModifier(previous: Uint8Array, kernel: Uint8Array): Uint8Array {
	const w = new Writer(64);
	w.bytes(kernel).bytes(previous);
	return sha256d(w.finish());
}

export const GENESIS_STAKE_MODIFIER = new Uint8Array(32);

/**
 * What a staked block's coinstake commits to in its output 0: H(version ‖ prevHash ‖ time ‖ bits ‖
 * merkle root of every transaction except the coinstake). The coinstake's SIGHASH_ALL signature
 * covers that output, so the winner signs the block, and the coinbase being in the root means the
 * stake cannot be lifted into another block.
 */
export function stakeCommitment(version: number, prevHash: Uint8Array, time: number, bits: number, rootWithoutCoinstake: Uint8Array): Uint8Array {
	const w = new Writer(76);
	w.i32(version).bytes(prevHash).u32(time).u32(bits).bytes(rootWithoutCoinstake);
	return sha256d(w.finish());
}

/** Slot boundaries: a staked block's time is a multiple of the slot length. */
export function isSlotTime(time: number, slot: number): boolean {
	return time % slot === 0;
}

/** The first slot boundary after `time`. */
export function nextSlot(time: number, slot: number): number {
	return (Math.floor(time / slot) + 1) * slot;
}

/** A kernel's hash against its target (target × value), for the screen: what share of the way it got. */
export function kernelMargin(hash: Uint8Array, target: bigint, value: bigint): number {
	const goal = target * value;
	if (goal === 0n) return Infinity;
	return Number((hashToBigInt(hash) << 20n) / goal) / 2 ** 20;
}
