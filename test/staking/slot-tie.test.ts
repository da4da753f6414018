/**
 * Two winners in one slot: two staked blocks on the same parent at the same time, from different
 * coins. Every node must settle on the same one, the lower kernel rank, whichever came first.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {posregtest} from '../../source/node/consensus/networks.js';
import {kernelHash, kernelRank} from '../../source/node/consensus/kernel.js';
import {targetFromBits} from '../../source/node/consensus/pow.js';
import {buildStakedBlock} from '../../source/node/staking/stake-block.js';
import type {Block} from '../../source/node/primitives/block.js';
import {p2pkhScript} from '../../source/node/primitives/script.js';
import {decodeAddress} from '../../source/node/crypto/address.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

async function openNode(now: () => number): Promise<FullNode> {
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-tie-'));
	const node = await FullNode.open({network: posregtest, datadir: dir, verifyThreads: 1, now});
	cleanups.push(async () => {
		await node.close();
		await rm(dir, {recursive: true, force: true});
	});
	return node;
}

describe('a tie of one slot', () => {
	it('two nodes given two same-slot siblings in opposite orders both end on the one with the lower kernel rank', async () => {
		const stake = posregtest.stake!;
		let clock = posregtest.genesis.header.time + 1000;
		const now = () => clock;
		const a = await openNode(now);
		const b = await openNode(now);
		// The bootstrap pays a new key per block, so there are several coins to win with.
		for (let i = 0; i < stake.powBlocks; i++) {
			const address = await a.wallet.createAddress(`coin ${i}`);
			const [block] = await a.miner.generate(1, p2pkhScript(decodeAddress(address, posregtest.addressVersion)));
			await b.chain.add(block!);
		}
		expect(b.chain.tip.hashHex).toBe(a.chain.tip.hashHex);

		const tip = a.chain.tip;
		const height = tip.height + 1;
		const bits = a.chain.requiredBits(tip);
		const target = targetFromBits(bits, stake.limit)!;
		const modifier = await a.chain.stakeModifier(tip);
		const coins = await a.wallet.stakeableCoins(height, stake.minStakeAge);
		expect(coins.length).toBeGreaterThanOrEqual(2);
		// The first slot in which two coins win (each ~2.5% a slot: one in ~100 slots has two).
		let found: {slot: number; winners: {coin: (typeof coins)[number]; rank: bigint}[]} | null = null;
		for (let slot = tip.time + 1; slot < tip.time + 20_000 && !found; slot++) {
			const winners = coins.flatMap(coin => {
				const rank = kernelRank(kernelHash(modifier, a.chain.getAncestor(tip, coin.coin.height)!.time, coin.prevout, slot), target, coin.coin.value);
				return rank === null ? [] : [{coin, rank}];
			});
			if (winners.length >= 2) found = {slot, winners};
		}
		expect(found).not.toBeNull();
		const [x, y] = found!.winners;
		const build = (w: {coin: (typeof coins)[number]}): Block =>
			buildStakedBlock({prevHash: tip.hash, height, time: found!.slot, bits, kernel: w.coin, privateKey: a.wallet.keystore.privateKey(w.coin.publicKey), reward: stake.reward, txs: [], fees: 0n});
		const bx = build(x!);
		const by = build(y!);
		const lower = x!.rank < y!.rank ? bx : by;
		clock = found!.slot + 1;

		await a.chain.add(bx);
		await a.chain.add(by);
		await b.chain.add(by);
		await b.chain.add(bx);
		expect(a.chain.tip.hashHex).toBe(lower.hashHex());
		expect(b.chain.tip.hashHex).toBe(lower.hashHex());
		expect(a.chain.height).toBe(height);
	});
});
