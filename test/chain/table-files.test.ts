/**
 * Damaged LevelDB table files in a real datadir: bytes flipped inside an .ldb file's data, and an
 * .ldb file cut short. Without --reindex the node either refuses to start with a plain message
 * or refuses to hand out the damaged block (StorageError 'corrupt'); it never serves one. With
 * --reindex it repairs the database, rebuilds from the blocks still whole, and takes the rest
 * again from a "peer" (the original blocks, added back as sync would).
 */
import {existsSync} from 'node:fs';
import {mkdir, readdir, readFile, rename, stat, truncate, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Chain} from '../../source/node/chain/chain.js';
import {StorageError} from '../../source/node/errors.js';
import {regtest, subsidyAt} from '../../source/node/consensus/networks.js';
import type {Block} from '../../source/node/primitives/block.js';
import {Transaction, TxOut} from '../../source/node/primitives/tx.js';
import {toHex} from '../../source/node/encoding/hex.js';
import {nullDataScript} from '../../source/node/primitives/script.js';
import {blockWith, coinbaseTx, key} from '../helpers/builder.js';
import {snapshot, tempChain, type TempChain} from '../helpers/chain-env.js';
import {checkDatadir} from '../helpers/datadir-check.js';
import {seeded} from '../helpers/seeded.js';
import {Proc, cliPath, freePort} from '../helpers/proc.js';

/** OP_RETURN outputs of 80 random bytes a block (the largest data output the rules allow). */
const DATA_OUTPUTS = 25;
const PER_SESSION = 40;

const envs: TempChain[] = [];
afterEach(async () => {
	for (const env of envs.splice(0)) await env.cleanup();
});

/**
 * Blocks whose coinbase carries 2,000 seeded random bytes in data outputs (kept in no other
 * record): incompressible, so LevelDB's snappy stores them as they are and the test can find a
 * given block in a table file.
 */
async function addBigBlocks(chain: Chain, n: number, next: (lo: number, hi: number) => number): Promise<Block[]> {
	const blocks: Block[] = [];
	for (let i = 0; i < n; i++) {
		const prev = chain.tip;
		const height = prev.height + 1;
		const data = Array.from({length: DATA_OUTPUTS}, () => new TxOut(0n, nullDataScript(Uint8Array.from({length: 80}, () => next(0, 255)))));
		const cb = coinbaseTx(height, subsidyAt(height, chain.network), key('miner').script);
		const tx = new Transaction(1, cb.inputs, [...cb.outputs, ...data], 0);
		const block = blockWith(chain, prev, [tx]);
		expect((await chain.add(block, {requested: true})).status).toBe('connected');
		blocks.push(block);
	}
	return blocks;
}

async function tables(path: string): Promise<string[]> {
	const names = (await readdir(path)).filter(n => n.endsWith('.ldb')).sort();
	return names.map(n => join(path, n));
}

/**
 * Flips a byte inside `block`'s stored body, found by the random end of its last data output.
 */
async function flipInBlock(path: string, block: Block): Promise<string> {
	const out = block.txs[0]!.outputs.at(-1)!.script;
	const marker = Buffer.from(out.subarray(out.length - 32));
	for (const file of await tables(path)) {
		const bytes = await readFile(file);
		const at = bytes.indexOf(marker);
		if (at < 0) continue;
		expect(bytes.indexOf(marker, at + 1)).toBe(-1);
		bytes[at - 1000] = bytes[at - 1000]! ^ 0x5a; // among the same block's outputs
		await writeFile(file, bytes);
		return file;
	}
	throw new Error(`block ${block.hashHex()} is in no table file`);
}

/** Two sessions of blocks, each closed so LevelDB turns its log into a table of its own. */
async function twoTables(): Promise<{env: TempChain; blocks: Block[]}> {
	const env = await tempChain(regtest);
	envs.push(env);
	const next = seeded(7);
	const blocks = await addBigBlocks(env.chain, PER_SESSION, next);
	await env.reopen(); // the log of session 1 becomes a table
	blocks.push(...(await addBigBlocks(env.chain, PER_SESSION, next)));
	await env.reopen(); // and session 2's
	await env.chain.close();
	expect((await tables(env.path)).length).toBeGreaterThanOrEqual(2);
	return {env, blocks};
}

/** Every block on the chain is either the original or refused as corrupt: never anything else. */
async function servedBlocks(chain: Chain, blocks: readonly Block[]): Promise<number[]> {
	const refused: number[] = [];
	for (let h = 1; h <= chain.height; h++) {
		const served = await chain.getBlockByHeight(h).catch((error: unknown) => error);
		if (served instanceof StorageError) {
			expect(served.code).toBe('corrupt');
			refused.push(h);
		} else {
			expect(toHex((served as Block).toRaw())).toBe(toHex(blocks[h - 1]!.toRaw()));
		}
	}
	return refused;
}

/** What sync does: the original blocks offered again, from the first the chain lacks. */
async function refetch(chain: Chain, blocks: readonly Block[]): Promise<void> {
	for (let i = 0; i < blocks.length && chain.height < blocks.length; i++) {
		const entry = chain.getEntry(blocks[i]!.hash());
		if (entry?.hasData) continue;
		await chain.add(blocks[i]!, {requested: true});
	}
}

describe('a table file with flipped bytes', () => {
	it('without --reindex: the damaged block is refused, never served; damaged near the tip, the start refuses', async () => {
		const {env, blocks} = await twoTables();
		const tipHash = blocks.at(-1)!.hashHex();
		await flipInBlock(env.path, blocks[9]!); // block 10, below the 6 checked at start

		const chain = await Chain.open(env.options);
		envs.push({...env, chain});
		expect(chain.tip.hashHex).toBe(tipHash);
		expect(await servedBlocks(chain, blocks)).toEqual([10]);
		const error = (await chain.getBlock(blocks[9]!.hash()).catch((e: unknown) => e)) as StorageError;
		expect(error).toBeInstanceOf(StorageError);
		expect(error.code).toBe('corrupt');
		expect(error.message).toBe(`block 10 in the database is damaged: run with --reindex, or delete ${env.path} and resync`);
		await expect(chain.getTx(blocks[9]!.txs[0]!.hash())).rejects.toThrow(StorageError);
		await chain.close();

		await flipInBlock(env.path, blocks.at(-2)!); // inside the last 6: the start check finds it
		const refused = (await Chain.open(env.options).catch((e: unknown) => e)) as StorageError;
		expect(refused).toBeInstanceOf(StorageError);
		expect(refused.code).toBe('corrupt');
		expect(refused.message).toMatch(new RegExp(`^block ${blocks.length - 1} in the database is damaged: run with --reindex`));
	});

	it('with --reindex: rebuilt from the intact blocks; the damaged ones go back to header-only and are fetched again', async () => {
		const {env, blocks} = await twoTables();
		const before = await (async () => {
			const chain = await Chain.open(env.options);
			try {
				return await snapshot(chain);
			} finally {
				await chain.close();
			}
		})();
		await flipInBlock(env.path, blocks[9]!);
		await flipInBlock(env.path, blocks.at(-2)!);

		const chain = await Chain.open({...env.options, reindex: true});
		envs.push({...env, chain});
		expect(chain.height).toBe(9);
		expect(chain.getEntry(blocks[9]!.hash())!.hasData).toBe(false);
		expect(await chain.getBlock(blocks[9]!.hash())).toBeNull();
		expect(chain.bestHeader.hashHex).toBe(blocks.at(-1)!.hashHex()); // the headers stay: sync asks for the blocks
		await refetch(chain, blocks);
		expect(await snapshot(chain)).toEqual(before);
		expect(await servedBlocks(chain, blocks)).toEqual([]);
		await chain.close();
		expect((await checkDatadir(env.path)).tip).toBe(before.tip);
	});
});

describe('a table file cut short', () => {
	it('without --reindex: a plain StorageError at start, not a stack trace from LevelDB', async () => {
		const {env} = await twoTables();
		const newest = (await tables(env.path)).at(-1)!;
		await truncate(newest, Math.floor((await stat(newest)).size / 2));
		const error = (await Chain.open(env.options).catch((e: unknown) => e)) as StorageError;
		expect(error).toBeInstanceOf(StorageError);
		expect(error.code).toBe('corrupt');
		expect(error.message).toMatch(new RegExp(`^the chain database at ${env.path} is damaged \\(.*\\): run with --reindex, or delete ${env.path} and resync$`));
	});

	it('with --reindex: repaired, rebuilt from what the other tables hold, the rest fetched again', async () => {
		const {env, blocks} = await twoTables();
		const chain0 = await Chain.open(env.options);
		const before = await snapshot(chain0);
		await chain0.close();
		const newest = (await tables(env.path)).at(-1)!;
		await truncate(newest, Math.floor((await stat(newest)).size / 2));

		const chain = await Chain.open({...env.options, reindex: true});
		envs.push({...env, chain});
		// Session 1's table is whole: at least its blocks are back without any peer.
		expect(chain.height).toBeGreaterThanOrEqual(PER_SESSION);
		expect(await servedBlocks(chain, blocks)).toEqual([]);
		await refetch(chain, blocks);
		expect(await snapshot(chain)).toEqual(before);
		await chain.close();
		expect((await checkDatadir(env.path)).tip).toBe(before.tip);
	});
});

it('the binary: a table file cut short is a plain message and exit code 2; with --reindex it starts', async () => {
	expect(existsSync(cliPath), 'run `npm run build` first (npm test does)').toBe(true);
	const {env} = await twoTables();
	const newest = (await tables(env.path)).at(-1)!;
	await truncate(newest, Math.floor((await stat(newest)).size / 2));
	// The binary's layout: the chain under <datadir>/chain.
	const datadir = `${env.path}-node`;
	await mkdir(datadir);
	await rename(env.path, join(datadir, 'chain'));
	await mkdir(env.path); // for the cleanup
	const args = ['--network', 'regtest', '--headless', '--no-rpc', '--datadir', datadir];
	try {
		const refused = new Proc([...args, '--port', String(await freePort())]);
		expect(await refused.exited).toBe(2);
		expect(refused.stderr).toMatch(new RegExp(`^chain-tui: the chain database at ${join(datadir, 'chain')} is damaged \\(.*\\): run with --reindex, or delete ${join(datadir, 'chain')} and resync\n$`));

		const reindexed = new Proc([...args, '--port', String(await freePort()), '--reindex']);
		const height = await reindexed.waitFor(/^height (\d+), tip/m);
		expect(Number(height[1])).toBeGreaterThanOrEqual(PER_SESSION);
		await reindexed.waitFor(/listening on port/);
		expect(await reindexed.stop()).toBe(0);
	} finally {
		const {rm} = await import('node:fs/promises');
		await rm(datadir, {recursive: true, force: true});
	}
});
