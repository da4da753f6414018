/**
 * Two nodes sharing one wallet file (--wallet) sending at once: no coin is ever spent twice, the
 * loser picks other coins or is told why with a typed error, and every payment a caller is told
 * went out is recorded in the file.
 */
import {fork, type ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Keystore} from '../../source/node/wallet/keystore.js';
import {Wallet} from '../../source/node/wallet/wallet.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {Miner} from '../../source/node/mining/miner.js';
import {CachingVerifier, inlineVerifier} from '../../source/node/verify/verifier.js';
import {encodeAddress} from '../../source/node/crypto/address.js';
import {hash160} from '../../source/node/crypto/hash.js';
import {fromHex, toHex} from '../../source/node/encoding/hex.js';
import {p2pkhScript} from '../../source/node/primitives/script.js';
import {Transaction} from '../../source/node/primitives/tx.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';
import {key} from '../helpers/builder.js';

const COIN = 100_000_000n;
const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);
let dir: string;
let env: TempChain | undefined;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-shared-'));
});
afterEach(async () => {
	await env?.cleanup();
	env = undefined;
	await rm(dir, {recursive: true, force: true});
});

/** A chain whose next block can spend `mature` coinbase coins of 50, all paid to the shared file's one key. */
async function fundedChain(mature: number) {
	const verifier = new CachingVerifier(inlineVerifier);
	env = await tempChain(quickNet, {verifier});
	const path = join(dir, 'shared.json');
	const store = await Keystore.open(path, quickNet.name);
	const {publicKey} = await store.createKey('shared');
	// A reward at height h is spendable in block n + 1 once n + 1 - h >= maturity.
	const blocks = await new Miner({chain: env.chain, mempool: new Mempool({chain: env.chain, verifier})}).generate(mature + quickNet.coinbaseMaturity - 1, p2pkhScript(hash160(publicKey)));
	return {chain: env.chain, verifier, path, blocks};
}

/** A node sharing the file: its own keystore instance and its own mempool over the chain. */
async function node(chain: TempChain['chain'], verifier: CachingVerifier, path: string) {
	const mempool = new Mempool({chain, verifier});
	return {mempool, wallet: new Wallet(await Keystore.open(path, quickNet.name), chain, mempool)};
}

const inputsOf = (tx: Transaction) => tx.inputs.map(i => i.prevout.key());

describe('two nodes sharing a wallet file, in one process', () => {
	it('the second sender is refused with insufficient-funds, naming the coins the other node spent, when the only coin is pending there', async () => {
		const {chain, verifier, path} = await fundedChain(1);
		const a = await node(chain, verifier, path);
		const b = await node(chain, verifier, path);
		const tx = await a.wallet.send({to: bob, amount: 10n * COIN, feeRate: 1n});
		// b's own mempool does not know a's transaction: only the file tells it the coin is spent.
		expect(b.mempool.size).toBe(0);
		await expect(b.wallet.send({to: bob, amount: 10n * COIN, feeRate: 1n})).rejects.toMatchObject({
			code: 'insufficient-funds',
			message: expect.stringMatching(/spendable 0;.*; 50 more is spent by pending transactions another node sharing the wallet file sent/),
		});
		expect(b.mempool.size).toBe(0);
		expect(JSON.parse(await readFile(path, 'utf8')).pending).toEqual([toHex(tx.toRaw())]);
	});

	it('with two coins, the second sender picks the other one', async () => {
		const {chain, verifier, path} = await fundedChain(2);
		const a = await node(chain, verifier, path);
		const b = await node(chain, verifier, path);
		const txA = await a.wallet.send({to: bob, amount: 10n * COIN, feeRate: 1n});
		const txB = await b.wallet.send({to: bob, amount: 10n * COIN, feeRate: 1n});
		expect(inputsOf(txA)).toHaveLength(1);
		expect(inputsOf(txB)).toHaveLength(1);
		expect(inputsOf(txB)[0]).not.toBe(inputsOf(txA)[0]);
		expect(JSON.parse(await readFile(path, 'utf8')).pending).toEqual([toHex(txA.toRaw()), toHex(txB.toRaw())]);
	});

	it('a payment prepared before the other node spent its coin is refused as coins-in-use and neither recorded nor submitted', async () => {
		const {chain, verifier, path} = await fundedChain(1);
		const a = await node(chain, verifier, path);
		const b = await node(chain, verifier, path);
		const prepared = await b.wallet.prepareSend({to: bob, amount: 5n * COIN, feeRate: 1n}); // waits on its confirmation line
		const tx = await a.wallet.send({to: bob, amount: 10n * COIN, feeRate: 1n});
		expect(inputsOf(prepared.tx)).toEqual(inputsOf(tx));
		await expect(b.wallet.broadcast(prepared)).rejects.toMatchObject({code: 'coins-in-use'});
		expect(b.mempool.size).toBe(0);
		expect(JSON.parse(await readFile(path, 'utf8')).pending).toEqual([toHex(tx.toRaw())]);
	});
});

interface Result {
	readonly round: number;
	readonly sent: boolean;
	readonly hex?: string;
	readonly name?: string;
	readonly code?: string | null;
	readonly message?: string;
}

/** The next message of `type` from `child` (and `round`, if given); rejects if the child exits first. */
function next<T>(child: ChildProcess, type: string, round?: number): Promise<T> {
	return new Promise((resolve, reject) => {
		const onMessage = (msg: {type: string; round?: number}) => {
			if (msg.type !== type || (round !== undefined && msg.round !== round)) return;
			child.off('message', onMessage).off('exit', onExit);
			resolve(msg as T);
		};
		const onExit = (code: number | null) => reject(new Error(`worker exited (${code}) waiting for ${type}`));
		child.on('message', onMessage).once('exit', onExit);
	});
}

describe('two node processes sharing a wallet file', () => {
	const children: ChildProcess[] = [];
	afterEach(() => {
		for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
	});

	it('sending at once for 20 rounds: no coin is spent twice, each coin is spent once, the losers are told insufficient-funds, and every sent payment is in the file', async () => {
		const COINS = 30;
		const ROUNDS = 20;
		const {chain, path, blocks} = await fundedChain(COINS);
		const worker = fileURLToPath(new URL('shared-send-worker.mjs', import.meta.url));
		const now = quickNet.genesis.header.time + 10_000_000; // the pinned clock of tempChain
		const args = [path, String(now), chain.getEntryByHeight(0)!.hashHex, String(quickNet.coinbaseMaturity)];
		for (let i = 0; i < 2; i++) children.push(fork(worker, args, {stdio: ['ignore', 'inherit', 'inherit', 'ipc']}));
		await Promise.all(children.map(c => next(c, 'ready')));
		for (const c of children) c.send({type: 'blocks', blocks: blocks.map(b => toHex(b.toRaw()))});
		const synced = await Promise.all(children.map(c => next<{height: number}>(c, 'synced')));
		expect(synced.map(s => s.height)).toEqual([chain.height, chain.height]);

		// Each payment of 49 needs a coin of 50 of its own: change (under 1) can never pay one.
		const results: Result[][] = [[], []];
		for (let round = 0; round < ROUNDS; round++) {
			const replies = children.map(c => next<Result>(c, 'result', round));
			for (const c of children) c.send({type: 'send', round, to: bob, amount: String(49n * COIN)});
			(await Promise.all(replies)).forEach((r, i) => results[i]!.push(r));
		}
		await Promise.all(children.map(c => new Promise(resolve => c.once('exit', resolve).send({type: 'exit'}))));

		const all = results.flat();
		const sent = all.filter(r => r.sent).map(r => Transaction.fromRaw(fromHex(r.hex!)));
		const spent = sent.flatMap(inputsOf);
		expect(new Set(spent).size).toBe(spent.length); // no coin in two payments
		expect(sent).toHaveLength(COINS); // every coin spent once: neither process believed it had all 30
		// Both processes got some of them (the file, not a private view, decided).
		expect(results.every(rs => rs.some(r => r.sent))).toBe(true);
		const refused = all.filter(r => !r.sent);
		expect(refused).toHaveLength(2 * ROUNDS - COINS);
		for (const r of refused) expect(r).toMatchObject({name: 'WalletError', code: 'insufficient-funds'});

		const pending: string[] = JSON.parse(await readFile(path, 'utf8')).pending;
		for (const r of all.filter(r => r.sent)) expect(pending).toContain(r.hex);
		// And together they are valid: one mempool over the same chain takes every one.
		const pool = new Mempool({chain});
		for (const tx of sent) await pool.add(tx);
		expect(pool.size).toBe(COINS);
	}, 180_000);
});
