/**
 * The consensus-engine seam: what proof of work and proof of stake each decide about a block. The
 * chain asks its engine and keeps one set of rules for everything else (transactions, coins,
 * reorganisations). A proof-of-stake network mines its bootstrap, so its engine answers as proof
 * of work up to `stake.powBlocks` and as proof of stake after.
 */
import {VerifyError} from '../errors.js';
import {equalBytes} from '../encoding/hex.js';
import type {Block} from '../primitives/block.js';
import type {Coin} from '../primitives/coin.js';
import type {Header} from '../primitives/header.js';
import {merkleRoot} from '../primitives/merkle.js';
import {nullData, p2pkhHash, parseP2pkhScriptSig} from '../primitives/script.js';
import type {Transaction} from '../primitives/tx.js';
import {asertTarget, nextBitsFromTip} from './asert.js';
import {isSlotTime, kernelHash, kernelRank, nextStakeModifier, stakeCommitment} from './kernel.js';
import {isStakedHeight, subsidyAt, type NetworkParams, type StakeParams} from './networks.js';
import {checkProofOfWork, decodeCompact, encodeCompact, targetFromBits} from './pow.js';

/** What a difficulty rule needs of a block. */
export interface BitsInfo {
	readonly height: number;
	readonly time: number;
	readonly bits: number;
}

/** The ancestors a difficulty rule anchors on, looked up on the new block's branch. */
export type AncestorAt = (height: number) => BitsInfo | null;

/** What the chain knows when it connects a staked block. */
export interface StakeContext {
	readonly block: Block;
	readonly height: number;
	/** The stake modifier of the block before. */
	readonly prevModifier: Uint8Array;
	/** The coin the coinstake spends, and the time of the block that made it. */
	readonly kernelCoin: Coin;
	readonly kernelCoinTime: number;
}

export interface ConsensusEngine {
	readonly network: NetworkParams;
	/** 'work' at heights that are mined, 'stake' at heights that are staked. */
	kindAt(height: number): 'work' | 'stake';
	/**
	 * What a header proves by itself: its proof of work at a mined height. `height` null: the
	 * parent is unknown, so only what holds at every height is checked.
	 */
	checkHeader(header: Header, height: number | null): void;
	/** The bits the block after `prev` must carry. */
	requiredBits(prev: BitsInfo, ancestorAt: AncestorAt): number;
	/** Header rules beyond bits and times (a staked block's slot, nonce, and time after its parent's). */
	checkHeaderAt(header: Header, height: number, prevTime: number): void;
	/** Block shape at a known height: a staked block's coinbase, coinstake and commitment. */
	checkBlockAt(block: Block, height: number): void;
	/**
	 * The coinbase (and for a staked block the coinstake) pay no more than allowed. `fees`: of
	 * every transaction but a coinstake; `minted`: what a coinstake pays beyond what it spends.
	 */
	checkReward(block: Block, height: number, fees: bigint, minted: bigint): void;
	/** Whether tx `index` of a block at `height` mints (its outputs mature as a coinbase's do). */
	mintsAt(height: number, index: number): boolean;
}

export function engineFor(network: NetworkParams): ConsensusEngine {
	return network.stake ? new ProofOfStake(network, network.stake) : new ProofOfWork(network);
}

export class ProofOfWork implements ConsensusEngine {
	constructor(readonly network: NetworkParams) {}

	kindAt(_height: number): 'work' | 'stake' {
		return 'work';
	}

	checkHeader(header: Header, _height: number | null): void {
		if (!checkProofOfWork(header.hash(), header.bits, this.network.powLimit)) throw new VerifyError('high-hash', 50, 'header');
	}

	requiredBits(prev: BitsInfo, ancestorAt: AncestorAt): number {
		const anchor = prev.height >= 1 ? ancestorAt(1) : null;
		const bits = nextBitsFromTip(this.network, prev, anchor);
		if (bits === null) throw new Error(`no difficulty rule for the block after height ${prev.height}`);
		return bits;
	}

	checkHeaderAt(_header: Header, _height: number, _prevTime: number): void {}

	checkBlockAt(_block: Block, _height: number): void {}

	checkReward(block: Block, height: number, fees: bigint, _minted: bigint): void {
		let paid = 0n;
		for (const output of block.txs[0]!.outputs) paid += output.value;
		const allowed = subsidyAt(height, this.network) + fees;
		if (paid > allowed) throw new VerifyError('bad-cb-amount', 100, 'block', `coinbase pays ${paid} > limit ${allowed}`);
	}

	mintsAt(_height: number, index: number): boolean {
		return index === 0;
	}
}

/** The coinstake of a staked block: tx 1, one input, a commitment and the payout. */
export const COINSTAKE_INDEX = 1;
const SIGHASH_ALL = 0x01;

export class ProofOfStake implements ConsensusEngine {
	private readonly work: ProofOfWork;

	constructor(
		readonly network: NetworkParams,
		readonly stake: StakeParams,
	) {
		this.work = new ProofOfWork(network);
	}

	kindAt(height: number): 'work' | 'stake' {
		return isStakedHeight(this.network, height) ? 'stake' : 'work';
	}

	checkHeader(header: Header, height: number | null): void {
		// A staked header proves nothing by itself (its kernel needs the block and the coins), so
		// the chain takes staked headers only near its tip (Chain.acceptHeader).
		if (height !== null && this.kindAt(height) === 'work') this.work.checkHeader(header, height);
	}

	requiredBits(prev: BitsInfo, ancestorAt: AncestorAt): number {
		const height = prev.height + 1;
		if (this.kindAt(height) === 'work') return this.work.requiredBits(prev, ancestorAt);
		const first = this.stake.powBlocks + 1;
		if (height === first) return this.stake.startBits;
		// ASERT anchored at the first staked block, as main's at block 1 (asert.ts explains the
		// anchor's own time standing in for its parent's).
		const anchor = ancestorAt(first);
		if (!anchor) throw new Error(`the staked block after height ${prev.height} needs block ${first} of its branch`);
		const spacing = BigInt(this.network.targetSpacing);
		const target = asertTarget(
			decodeCompact(anchor.bits).target,
			spacing,
			BigInt(prev.time - anchor.time) + spacing,
			BigInt(prev.height - first),
			this.stake.limit,
			BigInt(this.stake.halfLife),
		);
		return encodeCompact(target);
	}

	checkHeaderAt(header: Header, height: number, prevTime: number): void {
		if (this.kindAt(height) === 'work') return;
		if (header.nonce !== 0) throw new VerifyError('bad-pos-nonce', 100, 'header', 'a staked block has nonce 0');
		if (!isSlotTime(header.time, this.stake.slot)) throw new VerifyError('bad-pos-slot', 100, 'header', `block time ${header.time} is not on a ${this.stake.slot} s slot boundary`);
		// One block a slot at most on a chain: otherwise a winner could try every coin again in the
		// same slot under the modifier its own block just made, and chain blocks faster than the spacing.
		if (header.time <= prevTime) throw new VerifyError('bad-pos-time', 100, 'header', 'a staked block comes in a later slot than its parent');
	}

	checkBlockAt(block: Block, height: number): void {
		if (this.kindAt(height) === 'work') return;
		if (block.txs.length < 2) throw new VerifyError('bad-cs-missing', 100, 'block', 'a staked block needs a coinstake');
		const coinbase = block.txs[0]!;
		for (const output of coinbase.outputs) {
			if (output.value !== 0n) throw new VerifyError('bad-cb-amount', 100, 'block', 'the coinbase of a staked block pays nothing');
		}
		const coinstake = block.txs[COINSTAKE_INDEX]!;
		const commitment = coinstakeShape(coinstake);
		const others = block.txs.filter((_, i) => i !== COINSTAKE_INDEX).map(tx => tx.hash());
		const expected = stakeCommitment(block.header.version, block.header.prevHash, block.header.time, block.header.bits, merkleRoot(others).root);
		if (!equalBytes(commitment, expected)) throw new VerifyError('bad-cs-commitment', 100, 'block', 'the coinstake commits to another block');
	}

	/**
	 * The kernel: the coin is old enough and its hash meets target × value. Returns the block's
	 * stake modifier and its kernel's rank (lower wins a tie between blocks of one slot).
	 */
	checkKernel(ctx: StakeContext): {modifier: Uint8Array; rank: bigint} {
		const {block, height, kernelCoin} = ctx;
		const coinstake = block.txs[COINSTAKE_INDEX]!;
		const prevout = coinstake.inputs[0]!.prevout;
		const age = height - kernelCoin.height;
		if (age < this.stake.minStakeAge) throw new VerifyError('bad-cs-age', 100, 'block', `the kernel coin is ${age} blocks old; ${this.stake.minStakeAge} needed`);
		const target = targetFromBits(block.header.bits, this.stake.limit);
		if (target === null) throw new VerifyError('bad-diffbits', 100, 'block', 'staking target out of range');
		const hash = kernelHash(ctx.prevModifier, ctx.kernelCoinTime, prevout, block.header.time);
		const rank = kernelRank(hash, target, kernelCoin.value);
		if (rank === null) throw new VerifyError('bad-cs-kernel', 100, 'block', 'the kernel hash does not meet target × value');
		const payout = coinstake.outputs[1]!;
		if (!equalBytes(payout.script, kernelCoin.script)) throw new VerifyError('bad-cs-payee', 100, 'block', 'the coinstake pays another script than the staked coin');
		return {modifier: nextStakeModifier(ctx.prevModifier, prevout.txid), rank};
	}

	checkReward(block: Block, height: number, fees: bigint, minted: bigint): void {
		if (this.kindAt(height) === 'work') return this.work.checkReward(block, height, fees, minted);
		const allowed = this.stake.reward + fees;
		if (minted > allowed) throw new VerifyError('bad-cs-amount', 100, 'block', `coinstake mints ${minted} > limit ${allowed}`);
	}

	mintsAt(height: number, index: number): boolean {
		return index === 0 || (index === COINSTAKE_INDEX && this.kindAt(height) === 'stake');
	}
}

/**
 * A coinstake's form: one input signed SIGHASH_ALL (so the signature covers the commitment),
 * output 0 a zero-value OP_RETURN of 32 bytes, output 1 a P2PKH payout. Returns the commitment.
 */
export function coinstakeShape(tx: Transaction): Uint8Array {
	if (tx.isCoinbase() || tx.inputs.length !== 1 || tx.outputs.length !== 2) {
		throw new VerifyError('bad-cs-shape', 100, 'block', 'a coinstake has one input and two outputs');
	}
	const commitment = nullData(tx.outputs[0]!.script);
	if (!commitment || commitment.length !== 32 || tx.outputs[0]!.value !== 0n) {
		throw new VerifyError('bad-cs-shape', 100, 'block', "a coinstake's output 0 is a zero-value OP_RETURN of 32 bytes");
	}
	if (!p2pkhHash(tx.outputs[1]!.script)) throw new VerifyError('bad-cs-shape', 100, 'block', "a coinstake's output 1 is P2PKH");
	const sig = parseP2pkhScriptSig(tx.inputs[0]!.script)?.signature;
	if (!sig || sig.at(-1) !== SIGHASH_ALL) throw new VerifyError('bad-cs-sighash', 100, 'block', 'the coinstake is signed SIGHASH_ALL');
	return commitment;
}

/** The stake modifier a mined block passes on: its kernel is its own hash. */
export function minedModifier(previous: Uint8Array, blockHash: Uint8Array): Uint8Array {
	return nextStakeModifier(previous, blockHash);
}
