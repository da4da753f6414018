/**
 * Staking end to end in one node: the mined bootstrap, then blocks staked by the wallet's coins,
 * each checked by the chain as any peer's block would be (kernel, commitment, reward), and the
 * refusals a proof-of-stake network owes a user who asks to mine.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {posregtest} from '../../source/node/consensus/networks.js';
import {COINSTAKE_INDEX} from '../../source/node/consensus/engine.js';
import {kernelHash, meetsKernel, stakeCommitment} from '../../source/node/consensus/kernel.js';
import {merkleRoot} from '../../source/node/primitives/merkle.js';
import {nullData} from '../../source/node/primitives/script.js';
import {targetFromBits} from '../../source/node/consensus/pow.js';
import {MiningRefusedError} from '../../source/node/mining/miner.js';
import {Staker} from '../../source/node/staking/staker.js';
import {utxoSetInfo} from '../../source/node/chain/utxo-stats.js';
import {toHex} from '../../source/node/encoding/hex.js';
import type {Block} from '../../source/node/primitives/block.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

async function stakingNode() {
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-stake-'));
	let clock = posregtest.genesis.header.time + 1000;
	const node = await FullNode.open({network: posregtest, datadir: dir, verifyThreads: 1, now: () => clock});
	cleanups.push(async () => {
		await node.close();
		await rm(dir, {recursive: true, force: true});
	});
	const staker = new Staker({chain: node.chain, mempool: node.mempool, wallet: node.wallet, now: () => clock, timer: false});
	cleanups.push(async () => staker.close());
	return {node, staker, dir, advance: (seconds: number) => (clock += seconds), now: () => clock};
}

describe('staking on posregtest', () => {
	it('mines the 10-block bootstrap, refuses an 11th mined block, then stakes 30 blocks on the active chain whose kernels, commitments and rewards check again here', async () => {
		const {node, staker, advance, now} = await stakingNode();
		const stake = posregtest.stake!;
		await node.generate(stake.powBlocks);
		expect(node.chain.height).toBe(stake.powBlocks);
		await expect(node.generate(1)).rejects.toBeInstanceOf(MiningRefusedError);
		await expect(node.startMining()).rejects.toThrow(/staked/);

		staker.start();
		const before = (await node.wallet.addresses()).reduce((sum, a) => sum + a.confirmed + a.immature, 0n);
		const staked: Block[] = [];
		// Each slot wins with probability ~1/4 at the start bits; 2,000 slots for 30 blocks fails
		// with probability far below 1e-9.
		for (let slot = 0; slot < 2000 && staked.length < 30; slot++) {
			advance(1);
			const block = await staker.tryOnce(now());
			if (block) staked.push(block);
		}
		expect(staked).toHaveLength(30);
		expect(node.chain.height).toBe(stake.powBlocks + 30);
		for (const block of staked) {
			const entry = node.chain.getEntry(block.hash())!;
			expect(node.chain.isMain(entry)).toBe(true);
			// The kernel, recomputed here from the chain's stored modifier and coin.
			const coinstake = block.txs[COINSTAKE_INDEX]!;
			expect(coinstake.outputs[1]!.value - (await stakedValue(node, block))).toBe(stake.reward);
			const modifier = await node.chain.stakeModifier(entry.prev!);
			const prevout = coinstake.inputs[0]!.prevout;
			const coinTime = (await node.chain.getTx(prevout.txid))!.entry.time;
			const hash = kernelHash(modifier, coinTime, prevout, block.header.time);
			const others = block.txs.filter((_, i) => i !== COINSTAKE_INDEX).map(tx => tx.hash());
			const h = block.header;
			expect(nullData(coinstake.outputs[0]!.script)).toEqual(stakeCommitment(h.version, h.prevHash, h.time, h.bits, merkleRoot(others).root));
			expect(meetsKernel(hash, targetFromBits(block.header.bits, stake.limit)!, await stakedValue(node, block))).toBe(true);
		}
		const after = (await node.wallet.addresses()).reduce((sum, a) => sum + a.confirmed + a.immature, 0n);
		expect(after - before).toBe(30n * stake.reward);
		const status = staker.status();
		expect(status.won).toBe(30);
		expect(status.expected).toBeGreaterThan(0);
		expect(status.lastTries.length).toBeGreaterThan(0);
		expect(status.weight).toBeGreaterThan(0n);
	});

	it('--reindex rebuilds a staked chain from its blocks: the same tip, coins and stake modifiers', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'chain-tui-stake-reindex-'));
		cleanups.push(() => rm(dir, {recursive: true, force: true}));
		let clock = posregtest.genesis.header.time + 1000;
		const now = () => clock;
		let node = await FullNode.open({network: posregtest, datadir: dir, verifyThreads: 1, now});
		await node.generate(posregtest.stake!.powBlocks);
		const staker = new Staker({chain: node.chain, mempool: node.mempool, wallet: node.wallet, now, timer: false});
		staker.start();
		for (let slot = 0; slot < 1000 && node.chain.height < posregtest.stake!.powBlocks + 20; slot++) {
			clock++;
			await staker.tryOnce(clock);
		}
		staker.close();
		expect(node.chain.height).toBe(posregtest.stake!.powBlocks + 20);
		const tip = node.chain.tip.hashHex;
		const modifiers = [];
		for (let h = 1; h <= node.chain.height; h++) modifiers.push(toHex(await node.chain.stakeModifier(node.chain.getEntryByHeight(h)!)));
		const utxo = (await utxoSetInfo(node.chain)).hash;
		await node.close();

		node = await FullNode.open({network: posregtest, datadir: dir, verifyThreads: 1, now, reindex: true});
		try {
			expect(node.chain.tip.hashHex).toBe(tip);
			expect((await utxoSetInfo(node.chain)).hash).toBe(utxo);
			const again = [];
			for (let h = 1; h <= node.chain.height; h++) again.push(toHex(await node.chain.stakeModifier(node.chain.getEntryByHeight(h)!)));
			expect(again).toEqual(modifiers);
		} finally {
			await node.close();
		}
	});

	it('does not stake while the wallet is locked, and says so', async () => {
		const {node, staker, advance, now} = await stakingNode();
		await node.generate(posregtest.stake!.powBlocks);
		await node.wallet.keystore.encrypt('correct horse');
		staker.start();
		advance(1);
		expect(await staker.tryOnce(now())).toBeNull();
		expect(staker.status()).toMatchObject({enabled: true, staking: false, reason: 'locked'});
		await node.wallet.keystore.unlock('correct horse', 600);
		let found: Block | null = null;
		for (let slot = 0; slot < 400 && !found; slot++) {
			advance(1);
			found = await staker.tryOnce(now());
		}
		expect(found).not.toBeNull();
		expect(staker.status().staking).toBe(true);
	});
});

/** The value of the coin a staked block's coinstake spent (from the block that made it). */
async function stakedValue(node: FullNode, block: Block): Promise<bigint> {
	const prevout = block.txs[COINSTAKE_INDEX]!.inputs[0]!.prevout;
	const found = (await node.chain.getTx(prevout.txid))!;
	return found.tx.outputs[prevout.index]!.value;
}

