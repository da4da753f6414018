/**
 * A node joining a proof-of-stake network late: it takes staked headers at most 500 ahead of the
 * blocks it has checked, fetches and checks those, asks on, and so reaches the staker's tip over
 * real TCP, every kernel checked on the way. And a node offered a heavier branch forking deeper
 * than the reorganisation limit refuses it and says so.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {posregtest} from '../../source/node/consensus/networks.js';
import {MAX_UNCHECKED_STAKED_HEADERS} from '../../source/node/chain/chain.js';
import {Staker} from '../../source/node/staking/staker.js';
import {waitFor} from '../helpers/net-env.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

async function openNode(now: () => number, peers: string[] = [], walletPath?: string): Promise<FullNode> {
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-pos-sync-'));
	const node = await FullNode.open({network: posregtest, datadir: dir, verifyThreads: 1, now, port: 0, host: '127.0.0.1', peers, ...(walletPath ? {walletPath} : {})});
	cleanups.push(async () => {
		await node.close();
		await rm(dir, {recursive: true, force: true});
	});
	return node;
}

describe('joining a staked chain', () => {
	it(`a fresh node syncs ${MAX_UNCHECKED_STAKED_HEADERS + 200} staked blocks over TCP, taking headers in steps of at most ${MAX_UNCHECKED_STAKED_HEADERS} ahead of checked blocks, and ends on the same tip and stake modifier`, async () => {
		const stake = posregtest.stake!;
		const length = MAX_UNCHECKED_STAKED_HEADERS + 200;
		let clock = posregtest.genesis.header.time + 1000;
		const now = () => clock;
		const a = await openNode(now);
		await a.generate(stake.powBlocks);
		const staker = new Staker({chain: a.chain, mempool: a.mempool, wallet: a.wallet, now, timer: false});
		cleanups.push(async () => staker.close());
		staker.start();
		// ~1 block in 4 slots: 40 slots a block fails with probability far below 1e-9 at every height.
		for (let slot = 0; slot < 40 * length && a.chain.height < stake.powBlocks + length; slot++) {
			clock++;
			await staker.tryOnce(clock);
		}
		expect(a.chain.height).toBe(stake.powBlocks + length);
		const built = Date.now();

		const b = await openNode(now, [`127.0.0.1:${a.pool!.port}`]);
		let ahead = 0;
		const watch = setInterval(() => (ahead = Math.max(ahead, b.chain.bestHeader.height - b.chain.height)), 5);
		cleanups.push(async () => clearInterval(watch));
		await waitFor(() => b.chain.tip.hashHex === a.chain.tip.hashHex, 'b on a\'s tip', 60_000);
		clearInterval(watch);
		console.log(`pos sync: ${length} staked blocks synced in ${Date.now() - built} ms; at most ${ahead} headers ahead of checked blocks`);
		expect(ahead).toBeLessThanOrEqual(MAX_UNCHECKED_STAKED_HEADERS);
		expect(ahead).toBeGreaterThan(0);
		expect(await b.chain.stakeModifier(b.chain.tip)).toEqual(await a.chain.stakeModifier(a.chain.tip));
	}, 120_000);

	it('offered over TCP a heavier staked branch forking deeper than the reorganisation limit, a node refuses its headers, stays on its tip and says so in its log', async () => {
		const stake = posregtest.stake!;
		let clock = posregtest.genesis.header.time + 1000;
		const now = () => clock;
		const stakeOn = async (node: FullNode, blocks: number) => {
			const staker = new Staker({chain: node.chain, mempool: node.mempool, wallet: node.wallet, now, timer: false});
			staker.start();
			const target = node.chain.height + blocks;
			for (let slot = 0; slot < 40 * blocks && node.chain.height < target; slot++) {
				clock++;
				await staker.tryOnce(clock);
			}
			staker.close();
			expect(node.chain.height).toBe(target);
		};
		const a = await openNode(now);
		await a.generate(stake.powBlocks);
		await stakeOn(a, 2);
		// b shares a's chain to here and its keys (one wallet file), then each stakes its own branch.
		const b = await openNode(now, [], a.wallet.keystore.path);
		for (let h = 1; h <= a.chain.height; h++) await b.chain.add((await a.chain.getBlockByHeight(h))!);
		const fork = a.chain.height;
		await stakeOn(a, stake.maxReorgDepth + 10);
		await stakeOn(b, stake.maxReorgDepth + 2);
		expect(a.chain.tip.chainwork).toBeGreaterThan(b.chain.tip.chainwork);
		const tip = b.chain.tip.hashHex;

		const lines: string[] = [];
		b.on('log', line => lines.push(line));
		await b.pool!.addPeer(`127.0.0.1:${a.pool!.port}`);
		await waitFor(() => lines.some(l => l.includes('offers a branch')), 'b saying it refused the branch', 30_000);
		expect(lines.filter(l => l.includes('offers a branch'))).toEqual([
			`peer 127.0.0.1:${a.pool!.port} offers a branch leaving our chain at height ${fork}, ${stake.maxReorgDepth + 2} blocks below our tip, deeper than the ${stake.maxReorgDepth}-block limit: refused, staying on ours; clone from a host you trust to switch`,
		]);
		expect(b.chain.tip.hashHex).toBe(tip);
		expect(b.chain.getEntry(a.chain.getAncestor(a.chain.tip, fork + 1)!.hash)).toBeUndefined();
	}, 60_000);
});
