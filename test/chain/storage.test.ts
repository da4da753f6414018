/**
 * Storage faults at the level of records: checksums on undo, coin, index and tx-index records,
 * the start check of the last blocks, --reindex over damaged records, the version-1 format, and
 * the disk filling up (an injected ENOSPC, and the free-space margin with an injected statfs).
 */
import {Level} from 'level';
import {describe, expect, it} from 'vitest';
import {Chain} from '../../source/node/chain/chain.js';
import {SCHEMA_VERSION, layout} from '../../source/node/chain/layout.js';
import {DatadirError, StorageError} from '../../source/node/errors.js';
import {Writer} from '../../source/node/encoding/writer.js';
import type {Block} from '../../source/node/primitives/block.js';
import {OutPoint, TxOut} from '../../source/node/primitives/tx.js';
import type {StatfsResult} from '../../source/node/util/disk-space.js';
import {coinbaseOf, extend, key, nextBlock, spend} from '../helpers/builder.js';
import {bpmScript} from '../../source/node/primitives/script.js';
import {freshChains, quickNet, snapshot, type TempChain} from '../helpers/chain-env.js';
import {checkDatadir} from '../helpers/datadir-check.js';
import {startNode, waitFor} from '../helpers/net-env.js';
import {join} from 'node:path';
import {Pool} from '../../source/node/net/pool.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {CachingVerifier, inlineVerifier} from '../../source/node/verify/verifier.js';

const fresh = freshChains();

/** 10 blocks, a payment in block 6: coins, undo data with a coin, tx and address records. */
async function payingChain(env: TempChain): Promise<Block[]> {
	const blocks = await extend(env.chain, 5);
	const pay = spend([coinbaseOf(blocks[0]!)], [new TxOut(20n * 100_000_000n, key('alice').script), new TxOut(29n * 100_000_000n, key('miner').script)]);
	blocks.push(...(await extend(env.chain, 1, {txs: [pay], fees: 100_000_000n})));
	blocks.push(...(await extend(env.chain, 4)));
	return blocks;
}

/** payingChain, then a BPM reading (70) from the miner's key in block 11. */
async function readingChain(env: TempChain): Promise<Block[]> {
	const blocks = await payingChain(env);
	const reading = spend([coinbaseOf(blocks[1]!)], [new TxOut(0n, bpmScript(70)), new TxOut(49n * 100_000_000n, key('miner').script)]);
	blocks.push(...(await extend(env.chain, 1, {txs: [reading], fees: 100_000_000n})));
	return blocks;
}

/** Everything the address and BPM indexes answer, to compare before and after. */
async function indexView(chain: Chain) {
	const alice = key('alice').hash;
	const miner = key('miner').hash;
	const show = (x: unknown) => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
	return show({
		alice: await chain.getAddressHistory(alice),
		miner: await chain.getAddressHistory(miner),
		aliceCoins: (await chain.getAddressCoins(alice)).map(c => c.prevout.key()),
		bpm: await chain.getBpmRecords(),
	});
}

/** Rewrites raw values in a closed datadir. */
async function edit(path: string, change: (db: Level<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
	const db = new Level<Uint8Array, Uint8Array>(path, {keyEncoding: 'view', valueEncoding: 'view'});
	await db.open();
	try {
		await change(db);
	} finally {
		await db.close();
	}
}

/** Flips one bit in the middle of a record's value (its length stays: a length check passes). */
async function flip(path: string, key: Uint8Array): Promise<Uint8Array> {
	let original = new Uint8Array(0);
	await edit(path, async db => {
		const value = await db.get(key);
		if (!value) throw new Error('no such record');
		original = Uint8Array.from(value);
		const changed = Uint8Array.from(value);
		changed[changed.length >> 1]! ^= 0x01;
		await db.put(key, changed);
	});
	return original;
}

const restore = (path: string, key: Uint8Array, value: Uint8Array) => edit(path, db => db.put(key, value));

async function openError(options: Parameters<typeof Chain.open>[0]): Promise<StorageError> {
	const error = await Chain.open(options).then(
		async chain => {
			await chain.close();
			return new Error('opened');
		},
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(StorageError);
	return error as StorageError;
}

describe('records with checksums', () => {
	it('a flipped bit in a coin, undo, index or tx-index record is found and reported plainly', async () => {
		const env = await fresh();
		const blocks = await payingChain(env);
		const paid = blocks[5]!.txs[1]!;
		const alice = new OutPoint(paid.hash(), 0);
		await env.chain.close();
		const damagedRe = (what: string) => new RegExp(`^${what} in the database is damaged: run with --reindex, or delete ${env.path} and resync$`);

		// A coin: the start is fine (coins are read when used), the read refuses.
		const coinKey = layout.c(alice.txid, alice.index);
		let saved = await flip(env.path, coinKey);
		let chain = await Chain.open(env.options);
		const coinError = (await chain.getCoin(alice).catch((e: unknown) => e)) as StorageError;
		expect(coinError).toBeInstanceOf(StorageError);
		expect(coinError.code).toBe('corrupt');
		expect(coinError.message).toMatch(damagedRe(`the coin ${alice.key()}`));
		await expect(snapshot(chain)).rejects.toThrow(StorageError);
		await chain.close();
		await restore(env.path, coinKey, saved);

		// A tx-index record: getTx refuses.
		const txKey = layout.t(paid.hash());
		saved = await flip(env.path, txKey);
		chain = await Chain.open(env.options);
		await expect(chain.getTx(paid.hash())).rejects.toThrow(damagedRe(`the tx index record of ${paid.txid()}`));
		await chain.close();
		await restore(env.path, txKey, saved);

		// Undo data of a block among the last 6: the start check refuses.
		const undoKey = layout.u(blocks[5]!.hash());
		saved = await flip(env.path, undoKey);
		expect((await openError(env.options)).message).toMatch(damagedRe('the undo data of block 6'));
		await restore(env.path, undoKey, saved);

		// An index entry: loading the index refuses.
		const entryKey = layout.e(blocks[2]!.hash());
		saved = await flip(env.path, entryKey);
		expect((await openError(env.options)).message).toMatch(damagedRe(`the index entry of block ${blocks[2]!.hashHex()}`));
		await restore(env.path, entryKey, saved);

		// Whole again: everything as it was.
		chain = await Chain.open(env.options);
		env.chain = chain;
		expect(chain.height).toBe(10);
		expect((await chain.getCoin(alice))?.value).toBe(20n * 100_000_000n);
	});

	it('a flipped bit in an address-history, address-coin or BPM record is found and reported plainly (schema 3)', async () => {
		const env = await fresh();
		const blocks = await readingChain(env);
		const paid = blocks[5]!.txs[1]!;
		const reading = blocks[10]!.txs[1]!;
		const alice = key('alice').hash;
		const miner = key('miner').hash;
		expect((await env.chain.getBpmRecords()).map(r => r.bpm)).toEqual([70]);
		const before = await indexView(env.chain);
		await env.chain.close();
		const damagedRe = (what: string) => new RegExp(`^${what} in the database is damaged: run with --reindex, or delete ${env.path} and resync$`);
		const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');

		// An amount alice received (block 6, output 0): her history refuses, never a wrong amount.
		const historyKey = layout.A(alice, 6, paid.hash(), 0, 0);
		let saved = await flip(env.path, historyKey);
		let chain = await Chain.open(env.options);
		await expect(chain.getAddressHistory(alice)).rejects.toThrow(damagedRe(`a history record of address ${hex(alice)}`));
		await chain.close();
		await restore(env.path, historyKey, saved);

		// Alice's coin membership (the value is only the key's checksum): a changed byte refuses.
		const memberKey = layout.U(alice, paid.hash(), 0);
		saved = await flip(env.path, memberKey);
		chain = await Chain.open(env.options);
		await expect(chain.getAddressCoins(alice)).rejects.toThrow(damagedRe(`an unspent-coin record of address ${hex(alice)}`));
		await chain.close();
		await restore(env.path, memberKey, saved);

		// The reading (block 11): a flipped bpm or owner byte refuses.
		const bpmKey = layout.P(11, reading.hash());
		saved = await flip(env.path, bpmKey);
		chain = await Chain.open(env.options);
		await expect(chain.getBpmRecords()).rejects.toThrow(damagedRe('the BPM record of block 11'));
		await expect(chain.getBpmRecords(miner)).rejects.toThrow(StorageError);
		await chain.close();
		await restore(env.path, bpmKey, saved);

		// Whole again: the same answers.
		chain = await Chain.open(env.options);
		env.chain = chain;
		expect(await indexView(chain)).toBe(before);
	});

	it('the start check reads the last 6 blocks: a damaged block deeper down is found only when read', async () => {
		const env = await fresh();
		const blocks = await payingChain(env);
		await env.chain.close();
		// A body whose transactions no longer match its merkle root (a coinbase byte changed).
		await flip(env.path, layout.b(blocks[2]!.hash())); // block 3: below the last 6 (5-10)
		let chain = await Chain.open(env.options);
		await expect(chain.getBlockByHeight(3)).rejects.toThrow(/^block 3 in the database is damaged/);
		await chain.close();
		await flip(env.path, layout.b(blocks[6]!.hash())); // block 7: among them
		expect((await openError(env.options)).message).toMatch(/^block 7 in the database is damaged: run with --reindex/);
		// Checking 3 (8-10) lets it start; the block is still never served.
		chain = await Chain.open({...env.options, checkBlocks: 3});
		env.chain = chain;
		await expect(chain.getBlockByHeight(7)).rejects.toThrow(StorageError);
	});

	it('--reindex drops a damaged index entry with what hangs from it and rebuilds the rest; sync brings them back', async () => {
		const env = await fresh();
		const blocks = await payingChain(env);
		const before = await snapshot(env.chain);
		await env.chain.close();
		await flip(env.path, layout.e(blocks[3]!.hash())); // block 4
		await flip(env.path, layout.c(blocks[8]!.txs[0]!.hash(), 0)); // state: rebuilt anyway
		const chain = await env.reopen({reindex: true});
		expect(chain.height).toBe(3);
		expect(chain.getEntry(blocks[3]!.hash())).toBeUndefined(); // the header comes again too
		for (const block of blocks.slice(3)) await chain.add(block, {requested: true});
		expect(await snapshot(chain)).toEqual(before);
		await chain.close();
		expect((await checkDatadir(env.path)).tip).toBe(before.tip);
	});

	it('a version-1 datadir (no checksums) gets a plain message; --reindex rebuilds it in the new format', async () => {
		const env = await fresh();
		await payingChain(env);
		const before = await snapshot(env.chain);
		await env.chain.close();
		// What version 1 wrote: the same records without their last 4 bytes.
		await edit(env.path, async db => {
			for (const letter of ['e', 'u', 'c', 't', 'A', 'U', 'P']) {
				for await (const [k, v] of db.iterator(layout.range(letter))) await db.put(k, v.subarray(0, v.length - 4));
			}
			await db.put(layout.V, new Writer(4).u32(1).finish());
		});
		const error = await Chain.open(env.options).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatadirError);
		expect(String((error as Error).message)).toBe(
			`the chain database at ${env.path} has schema version 1; this chain-tui reads version ${SCHEMA_VERSION}: run once with --reindex to rebuild it, or delete ${env.path} and resync`,
		);
		env.chain = await Chain.open({...env.options, reindex: true});
		expect(await snapshot(env.chain)).toEqual(before);
		const chain = await env.reopen();
		expect(await snapshot(chain)).toEqual(before);
		await chain.close();
		await checkDatadir(env.path);
	});
});

describe('schema version 2 (address and BPM index records without checksums)', () => {
	it('gets the plain message; --reindex rebuilds them sealed, with the same answers', async () => {
		const env = await fresh();
		await readingChain(env);
		const before = await snapshot(env.chain);
		const indexes = await indexView(env.chain);
		await env.chain.close();
		// What version 2 wrote: A, U and P records without their last 4 bytes.
		await edit(env.path, async db => {
			for (const letter of ['A', 'U', 'P']) {
				for await (const [k, v] of db.iterator(layout.range(letter))) await db.put(k, v.subarray(0, v.length - 4));
			}
			await db.put(layout.V, new Writer(4).u32(2).finish());
		});
		const error = await Chain.open(env.options).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatadirError);
		expect(String((error as Error).message)).toBe(
			`the chain database at ${env.path} has schema version 2; this chain-tui reads version ${SCHEMA_VERSION}: run once with --reindex to rebuild it, or delete ${env.path} and resync`,
		);
		env.chain = await Chain.open({...env.options, reindex: true});
		expect(await snapshot(env.chain)).toEqual(before);
		expect(await indexView(env.chain)).toBe(indexes);
		const chain = await env.reopen();
		expect(await indexView(chain)).toBe(indexes);
		await chain.close();
		await checkDatadir(env.path);
	});
});

describe('the disk filling up', () => {
	const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});

	it('an ENOSPC write: disk-full StorageError, one fatal event, every later write refused, nothing half-written; restarted it carries on', async () => {
		let failing = false;
		let attempts = 0;
		const env = await fresh(quickNet, {
			storage: {
				beforeWrite: () => {
					attempts++;
					if (failing) throw enospc();
				},
			},
		});
		await payingChain(env);
		const before = await snapshot(env.chain);
		const fatal: StorageError[] = [];
		env.chain.on('fatal', error => fatal.push(error));

		failing = true;
		const block = nextBlock(env.chain, env.chain.tip);
		const error = (await env.chain.add(block).catch((e: unknown) => e)) as StorageError;
		expect(error).toBeInstanceOf(StorageError);
		expect(error.code).toBe('disk-full');
		expect(error.message).toMatch(/^disk full: /);
		expect(fatal).toEqual([error]);
		expect(env.chain.failure).toBe(error);

		// Space is back, but the chain stays failed until restarted: no write is even tried.
		failing = false;
		const tried = attempts;
		await expect(env.chain.add(nextBlock(env.chain, env.chain.tip, {tag: 1}))).rejects.toBe(error);
		await expect(env.chain.addHeader(nextBlock(env.chain, env.chain.tip, {tag: 2}).header)).rejects.toBe(error);
		expect(attempts).toBe(tried);
		expect(fatal).toHaveLength(1);
		expect(env.chain.height).toBe(before.height);

		// The datadir is whole as the failure left it, and the next start carries on.
		await env.chain.close();
		expect(await checkDatadir(env.path)).toMatchObject({tip: before.tip, height: before.height});
		const chain = await Chain.open(env.options);
		env.chain = chain;
		expect(await snapshot(chain)).toEqual(before);
		await chain.add(block);
		expect(chain.height).toBe(before.height + 1);
	});

	it('a write failing for another reason, with space free, is write-failed', async () => {
		let failing = false;
		const env = await fresh(quickNet, {
			storage: {
				statfs: async () => ({bavail: 1_000_000, bsize: 4096}),
				beforeWrite: () => {
					if (failing) throw Object.assign(new Error('EIO: i/o error, write'), {code: 'EIO'});
				},
			},
		});
		await extend(env.chain, 2);
		failing = true;
		const error = (await env.chain.add(nextBlock(env.chain, env.chain.tip)).catch((e: unknown) => e)) as StorageError;
		expect(error).toBeInstanceOf(StorageError);
		expect(error.code).toBe('write-failed');
	});

	it('free space under the margin: refused at start, and before a batch (statfs asked again only when stale)', async () => {
		const MB = 1024 * 1024;
		let free = 40 * MB;
		let now = 0;
		let asked = 0;
		const statfs = async (): Promise<StatfsResult> => {
			asked++;
			return {bavail: BigInt(free / 4096), bsize: 4096n};
		};
		const storage = {statfs, clock: () => now, recheckMs: 1000, recheckBytes: 10 * MB};
		const {mkdtemp, rm} = await import('node:fs/promises');
		const {tmpdir} = await import('node:os');
		const {join} = await import('node:path');
		const path = await mkdtemp(join(tmpdir(), 'chain-tui-space-'));
		try {
			const options = {network: quickNet, path, now: () => quickNet.genesis.header.time + 10_000_000, storage};
			const refused = (await Chain.open(options).catch((e: unknown) => e)) as StorageError;
			expect(refused).toBeInstanceOf(StorageError);
			expect(refused.code).toBe('disk-full');
			expect(refused.message).toBe(`disk full: 40 MB free on the disk of ${path}, under the 50 MB the node keeps free; free some space and start again`);

			free = 60 * MB;
			const chain = await Chain.open(options);
			const fatal: StorageError[] = [];
			chain.on('fatal', error => fatal.push(error));
			const askedAtOpen = asked;
			await extend(chain, 5); // well within a second and 10 MB: the cached answer stands
			expect(asked).toBe(askedAtOpen);
			free = 45 * MB;
			now += 1000;
			const error = (await chain.add(nextBlock(chain, chain.tip)).catch((e: unknown) => e)) as StorageError;
			expect(asked).toBe(askedAtOpen + 1);
			expect(error.code).toBe('disk-full');
			expect(fatal).toEqual([error]);
			expect(chain.height).toBe(5);
			await chain.close();
			expect((await checkDatadir(path)).height).toBe(5);
		} finally {
			await rm(path, {recursive: true, force: true});
		}
	});
});

describe('after --reindex, sync', () => {
	it('fetches the damaged blocks again from a peer (they went back to header-only) and ends on its tip', async () => {
		const ref = await startNode({label: 'ref'});
		try {
			const blocks = await extend(ref.chain, 30);
			const now = () => Math.floor(Date.now() / 1000);
			const env = await fresh(quickNet, {now});
			for (const block of blocks) await env.chain.add(block);
			await env.chain.close();
			await flip(env.path, layout.b(blocks[9]!.hash())); // block 10
			await flip(env.path, layout.b(blocks[27]!.hash())); // block 28
			const chain = await Chain.open({...env.options, reindex: true});
			env.chain = chain;
			expect(chain.height).toBe(9);

			const verifier = new CachingVerifier(inlineVerifier);
			const pool = new Pool({chain, mempool: new Mempool({chain, verifier}), port: 0, host: '127.0.0.1', peers: [ref.address], addrPath: join(env.path, 'peers.json'), connectIntervalMs: 100, stallMs: 3000});
			await pool.start();
			try {
				await waitFor(() => chain.tip.hashHex === ref.chain.tip.hashHex, 'the reindexed node on the peer’s tip');
			} finally {
				await pool.stop();
			}
			for (const [i, block] of blocks.entries()) expect((await chain.getBlockByHeight(i + 1))!.hashHex()).toBe(block.hashHex());
			expect(await snapshot(chain)).toEqual(await snapshot(ref.chain));
		} finally {
			await ref.close();
		}
	});
});
