import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Keystore, WalletLockedError} from '../../source/node/wallet/keystore.js';
import {Wallet} from '../../source/node/wallet/wallet.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {Miner} from '../../source/node/mining/miner.js';
import {CachingVerifier, inlineVerifier} from '../../source/node/verify/verifier.js';
import {decodeAddress, encodeAddress} from '../../source/node/crypto/address.js';
import {hash160} from '../../source/node/crypto/hash.js';
import {p2pkhScript} from '../../source/node/primitives/script.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';
import {key} from '../helpers/builder.js';

const COIN = 100_000_000n;
let dir: string;
let env: TempChain;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-wallet-'));
});
afterEach(async () => {
	await env?.cleanup();
	await rm(dir, {recursive: true, force: true});
});

describe('keystore file', () => {
	it('is created 0600, survives reopening, and an encrypted one round-trips', async () => {
		const path = join(dir, 'wallet.json');
		const store = await Keystore.open(path, 'test');
		expect((await stat(path)).mode & 0o777).toBe(0o600);
		const k1 = await store.createKey('savings');
		const plainPriv = store.privateKey(k1.publicKey);
		await store.encrypt('correct horse');
		expect(store.locked).toBe(true);
		expect(() => store.privateKey(k1.publicKey)).toThrow(WalletLockedError);
		// Nothing of the key is left in the file in clear.
		const text = await readFile(path, 'utf8');
		expect(text).not.toContain(Buffer.from(plainPriv).toString('hex'));
		expect((await stat(path)).mode & 0o777).toBe(0o600);

		const reopened = await Keystore.open(path, 'test');
		expect(reopened.encrypted).toBe(true);
		await reopened.unlock('correct horse', 60);
		expect(reopened.privateKey(k1.publicKey)).toEqual(plainPriv);
		const k2 = await reopened.createKey('spending');
		reopened.lock();
		const third = await Keystore.open(path, 'test');
		await third.unlock('correct horse', 60);
		expect(third.keys().map(k => k.label)).toEqual(['savings', 'spending']);
		expect(third.privateKey(k2.publicKey)).toHaveLength(32);
		third.lock();
	});

	it('a wrong passphrase is a clear error and touches nothing', async () => {
		const path = join(dir, 'wallet.json');
		const store = await Keystore.open(path, 'test');
		await store.createKey('a');
		await store.encrypt('right');
		const before = await readFile(path);
		await expect(store.unlock('wrong', 60)).rejects.toMatchObject({code: 'wrong-passphrase', message: 'wrong passphrase'});
		await expect(store.changePassphrase('wrong', 'new')).rejects.toMatchObject({code: 'wrong-passphrase'});
		expect(await readFile(path)).toEqual(before);
		expect(store.locked).toBe(true);
		await store.changePassphrase('right', 'new');
		await expect(store.unlock('right', 60)).rejects.toMatchObject({code: 'wrong-passphrase'});
		await store.unlock('new', 60);
		expect(store.locked).toBe(false);
		store.lock();
	});

	it('locks itself again after the unlock time', async () => {
		const store = await Keystore.open(join(dir, 'w.json'), 'test');
		await store.createKey('a');
		await store.encrypt('pw');
		await store.unlock('pw', 0.05);
		expect(store.locked).toBe(false);
		const deadline = Date.now() + 5000;
		while (!store.locked && Date.now() < deadline) await new Promise(r => setTimeout(r, 10));
		expect(store.locked).toBe(true);
	});

	it('refuses damaged files, other networks and bad labels plainly', async () => {
		const path = join(dir, 'w.json');
		await writeFile(path, '{not json');
		await expect(Keystore.open(path, 'test')).rejects.toThrow(/damaged: not JSON/);
		await writeFile(path, JSON.stringify({format: 'chain-tui-wallet', version: 1, network: 'test', encryption: null, keys: [{label: 'x', publicKey: 'zz', privateKey: '00', created: 0}], pending: []}));
		await expect(Keystore.open(path, 'test')).rejects.toThrow(/damaged: a key record/);
		await rm(path);
		const store = await Keystore.open(path, 'main');
		await expect(Keystore.open(path, 'regtest')).rejects.toThrow(/for the main network, not regtest/);
		await expect(store.createKey('')).rejects.toThrow(/label/);
		await expect(store.createKey('x'.repeat(65))).rejects.toThrow(/label/);
		await expect(store.encrypt('')).rejects.toThrow(/empty/);
	});

	it('keeps a payment\'s note (sendtoaddress\'s comment and comment_to) across reopening, forgets it with the payment, and refuses a damaged one', async () => {
		const path = join(dir, 'notes.json');
		const store = await Keystore.open(path, 'test');
		const txid = 'ab'.repeat(32);
		await store.withPending(ledger => ledger.record('00', {txid, note: {comment: 'rent', to: 'Bob'}}));
		expect((await Keystore.open(path, 'test')).note(txid)).toEqual({comment: 'rent', to: 'Bob'});
		await store.withPending(ledger => ledger.forget('00', txid));
		expect((await Keystore.open(path, 'test')).note(txid)).toBeUndefined();
		expect(JSON.parse(await readFile(path, 'utf8')).notes).toBeUndefined();
		const file = JSON.parse(await readFile(path, 'utf8'));
		await writeFile(path, JSON.stringify({...file, notes: {[txid]: {comment: 7}}}));
		await expect(Keystore.open(path, 'test')).rejects.toThrow(/damaged: transaction notes/);
	});

	it('a backup is a copy, 0600', async () => {
		const store = await Keystore.open(join(dir, 'w.json'), 'test');
		await store.createKey('a');
		await store.backup(join(dir, 'backup.json'));
		expect(await readFile(join(dir, 'backup.json'), 'utf8')).toBe(await readFile(join(dir, 'w.json'), 'utf8'));
		expect((await stat(join(dir, 'backup.json'))).mode & 0o777).toBe(0o600);
	});
});

describe('wallet on a chain', () => {
	async function setup() {
		const verifier = new CachingVerifier(inlineVerifier);
		env = await tempChain(quickNet, {verifier});
		const mempool = new Mempool({chain: env.chain, verifier});
		const store = await Keystore.open(join(dir, 'wallet.json'), quickNet.name);
		const wallet = new Wallet(store, env.chain, mempool);
		const miner = new Miner({chain: env.chain, mempool});
		return {chain: env.chain, mempool, store, wallet, miner};
	}

	it('mines to its first address, shows immature then confirmed balance, sends with change, and the block includes it', async () => {
		const {chain, mempool, wallet, miner} = await setup();
		const mining = await wallet.miningAddress();
		expect((await wallet.addresses())[0]).toMatchObject({label: 'mining', address: mining});
		const payout = p2pkhScript(decodeAddress(mining, quickNet.addressVersion));
		await miner.generate(2, payout);
		expect((await wallet.addresses())[0]).toMatchObject({confirmed: 0n, immature: 100n * COIN});
		await miner.generate(quickNet.coinbaseMaturity, payout);
		// Five blocks: rewards at heights 1-3 are mature for the next block (6), 4-5 are not.
		expect((await wallet.addresses())[0]).toMatchObject({confirmed: 150n * COIN, immature: 100n * COIN, unconfirmed: 0n});
		const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);
		const tx = await wallet.send({to: bob, amount: 12n * COIN, feeRate: 2n});
		expect(mempool.has(tx.txid())).toBe(true);
		const after = (await wallet.addresses())[0]!;
		expect(after.unconfirmed).toBe(50n * COIN - 12n * COIN - mempool.get(tx.txid())!.fee);
		expect(mempool.get(tx.txid())!.feeRate).toBeGreaterThanOrEqual(2);
		const history = await wallet.history(mining);
		expect(history.filter(h => h.height === null).map(h => h.kind).sort()).toEqual(['received', 'spent']);
		const [block] = await miner.generate(1, payout);
		expect(block!.txs.map(t => t.txid())).toContain(tx.txid());
		expect(mempool.size).toBe(0);
		expect((await chain.getAddressCoins(key('bob').hash))[0]?.coin.value).toBe(12n * COIN);
	});

	it('spends its own unconfirmed change, and records BPM readings that the chain lists', async () => {
		const {wallet, miner} = await setup();
		const mining = await wallet.miningAddress();
		const payout = p2pkhScript(decodeAddress(mining, quickNet.addressVersion));
		await miner.generate(1 + quickNet.coinbaseMaturity, payout);
		const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);
		await wallet.send({to: bob, amount: 10n * COIN, feeRate: 1n});
		await wallet.send({to: bob, amount: 30n * COIN, feeRate: 1n}); // only the unconfirmed change can pay this
		const reading = await wallet.recordBpm({address: mining, bpm: 72, feeRate: 1n});
		expect(reading.outputs[0]!.script).toEqual(Uint8Array.of(0x6a, 0x05, 0x42, 0x50, 0x4d, 72, 0));
		await miner.generate(1, payout);
		const readings = await wallet.bpmReadings(mining);
		expect(readings).toMatchObject([{address: mining, bpm: 72, confirmations: 1}]);
		expect(readings[0]!.time).toBeGreaterThan(0);
	});

	it('refuses bad addresses, bad amounts, short funds (naming immature coins) and BPM out of range', async () => {
		const {wallet, miner} = await setup();
		const mining = await wallet.miningAddress();
		const payout = p2pkhScript(decodeAddress(mining, quickNet.addressVersion));
		await miner.generate(2, payout);
		const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);
		const typo = bob.slice(0, -1) + (bob.endsWith('z') ? 'y' : 'z');
		await expect(wallet.send({to: typo, amount: COIN, feeRate: 1n})).rejects.toThrow(/checksum/);
		await expect(wallet.send({to: encodeAddress(key('bob').hash, 0x1c), amount: COIN, feeRate: 1n})).rejects.toThrow(/another network/);
		await expect(wallet.send({to: bob, amount: 100n, feeRate: 1n})).rejects.toMatchObject({code: 'bad-amount', message: expect.stringMatching(/dust/)});
		await expect(wallet.send({to: bob, amount: COIN, feeRate: 1n})).rejects.toMatchObject({code: 'insufficient-funds', message: expect.stringMatching(/insufficient funds.*immature/)});
		await miner.generate(quickNet.coinbaseMaturity, payout);
		await expect(wallet.send({to: bob, amount: 200n * COIN, feeRate: 1n})).rejects.toThrow(/insufficient funds: need 200\.\d+ \(200 plus fee 0\.\d+\), spendable 150; 100 more is immature/);
		for (const bpm of [19, 301, 72.5, Number.NaN]) {
			await expect(wallet.recordBpm({address: mining, bpm, feeRate: 1n})).rejects.toMatchObject({code: 'bad-bpm', message: expect.stringMatching(/BPM must be a whole number from 20 to 300/)});
		}
		await expect(wallet.recordBpm({address: bob, bpm: 70, feeRate: 1n})).rejects.toMatchObject({code: 'bad-address', message: expect.stringMatching(/not an address of this wallet/)});
		await expect(wallet.send({to: bob, amount: COIN, feeRate: 0n})).rejects.toMatchObject({code: 'bad-fee-rate', message: expect.stringMatching(/fee rate/)});
	});

	it('asks for the passphrase to sign when locked', async () => {
		const {wallet, store, miner} = await setup();
		const mining = await wallet.miningAddress();
		await miner.generate(1 + quickNet.coinbaseMaturity, p2pkhScript(decodeAddress(mining, quickNet.addressVersion)));
		await store.encrypt('pw');
		const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);
		await expect(wallet.send({to: bob, amount: COIN, feeRate: 1n})).rejects.toThrow(WalletLockedError);
		await store.unlock('pw', 60);
		await expect(wallet.send({to: bob, amount: COIN, feeRate: 1n})).resolves.toBeDefined();
		store.lock();
	});

	it('keeps its unconfirmed transactions across a restart and announces them again', async () => {
		const {wallet, miner, mempool} = await setup();
		const mining = await wallet.miningAddress();
		await miner.generate(1 + quickNet.coinbaseMaturity, p2pkhScript(decodeAddress(mining, quickNet.addressVersion)));
		const tx = await wallet.send({to: encodeAddress(key('bob').hash, quickNet.addressVersion), amount: COIN, feeRate: 1n});
		expect(mempool.size).toBe(1);
		// Restart: a fresh mempool, the keystore reopened from its file.
		const chain = await env.reopen();
		const pool2 = new Mempool({chain});
		const store2 = await Keystore.open(join(dir, 'wallet.json'), quickNet.name);
		const wallet2 = new Wallet(store2, chain, pool2);
		const back = await wallet2.resubmit();
		expect(back.map(t => t.txid())).toEqual([tx.txid()]);
		expect(pool2.has(tx.txid())).toBe(true);
		// Once mined it is forgotten.
		await new Miner({chain, mempool: pool2}).generate(1, p2pkhScript(hash160(store2.keys()[0]!.publicKey)));
		expect(await wallet2.resubmit()).toEqual([]);
		expect(store2.pending).toEqual([]);
	});
});


describe('one wallet file, several writers', () => {
	it('two nodes sharing a file both keep their keys and pending transactions', async () => {
		const path = join(dir, 'shared.json');
		const a = await Keystore.open(path, 'test');
		const b = await Keystore.open(path, 'test');
		await a.createKey('from a');
		await b.addPending('00aa');
		await b.createKey('from b');
		await a.addPending('00bb');
		const c = await Keystore.open(path, 'test');
		expect(c.keys().map(k => k.label)).toEqual(['from a', 'from b']);
		expect(c.pending).toEqual(['00aa', '00bb']);
		await a.refresh();
		expect(a.keys()).toHaveLength(2);
	});

	it('changes racing within one process neither fail nor corrupt the file', async () => {
		const path = join(dir, 'busy.json');
		const store = await Keystore.open(path, 'test');
		await store.createKey('a');
		await store.encrypt('old');
		await store.unlock('old', 60);
		const results = await Promise.allSettled([store.createKey('b'), store.changePassphrase('old', 'new'), store.createKey('c'), store.addPending('0011')]);
		// Key "c" was asked for after the passphrase change locked the wallet: refused, plainly.
		expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
		expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(WalletLockedError);
		const reopened = await Keystore.open(path, 'test');
		await reopened.unlock('new', 60); // every key decrypts under the new passphrase
		expect(reopened.keys().map(k => k.label)).toEqual(['a', 'b']);
		for (const k of reopened.keys()) expect(reopened.privateKey(k.publicKey)).toHaveLength(32);
		expect(reopened.pending).toEqual(['0011']);
		reopened.lock();
	});

	it('a stale lock file left by a crash is taken over, a fresh one is waited for', async () => {
		const path = join(dir, 'locked.json');
		const store = await Keystore.open(path, 'test');
		const {utimes} = await import('node:fs/promises');
		await writeFile(`${path}.lock`, '');
		const old = new Date(Date.now() - 60_000);
		await utimes(`${path}.lock`, old, old);
		await store.createKey('after a crash');
		expect(store.keys()).toHaveLength(1);
		await writeFile(`${path}.lock`, '');
		const waiting = store.createKey('waits');
		setTimeout(() => void rm(`${path}.lock`, {force: true}), 100);
		await waiting;
		expect(store.keys().map(k => k.label)).toEqual(['after a crash', 'waits']);
	});
});
