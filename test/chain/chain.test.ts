import {afterEach, describe, expect, it} from 'vitest';
import {OutPoint, TxOut} from '../../source/node/primitives/tx.js';
import {bpmScript} from '../../source/node/primitives/script.js';
import {blockWork} from '../../source/node/consensus/pow.js';
import type {Chain, ReorgInfo} from '../../source/node/chain/chain.js';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import {assemble, coinbaseOf, extend, key, nextBlock, spend} from '../helpers/builder.js';
import {asertNet, quickNet, snapshot, tempChain, type TempChain} from '../helpers/chain-env.js';

let env: TempChain;
afterEach(async () => {
	await env?.cleanup();
});

/** Closes and reopens the datadir and checks tip and UTXO set came back unchanged. */
async function expectSameAfterRestart(): Promise<void> {
	const before = await snapshot(env.chain);
	await env.reopen();
	expect(await snapshot(env.chain)).toEqual(before);
}

describe('linear growth', () => {
	it('connects blocks one after another, indexes them and survives a restart', async () => {
		env = await tempChain();
		const chain = env.chain;
		const connected: number[] = [];
		const tips: number[] = [];
		chain.on('connect', entry => connected.push(entry.height));
		chain.on('tip', entry => tips.push(entry.height));

		const blocks = await extend(chain, 10);
		expect(chain.height).toBe(10);
		expect(chain.tip.hashHex).toBe(blocks[9]!.hashHex());
		expect(connected).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(tips).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(chain.tip.chainwork).toBe(blockWork(quickNet.genesis.header.bits) * 11n);

		const fifth = await chain.getBlockByHeight(5);
		expect(fifth?.hashHex()).toBe(blocks[4]!.hashHex());
		const located = await chain.getTx(blocks[2]!.txs[0]!.txid());
		expect(located?.entry.height).toBe(3);
		expect(located?.confirmations).toBe(8);

		// Every coinbase pays key("miner"): ten coins of 50.
		const miner = key('miner');
		const coins = await chain.getAddressCoins(miner.hash);
		expect(coins).toHaveLength(10);
		expect(coins.reduce((sum, c) => sum + c.coin.value, 0n)).toBe(500n * 100_000_000n);
		const history = await chain.getAddressHistory(miner.hash);
		expect(history.map(h => h.height)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(history.every(h => h.kind === 'received')).toBe(true);

		await expectSameAfterRestart();
		expect(env.chain.getEntryByHeight(7)?.hashHex).toBe(blocks[6]!.hashHex());
	});

	it('spends coins, pays fees to the miner and moves them between addresses', async () => {
		env = await tempChain();
		const chain = env.chain;
		const [b1] = await extend(chain, 4);
		const alice = key('alice');
		const bob = key('bob');
		const tx1 = spend([coinbaseOf(b1!)], [new TxOut(30n * 100_000_000n, alice.script), new TxOut(19n * 100_000_000n, bob.script)]);
		// Spend an output of tx1 in the same block: in-block chains work.
		const tx2 = spend(
			[{prevout: new OutPoint(tx1.hash(), 0), value: 30n * 100_000_000n, key: alice}],
			[new TxOut(29n * 100_000_000n, bob.script)],
		);
		const fees = 2n * 100_000_000n;
		const block = nextBlock(chain, chain.tip, {txs: [tx1, tx2], fees});
		expect((await chain.add(block)).status).toBe('connected');

		expect(await chain.getCoin(new OutPoint(b1!.txs[0]!.hash(), 0))).toBeNull();
		expect(await chain.getCoin(new OutPoint(tx1.hash(), 0))).toBeNull();
		expect((await chain.getCoin(new OutPoint(tx2.hash(), 0)))?.value).toBe(29n * 100_000_000n);
		expect((await chain.getAddressCoins(alice.hash)).length).toBe(0);
		const bobCoins = await chain.getAddressCoins(bob.hash);
		expect(bobCoins.reduce((s, c) => s + c.coin.value, 0n)).toBe(48n * 100_000_000n);
		const aliceHistory = await chain.getAddressHistory(alice.hash);
		expect(aliceHistory.map(h => `${h.kind}:${h.value}`)).toEqual([`received:${30n * 100_000_000n}`, `spent:${30n * 100_000_000n}`]);
		expect(block.txs[0]!.outputs[0]!.value).toBe(52n * 100_000_000n);
		await expectSameAfterRestart();
	});

	it('indexes BPM readings under the address of input 0', async () => {
		env = await tempChain();
		const chain = env.chain;
		const [b1, b2] = await extend(chain, 4);
		const miner = key('miner');
		const reading = spend([coinbaseOf(b1!)], [new TxOut(0n, bpmScript(72)), new TxOut(49n * 100_000_000n, miner.script)]);
		const other = spend([coinbaseOf(b2!)], [new TxOut(0n, bpmScript(130)), new TxOut(49n * 100_000_000n, key('x').script)]);
		await chain.add(nextBlock(chain, chain.tip, {txs: [reading, other], fees: 2n * 100_000_000n}));
		const all = await chain.getBpmRecords();
		expect(all.map(r => r.bpm)).toEqual(expect.arrayContaining([72, 130]));
		expect(all).toHaveLength(2);
		const mine = await chain.getBpmRecords(miner.hash);
		expect(mine).toHaveLength(2); // both inputs 0 belong to the miner key
		expect(mine.every(r => r.height === 5)).toBe(true);
		expect(await chain.getBpmRecords(key('x').hash)).toHaveLength(0);
	});
});

/** `n` blocks from genesis, `gap` seconds apart. */
async function buildFrom(c: Chain, n: number, gap: number, tag: number): Promise<ChainEntry> {
	let at = c.getEntry(c.network.genesis.hash())!;
	for (let i = 0; i < n; i++) {
		const block = nextBlock(c, at, {time: at.time + gap, tag});
		await c.add(block, {requested: true});
		at = c.getEntry(block.hash())!;
	}
	return at;
}

describe('forks and reorganisations', () => {
	it('reorganises to a fork with more work, three deep, and back again', async () => {
		env = await tempChain();
		const chain = env.chain;
		await extend(chain, 2);
		const fork = chain.tip;
		const a = await extend(chain, 3, {tag: 1});
		expect(chain.height).toBe(5);

		const reorgs: ReorgInfo[] = [];
		const disconnected: number[] = [];
		chain.on('reorganize', info => reorgs.push(info));
		chain.on('disconnect', entry => disconnected.push(entry.height));

		// Equal work: the first seen stays.
		const b = await extend(chain, 3, {tag: 2}, fork);
		expect(chain.tip.hashHex).toBe(a[2]!.hashHex());
		expect(reorgs).toHaveLength(0);
		// One more block gives B more work.
		const b4 = await extend(chain, 1, {tag: 2}, chain.getEntry(b[2]!.hash())!);
		expect(chain.tip.hashHex).toBe(b4[0]!.hashHex());
		expect(reorgs).toHaveLength(1);
		expect(reorgs[0]!.depth).toBe(3);
		expect(reorgs[0]!.fork).toBe(fork);
		expect(disconnected).toEqual([5, 4, 3]);
		await expectSameAfterRestart();

		// And back: A grows to 5 blocks past the fork, beating B's 4.
		const a2 = await extend(env.chain, 2, {tag: 1}, env.chain.getEntry(a[2]!.hash())!);
		expect(env.chain.tip.hashHex).toBe(a2[1]!.hashHex());
		expect(env.chain.height).toBe(7);
		const tips = env.chain.getTips();
		expect(tips.find(t => t.status === 'active')?.hash).toBe(a2[1]!.hashHex());
		expect(tips.find(t => t.hash === b4[0]!.hashHex())).toMatchObject({status: 'valid-fork', branchLength: 4});
		await expectSameAfterRestart();
	});

	it('keeps the branch with most work even when another is longer (ASERT chain)', async () => {
		env = await tempChain(asertNet);
		const c = env.chain;
		const fast = await buildFrom(c, 7, 1, 1);
		// Fast blocks (1 s apart, 9 s ahead of schedule each) made the difficulty harder.
		expect(blockWork(fast.header.bits)).toBeGreaterThan(blockWork(asertNet.genesis.header.bits));
		const slow = await buildFrom(c, 12, 100, 2);
		expect(slow.height).toBe(12);
		expect(slow.chainwork).toBeLessThan(fast.chainwork);
		expect(c.tip).toBe(fast);
		expect(c.getTips().find(t => t.entry === slow)).toMatchObject({status: 'valid-headers', branchLength: 12});
		await expectSameAfterRestart();
	});

	it('reorganises to a shorter branch that has more work', async () => {
		env = await tempChain(asertNet);
		const c = env.chain;
		const slow = await buildFrom(c, 12, 100, 2);
		expect(c.tip).toBe(slow);
		const reorgs: ReorgInfo[] = [];
		c.on('reorganize', info => reorgs.push(info));
		const fast = await buildFrom(c, 7, 1, 1);
		expect(c.tip).toBe(fast);
		expect(c.height).toBe(7);
		expect(reorgs.map(r => r.depth)).toEqual([12]);
		await expectSameAfterRestart();
	});

	it('undoes a spend across a reorg and applies the double spend of the other branch', async () => {
		env = await tempChain();
		const chain = env.chain;
		const [b1] = await extend(chain, 4);
		const fork = chain.tip;
		const coin = coinbaseOf(b1!);
		const alice = key('alice');
		const bob = key('bob');
		const toAlice = spend([coin], [new TxOut(coin.value - 1000n, alice.script)]);
		const toBob = spend([coin], [new TxOut(coin.value - 2000n, bob.script)]);

		await chain.add(nextBlock(chain, fork, {txs: [toAlice], fees: 1000n, tag: 1}));
		expect(await chain.getAddressCoins(alice.hash)).toHaveLength(1);
		const before = await snapshot(chain);

		const bBlock1 = nextBlock(chain, fork, {txs: [toBob], fees: 2000n, tag: 2});
		expect((await chain.add(bBlock1)).status).toBe('side');
		expect(await snapshot(chain)).toEqual(before); // a side block changes no state
		await extend(chain, 1, {tag: 2}, chain.getEntry(bBlock1.hash())!);

		expect(chain.height).toBe(6);
		expect(await chain.getAddressCoins(alice.hash)).toHaveLength(0);
		expect(await chain.getAddressHistory(alice.hash)).toHaveLength(0);
		expect(await chain.getTx(toAlice.hash())).toBeNull();
		expect((await chain.getAddressCoins(bob.hash))[0]?.coin.value).toBe(coin.value - 2000n);
		expect((await chain.getTx(toBob.hash()))?.confirmations).toBe(2);
		// The original coin is spent on this branch too, and the miner's history records it once.
		expect(await chain.getCoin(coin.prevout)).toBeNull();
		await expectSameAfterRestart();
	});

	it('falls back to the old branch when the heavier branch turns out invalid', async () => {
		env = await tempChain();
		const chain = env.chain;
		await extend(chain, 4);
		const fork = chain.tip;
		const a = await extend(chain, 1, {tag: 1});
		const invalid: string[] = [];
		chain.on('invalid', (_entry, error) => invalid.push(error.reason));
		// B: a valid block, then one whose coinbase pays too much: B has more work until checked.
		const b1 = nextBlock(chain, fork, {tag: 2});
		await chain.add(b1);
		const b2 = nextBlock(chain, chain.getEntry(b1.hash())!, {tag: 2, value: 51n * 100_000_000n});
		await expect(chain.add(b2)).rejects.toMatchObject({reason: 'bad-cb-amount', score: 100});
		expect(chain.tip.hashHex).toBe(a[0]!.hashHex());
		expect(invalid).toEqual(['bad-cb-amount']);
		const b3 = nextBlock(chain, chain.getEntry(b2.hash())!, {tag: 2});
		await expect(chain.add(b3)).rejects.toMatchObject({reason: 'bad-prevblk'});
		await expect(chain.add(b2)).rejects.toMatchObject({reason: 'duplicate-invalid'});
		expect(chain.getTips().find(t => t.hash === b2.hashHex())?.status).toBe('invalid');
		await expectSameAfterRestart();
		expect(env.chain.getEntry(b2.hash())?.failed).toBe(true);
	});
});

describe('orphans', () => {
	it('holds blocks whose parent is missing and connects them when it arrives', async () => {
		env = await tempChain();
		const chain = env.chain;
		// Build 4 blocks on a scratch chain, then feed them here in reverse.
		const scratch = await tempChain();
		const blocks = await extend(scratch.chain, 4);
		await scratch.cleanup();
		const orphaned: string[] = [];
		chain.on('orphan', block => orphaned.push(block.hashHex()));
		for (const block of blocks.slice(1).reverse()) expect((await chain.add(block)).status).toBe('orphan');
		expect(chain.orphanCount).toBe(3);
		expect(orphaned).toHaveLength(3);
		expect(chain.height).toBe(0);
		expect((await chain.add(blocks[0]!)).status).toBe('connected');
		expect(chain.height).toBe(4);
		expect(chain.tip.hashHex).toBe(blocks[3]!.hashHex());
		expect(chain.orphanCount).toBe(0);
		await expectSameAfterRestart();
	});

	it('keeps at most maxOrphans blocks, dropping the oldest', async () => {
		env = await tempChain(quickNet, {maxOrphans: 5});
		const scratch = await tempChain();
		const blocks = await extend(scratch.chain, 8);
		await scratch.cleanup();
		for (const block of blocks.slice(1)) await env.chain.add(block);
		expect(env.chain.orphanCount).toBe(5);
		expect(env.chain.hasOrphan(blocks[1]!.hashHex())).toBe(false);
		expect(env.chain.hasOrphan(blocks[2]!.hashHex())).toBe(false);
		expect(env.chain.hasOrphan(blocks[7]!.hashHex())).toBe(true);
		// The parent arrives, but blocks 2 and 3 were dropped: only block 1 connects.
		await env.chain.add(blocks[0]!);
		expect(env.chain.height).toBe(1);
	});

	it('keeps orphans within a byte bound', async () => {
		env = await tempChain(quickNet, {maxOrphanBytes: 1000});
		const scratch = await tempChain();
		const blocks = await extend(scratch.chain, 10);
		await scratch.cleanup();
		for (const block of blocks.slice(1)) await env.chain.add(block);
		const size = blocks[1]!.getSize();
		expect(env.chain.orphanCount).toBe(Math.floor(1000 / size));
	});
});

describe('headers and queries', () => {
	it('stores headers ahead of blocks and reports them as a headers-only tip', async () => {
		env = await tempChain();
		const scratch = await tempChain();
		const blocks = await extend(scratch.chain, 5);
		await scratch.cleanup();
		const chain = env.chain;
		for (const block of blocks) await chain.addHeader(block.header);
		expect(chain.height).toBe(0);
		expect(chain.getTips().find(t => t.status === 'headers-only')).toMatchObject({height: 5, branchLength: 5});
		const stray = assemble({hash: new Uint8Array(32).fill(9), time: chain.tip.time}, 9, {}, quickNet, 0x207fffff);
		await expect(chain.addHeader(stray.header)).rejects.toMatchObject({reason: 'prev-blk-not-found'});
		expect(chain.getEntry(stray.hash())).toBeUndefined();
		for (const block of blocks) await chain.add(block);
		expect(chain.height).toBe(5);
		expect(chain.getTips()).toHaveLength(1);
		await expectSameAfterRestart();
	});

	it('builds a block locator and answers getheaders from it', async () => {
		env = await tempChain();
		const chain = env.chain;
		await extend(chain, 30);
		const locator = chain.getLocator();
		const heights = locator.map(h => chain.getEntry(h)!.height);
		// As Bitcoin Core's CChain::GetLocator: ten single steps, then doubling, genesis last.
		expect(heights).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 17, 13, 5, 0]);
		const at12 = chain.getEntryByHeight(12)!;
		const headers = chain.getHeadersAfter([new Uint8Array(32).fill(7), at12.hash], undefined, 5);
		expect(headers.map(h => chain.getEntry(h.hash())!.height)).toEqual([13, 14, 15, 16, 17]);
		const stop = chain.getEntryByHeight(15)!.hash;
		expect(chain.getHeadersAfter([at12.hash], stop)).toHaveLength(3);
		expect(chain.getHeadersAfter([new Uint8Array(32)])).toHaveLength(31); // unknown locator: from genesis
	});

	it('computes median time past over the last 11 blocks', async () => {
		env = await tempChain();
		const chain = env.chain;
		const t0 = chain.tip.time;
		const gaps = [5, 1, 9, 2, 7, 3, 8, 4, 6, 10, 11, 12];
		let at = chain.tip;
		for (const g of gaps) {
			const block = nextBlock(chain, at, {time: at.time + g});
			await chain.add(block);
			at = chain.getEntry(block.hash())!;
		}
		const times: number[] = [];
		for (let e: typeof at | null = at; e && times.length < 11; e = e.prev) times.push(e.time);
		times.sort((x, y) => x - y);
		expect(chain.medianTimePast(at)).toBe(times[5]);
		expect(chain.medianTimePast(at)).toBeGreaterThan(t0);
	});
});

describe('one queue serialises every change', () => {
	it('blocks handed over concurrently connect in order; the same block twice is a duplicate', async () => {
		env = await tempChain();
		const scratch = await tempChain();
		const blocks = await extend(scratch.chain, 12);
		await scratch.cleanup();
		const results = await Promise.all([...blocks.map(b => env.chain.add(b)), env.chain.add(blocks[11]!)]);
		expect(results.slice(0, 12).every(r => r.status === 'connected')).toBe(true);
		expect(results[12]!.status).toBe('duplicate');
		expect(env.chain.height).toBe(12);
		await expectSameAfterRestart();
	});
});

describe('what an unrequested block may cost us', () => {
	it('keeps only the header of an unrequested block on a branch with less work', async () => {
		env = await tempChain();
		const chain = env.chain;
		await extend(chain, 2);
		const fork = chain.tip;
		await extend(chain, 2, {tag: 1});
		const weak = nextBlock(chain, fork, {tag: 2});
		const result = await chain.add(weak);
		expect(result.status).toBe('too-little-work');
		expect(chain.getEntry(weak.hash())?.hasData).toBe(false);
		expect(await chain.getBlock(weak.hash())).toBeNull();
		expect(chain.getTips().find(t => t.hash === weak.hashHex())?.status).toBe('headers-only');
		// Asked for (by sync), the same block is stored.
		expect((await chain.add(weak, {requested: true})).status).toBe('side');
		expect(await chain.getBlock(weak.hash())).not.toBeNull();
	});

	it('breaks ties by when a branch became complete, not when a block arrived (as Core)', async () => {
		env = await tempChain();
		const chain = env.chain;
		const [m1] = await extend(chain, 1, {tag: 1});
		const genesis = chain.getEntryByHeight(0)!;
		// S1's header, then S2's body while S1's body is still missing.
		const s1 = nextBlock(chain, genesis, {tag: 2});
		await chain.addHeader(s1.header);
		const s2 = nextBlock(chain, chain.getEntry(s1.hash())!, {tag: 2});
		await chain.add(s2, {requested: true});
		// M2 completes first.
		const [m2] = await extend(chain, 1, {tag: 1}, chain.getEntry(m1!.hash())!);
		expect(chain.tip.hashHex).toBe(m2!.hashHex());
		// S1's body arrives: S2's branch is now complete, with equal work, but later: no reorg.
		await chain.add(s1, {requested: true});
		expect(chain.tip.hashHex).toBe(m2!.hashHex());
		await expectSameAfterRestart();
		expect(env.chain.tip.hashHex).toBe(m2!.hashHex());
		// A reindex keeps the same tip among equal-work branches.
		await env.reopen({reindex: true});
		expect(env.chain.tip.hashHex).toBe(m2!.hashHex());
	});

	it('marks every descendant of an invalid block, however long the branch', async () => {
		env = await tempChain();
		const chain = env.chain;
		// Block 1 whose coinbase claims height 2: its header is fine, its body is not.
		const bad = nextBlock(chain, chain.tip, {coinbaseHeight: 2});
		await chain.addHeader(bad.header);
		const branch = [chain.getEntry(bad.hash())!];
		for (let i = 0; i < 30; i++) {
			const header = nextBlock(chain, branch[branch.length - 1]!, {tag: 3}).header;
			branch.push(await chain.addHeader(header));
		}
		await expect(chain.add(bad)).rejects.toMatchObject({reason: 'bad-cb-height'});
		expect(branch.every(e => e.failed)).toBe(true);
		expect(chain.getTips().find(t => t.entry === branch[30])?.status).toBe('invalid');
		await expect(chain.addHeader(nextBlock(chain, branch[30]!).header)).rejects.toMatchObject({reason: 'bad-prevblk'});
		await expectSameAfterRestart();
		expect(env.chain.getEntry(branch[30]!.hash)?.failed).toBe(true);
	});
});
