/**
 * Every parameter every method declares (PARAM_NAMES), one row each: what it should change, as
 * Bitcoin Core's RPC does, checked through real HTTP against a real node (LevelDB in a temp dir)
 * with a real peer. The table must cover PARAM_NAMES exactly, so a new parameter needs a row.
 */
import {access} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {PARAM_NAMES, rpcMethods} from '../../source/node/rpc/methods.js';
import {decodeAddress} from '../../source/node/crypto/address.js';
import {hashToHex, toHex} from '../../source/node/encoding/hex.js';
import {networkHashesPerSecond} from '../../source/node/mining/rate.js';
import {MuHash3072} from '../../source/node/crypto/muhash.js';
import {Writer} from '../../source/node/encoding/writer.js';
import {TxOut} from '../../source/node/primitives/tx.js';
import {bpmScript, p2pkhScript} from '../../source/node/primitives/script.js';
import {coinbaseOf, key, nextBlock, spend} from '../helpers/builder.js';
import {quickNet} from '../helpers/chain-env.js';
import {posregtest} from '../../source/node/consensus/networks.js';
import {startRpcNode, type Reply} from '../helpers/rpc-node.js';
import {waitFor} from '../helpers/net-env.js';


const cleanups: (() => Promise<void>)[] = [];
let a: {node: FullNode; call: (method: string, params?: unknown[] | Record<string, unknown>) => Promise<Reply>; dir: string};
let b: {node: FullNode; call: (method: string, params?: unknown[] | Record<string, unknown>) => Promise<Reply>; dir: string};

async function rpcNode(options: {peers?: string[]} = {}) {
	const n = await startRpcNode({...options, port: 0, prefix: 'chain-tui-rpc-params-'});
	cleanups.push(() => n.close());
	return n;
}

const ok = async (p: Promise<Reply>) => {
	const r = await p;
	expect(r.error).toBeNull();
	return r.result;
};
const code = async (p: Promise<Reply>) => (await p).error?.code;

/** Shared state the rows build on, in order. */
const s = {main: '', other: '', unsafeTo: '', coinbaseTxid: '', txInBlock2: '', block1: '', block2: '', tip: '', payTx: '', bpmAddress: ''};

beforeAll(async () => {
	a = await rpcNode();
	b = await rpcNode({peers: [`127.0.0.1:${a.node.pool!.port}`]});
	await waitFor(() => a.node.pool!.connectedPeers.length === 1 && b.node.pool!.connectedPeers.length === 1, 'b connects to a');
	s.main = await ok(a.call('getnewaddress', ['main']));
	// Heights 1-6 pay `main`; with maturity 3, coinbases at 5 and 6 are still immature at tip 6.
	await ok(a.call('generatetoaddress', [6, s.main]));
	s.block1 = await ok(a.call('getblockhash', [1]));
	s.block2 = await ok(a.call('getblockhash', [2]));
	s.txInBlock2 = (await ok(a.call('getblock', [s.block2]))).tx[0];
	s.coinbaseTxid = s.txInBlock2;
}, 60_000);
afterAll(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

interface Row {
	readonly method: string;
	readonly param: string;
	readonly effect: string;
	readonly check: () => Promise<void>;
}

/** An RPC amount (8 decimals) in units. */
const units = (value: number) => BigInt(Math.round(value * 1e8));

const confirmationsOf = (list: {confirmations: number}[]) => list.map(u => u.confirmations).sort((x, y) => x - y);

const rows: Row[] = [
	// ---- listunspent (first: the coins are as mined)
	{method: 'listunspent', param: 'minconf', effect: 'outputs with fewer confirmations are left out; immature coinbases never listed; 0 takes the mempool in', check: async () => {
		expect(confirmationsOf(await ok(a.call('listunspent')))).toEqual([3, 4, 5, 6]); // 1 and 2: immature coinbase
		expect(confirmationsOf(await ok(a.call('listunspent', [5])))).toEqual([5, 6]);
		expect(confirmationsOf(await ok(a.call('listunspent', {minconf: 4})))).toEqual([4, 5, 6]);
	}},
	{method: 'listunspent', param: 'maxconf', effect: 'outputs with more confirmations are left out', check: async () => {
		expect(confirmationsOf(await ok(a.call('listunspent', [1, 4])))).toEqual([3, 4]);
		expect(confirmationsOf(await ok(a.call('listunspent', {maxconf: 3})))).toEqual([3]);
	}},
	{method: 'listunspent', param: 'addresses', effect: 'only those addresses; a bad one -5, a repeated one -8', check: async () => {
		s.other = await ok(a.call('getnewaddress', ['other']));
		// An unconfirmed payment to `other` from our own coins (safe), and a confirmed one after a block.
		s.payTx = await ok(a.call('sendtoaddress', [s.other, 2]));
		const pending = (await ok(a.call('listunspent', [0, 9_999_999, [s.other]]))) as {address: string; confirmations: number; txid: string}[];
		expect(pending.map(u => [u.address, u.confirmations, u.txid])).toEqual([[s.other, 0, s.payTx]]);
		expect(await ok(a.call('listunspent', [1, 9_999_999, [s.other]]))).toEqual([]);
		const mainOnly = (await ok(a.call('listunspent', [1, 9_999_999, [s.main]]))) as {address: string}[];
		expect(mainOnly.length).toBeGreaterThan(0);
		expect(new Set(mainOnly.map(u => u.address))).toEqual(new Set([s.main]));
		expect(await code(a.call('listunspent', [1, 9_999_999, ['nonsense']]))).toBe(-5);
		expect(await code(a.call('listunspent', [1, 9_999_999, [s.main, s.main]]))).toBe(-8);
	}},
	{method: 'listunspent', param: 'include_unsafe', effect: 'false leaves out unconfirmed outputs from others\' inputs, keeps those from our own', check: async () => {
		// A coin of a key the wallet does not have, matured, then spent to our address: unsafe.
		const stranger = key('stranger');
		const chain = a.node.chain;
		const block = nextBlock(chain, chain.tip, {payTo: stranger.script});
		await chain.add(block);
		await ok(a.call('generatetoaddress', [quickNet.coinbaseMaturity, s.main]));
		s.unsafeTo = await ok(a.call('getnewaddress', ['unsafe']));
		const coin = coinbaseOf(block, stranger);
		const tx = spend([coin], [new TxOut(coin.value - 10_000n, p2pkhScript(decodeAddress(s.unsafeTo, quickNet.addressVersion)))]);
		await a.node.mempool.add(tx);
		const payNow = await ok(a.call('sendtoaddress', [s.other, 1])); // ours: safe
		const withUnsafe = (await ok(a.call('listunspent', [0, 9_999_999, [s.unsafeTo, s.other], true]))) as {txid: string; safe: boolean}[];
		expect(withUnsafe.find(u => u.txid === tx.txid())?.safe).toBe(false);
		expect(withUnsafe.some(u => u.txid === payNow)).toBe(true);
		const safeOnly = (await ok(a.call('listunspent', {minconf: 0, addresses: [s.unsafeTo, s.other], include_unsafe: false}))) as {txid: string; safe: boolean}[];
		expect(safeOnly.some(u => u.txid === tx.txid())).toBe(false);
		expect(safeOnly.some(u => u.txid === payNow)).toBe(true);
		await ok(a.call('generatetoaddress', [1, s.main])); // confirmed now: listed either way
		const after = (await ok(a.call('listunspent', [1, 9_999_999, [s.unsafeTo], false]))) as {txid: string}[];
		expect(after.map(u => u.txid)).toEqual([tx.txid()]);
	}},
	// ---- chain reads
	{method: 'getblockhash', param: 'height', effect: 'the hash at that height', check: async () => {
		expect(await ok(a.call('getblockhash', [0]))).toBe(quickNet.genesis.hashHex());
		expect(await ok(a.call('getblockhash', {height: 1}))).toBe(a.node.chain.getEntryByHeight(1)!.hashHex);
	}},
	{method: 'getblockheader', param: 'blockhash', effect: 'that block\'s header', check: async () => {
		expect((await ok(a.call('getblockheader', [s.block2]))).height).toBe(2);
	}},
	{method: 'getblockheader', param: 'verbose', effect: 'false: the 80-byte header as hex', check: async () => {
		expect(await ok(a.call('getblockheader', [s.block1, false]))).toMatch(/^[0-9a-f]{160}$/);
		expect(typeof (await ok(a.call('getblockheader', [s.block1, true])))).toBe('object');
	}},
	{method: 'getblock', param: 'blockhash', effect: 'that block', check: async () => {
		expect((await ok(a.call('getblock', [s.block1]))).height).toBe(1);
	}},
	{method: 'getblock', param: 'verbosity', effect: '0 hex, 1 txids, 2 decoded transactions, 3 with prevouts; true/false as 1/0 (Core)', check: async () => {
		// The block that mined `payTx` (sent in the addresses row) spends a coinbase of `main`.
		const {blockhash} = await ok(a.call('getrawtransaction', [s.payTx, true]));
		const three = await ok(a.call('getblock', [blockhash, 3]));
		const spender = three.tx.find((t: {txid: string}) => t.txid === s.payTx);
		expect(spender.vin[0].prevout).toMatchObject({generated: true, scriptPubKey: {address: s.main}});
		expect(spender.vin[0].prevout.height).toBeGreaterThan(0);
		expect((await ok(a.call('getblock', [blockhash, 2]))).tx.find((t: {txid: string}) => t.txid === s.payTx).vin[0].prevout).toBeUndefined();
		expect(await ok(a.call('getblock', [s.block1, 0]))).toMatch(/^[0-9a-f]+$/);
		expect(typeof (await ok(a.call('getblock', [s.block1, 1]))).tx[0]).toBe('string');
		expect((await ok(a.call('getblock', [s.block1, 2]))).tx[0].txid).toBe((await ok(a.call('getblock', [s.block1]))).tx[0]);
		expect(typeof (await ok(a.call('getblock', [s.block1, true]))).tx[0]).toBe('string');
		expect(await ok(a.call('getblock', [s.block1, false]))).toMatch(/^[0-9a-f]+$/);
	}},
	{method: 'getrawtransaction', param: 'txid', effect: 'that transaction', check: async () => {
		expect((await ok(a.call('getrawtransaction', [s.txInBlock2, true]))).txid).toBe(s.txInBlock2);
	}},
	{method: 'getrawtransaction', param: 'verbose', effect: 'false/0: hex; true/1: decoded; 2: with prevouts and fee (Core)', check: async () => {
		const two = await ok(a.call('getrawtransaction', [s.payTx, 2]));
		expect(two.vin[0].prevout).toMatchObject({generated: true, scriptPubKey: {address: s.main}});
		const paid = two.vin.reduce((sum: bigint, v: {prevout: {value: number}}) => sum + BigInt(Math.round(v.prevout.value * 1e8)), 0n);
		const kept = two.vout.reduce((sum: bigint, o: {value: number}) => sum + BigInt(Math.round(o.value * 1e8)), 0n);
		expect(BigInt(Math.round(two.fee * 1e8))).toBe(paid - kept);
		expect(two.fee).toBeGreaterThan(0);
		expect((await ok(a.call('getrawtransaction', [s.payTx, 1]))).fee).toBeUndefined();
		expect(await ok(a.call('getrawtransaction', [s.payTx, 0]))).toMatch(/^[0-9a-f]+$/);
		expect(await ok(a.call('getrawtransaction', [s.txInBlock2]))).toMatch(/^[0-9a-f]+$/);
		expect((await ok(a.call('getrawtransaction', [s.txInBlock2, true]))).blockhash).toBe(s.block2);
	}},
	{method: 'getrawtransaction', param: 'blockhash', effect: 'looks in that block only (in_active_chain); elsewhere -5', check: async () => {
		expect((await ok(a.call('getrawtransaction', [s.txInBlock2, true, s.block2]))).in_active_chain).toBe(true);
		expect(await code(a.call('getrawtransaction', [s.txInBlock2, true, s.block1]))).toBe(-5);
		expect(await code(a.call('getrawtransaction', [s.txInBlock2, true, '11'.repeat(32)]))).toBe(-5);
	}},
	{method: 'decoderawtransaction', param: 'hexstring', effect: 'decodes that transaction', check: async () => {
		const hex = await ok(a.call('getrawtransaction', [s.txInBlock2]));
		expect((await ok(a.call('decoderawtransaction', [hex]))).txid).toBe(s.txInBlock2);
	}},
	{method: 'gettxout', param: 'txid', effect: 'that transaction\'s output', check: async () => {
		expect((await ok(a.call('gettxout', [s.payTx, 0]))).confirmations).toBeGreaterThan(0);
		expect(await ok(a.call('gettxout', ['22'.repeat(32), 0]))).toBeNull();
	}},
	{method: 'gettxout', param: 'n', effect: 'that output index', check: async () => {
		const tx = await ok(a.call('getrawtransaction', [s.payTx, true]));
		for (const out of tx.vout) expect((await ok(a.call('gettxout', [s.payTx, out.n]))).value).toBe(out.value);
		expect(await ok(a.call('gettxout', [s.payTx, tx.vout.length]))).toBeNull();
	}},
	{method: 'gettxout', param: 'include_mempool', effect: 'true: an output the mempool spends is gone, one it makes is there; false: the chain only', check: async () => {
		const pay = await ok(a.call('sendtoaddress', [s.other, 0.5]));
		expect(await ok(a.call('gettxout', [pay, 0, true]))).not.toBeNull();
		expect(await ok(a.call('gettxout', [pay, 0, false]))).toBeNull();
		const spent = a.node.mempool.get(pay)!.tx.inputs[0]!.prevout;
		const txid = hashToHex(spent.txid);
		expect(await ok(a.call('gettxout', [txid, spent.index, true]))).toBeNull();
		expect(await ok(a.call('gettxout', [txid, spent.index, false]))).not.toBeNull();
	}},
	{method: 'getrawmempool', param: 'verbose', effect: 'false: txids; true: entries by txid', check: async () => {
		const ids = (await ok(a.call('getrawmempool', [false]))) as string[];
		expect(ids.length).toBeGreaterThan(0);
		expect(Object.keys(await ok(a.call('getrawmempool', [true]))).sort()).toEqual([...ids].sort());
	}},
	{method: 'getmempoolentry', param: 'txid', effect: 'that entry; not in the pool -5', check: async () => {
		const [id] = (await ok(a.call('getrawmempool'))) as string[];
		expect((await ok(a.call('getmempoolentry', [id]))).size).toBe(a.node.mempool.get(id!)!.size);
		expect(await code(a.call('getmempoolentry', ['33'.repeat(32)]))).toBe(-5);
	}},
	{method: 'sendrawtransaction', param: 'hexstring', effect: 'that transaction goes to the mempool', check: async () => {
		const prepared = await a.node.wallet.prepareSend({to: s.other, amount: 30_000_000n, feeRate: 1n});
		expect(await ok(a.call('sendrawtransaction', [toHex(prepared.tx.toRaw())]))).toBe(prepared.tx.txid());
		expect(a.node.mempool.get(prepared.tx.txid())).toBeDefined();
	}},
	{method: 'sendrawtransaction', param: 'maxfeerate', effect: 'a higher fee rate is refused (-25), default 0.10/kvB, 0 = no limit, 1/kvB or more -8', check: async () => {
		// 20,000 units a byte = 0.2 per kvB: over the default.
		const dear = await a.node.wallet.prepareSend({to: s.other, amount: 40_000_000n, feeRate: 20_000n});
		const hex = toHex(dear.tx.toRaw());
		expect(await code(a.call('sendrawtransaction', [hex]))).toBe(-25);
		expect(await code(a.call('sendrawtransaction', [hex, 0.15]))).toBe(-25);
		expect(await code(a.call('sendrawtransaction', [hex, 1]))).toBe(-8);
		expect(a.node.mempool.get(dear.tx.txid())).toBeUndefined();
		expect(await ok(a.call('sendrawtransaction', {hexstring: hex, maxfeerate: 0}))).toBe(dear.tx.txid());
		const cheap = await a.node.wallet.prepareSend({to: s.other, amount: 40_000_000n, feeRate: 2n}); // 0.00002 per kvB
		expect(await code(a.call('sendrawtransaction', [toHex(cheap.tx.toRaw()), 0.00001]))).toBe(-25);
		expect(await ok(a.call('sendrawtransaction', [toHex(cheap.tx.toRaw()), 0.00003]))).toBe(cheap.tx.txid());
	}},
	// ---- mining
	{method: 'generatetoaddress', param: 'nblocks', effect: 'that many blocks; 0 none (Core does not refuse it)', check: async () => {
		const h = a.node.chain.height;
		expect(await ok(a.call('generatetoaddress', [2, s.main]))).toHaveLength(2);
		expect(a.node.chain.height).toBe(h + 2);
		expect(await ok(a.call('generatetoaddress', [0, s.main]))).toEqual([]);
		expect(a.node.chain.height).toBe(h + 2);
	}},
	{method: 'generatetoaddress', param: 'address', effect: 'the coinbase pays it', check: async () => {
		const [hash] = await ok(a.call('generatetoaddress', [1, s.other]));
		expect((await ok(a.call('getblock', [hash, 2]))).tx[0].vout[0].scriptPubKey.address).toBe(s.other);
	}},
	{method: 'generatetoaddress', param: 'maxtries', effect: 'no tries left: no block (Core returns what it found)', check: async () => {
		const h = a.node.chain.height;
		expect(await ok(a.call('generatetoaddress', [3, s.main, 0]))).toEqual([]);
		expect(a.node.chain.height).toBe(h);
		// One try's budget: at most one block is started.
		expect((await ok(a.call('generatetoaddress', {nblocks: 3, address: s.main, maxtries: 1}))).length).toBeLessThanOrEqual(1);
	}},
	{method: 'setgenerate', param: 'generate', effect: 'starts and stops the miner', check: async () => {
		await ok(a.call('setgenerate', [true, 1]));
		expect((await ok(a.call('getmininginfo'))).generate).toBe(true);
		await ok(a.call('setgenerate', [false]));
		expect((await ok(a.call('getmininginfo'))).generate).toBe(false);
	}},
	{method: 'setgenerate', param: 'genproclimit', effect: 'the thread count; 0 turns mining off (Core 0.12)', check: async () => {
		await ok(a.call('setgenerate', [false, 2]));
		expect((await ok(a.call('getmininginfo'))).genproclimit).toBe(2);
		await ok(a.call('setgenerate', [true, 0]));
		expect((await ok(a.call('getmininginfo'))).generate).toBe(false);
	}},
	{method: 'setstaking', param: 'staking', effect: 'turns staking on and off on a PoS network (getstakinginfo enabled); required; a PoW node refuses -1', check: async () => {
		expect(await code(a.call('setstaking', [true]))).toBe(-1);
		const p = await startRpcNode({network: posregtest, prefix: 'chain-tui-rpc-params-pos-'});
		cleanups.push(() => p.close());
		await ok(p.call('generatetoaddress', [posregtest.stake!.powBlocks, await ok(p.call('getnewaddress', []))]));
		expect(await code(p.call('setstaking', []))).toBe(-32602);
		await ok(p.call('setstaking', [true]));
		expect(await ok(p.call('getstakinginfo'))).toMatchObject({enabled: true});
		await ok(p.call('setstaking', {staking: false}));
		expect(await ok(p.call('getstakinginfo'))).toMatchObject({enabled: false, staking: false, reason: 'disabled'});
	}},
	{method: 'getnetworkhashps', param: 'nblocks', effect: 'the window; 0 refused -8', check: async () => {
		expect(await code(a.call('getnetworkhashps', [0]))).toBe(-8);
		for (const n of [2, 5]) expect(await ok(a.call('getnetworkhashps', [n]))).toBe(networkHashesPerSecond(a.node.chain.tip, n, quickNet));
	}},
	{method: 'getnetworkhashps', param: 'height', effect: 'measured up to that height; past the tip -8', check: async () => {
		expect(await ok(a.call('getnetworkhashps', [120, 1]))).toBe(0);
		expect(await code(a.call('getnetworkhashps', [120, a.node.chain.height + 1]))).toBe(-8);
	}},
	// ---- wallet
	{method: 'getnewaddress', param: 'label', effect: 'the key gets that label; "*" refused -11', check: async () => {
		const addr = await ok(a.call('getnewaddress', ['tabled']));
		expect((await a.node.wallet.addresses()).find(w => w.address === addr)?.label).toBe('tabled');
		expect(await code(a.call('getnewaddress', ['*']))).toBe(-11);
	}},
	{method: 'sendtoaddress', param: 'address', effect: 'pays that address', check: async () => {
		const txid = await ok(a.call('sendtoaddress', [s.unsafeTo, 0.25]));
		const hash = decodeAddress(s.unsafeTo, quickNet.addressVersion);
		expect(a.node.mempool.get(txid)!.tx.outputs.some(o => toHex(o.script) === toHex(p2pkhScript(hash)))).toBe(true);
	}},
	{method: 'sendtoaddress', param: 'amount', effect: 'exactly that amount', check: async () => {
		const txid = await ok(a.call('sendtoaddress', {address: s.unsafeTo, amount: 0.12345678}));
		expect(a.node.mempool.get(txid)!.tx.outputs.some(o => o.value === 12_345_678n)).toBe(true);
	}},
	{method: 'validateaddress', param: 'address', effect: 'that address is checked', check: async () => {
		expect((await ok(a.call('validateaddress', [s.main]))).isvalid).toBe(true);
		expect((await ok(a.call('validateaddress', ['nonsense']))).isvalid).toBe(false);
	}},
	{method: 'listtransactions', param: 'label', effect: 'that label only; "*" all', check: async () => {
		const other = (await ok(a.call('listtransactions', ['other', 1000]))) as {address: string}[];
		expect(other.length).toBeGreaterThan(0);
		expect(new Set(other.map(t => t.address))).toEqual(new Set([s.other]));
		expect(((await ok(a.call('listtransactions', ['*', 1000]))) as unknown[]).length).toBeGreaterThan(other.length);
	}},
	{method: 'listtransactions', param: 'count', effect: 'at most that many, the newest; negative -8', check: async () => {
		const all = (await ok(a.call('listtransactions', ['*', 1000]))) as unknown[];
		expect(await ok(a.call('listtransactions', ['*', 3]))).toEqual(all.slice(-3));
		expect(await code(a.call('listtransactions', ['*', -1]))).toBe(-8);
	}},
	{method: 'listtransactions', param: 'skip', effect: 'the newest `skip` left out first; negative -8', check: async () => {
		const all = (await ok(a.call('listtransactions', ['*', 1000]))) as unknown[];
		expect(await ok(a.call('listtransactions', {label: '*', count: 3, skip: 2}))).toEqual(all.slice(-5, -2));
		expect(await code(a.call('listtransactions', ['*', 3, -1]))).toBe(-8);
	}},
	{method: 'recordbpm', param: 'address', effect: 'the reading is recorded from that address', check: async () => {
		s.bpmAddress = s.main;
		await ok(a.call('recordbpm', [s.main, 71]));
		await ok(a.call('generatetoaddress', [1, s.main]));
		expect(((await ok(a.call('listbpm', [s.main]))) as {bpm: number}[]).map(r => r.bpm)).toContain(71);
	}},
	{method: 'recordbpm', param: 'bpm', effect: 'that reading; out of range refused', check: async () => {
		await ok(a.call('recordbpm', {address: s.main, bpm: 93}));
		await ok(a.call('generatetoaddress', [1, s.main]));
		expect(((await ok(a.call('listbpm', [s.main]))) as {bpm: number}[]).map(r => r.bpm)).toContain(93);
		expect(await code(a.call('recordbpm', [s.main, 400]))).toBe(-4);
	}},
	{method: 'listbpm', param: 'address', effect: 'that address\'s readings only', check: async () => {
		expect(await ok(a.call('listbpm', [s.other]))).toEqual([]);
		expect(((await ok(a.call('listbpm', [s.main]))) as unknown[]).length).toBe(2);
	}},
	{method: 'backupwallet', param: 'destination', effect: 'the wallet is written there', check: async () => {
		const to = join(a.dir, 'backup-table.json');
		await ok(a.call('backupwallet', [to]));
		await expect(access(to)).resolves.toBeUndefined();
	}},
	// ---- getbalance (Core: dummy, minconf, include_watchonly, avoid_reuse)
	{method: 'getbalance', param: 'dummy', effect: 'left out or "*"; anything else -32 (Core)', check: async () => {
		const all = await ok(a.call('getbalance'));
		expect(await ok(a.call('getbalance', ['*']))).toBe(all);
		expect(await ok(a.call('getbalance', {dummy: '*'}))).toBe(all);
		expect(await code(a.call('getbalance', ['x']))).toBe(-32);
	}},
	{method: 'getbalance', param: 'minconf', effect: 'only outputs with that many confirmations; 0 (default) takes in unconfirmed ones whose inputs are all ours', check: async () => {
		const sum = (list: {amount: number}[]) => list.reduce((t, u) => t + units(u.amount), 0n);
		for (const minconf of [1, 3]) expect(units(await ok(a.call('getbalance', ['*', minconf])))).toBe(sum(await ok(a.call('listunspent', [minconf]))));
		expect(units(await ok(a.call('getbalance', {minconf: 3})))).toBe(sum(await ok(a.call('listunspent', [3]))));
		expect(await ok(a.call('getbalance', ['*', a.node.chain.height + 1]))).toBe(0);
		// A pending payment to ourselves: the default counts its (trusted) outputs, minconf 1 does not.
		await ok(a.call('generatetoaddress', [1, s.main])); // nothing pending
		const before = units(await ok(a.call('getbalance')));
		expect(units(await ok(a.call('getbalance', ['*', 1])))).toBe(before);
		const txid = await ok(a.call('sendtoaddress', [s.other, 1]));
		const fee = a.node.mempool.get(txid)!.fee;
		expect(units(await ok(a.call('getbalance')))).toBe(before - fee);
		expect(units(await ok(a.call('getbalance', ['*', 1])))).toBeLessThan(before - fee);
		expect(units(await ok(a.call('getbalance', ['*', 0])))).toBe(sum(await ok(a.call('listunspent', [0, 9_999_999, null, false]))));
	}},
	{method: 'getbalance', param: 'include_watchonly', effect: 'no watch-only keys here: true adds nothing; not a boolean -3', check: async () => {
		expect(await ok(a.call('getbalance', ['*', 0, true]))).toBe(await ok(a.call('getbalance', ['*', 0, false])));
		expect(await code(a.call('getbalance', ['*', 0, 'yes']))).toBe(-3);
	}},
	{method: 'getbalance', param: 'avoid_reuse', effect: 'false is the wallet\'s way; true -4 (Core: the wallet lacks the avoid_reuse flag)', check: async () => {
		expect(await ok(a.call('getbalance', ['*', 0, false, false]))).toBe(await ok(a.call('getbalance')));
		const refused = (await a.call('getbalance', {avoid_reuse: true})).error;
		expect(refused).toMatchObject({code: -4, message: 'wallet does not have the "avoid reuse" feature enabled'});
	}},
	// ---- sendtoaddress beyond address and amount
	{method: 'sendtoaddress', param: 'comment', effect: 'kept in the wallet file (not the transaction): listtransactions shows it as comment on the payment\'s entries; empty = none', check: async () => {
		const txid = await ok(a.call('sendtoaddress', [s.other, 0.1, 'for the rent']));
		const entries = () => ok(a.call('listtransactions', ['*', 1000])) as Promise<{txid: string; comment?: string; to?: string}[]>;
		const mine = (await entries()).filter(t => t.txid === txid);
		expect(mine.length).toBeGreaterThan(0);
		expect(mine.every(t => t.comment === 'for the rent' && t.to === undefined)).toBe(true);
		expect(a.node.wallet.keystore.note(txid)).toEqual({comment: 'for the rent'});
		const plain = await ok(a.call('sendtoaddress', [s.other, 0.1, '']));
		expect((await entries()).filter(t => t.txid === plain).every(t => t.comment === undefined)).toBe(true);
		// The payment's script carries no trace of it.
		expect(Buffer.from(a.node.mempool.get(txid)!.tx.toRaw()).includes(Buffer.from('for the rent'))).toBe(false);
	}},
	{method: 'sendtoaddress', param: 'comment_to', effect: 'kept in the wallet file: listtransactions shows it as to; empty = none', check: async () => {
		const txid = await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, comment_to: 'Bob'}));
		const mine = ((await ok(a.call('listtransactions', ['*', 1000]))) as {txid: string; comment?: string; to?: string}[]).filter(t => t.txid === txid);
		expect(mine.length).toBeGreaterThan(0);
		expect(mine.every(t => t.to === 'Bob' && t.comment === undefined)).toBe(true);
		const both = await ok(a.call('sendtoaddress', [s.other, 0.1, 'lunch', 'Carol']));
		expect(a.node.wallet.keystore.note(both)).toEqual({comment: 'lunch', to: 'Carol'});
		expect(a.node.wallet.keystore.note(await ok(a.call('sendtoaddress', [s.other, 0.1, '', ''])))).toBeUndefined();
	}},
	{method: 'sendtoaddress', param: 'subtractfeefromamount', effect: 'true: the recipient gets the amount less the fee; false: the amount, the fee on top', check: async () => {
		const to = await ok(a.call('getnewaddress', ['subtract']));
		const script = toHex(p2pkhScript(decodeAddress(to, quickNet.addressVersion)));
		const paid = (txid: string) => a.node.mempool.get(txid)!.tx.outputs.find(o => toHex(o.script) === script)!.value;
		const less = await ok(a.call('sendtoaddress', [to, 1, '', '', true]));
		expect(paid(less) + a.node.mempool.get(less)!.fee).toBe(100_000_000n);
		expect(paid(await ok(a.call('sendtoaddress', {address: to, amount: 1, subtractfeefromamount: false})))).toBe(100_000_000n);
		expect(paid(await ok(a.call('sendtoaddress', [to, 1])))).toBe(100_000_000n);
	}},
	{method: 'sendtoaddress', param: 'replaceable', effect: 'true: every input signals BIP125 (sequence 0xfffffffd); false and the default: final sequences', check: async () => {
		const sequences = (txid: string) => [...new Set(a.node.mempool.get(txid)!.tx.inputs.map(i => i.sequence))];
		expect(sequences(await ok(a.call('sendtoaddress', [s.other, 0.1, '', '', false, true])))).toEqual([0xfffffffd]);
		expect(sequences(await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, replaceable: false})))).toEqual([0xffffffff]);
		expect(sequences(await ok(a.call('sendtoaddress', [s.other, 0.1])))).toEqual([0xffffffff]);
	}},
	{method: 'sendtoaddress', param: 'conf_target', effect: 'refused -8: there is no fee estimator (with fee_rate, Core\'s own -8)', check: async () => {
		const pool = a.node.mempool.size;
		expect(await code(a.call('sendtoaddress', [s.other, 0.1, '', '', false, false, 6]))).toBe(-8);
		expect((await a.call('sendtoaddress', {address: s.other, amount: 0.1, conf_target: 6, fee_rate: 2})).error?.message).toMatch(/^Cannot specify both conf_target and fee_rate/);
		expect(a.node.mempool.size).toBe(pool);
	}},
	{method: 'sendtoaddress', param: 'estimate_mode', effect: '"unset" accepted; economical/conservative -8 (no estimator); another -8 with Core\'s words', check: async () => {
		expect(await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, estimate_mode: 'unset'}))).toMatch(/^[0-9a-f]{64}$/);
		expect(await code(a.call('sendtoaddress', {address: s.other, amount: 0.1, estimate_mode: 'economical'}))).toBe(-8);
		expect((await a.call('sendtoaddress', {address: s.other, amount: 0.1, estimate_mode: 'soon'})).error).toMatchObject({code: -8, message: 'Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"'});
		expect((await a.call('sendtoaddress', {address: s.other, amount: 0.1, estimate_mode: 'economical', fee_rate: 2})).error?.message).toBe('Cannot specify both estimate_mode and fee_rate');
	}},
	{method: 'sendtoaddress', param: 'avoid_reuse', effect: 'false accepted; true -4 (Core: the wallet lacks the avoid_reuse flag)', check: async () => {
		expect(await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, avoid_reuse: false}))).toMatch(/^[0-9a-f]{64}$/);
		expect(await code(a.call('sendtoaddress', {address: s.other, amount: 0.1, avoid_reuse: true}))).toBe(-4);
	}},
	{method: 'sendtoaddress', param: 'fee_rate', effect: 'units (sat) per byte, 3 decimals: the fee follows it; under the relay minimum -4; more decimals -3', check: async () => {
		const rate = (txid: string) => Number(a.node.mempool.get(txid)!.fee) / a.node.mempool.get(txid)!.size;
		const ten = await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, fee_rate: 10}));
		expect(rate(ten)).toBeGreaterThanOrEqual(10);
		expect(rate(ten)).toBeLessThan(10.5);
		const half = await ok(a.call('sendtoaddress', [s.other, 0.1, '', '', false, false, null, 'unset', false, 2.5]));
		expect(rate(half)).toBeGreaterThanOrEqual(2.5);
		expect(rate(half)).toBeLessThan(2.7);
		expect(rate(await ok(a.call('sendtoaddress', [s.other, 0.1])))).toBeLessThan(1.1);
		expect(await code(a.call('sendtoaddress', {address: s.other, amount: 0.1, fee_rate: 0.5}))).toBe(-4);
		expect(await code(a.call('sendtoaddress', {address: s.other, amount: 0.1, fee_rate: 1.2345}))).toBe(-3);
	}},
	{method: 'sendtoaddress', param: 'verbose', effect: 'true: {txid, fee_reason} (Core\'s reasons: "Fallback fee", "PayTxFee set")', check: async () => {
		const plain = await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, verbose: true}));
		expect(plain).toEqual({txid: expect.stringMatching(/^[0-9a-f]{64}$/), fee_reason: 'Fallback fee'});
		expect(a.node.mempool.get(plain.txid)).toBeDefined();
		expect((await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, fee_rate: 3, verbose: true}))).fee_reason).toBe('PayTxFee set');
		expect(await ok(a.call('sendtoaddress', {address: s.other, amount: 0.1, verbose: false}))).toMatch(/^[0-9a-f]{64}$/);
	}},
	{method: 'getnewaddress', param: 'address_type', effect: '"legacy" (P2PKH) made; Core\'s other types -8 (no segwit here); unknown -5', check: async () => {
		const legacy = await ok(a.call('getnewaddress', {label: 'typed', address_type: 'legacy'}));
		expect((await ok(a.call('validateaddress', [legacy]))).isvalid).toBe(true);
		expect(await code(a.call('getnewaddress', ['typed', 'bech32']))).toBe(-8);
		expect((await a.call('getnewaddress', ['typed', 'p2wpkh'])).error).toMatchObject({code: -5, message: "Unknown address type 'p2wpkh'"});
	}},
	{method: 'listtransactions', param: 'include_watchonly', effect: 'no watch-only keys here: true lists the same; not a boolean -3', check: async () => {
		expect(await ok(a.call('listtransactions', ['*', 1000, 0, true]))).toEqual(await ok(a.call('listtransactions', ['*', 1000, 0, false])));
		expect(await code(a.call('listtransactions', ['*', 10, 0, 'yes']))).toBe(-3);
	}},
	{method: 'getrawmempool', param: 'mempool_sequence', effect: 'true: {txids, mempool_sequence}, one more per entry in or out; with verbose -8', check: async () => {
		const before = await ok(a.call('getrawmempool', [false, true]));
		expect(before.txids).toEqual(await ok(a.call('getrawmempool')));
		await ok(a.call('sendtoaddress', [s.other, 0.1]));
		expect((await ok(a.call('getrawmempool', {mempool_sequence: true}))).mempool_sequence).toBe(before.mempool_sequence + 1);
		expect(await code(a.call('getrawmempool', [true, true]))).toBe(-8);
	}},
	{method: 'decoderawtransaction', param: 'iswitness', effect: 'true and false decode the same (no witness serialisation here, and Core\'s two readings agree on it); not a boolean -3', check: async () => {
		const hex = await ok(a.call('getrawtransaction', [s.txInBlock2]));
		const plain = await ok(a.call('decoderawtransaction', [hex]));
		expect(await ok(a.call('decoderawtransaction', [hex, true]))).toEqual(plain);
		expect(await ok(a.call('decoderawtransaction', {hexstring: hex, iswitness: false}))).toEqual(plain);
		expect(await code(a.call('decoderawtransaction', [hex, 'x']))).toBe(-3);
	}},
	{method: 'sendrawtransaction', param: 'maxburnamount', effect: 'an unspendable (OP_RETURN) output worth more is refused -25, before any other check; default 0', check: async () => {
		const burner = key('burner');
		const chain = a.node.chain;
		const block = nextBlock(chain, chain.tip, {payTo: burner.script});
		await chain.add(block);
		await ok(a.call('generatetoaddress', [quickNet.coinbaseMaturity, s.main]));
		const coin = coinbaseOf(block, burner);
		const tx = spend([coin], [new TxOut(1000n, bpmScript(70)), new TxOut(coin.value - 1000n - 10_000n, burner.script)]);
		const hex = toHex(tx.toRaw());
		expect((await a.call('sendrawtransaction', [hex])).error).toMatchObject({code: -25, message: 'Unspendable output exceeds maximum configured by user (maxburnamount)'});
		expect(await code(a.call('sendrawtransaction', [hex, 0, 0.00000999]))).toBe(-25);
		expect(a.node.mempool.get(tx.txid())).toBeUndefined();
		// Allowed to burn it, it meets this chain's own rule: a data output carries no value (-26).
		expect((await a.call('sendrawtransaction', {hexstring: hex, maxburnamount: 0.00001})).error).toMatchObject({code: -26, message: expect.stringMatching(/^bad-txns-nulldata-value/)});
		// A reading worth nothing burns nothing: the default lets it through.
		const reading = spend([{...coin}], [new TxOut(0n, bpmScript(71)), new TxOut(coin.value - 10_000n, burner.script)]);
		expect(await ok(a.call('sendrawtransaction', [toHex(reading.toRaw())]))).toBe(reading.txid());
	}},
	{method: 'listunspent', param: 'query_options', effect: 'minimumAmount, maximumAmount, maximumCount, minimumSumAmount, include_immature_coinbase as Core; another key -3', check: async () => {
		const list = async (q: Record<string, unknown>) => (await ok(a.call('listunspent', [1, 9_999_999, [s.main], true, q]))) as {amount: number; confirmations: number}[];
		const all = await list({});
		expect(all.length).toBeGreaterThan(3);
		const amounts = all.map(u => u.amount);
		const mid = [...amounts].sort((x, y) => x - y)[Math.floor(amounts.length / 2)]!;
		const high = await list({minimumAmount: mid.toFixed(8)});
		expect(high.every(u => u.amount >= mid)).toBe(true);
		expect(high.length).toBe(amounts.filter(x => x >= mid).length);
		expect((await list({maximumAmount: mid.toFixed(8)})).length).toBe(amounts.filter(x => x <= mid).length);
		expect(await list({maximumCount: 2})).toHaveLength(2);
		expect(await list({maximumCount: 0})).toHaveLength(all.length); // Core: 0 is no limit
		expect(await list({minimumSumAmount: '0.00000001'})).toHaveLength(1);
		const immature = await list({include_immature_coinbase: true});
		expect(immature.length).toBeGreaterThan(all.length);
		expect(immature.some(u => u.confirmations < quickNet.coinbaseMaturity)).toBe(true);
		expect(await code(a.call('listunspent', [1, 9_999_999, [s.main], true, {minimumamount: 1}]))).toBe(-3);
	}},
	{method: 'gettxoutsetinfo', param: 'hash_type', effect: '"hash_serialized_3" (default) the set\'s hash, "muhash" Core\'s MuHash3072 of it, "none" no hash; another -8 with Core\'s words', check: async () => {
		const full = await ok(a.call('gettxoutsetinfo'));
		expect(full.hash_serialized_3).toMatch(/^[0-9a-f]{64}$/);
		expect(await ok(a.call('gettxoutsetinfo', ['hash_serialized_3']))).toEqual(full);
		const none = await ok(a.call('gettxoutsetinfo', {hash_type: 'none'}));
		expect(none.hash_serialized_3).toBeUndefined();
		expect(none.txouts).toBe(full.txouts);
		// Core's MuHash3072 (its vector is in test/unit/crypto.test.ts), over Core's TxOutSer of each coin.
		const mu = await ok(a.call('gettxoutsetinfo', ['muhash']));
		expect(mu.muhash).toMatch(/^[0-9a-f]{64}$/);
		expect(mu.hash_serialized_3).toBeUndefined();
		expect(mu.txouts).toBe(full.txouts);
		const set = new MuHash3072();
		const coins: Uint8Array[] = [];
		for await (const {prevout, coin} of a.node.chain.coins()) {
			coins.push(new Writer(64).bytes(prevout.txid).u32(prevout.index).u32(coin.height * 2 + (coin.coinbase ? 1 : 0)).i64(coin.value).varBytes(coin.script).finish());
		}
		for (const c of coins.reverse()) set.insert(c); // any order: a multiset hash
		expect(mu.muhash).toBe(hashToHex(set.finalize()));
		expect((await a.call('gettxoutsetinfo', ['foo hash'])).error).toEqual({code: -8, message: "'foo hash' is not a valid hash_type"});
	}},
	{method: 'gettxoutsetinfo', param: 'hash_or_height', effect: '-8 as Core without coinstatsindex (there is none)', check: async () => {
		expect((await a.call('gettxoutsetinfo', ['none', 1])).error).toEqual({code: -8, message: 'Querying specific block heights requires coinstatsindex'});
	}},
	{method: 'gettxoutsetinfo', param: 'use_index', effect: 'no coinstatsindex: true or false reads the set, as Core with none; not a boolean -3', check: async () => {
		const full = await ok(a.call('gettxoutsetinfo'));
		expect(await ok(a.call('gettxoutsetinfo', {use_index: false}))).toEqual(full);
		expect(await ok(a.call('gettxoutsetinfo', ['hash_serialized_3', null, true]))).toEqual(full);
		expect(await code(a.call('gettxoutsetinfo', ['none', null, 'x']))).toBe(-3);
	}},
	{method: 'help', param: 'command', effect: 'that command\'s usage; an unknown one answered "help: unknown command" (Core)', check: async () => {
		expect(await ok(a.call('help', ['getblock']))).toMatch(/^getblock blockhash verbosity\n/);
		expect(await ok(a.call('help', {command: 'getblockcount'}))).toMatch(/^getblockcount\n/);
		expect(await ok(a.call('help', ['nope']))).toBe('help: unknown command: nope\n');
		expect(await ok(a.call('help'))).toContain('getblockcount');
	}},
	{method: 'stop', param: 'wait', effect: 'the reply comes that many ms later (Core\'s hidden wait); not a number -3', check: async () => {
		// The helper's stop does nothing, so `a` keeps running.
		const start = Date.now();
		expect(await ok(a.call('stop', [300]))).toBe('chain-tui stopping');
		expect(Date.now() - start).toBeGreaterThanOrEqual(290);
		expect(await code(a.call('stop', {wait: 'soon'}))).toBe(-3);
	}},
	// Encryption last: the wallet stays encrypted.
	{method: 'encryptwallet', param: 'passphrase', effect: 'encrypts with it; empty -8', check: async () => {
		expect(await code(a.call('encryptwallet', ['']))).toBe(-8);
		await ok(a.call('encryptwallet', ['first']));
		expect(a.node.wallet.keystore.encrypted).toBe(true);
	}},
	{method: 'walletpassphrase', param: 'passphrase', effect: 'unlocks with the right one; wrong -14', check: async () => {
		expect(await code(a.call('walletpassphrase', ['wrong', 60]))).toBe(-14);
		await ok(a.call('walletpassphrase', ['first', 60]));
		expect(a.node.wallet.keystore.locked).toBe(false);
		await ok(a.call('walletlock'));
	}},
	{method: 'walletpassphrase', param: 'timeout', effect: '0 locks again at once, negative -8', check: async () => {
		await ok(a.call('walletpassphrase', ['first', 0]));
		expect(a.node.wallet.keystore.locked).toBe(true);
		expect(await code(a.call('walletpassphrase', ['first', -1]))).toBe(-8);
	}},
	{method: 'walletpassphrasechange', param: 'oldpassphrase', effect: 'must be the current one (-14)', check: async () => {
		expect(await code(a.call('walletpassphrasechange', ['wrong', 'second']))).toBe(-14);
	}},
	{method: 'walletpassphrasechange', param: 'newpassphrase', effect: 'the new one unlocks, the old no longer', check: async () => {
		await ok(a.call('walletpassphrasechange', ['first', 'second']));
		expect(await code(a.call('walletpassphrase', ['first', 60]))).toBe(-14);
		await ok(a.call('walletpassphrase', ['second', 60]));
		expect(a.node.wallet.keystore.locked).toBe(false);
	}},
	// ---- network
	{method: 'getnodeaddresses', param: 'count', effect: 'at most that many; 0 = all (Core); negative -8', check: async () => {
		for (let port = 1; port <= 5; port++) a.node.pool!.addrman.add('127.0.0.1', 20_000 + port);
		const known = ((await ok(a.call('getnodeaddresses', [0]))) as unknown[]).length;
		expect(known).toBeGreaterThanOrEqual(5);
		expect(await ok(a.call('getnodeaddresses', [2]))).toHaveLength(2);
		expect(await ok(a.call('getnodeaddresses'))).toHaveLength(1);
		expect(await code(a.call('getnodeaddresses', [-1]))).toBe(-8);
	}},
	{method: 'addnode', param: 'node', effect: 'that node is added to / removed from the list', check: async () => {
		await ok(a.call('addnode', ['127.0.0.1:1', 'add']));
		expect(await code(a.call('addnode', ['127.0.0.1:2', 'remove']))).toBe(-24);
		await ok(a.call('addnode', ['127.0.0.1:1', 'remove']));
	}},
	{method: 'addnode', param: 'command', effect: 'add twice -23, remove unknown -24, onetry answers at once, another -1', check: async () => {
		await ok(a.call('addnode', ['127.0.0.1:3', 'add']));
		expect(await code(a.call('addnode', ['127.0.0.1:3', 'add']))).toBe(-23);
		await ok(a.call('addnode', ['127.0.0.1:3', 'remove']));
		expect(await code(a.call('addnode', ['127.0.0.1:3', 'remove']))).toBe(-24);
		expect(await ok(a.call('addnode', ['127.0.0.1:4', 'onetry']))).toBeNull();
		expect(await code(a.call('addnode', ['127.0.0.1:4', 'sometimes']))).toBe(-1);
	}},
	{method: 'setban', param: 'subnet', effect: 'that address is banned / unbanned', check: async () => {
		await ok(a.call('setban', ['10.9.8.7', 'add']));
		expect(((await ok(a.call('listbanned'))) as {address: string}[]).some(x => x.address.includes('10.9.8.7'))).toBe(true);
		// Through the one host:port parser: a bare IPv6 address whole, bracketed with a port, no names.
		await ok(a.call('setban', ['2001:db8::77', 'add']));
		expect(a.node.pool!.addrman.isBanned('2001:db8::77', 8333)).toBe(true);
		await ok(a.call('setban', ['2001:db8::77', 'remove']));
		await ok(a.call('setban', ['[::1]:9', 'add']));
		expect(a.node.pool!.addrman.isBanned('::1', 9)).toBe(true);
		await ok(a.call('setban', ['[::1]:9', 'remove']));
		expect(await code(a.call('setban', ['dead.beef', 'add']))).toBe(-8);
		expect(await code(a.call('setban', ['10.9.8.6:99999', 'add']))).toBe(-8);
	}},
	{method: 'setban', param: 'command', effect: 'add bans (twice -23), remove lifts (unknown -30), another -8', check: async () => {
		expect(await code(a.call('setban', ['10.9.8.7', 'add']))).toBe(-23);
		await ok(a.call('setban', ['10.9.8.7', 'remove']));
		expect(((await ok(a.call('listbanned'))) as {address: string}[]).some(x => x.address.includes('10.9.8.7'))).toBe(false);
		expect(await code(a.call('setban', ['10.9.8.7', 'remove']))).toBe(-30);
		expect(await code(a.call('setban', ['10.9.8.7', 'maybe']))).toBe(-8);
	}},
	{method: 'setban', param: 'bantime', effect: 'banned for that many seconds', check: async () => {
		// Against the node's own ban clock, read on either side of each call: no wall-clock slack.
		const clock = () => a.node.pool!.addrman.clock();
		const banFor = async (ip: string, params: unknown[] | Record<string, unknown>, seconds: number) => {
			const before = clock();
			await ok(a.call('setban', params));
			const after = clock();
			const banned = (await ok(a.call('listbanned'))) as {address: string; banned_until: number}[];
			const until = banned.find(x => x.address.includes(ip))!.banned_until;
			expect(until - seconds).toBeGreaterThanOrEqual(before);
			expect(until - seconds).toBeLessThanOrEqual(after);
		};
		await banFor('10.1.1.1', ['10.1.1.1', 'add', 1000], 1000);
		await banFor('10.2.2.2', {subnet: '10.2.2.2', command: 'add', bantime: 5000}, 5000);
		await banFor('10.5.5.5', ['10.5.5.5', 'add', 0], 86_400); // 0: Core's default 24 h
	}},
	{method: 'setban', param: 'absolute', effect: 'true: bantime is the unix time the ban ends; in the past -8', check: async () => {
		const now = a.node.pool!.addrman.clock();
		await ok(a.call('setban', ['10.3.3.3', 'add', now + 5000, true]));
		const banned = (await ok(a.call('listbanned'))) as {address: string; banned_until: number}[];
		expect(banned.find(x => x.address.includes('10.3.3.3'))!.banned_until).toBe(now + 5000);
		expect((await a.call('setban', {subnet: '10.4.4.4', command: 'add', bantime: now - 1, absolute: true})).error).toEqual({code: -8, message: 'Error: Absolute timestamp is in the past'});
	}},
	{method: 'addnode', param: 'v2transport', effect: 'true -8 as Core with -v2transport off (no BIP324 here), ignored on remove; false accepted', check: async () => {
		expect((await a.call('addnode', ['127.0.0.1:5', 'onetry', true])).error).toEqual({code: -8, message: 'Error: v2transport requested but not enabled (see -v2transport)'});
		expect(await ok(a.call('addnode', {node: '127.0.0.1:5', command: 'onetry', v2transport: false}))).toBeNull();
		expect(await code(a.call('addnode', ['127.0.0.1:5', 'remove', true]))).toBe(-24);
	}},
	{method: 'getnodeaddresses', param: 'network', effect: 'that network only (Core\'s names); an unknown one -8', check: async () => {
		// Each in a /32 of its own: addresses of one group from one source share a bucket, where two
		// can land on one slot (1 in 64), and a test must not depend on that.
		for (let i = 1; i <= 3; i++) expect(a.node.pool!.addrman.add(`200${i}:db8::1`, 8333)).toBe(true);
		for (let i = 1; i <= 5; i++) expect(a.node.pool!.addrman.add(`203.${i}.113.1`, 8333)).toBe(true);
		const v6 = (await ok(a.call('getnodeaddresses', [0, 'ipv6']))) as {network: string; address: string}[];
		expect(v6.length).toBeGreaterThanOrEqual(3);
		expect(v6.every(x => x.network === 'ipv6')).toBe(true);
		const v4 = (await ok(a.call('getnodeaddresses', {count: 0, network: 'ipv4'}))) as {network: string}[];
		expect(v4.length).toBeGreaterThanOrEqual(5);
		expect(v4.every(x => x.network === 'ipv4')).toBe(true);
		expect(await ok(a.call('getnodeaddresses', [2, 'ipv6']))).toHaveLength(2);
		expect(await ok(a.call('getnodeaddresses', [0, 'onion']))).toEqual([]);
		expect((await a.call('getnodeaddresses', [0, 'carrier-pigeon'])).error).toEqual({code: -8, message: 'Network not recognized: carrier-pigeon'});
	}},
	{method: 'clonechain', param: 'node', effect: 'clones from that node', check: async () => {
		// b has the same chain as a, or less: nothing to adopt, but it is b that was asked.
		const result = await ok(a.call('clonechain', [`127.0.0.1:${b.node.pool!.port}`]));
		expect(['already-have', 'less-work']).toContain(result.outcome);
		expect((await ok(a.call('clonechain', ['127.0.0.1:1']))).outcome).toBe('unreachable');
	}},
	{method: 'disconnectnode', param: 'nodeid', effect: 'that peer goes; both or neither given -32602', check: async () => {
		await waitFor(() => a.node.pool!.connectedPeers.length >= 1, 'b connected to a');
		const [peer] = (await ok(a.call('getpeerinfo'))) as {id: number; addr: string}[];
		expect(await code(a.call('disconnectnode', [peer!.addr, peer!.id]))).toBe(-32602);
		expect(await code(a.call('disconnectnode', []))).toBe(-32602);
		expect(await code(a.call('disconnectnode', {nodeid: 99_999}))).toBe(-29);
		await ok(a.call('disconnectnode', {nodeid: peer!.id}));
		await waitFor(() => !a.node.pool!.connectedPeers.some(p => p.id === peer!.id), 'the peer to go');
	}},
	{method: 'disconnectnode', param: 'address', effect: 'the peer at that address goes', check: async () => {
		await b.node.pool!.addPeer(`127.0.0.1:${a.node.pool!.port}`).catch(() => undefined); // b may have redialled by itself
		await waitFor(() => a.node.pool!.connectedPeers.length >= 1, 'b back');
		const [peer] = (await ok(a.call('getpeerinfo'))) as {id: number; addr: string}[];
		expect(await code(a.call('disconnectnode', ['127.0.0.1:1']))).toBe(-29);
		await ok(a.call('disconnectnode', [a.node.pool!.connectedPeers.find(p => p.id === peer!.id)!.address]));
		await waitFor(() => !a.node.pool!.connectedPeers.some(p => p.id === peer!.id), 'the peer to go');
	}},
	{method: 'getloopinfo', param: 'reset', effect: 'true starts a new window', check: async () => {
		await waitFor(async () => (await ok(a.call('getloopinfo'))).samples >= 3, 'samples', 5000);
		const before = (await ok(a.call('getloopinfo', [true]))).samples;
		expect((await ok(a.call('getloopinfo'))).samples).toBeLessThan(before);
		expect((await ok(a.call('getloopinfo', [false]))).samples).toBeGreaterThanOrEqual(0);
	}},
];

describe('every declared RPC parameter does what Core\'s does', () => {
	it('the table has a row for each parameter of each method in PARAM_NAMES, and no other', () => {
		const declared = Object.entries(PARAM_NAMES).flatMap(([method, names]) => names.map(n => `${method}.${n}`));
		expect(rows.map(r => `${r.method}.${r.param}`).sort()).toEqual(declared.sort());
	});

	for (const row of rows) {
		it(`${row.method} ${row.param}: ${row.effect}`, row.check, 60_000);
	}
});

describe('parameter counts and names, as Core\'s RPCHelpMan', () => {
	const methods = () => Object.keys(rpcMethods({node: a.node, startedAt: 0, stop: () => undefined}));

	it('every method refuses one positional parameter more than it declares: -1 with its usage; the audit\'s getblockcount 1 2 3 among them', async () => {
		const r = await a.call('getblockcount', [1, 2, 3]);
		expect(r.error).toEqual({code: -1, message: 'getblockcount\n\ngetblockcount takes no parameters; 3 given'});
		for (const method of methods()) {
			const names = PARAM_NAMES[method] ?? [];
			const reply = await a.call(method, Array.from({length: names.length + 1}, () => null));
			expect(reply.error, method).toEqual({code: -1, message: `${[method, ...names].join(' ')}\n\n${method} takes ${names.length === 0 ? 'no parameters' : `at most ${names.length} parameter${names.length === 1 ? '' : 's'}`}; ${names.length + 1} given`});
		}
	});

	it('every declared parameter is taken by name; another name is -8', async () => {
		for (const [method, names] of Object.entries(PARAM_NAMES)) {
			if (method === 'stop' || method === 'setgenerate') continue; // they act with no parameters: their rows cover them
			for (const name of names) {
				const reply = await a.call(method, {[name]: null});
				expect(reply.error?.message ?? '', `${method}.${name}`).not.toMatch(/Unknown named parameter/);
			}
			expect((await a.call(method, {nonsense: 1})).error, method).toEqual({code: -8, message: 'Unknown named parameter nonsense'});
		}
	});
});

describe('getpeerinfo', () => {
	it('bytessent_per_msg and bytesrecv_per_msg count bytes per message type (header included), not messages', async () => {
		const c = await rpcNode({peers: [`127.0.0.1:${a.node.pool!.port}`]});
		await waitFor(() => c.node.pool!.connectedPeers.length === 1, 'c connects to a');
		await waitFor(async () => {
			const [p] = (await ok(c.call('getpeerinfo'))) as any[];
			return p !== undefined && p.bytesrecv_per_msg.verack === 24;
		}, 'the handshake done');
		const [peer] = (await ok(c.call('getpeerinfo'))) as any[];
		// verack has no payload: 24 header bytes, whatever the message count is.
		expect(peer.bytessent_per_msg.verack).toBe(24);
		expect(peer.bytessent_per_msg.version).toBeGreaterThan(24 + 80);
		const sum = (o: Record<string, number>) => Object.values(o).reduce((x, y) => x + y, 0);
		expect(sum(peer.bytessent_per_msg)).toBe(peer.bytessent);
		await waitFor(async () => {
			const [p] = (await ok(c.call('getpeerinfo'))) as any[];
			return sum(p.bytesrecv_per_msg) === p.bytesrecv;
		}, 'every byte received to be in whole messages');
	});
});
