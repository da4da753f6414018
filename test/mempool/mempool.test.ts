import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ENTRY_OVERHEAD, Mempool, type MempoolEntry, type RemoveReason} from '../../source/node/mempool/mempool.js';
import {CachingVerifier, inlineVerifier, type SigVerifier} from '../../source/node/verify/verifier.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {bpmScript, OP} from '../../source/node/primitives/script.js';
import type {Block} from '../../source/node/primitives/block.js';
import {coinbaseOf, extend, key, nextBlock, spend, type Spendable} from '../helpers/builder.js';
import {tempChain, type TempChain} from '../helpers/chain-env.js';

const COIN = 100_000_000n;
const alice = key('alice');
const bob = key('bob');
const miner = key('miner');

let env: TempChain;
let pool: Mempool;
let verifier: CachingVerifier;
let blocks: Block[];
let clock: number;
const removed: [string, RemoveReason][] = [];

beforeEach(async () => {
	verifier = new CachingVerifier(inlineVerifier);
	env = await tempChain(undefined, {verifier});
	blocks = await extend(env.chain, 6);
	clock = env.chain.tip.time + 100;
	pool = new Mempool({chain: env.chain, verifier, now: () => clock});
	removed.length = 0;
	pool.on('remove', (entry, reason) => removed.push([entry.txid, reason]));
});
afterEach(async () => {
	await env.cleanup();
});

/** Coinbase of block at `height` (1-based), owned by the miner key. */
const cb = (height: number): Spendable => coinbaseOf(blocks[height - 1]!);
const out = (tx: Transaction, n: number, owner = alice): Spendable => ({prevout: new OutPoint(tx.hash(), n), value: tx.outputs[n]!.value, key: owner});

async function rejects(tx: Transaction, reason: string): Promise<void> {
	const before = {size: pool.size, bytes: pool.totalBytes, orphans: pool.orphanCount};
	await expect(pool.add(tx)).rejects.toMatchObject({reason});
	expect({size: pool.size, bytes: pool.totalBytes, orphans: pool.orphanCount}).toEqual(before);
}

describe('acceptance', () => {
	it('accepts a valid spend and reports its fee rate', async () => {
		const tx = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
		const added: MempoolEntry[] = [];
		pool.on('tx', e => added.push(e));
		const result = await pool.add(tx);
		expect(result.status).toBe('accepted');
		expect(added).toHaveLength(1);
		expect(added[0]!.fee).toBe(COIN);
		expect(added[0]!.feeRate).toBeCloseTo(Number(COIN) / tx.getSize());
		expect(pool.size).toBe(1);
		expect(pool.totalBytes).toBe(tx.getSize());
		expect(pool.usage).toBe(tx.getSize() + ENTRY_OVERHEAD);
	});

	it('chains unconfirmed spends: spends the change of a transaction not mined yet, three deep', async () => {
		const t1 = spend([cb(1)], [new TxOut(10n * COIN, bob.script), new TxOut(39n * COIN, alice.script)]);
		const t2 = spend([out(t1, 1)], [new TxOut(5n * COIN, bob.script), new TxOut(33n * COIN, alice.script)]);
		const t3 = spend([out(t2, 1)], [new TxOut(32n * COIN, alice.script)]);
		for (const tx of [t1, t2, t3]) expect((await pool.add(tx)).status).toBe('accepted');
		const e3 = pool.get(t3.txid())!;
		expect([...pool.ancestors(e3)].map(e => e.txid).sort()).toEqual([t1.txid(), t2.txid()].sort());
		expect(await pool.getCoin(new OutPoint(t1.hash(), 1))).toBeNull(); // spent in the pool
		expect((await pool.getCoin(new OutPoint(t3.hash(), 0)))?.value).toBe(32n * COIN);
	});

	it('rejects every bad transaction with its reason, changing nothing', async () => {
		const good = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
		await pool.add(good);
		await rejects(blocks[0]!.txs[0]!, 'coinbase');
		await rejects(spend([cb(1)], [new TxOut(48n * COIN, bob.script)]), 'txn-mempool-conflict');
		await rejects(good, 'txn-already-in-mempool');
		await rejects(spend([cb(2)], [new TxOut(50n * COIN, alice.script)]), 'min relay fee not met');
		await rejects(spend([cb(2)], [new TxOut(545n, alice.script), new TxOut(49n * COIN, alice.script)]), 'dust');
		await rejects(spend([cb(2)], [new TxOut(1n, Uint8Array.of(OP.OP_1))]), 'bad-txns-nonstandard-output');
		await rejects(spend([cb(2)], [new TxOut(51n * COIN, alice.script)]), 'bad-txns-in-belowout');
		await rejects(spend([cb(5)], [new TxOut(49n * COIN, alice.script)]), 'bad-txns-premature-spend-of-coinbase');
		await rejects(spend([cb(2)], [new TxOut(49n * COIN, alice.script)], 1000, 0), 'non-final');
		const big = spend([cb(2)], Array.from({length: 2930}, () => new TxOut(1000n, alice.script)));
		await rejects(big, 'tx-size');
		const tampered = spend([cb(2)], [new TxOut(49n * COIN, alice.script)]);
		await rejects(new Transaction(1, tampered.inputs, [new TxOut(49n * COIN, bob.script)]), 'mandatory-script-verify-flag-failed');
		const wrongKey = spend([{...cb(2), key: bob}], [new TxOut(49n * COIN, alice.script)]);
		await rejects(wrongKey, 'mandatory-script-verify-flag-failed');
		// Already confirmed, and spending a confirmed-spent output.
		const t = spend([cb(3)], [new TxOut(49n * COIN, alice.script)]);
		await env.chain.add(nextBlock(env.chain, env.chain.tip, {txs: [t], fees: COIN}));
		await rejects(t, 'txn-already-known');
		await rejects(spend([cb(3)], [new TxOut(48n * COIN, alice.script)]), 'bad-txns-inputs-missingorspent');
	});

	it('accepts a BPM reading like any other spend', async () => {
		const tx = spend([cb(1)], [new TxOut(0n, bpmScript(70)), new TxOut(49n * COIN, miner.script)]);
		expect((await pool.add(tx)).status).toBe('accepted');
	});
});

describe('orphans', () => {
	it('holds a child until its parent arrives, then accepts both', async () => {
		const parent = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
		const child = spend([out(parent, 0)], [new TxOut(48n * COIN, bob.script)]);
		expect(await pool.add(child)).toEqual({status: 'orphan', missing: [parent.txid()]});
		expect(pool.orphanCount).toBe(1);
		expect(pool.size).toBe(0);
		await pool.add(parent);
		expect(pool.has(child.txid())).toBe(true);
		expect(pool.orphanCount).toBe(0);
	});

	it('keeps at most maxOrphans and expires them after 20 minutes', async () => {
		pool = new Mempool({chain: env.chain, verifier, now: () => clock, maxOrphans: 3});
		const ghosts = Array.from({length: 5}, (_, i) => spend([{prevout: new OutPoint(new Uint8Array(32).fill(i + 1), 0), value: COIN, key: alice}], [new TxOut(COIN / 2n, bob.script)]));
		for (const tx of ghosts) await pool.add(tx);
		expect(pool.orphanCount).toBe(3);
		expect(pool.hasOrphan(ghosts[0]!.txid())).toBe(false);
		expect(pool.hasOrphan(ghosts[4]!.txid())).toBe(true);
		clock += 20 * 60 + 1;
		await pool.add(spend([cb(1)], [new TxOut(49n * COIN, alice.script)]));
		expect(pool.orphanCount).toBe(0);
	});
});

/** A limit that holds `n` entries of `size` bytes once a trim has taken the pool to 98% of it. */
function room(n: number, size: number): number {
	return Math.ceil(((size + ENTRY_OVERHEAD) * n) / 0.98) + 10;
}

describe('limits', () => {
	it('evicts the lowest fee-rate package when over the size limit', async () => {
		const sizes = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]).getSize();
		pool = new Mempool({chain: env.chain, verifier, now: () => clock, maxSize: room(2, sizes)});
		pool.on('remove', (entry, reason) => removed.push([entry.txid, reason]));
		const cheap = spend([cb(1)], [new TxOut(50n * COIN - 1000n, alice.script)]);
		const cheapChild = spend([out(cheap, 0)], [new TxOut(50n * COIN - 2000n, alice.script)]);
		const rich = spend([cb(2)], [new TxOut(40n * COIN, alice.script)]);
		await pool.add(cheap);
		await pool.add(cheapChild);
		await pool.add(rich); // over the limit: the cheap package (parent + child) goes
		expect(pool.has(rich.txid())).toBe(true);
		expect(pool.has(cheap.txid())).toBe(false);
		expect(pool.has(cheapChild.txid())).toBe(false);
		expect(removed).toEqual([
			[cheapChild.txid(), 'size-limit'],
			[cheap.txid(), 'size-limit'],
		]);
		expect(pool.usage).toBeLessThanOrEqual(pool.maxSize);
		// While full, a newcomer must beat the fee rate of what was evicted: refused cheaply.
		await rejects(spend([cb(3)], [new TxOut(50n * COIN - 500n, alice.script)]), 'mempool min fee not met');
		expect(pool.has(rich.txid())).toBe(true);
	});

	it('refuses a newcomer that would itself be the package to evict', async () => {
		const size = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]).getSize();
		pool = new Mempool({chain: env.chain, verifier, now: () => clock, maxSize: room(2, size)});
		await pool.add(spend([cb(1)], [new TxOut(40n * COIN, alice.script)]));
		await pool.add(spend([cb(2)], [new TxOut(40n * COIN, alice.script)]));
		await rejects(spend([cb(3)], [new TxOut(50n * COIN - 500n, alice.script)]), 'mempool full');
		expect(pool.size).toBe(2);
	});

	it('bounds estimated memory, not serialised bytes alone, as Core does', async () => {
		const size = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]).getSize();
		// Room for three entries' memory; their bytes alone would fit about nine times over.
		pool = new Mempool({chain: env.chain, verifier, now: () => clock, maxSize: room(3, size)});
		for (const n of [1, 2, 3]) await pool.add(spend([cb(n)], [new TxOut(40n * COIN + BigInt(n), alice.script)]));
		expect(pool.usage).toBe(pool.totalBytes + 3 * ENTRY_OVERHEAD);
		await pool.add(spend([cb(4)], [new TxOut(30n * COIN, alice.script)])); // richer: one cheap entry goes
		expect(pool.size).toBe(3);
		expect(pool.totalBytes * 5).toBeLessThan(pool.maxSize); // the bytes alone were far from it
		expect(pool.usage).toBeLessThanOrEqual(pool.maxSize);
	});

	it('expires transactions after 72 hours', async () => {
		const tx = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
		await pool.add(tx);
		clock += 72 * 3600 + 1;
		await pool.add(spend([cb(2)], [new TxOut(49n * COIN, alice.script)]));
		expect(pool.has(tx.txid())).toBe(false);
		expect(removed).toContainEqual([tx.txid(), 'expiry']);
	});
});

describe('following the chain', () => {
	it('removes mined transactions and those a block conflicts with; no signature is checked twice', async () => {
		const t1 = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
		const t2 = spend([cb(2)], [new TxOut(49n * COIN, alice.script)]);
		const t2child = spend([out(t2, 0)], [new TxOut(48n * COIN, bob.script)]);
		for (const tx of [t1, t2, t2child]) await pool.add(tx);
		const conflicts: string[] = [];
		pool.on('conflict', (_tx, existing) => conflicts.push(existing.txid));
		const rival = spend([cb(2)], [new TxOut(49n * COIN, bob.script)]);
		const missesBefore = verifier.misses;
		await env.chain.add(nextBlock(env.chain, env.chain.tip, {txs: [t1, rival], fees: 2n * COIN}));
		expect(verifier.misses - missesBefore).toBe(1); // only the rival's signature was new
		expect(pool.size).toBe(0);
		expect(conflicts).toEqual([t2.txid()]);
		expect(removed).toEqual(expect.arrayContaining([[t1.txid(), 'block'], [t2.txid(), 'conflict'], [t2child.txid(), 'conflict']]));
	});

	it('returns the transactions of disconnected blocks after a reorg, and drops what no longer fits', async () => {
		const fork = env.chain.tip;
		const t1 = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
		const t2 = spend([cb(2)], [new TxOut(49n * COIN, alice.script)]);
		await env.chain.add(nextBlock(env.chain, fork, {txs: [t1, t2], fees: 2n * COIN, tag: 1}));
		const waiting = spend([out(t1, 0)], [new TxOut(48n * COIN, bob.script)]);
		await pool.add(waiting);
		expect(pool.size).toBe(1);
		// A heavier branch without t1 and with a double spend of t2's coin.
		const rival = spend([cb(2)], [new TxOut(48n * COIN, bob.script)]);
		const b1 = nextBlock(env.chain, fork, {txs: [rival], fees: 2n * COIN, tag: 2});
		await env.chain.add(b1);
		await env.chain.add(nextBlock(env.chain, env.chain.getEntry(b1.hash())!, {tag: 2}));
		await pool.add(spend([cb(3)], [new TxOut(49n * COIN, alice.script)])); // runs after the re-add
		expect(pool.has(t1.txid())).toBe(true); // came back from the disconnected block
		expect(pool.has(waiting.txid())).toBe(true); // its parent is back, so it stays
		expect(pool.has(t2.txid())).toBe(false); // its coin is spent by the new branch
		expect(pool.spender(new OutPoint(t1.hash(), 0))?.txid).toBe(waiting.txid());
	});
});

describe('package limits', () => {
	it('refuses a 26th transaction in a chain of unconfirmed spends', async () => {
		let prev = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
		await pool.add(prev);
		for (let i = 1; i < 25; i++) {
			const next = spend([out(prev, 0)], [new TxOut(prev.outputs[0]!.value - 10_000n, alice.script)]);
			await pool.add(next);
			prev = next;
		}
		expect(pool.size).toBe(25);
		await rejects(spend([out(prev, 0)], [new TxOut(prev.outputs[0]!.value - 10_000n, alice.script)]), 'too-long-mempool-chain');
	});
});

describe('signature checks under load', () => {
	/** A verifier slow enough to show how many checks run at once. */
	function slowVerifier() {
		const stats = {calls: 0, active: 0, most: 0};
		const inner: SigVerifier = {
			async verify(checks) {
				stats.calls++;
				stats.most = Math.max(stats.most, ++stats.active);
				await new Promise(resolve => setTimeout(resolve, 5)); // a worker thread's latency
				stats.active--;
				return inlineVerifier.verify(checks);
			},
		};
		return {stats, verifier: new CachingVerifier(inner)};
	}

	it('start as transactions arrive, in parallel with those ahead under the lock; each signature is checked once', async () => {
		const {stats, verifier: slow} = slowVerifier();
		const busy = new Mempool({chain: env.chain, verifier: slow, now: () => clock});
		const txs = [1, 2, 3, 4].map(h => spend([cb(h)], [new TxOut(49n * COIN, alice.script)]));
		const results = await Promise.all(txs.map(tx => busy.add(tx)));
		expect(results.map(r => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
		expect(busy.all().map(e => e.txid)).toEqual(txs.map(tx => tx.txid())); // still in arrival order
		expect(stats.most).toBeGreaterThan(1); // one at a time under the lock, before
		expect(stats.calls).toBe(4); // validation under the lock found each in the cache
	});

	it('are not spent on what the rules refuse anyway: a fee too low, a coin the pool already spends', async () => {
		const {stats, verifier: slow} = slowVerifier();
		const busy = new Mempool({chain: env.chain, verifier: slow, now: () => clock});
		await expect(busy.add(spend([cb(1)], [new TxOut(50n * COIN - 10n, alice.script)]))).rejects.toMatchObject({reason: 'min relay fee not met'});
		await busy.add(spend([cb(2)], [new TxOut(49n * COIN, alice.script)]));
		await expect(busy.add(spend([cb(2)], [new TxOut(48n * COIN, bob.script)]))).rejects.toMatchObject({reason: 'txn-mempool-conflict'});
		expect(stats.calls).toBe(1);
	});
});

describe('work the pool starts on its own', () => {
	it('a failure after a block is reported with its context, never an unhandled rejection', async () => {
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on('unhandledRejection', onUnhandled);
		try {
			const failures: [string, string][] = [];
			pool.on('failure', (context, error) => failures.push([context, error.message]));
			// An orphan whose parent is then mined: the pool takes it in after the block, on its own.
			const parent = spend([cb(1)], [new TxOut(49n * COIN, alice.script)]);
			const child = spend([out(parent, 0)], [new TxOut(48n * COIN, bob.script)]);
			await pool.add(child);
			// The block connects; then the database fails under the pool's own work (a disk gone).
			const block = nextBlock(env.chain, env.chain.tip, {txs: [parent]});
			env.chain.once('connect', () => (env.chain.getCoin = () => Promise.reject(new Error('read failed: EIO'))));
			await env.chain.add(block);
			await env.chain.exclusive(async () => undefined); // the pool's queued work has run
			await new Promise(resolve => setImmediate(resolve));
			expect(failures).toHaveLength(1);
			expect(failures[0]![0]).toContain(`after block ${block.hashHex()}`);
			expect(failures[0]![1]).toBe('read failed: EIO');
			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
	});
});
