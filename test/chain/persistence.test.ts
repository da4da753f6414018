import {execFile} from 'node:child_process';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {Level} from 'level';
import {Chain} from '../../source/node/chain/chain.js';
import {inlineVerifier, type SigVerifier} from '../../source/node/verify/verifier.js';
import {SCHEMA_VERSION, layout} from '../../source/node/chain/layout.js';
import {DatadirError} from '../../source/node/errors.js';
import {TxOut} from '../../source/node/primitives/tx.js';
import {Writer} from '../../source/node/encoding/writer.js';
import {coinbaseOf, extend, key, nextBlock, spend} from '../helpers/builder.js';
import {asertNet, freshChains, quickNet, snapshot, type TempChain} from '../helpers/chain-env.js';
import {checkDatadir, isUnwritten} from '../helpers/datadir-check.js';
import {ChainDB} from '../../source/node/chain/chain-db.js';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const run = promisify(execFile);
const fresh = freshChains();

/** A chain with spends on two branches: 6 blocks, then a 2-block fork from height 5 that loses. */
async function busyChain(env: TempChain) {
	const chain = env.chain;
	const blocks = await extend(chain, 5);
	const alice = key('alice');
	const t1 = spend([coinbaseOf(blocks[0]!)], [new TxOut(20n * 100_000_000n, alice.script), new TxOut(29n * 100_000_000n, key('miner').script)]);
	await chain.add(nextBlock(chain, chain.tip, {txs: [t1], fees: 100_000_000n}));
	return {alice};
}

/** Sets raw keys in a closed datadir, as a crash or another version would leave them. */
async function poke(path: string, ops: {key: Uint8Array; value?: Uint8Array}[]): Promise<void> {
	const db = new Level<Uint8Array, Uint8Array>(path, {keyEncoding: 'view', valueEncoding: 'view'});
	await db.open();
	for (const op of ops) {
		if (op.value) await db.put(op.key, op.value);
		else await db.del(op.key);
	}
	await db.close();
}

describe('persistence', () => {
	it('finishes a reorganisation cut short by a crash when the datadir is reopened', async () => {
		// Reference: the same blocks added with nothing going wrong.
		const reference = await fresh();
		let calls = 0;
		let crashAt = 0;
		const crashing: SigVerifier = {
			async verify(checks) {
				if (crashAt && ++calls === crashAt) throw new Error('simulated crash');
				return inlineVerifier.verify(checks);
			},
		};
		const env = await fresh(quickNet, {verifier: crashing});
		await extend(env.chain, 3);
		await extend(reference.chain, 3);
		const fork = env.chain.tip;
		const a = await extend(env.chain, 2, {tag: 1});
		for (const block of a) await reference.chain.add(block);
		const b = await extend(env.chain, 2, {tag: 2}, fork);
		for (const block of b) await reference.chain.add(block, {requested: true});
		const b3 = nextBlock(env.chain, env.chain.getEntry(b[1]!.hash())!, {tag: 2});
		await reference.chain.add(b3);
		expect(reference.chain.tip.hashHex).toBe(b3.hashHex());

		// The reorg disconnects A2 and A1, connects B1, then "dies" while connecting B2.
		calls = 0;
		crashAt = 2;
		await expect(env.chain.add(b3)).rejects.toThrow('simulated crash');
		expect(env.chain.tip.hashHex).toBe(b[0]!.hashHex());
		crashAt = 0;

		const chain = await env.reopen({verifier: inlineVerifier});
		expect(chain.tip.hashHex).toBe(b3.hashHex());
		expect(await snapshot(chain)).toEqual(await snapshot(reference.chain));
		// It says what it carried on (the app logs this): B2 and B3 connected, from B1.
		expect(chain.resumed).toMatchObject({disconnected: 0, connected: 2});
		expect(chain.resumed?.from.hashHex).toBe(b[0]!.hashHex());
		expect(chain.resumed?.to.hashHex).toBe(b3.hashHex());
		// Reopened again, there is nothing left to carry on.
		expect((await env.reopen()).resumed).toBeNull();
	});

	it('--reindex rebuilds the same tip, UTXO set and address index from the stored blocks', async () => {
		const env = await fresh();
		const {alice} = await busyChain(env);
		await extend(env.chain, 1, {tag: 9}, env.chain.getEntryByHeight(5)!); // a side branch (equal work) is kept too
		const before = await snapshot(env.chain);
		const history = await env.chain.getAddressHistory(alice.hash);
		expect(history).toHaveLength(1);
		const chain = await env.reopen({reindex: true});
		expect(await snapshot(chain)).toEqual(before);
		expect(await chain.getAddressHistory(alice.hash)).toEqual(history);
		expect(chain.getTips()).toHaveLength(2);
	});

	it('resumes a reindex that was interrupted (marker left in the datadir)', async () => {
		const env = await fresh();
		await busyChain(env);
		const before = await snapshot(env.chain);
		const anyCoin = before.utxos[0]!.split(' ')[0]!;
		await env.chain.close();
		// Half-done reindex: marker set, part of the state already wiped.
		const [txidHex, vout] = anyCoin.split(':');
		const txid = Uint8Array.from(Buffer.from(txidHex!, 'hex').reverse());
		await poke(env.path, [{key: layout.X, value: new Uint8Array(0)}, {key: layout.c(txid, Number(vout))}]);
		env.chain = await Chain.open(env.options);
		expect(await snapshot(env.chain)).toEqual(before);
	});

	it('refuses a datadir of another schema version or another network, changing nothing', async () => {
		const env = await fresh();
		await busyChain(env);
		const before = await snapshot(env.chain);
		await env.chain.close();
		await expect(Chain.open({...env.options, network: asertNet})).rejects.toThrow(/belongs to another network/);
		await poke(env.path, [{key: layout.V, value: new Writer(4).u32(99).finish()}]);
		const error = await Chain.open(env.options).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatadirError);
		expect(String(error)).toMatch(/schema version 99/);
		await poke(env.path, [{key: layout.V, value: new Writer(4).u32(SCHEMA_VERSION).finish()}]);
		env.chain = await Chain.open(env.options);
		expect(await snapshot(env.chain)).toEqual(before);
	});

	it('a second process opening the same datadir gets a clear error and changes nothing', async () => {
		const dist = fileURLToPath(new URL('../../dist/node/chain/chain.js', import.meta.url));
		expect(existsSync(dist), 'run `npm run build` first (npm test does)').toBe(true);
		const env = await fresh();
		await busyChain(env);
		const before = await snapshot(env.chain);
		const networks = fileURLToPath(new URL('../../dist/node/consensus/networks.js', import.meta.url));
		const script = `
			const {Chain} = await import(${JSON.stringify(dist)});
			const {regtest} = await import(${JSON.stringify(networks)});
			try { await Chain.open({network: regtest, path: ${JSON.stringify(env.path)}}); console.log('opened'); }
			catch (e) { console.log(e.name + ': ' + e.message); process.exitCode = 3; }`;
		const result = await run(process.execPath, ['--input-type=module', '-e', script]).catch((e: {code: number; stdout: string}) => e);
		expect((result as {code?: number}).code).toBe(3);
		expect((result as {stdout: string}).stdout).toMatch(/DatadirError: the datadir .* is in use by another chain-tui process/);
		expect(await snapshot(env.chain)).toEqual(before);
	});
});

it('a chain database killed before its first write (LevelDB files, no keys) counts as whole and opens as a new chain', async () => {
	const path = await mkdtemp(join(tmpdir(), 'chain-tui-unwritten-'));
	try {
		// What a SIGKILL between LevelDB creating its files and the first batch leaves.
		await (await ChainDB.open(path)).close();
		expect(await isUnwritten(path)).toBe(true);
		const chain = await Chain.open({network: quickNet, path, now: () => quickNet.genesis.header.time + 10_000_000});
		expect(chain.height).toBe(0);
		expect(chain.tip.hashHex).toBe(quickNet.genesis.hashHex());
		await chain.close();
		expect(await isUnwritten(path)).toBe(false);
		expect((await checkDatadir(path)).height).toBe(0);
	} finally {
		await rm(path, {recursive: true, force: true});
	}
});
