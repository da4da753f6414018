/**
 * Proof that the proof-of-stake lottery (consensus/kernel.ts) is fair: simulated with the chain's own
 * pure functions over a fixed coin set, each staker's share of blocks matches its share of stake,
 * splitting a staker's coins leaves its share where it was, and a Nxt-style per-account hit, which is
 * known to favour the rich, fails the same test, so the test can tell a fair lottery from an unfair one.
 * Everything is derived from hashes: no randomness, no chain, no network.
 */
import {describe, expect, it} from 'vitest';
import {sha256} from '../../source/node/crypto/hash.js';
import {kernelHash, kernelRank, meetsKernel, nextStakeModifier} from '../../source/node/consensus/kernel.js';
import {OutPoint} from '../../source/node/primitives/tx.js';

const COIN = 100_000_000n;
const STAKE_UNITS = [1n, 2n, 3n, 4n];
/** 10 coins per stake unit: 10, 20, 30 and 40 coins, 100 in all. */
const UNIT_VALUE = 10n * COIN;
const TOTAL_VALUE = STAKE_UNITS.reduce((a, b) => a + b, 0n) * UNIT_VALUE;
const STAKE_SHARES = STAKE_UNITS.map(u => Number(u * UNIT_VALUE) / Number(TOTAL_VALUE));
// 20,000 slots give ~4,500 blocks: enough that the Nxt control fails χ² with near certainty (its
// expected shares are .081 : .174 : .289 : .456), where 10,000 would leave it a ~2% chance to pass.
const SLOTS = 20_000;
const BASE_TIME = 1_700_000_000;
/** About 1/4 of a winning coin per slot: Σ target × value / 2^256 ≈ 1/4, so most slots have one winner or none. */
const TARGET = (1n << 256n) / (4n * TOTAL_VALUE);
const GENESIS_MODIFIER = sha256(new TextEncoder().encode('pos-fairness modifier'));
/** χ² with 3 degrees of freedom at p = 0.001. */
const CHI2_CRITICAL_DF3 = 16.266;
/** Two-sided normal at p = 0.001. */
const Z_CRITICAL = 3.29;
/** Allowed distance of a count from its expectation, in standard deviations. */
const COUNT_SIGMAS = 5;

interface Coin {
	readonly staker: number;
	readonly value: bigint;
	readonly prevout: OutPoint;
	readonly coinTime: number;
}

interface Run {
	/** Blocks won per staker. */
	readonly blocks: number[];
	readonly totalBlocks: number;
	/** Winning coins summed over all slots (several can win one slot). */
	readonly winningCoins: number;
	/** Tries where kernelRank and meetsKernel disagreed on whether the coin won. */
	readonly disagreements: number;
}

const label = (s: string): Uint8Array => sha256(new TextEncoder().encode(s));

/** One coin per staker, each from its own fake transaction and block time. */
function unsplitCoins(): Coin[] {
	return STAKE_UNITS.map((units, staker) => ({
		staker,
		value: units * UNIT_VALUE,
		prevout: new OutPoint(label(`staker ${staker} coin`), 0),
		coinTime: BASE_TIME - 100_000 - staker * 1000,
	}));
}

/** As unsplitCoins, but the last staker's coin is replaced by a 10-output split transaction of a tenth each. */
function splitCoins(): Coin[] {
	const last = STAKE_UNITS.length - 1;
	const coins = unsplitCoins().filter(c => c.staker !== last);
	const txid = label(`staker ${last} split`);
	const value = (STAKE_UNITS[last]! * UNIT_VALUE) / 10n;
	for (let index = 0; index < 10; index++) coins.push({staker: last, value, prevout: new OutPoint(txid, index), coinTime: BASE_TIME - 50_000});
	return coins;
}

/** The chain's rule for every slot: all coins try, the lowest rank among winners takes the block, the modifier moves. */
function simulatePos(coins: readonly Coin[]): Run {
	const blocks = STAKE_UNITS.map(() => 0);
	let modifier = GENESIS_MODIFIER;
	let totalBlocks = 0;
	let winningCoins = 0;
	let disagreements = 0;
	for (let s = 0; s < SLOTS; s++) {
		const slotTime = BASE_TIME + s;
		let best: Coin | undefined;
		let bestRank = 0n;
		for (const coin of coins) {
			const hash = kernelHash(modifier, coin.coinTime, coin.prevout, slotTime);
			const rank = kernelRank(hash, TARGET, coin.value);
			// Counted rather than expected here: an expect per try would cost more than the hash.
			if ((rank !== null) !== meetsKernel(hash, TARGET, coin.value)) disagreements++;
			if (rank === null) continue;
			winningCoins++;
			if (best === undefined || rank < bestRank) {
				best = coin;
				bestRank = rank;
			}
		}
		if (best === undefined) continue;
		blocks[best.staker]!++;
		totalBlocks++;
		modifier = nextStakeModifier(modifier, best.prevout.txid);
	}
	return {blocks, totalBlocks, winningCoins, disagreements};
}

/**
 * Nxt (ardor Generator.java): every account draws one hit per block from the first 8 bytes of
 * H(generation signature ‖ account), read little-endian, and the smallest hit / (baseTarget × balance)
 * forges. baseTarget is common to all, so the winner is argmin hit / balance; the next generation
 * signature is H(previous ‖ winner).
 */
function simulateNxt(rounds: number): number[] {
	const balances = STAKE_UNITS.map(u => u * 10n);
	const accounts = STAKE_UNITS.map((_, i) => label(`nxt account ${i}`).subarray(0, 8));
	const blocks = STAKE_UNITS.map(() => 0);
	let generationSignature = label('nxt genesis');
	for (let r = 0; r < rounds; r++) {
		let best = -1;
		let bestHit = 0n;
		for (let i = 0; i < accounts.length; i++) {
			const hash = sha256(concat(generationSignature, accounts[i]!));
			let hit = 0n;
			for (let b = 7; b >= 0; b--) hit = (hit << 8n) | BigInt(hash[b]!);
			// hit_i / b_i < hit_best / b_best, exactly, by cross-multiplying.
			if (best < 0 || hit * balances[best]! < bestHit * balances[i]!) {
				best = i;
				bestHit = hit;
			}
		}
		blocks[best]!++;
		generationSignature = sha256(concat(generationSignature, accounts[best]!));
	}
	return blocks;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
	const out = new Uint8Array(a.length + b.length);
	out.set(a);
	out.set(b, a.length);
	return out;
}

/** Pearson's χ² of observed counts against expected shares of their total. */
function chiSquare(observed: readonly number[], shares: readonly number[]): number {
	const n = observed.reduce((a, b) => a + b, 0);
	return observed.reduce((sum, o, i) => {
		const e = n * shares[i]!;
		return sum + (o - e) ** 2 / e;
	}, 0);
}

/** Two-proportion z statistic (pooled) for x1/n1 against x2/n2. */
function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
	const pooled = (x1 + x2) / (n1 + n2);
	return (x1 / n1 - x2 / n2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
}

/** Per-coin win chance in a slot, target × value / 2^256, as a float. */
const winChance = (coin: Coin): number => Number(TARGET * coin.value) / 2 ** 256;

const shares = (blocks: readonly number[]): string => blocks.map(b => (b / blocks.reduce((x, y) => x + y, 0)).toFixed(4)).join(' : ');

// Each simulation runs once and is shared by the tests that read it.
let unsplitRun: Run | undefined;
let splitRun: Run | undefined;
const unsplit = (): Run => (unsplitRun ??= simulatePos(unsplitCoins()));
const split = (): Run => (splitRun ??= simulatePos(splitCoins()));

describe(`PoS kernel lottery over ${SLOTS} slots, stakes 1:2:3:4`, () => {
	it('in both the unsplit and the split run: kernelRank is non-null exactly when meetsKernel holds, winning coins are within 5 SD of Σ(target × value / 2^256) per slot, and blocks within 5 SD of 1 − Π(1 − each chance) per slot', () => {
		for (const [coins, run] of [
			[unsplitCoins(), unsplit()],
			[splitCoins(), split()],
		] as const) {
			expect(run.disagreements).toBe(0);
			// Every coin's try is an independent Bernoulli: the count of winners is a sum of them.
			const chances = coins.map(winChance);
			const winMean = SLOTS * chances.reduce((a, p) => a + p, 0);
			const winSd = Math.sqrt(SLOTS * chances.reduce((a, p) => a + p * (1 - p), 0));
			expect(Math.abs(run.winningCoins - winMean)).toBeLessThan(COUNT_SIGMAS * winSd);
			// A slot has a block when at least one coin wins: binomial over slots, a little under 1/4.
			const slotChance = 1 - chances.reduce((a, p) => a * (1 - p), 1);
			const blockMean = SLOTS * slotChance;
			const blockSd = Math.sqrt(SLOTS * slotChance * (1 - slotChance));
			expect(Math.abs(run.totalBlocks - blockMean)).toBeLessThan(COUNT_SIGMAS * blockSd);
			expect(run.blocks.reduce((a, b) => a + b, 0)).toBe(run.totalBlocks);
		}
	});

	it('one coin per staker: block shares fit stake shares (χ² < 16.266, df 3, p = 0.001), and a Nxt-style per-account hit over as many blocks does not (χ² > 16.266)', () => {
		const run = unsplit();
		const posChi2 = chiSquare(run.blocks, STAKE_SHARES);
		const nxt = simulateNxt(run.totalBlocks);
		const nxtChi2 = chiSquare(nxt, STAKE_SHARES);
		console.log(`PoS unsplit: ${run.totalBlocks} blocks, shares ${shares(run.blocks)}, χ² ${posChi2.toFixed(3)}`);
		console.log(`Nxt control: ${run.totalBlocks} blocks, shares ${shares(nxt)}, χ² ${nxtChi2.toFixed(3)}`);
		expect(posChi2).toBeLessThan(CHI2_CRITICAL_DF3);
		// The negative control: the same test on a lottery that favours the rich must reject it.
		expect(nxtChi2).toBeGreaterThan(CHI2_CRITICAL_DF3);
	});

	it("staker 4's coin split into 10 outputs of a tenth: block shares fit stake shares (χ² < 16.266), and staker 4's share matches the unsplit run (|z| < 3.29)", () => {
		const before = unsplit();
		const after = split();
		const chi2 = chiSquare(after.blocks, STAKE_SHARES);
		const last = STAKE_UNITS.length - 1;
		// Both runs start from the same modifier but diverge at the first block the split coins change,
		// so they are close to independent samples.
		const z = twoProportionZ(before.blocks[last]!, before.totalBlocks, after.blocks[last]!, after.totalBlocks);
		console.log(`PoS split:   ${after.totalBlocks} blocks, shares ${shares(after.blocks)}, χ² ${chi2.toFixed(3)}, z against unsplit ${z.toFixed(3)}`);
		expect(chi2).toBeLessThan(CHI2_CRITICAL_DF3);
		expect(Math.abs(z)).toBeLessThan(Z_CRITICAL);
	});
});
