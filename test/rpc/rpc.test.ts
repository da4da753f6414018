import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {RpcServer} from '../../source/node/rpc/server.js';
import {PARAM_NAMES, rpcMethods} from '../../source/node/rpc/methods.js';
import {hexToHash} from '../../source/node/encoding/hex.js';
import {quickNet} from '../helpers/chain-env.js';
import {waitFor} from '../helpers/net-env.js';

let dir: string;
let node: FullNode;
let server: RpcServer;
let auth: string;
let stopped = 0;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-rpc-'));
	node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1});
	server = new RpcServer({port: 0, datadir: dir, methods: rpcMethods({node, startedAt: 0, stop: () => stopped++}), paramNames: PARAM_NAMES, authDelayMs: 10});
	await server.start();
	auth = `Basic ${Buffer.from((await readFile(join(dir, '.cookie'), 'utf8')).trim()).toString('base64')}`;
});
afterAll(async () => {
	await server.stop();
	await node.close();
	await rm(dir, {recursive: true, force: true});
});

async function post(body: string, headers: Record<string, string> = {authorization: auth}): Promise<{status: number; text: string; json: () => any}> {
	const res = await fetch(`http://127.0.0.1:${server.port}/`, {method: 'POST', body, headers});
	const text = await res.text();
	return {status: res.status, text, json: () => JSON.parse(text)};
}
const call = (method: string, params: unknown[] = []) => post(JSON.stringify({jsonrpc: '1.0', id: 1, method, params}));

describe('the RPC server', () => {
	it('writes a 0600 cookie and refuses wrong or missing credentials with 401', async () => {
		expect((await stat(join(dir, '.cookie'))).mode & 0o777).toBe(0o600);
		expect((await post('{}', {})).status).toBe(401);
		expect((await post('{}', {authorization: `Basic ${Buffer.from('__cookie__:nope').toString('base64')}`})).status).toBe(401);
	});

	it('answers malformed, oversized, unknown and badly typed requests with Core\'s codes', async () => {
		const malformed = await post('{"method": ');
		expect(malformed.json().error.code).toBe(-32700);
		const huge = await post(`{"method":"x","params":["${'a'.repeat(1_100_000)}"]}`).catch(() => ({status: 413, text: ''}));
		expect(huge.status).toBe(413);
		expect((await call('nosuchmethod')).json().error).toMatchObject({code: -32601, message: 'Method not found'});
		expect((await call('getblockhash', ['x'])).json().error.code).toBe(-3);
		expect((await call('getblockhash', [999])).json().error).toMatchObject({code: -8, message: 'Block height out of range'});
		expect((await call('getblock', ['00'])).json().error.code).toBe(-8);
		expect((await call('getblock', ['11'.repeat(32)])).json().error).toMatchObject({code: -5, message: 'Block not found'});
	});

	it('speaks JSON-RPC 1.0, 2.0, named parameters and batches', async () => {
		expect((await call('getblockcount')).json()).toEqual({result: 0, error: null, id: 1});
		const v2 = await post(JSON.stringify({jsonrpc: '2.0', id: 'a', method: 'getblockcount'}));
		expect(v2.json()).toEqual({jsonrpc: '2.0', result: 0, id: 'a'});
		const named = await post(JSON.stringify({jsonrpc: '2.0', id: 2, method: 'getblockhash', params: {height: 0}}));
		expect(named.json().result).toBe(quickNet.genesis.hashHex());
		const batch = await post(JSON.stringify([{id: 1, method: 'getblockcount'}, {id: 2, method: 'getbestblockhash'}, {id: 3, method: 'nope'}]));
		const replies = batch.json();
		expect(replies.map((r: {id: number}) => r.id)).toEqual([1, 2, 3]);
		expect(replies[2].error.code).toBe(-32601);
	});

	it('mines, pays and reads amounts exactly (0.1 is 10,000,000 units, written with 8 decimals)', async () => {
		const address = (await call('getnewaddress', ['rpc'])).json().result as string;
		const hashes = (await call('generatetoaddress', [1 + quickNet.coinbaseMaturity, address])).json().result as string[];
		expect(hashes).toHaveLength(4);
		expect((await call('getblockcount')).json().result).toBe(4);
		const balance = await call('getbalance');
		expect(balance.text).toContain('"result":100.00000000'); // heights 1-2 mature for block 5
		const txid = (await post(`{"id":1,"method":"sendtoaddress","params":["${address}",0.1]}`)).json().result as string;
		const entry = node.mempool.get(txid)!;
		expect(entry.tx.outputs.some(o => o.value === 10_000_000n)).toBe(true);
		const raw = await call('getrawtransaction', [txid, true]);
		expect(raw.text).toContain('"value":0.10000000');
		expect((await call('getrawmempool')).json().result).toEqual([txid]);
		expect((await call('sendtoaddress', [address, 1e-9])).json().error.code).toBe(-3);
		expect((await call('sendtoaddress', ['nonsense', 1])).json().error.code).toBe(-5);
		expect((await call('validateaddress', [address])).json().result.isvalid).toBe(true);
		// Sent again: already in the mempool; once mined, already in the chain (both -27, as Core).
		const hex = (await call('getrawtransaction', [txid])).json().result as string;
		expect((await call('sendrawtransaction', [hex])).json().error.code).toBe(-27);
		await call('generatetoaddress', [1, address]);
		expect((await call('sendrawtransaction', [hex])).json().error).toEqual({code: -27, message: 'Transaction already in block chain'});
	});

	it('records and lists BPM readings; reports mining; the UTXO set hash is stable', async () => {
		const address = (await call('getnewaddress', ['bpm'])).json().result as string;
		const [first] = (await call('listunspent')).json().result as {address: string}[];
		const bpmTx = (await call('recordbpm', [first!.address, 64])).json();
		expect(bpmTx.error).toBeNull();
		await call('generatetoaddress', [1, address]);
		const readings = (await call('listbpm')).json().result as {bpm: number}[];
		expect(readings.map(r => r.bpm)).toContain(64);
		expect((await call('recordbpm', [first!.address, 400])).json().error.code).toBe(-4);
		const info = (await call('getmininginfo')).json().result;
		expect(info).toMatchObject({blocks: node.chain.height, generate: false, kernel: 'simd'});
		const a = (await call('gettxoutsetinfo')).json().result;
		const b = (await call('gettxoutsetinfo')).json().result;
		expect(a.hash_serialized_3).toBe(b.hash_serialized_3);
		expect(a.txouts).toBeGreaterThan(0);
		const tips = (await call('getchaintips')).json().result;
		expect(tips[0]).toMatchObject({status: 'active', height: node.chain.height});
		expect(node.chain.getEntry(hexToHash((await call('getbestblockhash')).json().result))).toBeDefined();
	});

	it('stop asks the process to shut down', async () => {
		expect((await call('stop')).json().result).toBe('chain-tui stopping');
		await new Promise(resolve => setImmediate(resolve));
		expect(stopped).toBe(1);
	});
});

describe('an existing Bitcoin Core RPC client (npm bitcoin-core) works unchanged', () => {
	it('reads the chain, mines, pays and reads the mempool', async () => {
		const {default: Client} = (await import('bitcoin-core')) as unknown as {default: new (o: object) => Record<string, (...a: unknown[]) => Promise<any>>};
		const [user, password] = (await readFile(join(dir, '.cookie'), 'utf8')).trim().split(':');
		const client = new Client({host: `http://127.0.0.1:${server.port}`, username: user, password});
		const info = await client.getBlockchainInfo!();
		expect(info.chain).toBe('test');
		const address = await client.getNewAddress!('core-client');
		const hashes = await client.generateToAddress!(2, address);
		expect(hashes).toHaveLength(2);
		expect(await client.getBlockCount!()).toBe(node.chain.height);
		const block = await client.getBlock!(hashes[1]);
		expect(block.height).toBe(node.chain.height);
		expect((await client.validateAddress!(address)).isvalid).toBe(true);
		const txid = await client.sendToAddress!(address, 0.5);
		expect((await client.getRawMempool!()) as string[]).toContain(txid);
		expect((await client.getMempoolInfo!()).size).toBeGreaterThan(0);
		await expect(client.getBlockHash!(99_999)).rejects.toThrow(/Block height out of range/);
	});
});

describe('while the node loads', () => {
	it('answers -28 until the methods are there', async () => {
		const wdir = await mkdtemp(join(tmpdir(), 'chain-tui-rpc-warm-'));
		const warm = new RpcServer({port: 0, datadir: wdir, authDelayMs: 1});
		await warm.start();
		try {
			const cookie = (await readFile(join(wdir, '.cookie'), 'utf8')).trim();
			const ask = () => fetch(`http://127.0.0.1:${warm.port}/`, {method: 'POST', body: '{"id":1,"method":"getblockcount"}', headers: {authorization: `Basic ${Buffer.from(cookie).toString('base64')}`}}).then(r => r.json());
			expect(await ask()).toMatchObject({error: {code: -28, message: 'Loading block index…'}});
			warm.setMethods({getblockcount: () => 7});
			expect(await ask()).toMatchObject({result: 7, error: null});
		} finally {
			await warm.stop();
			await rm(wdir, {recursive: true, force: true});
		}
		// The cookie goes with the server.
		await expect(stat(join(wdir, '.cookie'))).rejects.toThrow();
	});
});

describe('under load', () => {
	it('turns calls away with 503 "Work queue depth exceeded" while its threads are busy and its work queue is full, and takes them again after', async () => {
		let entered = 0;
		let release = () => {};
		const gate = new Promise<void>(resolve => (release = resolve));
		const busy = new RpcServer({port: 0, datadir: dir, user: 'u', password: 'p', threads: 2, workQueue: 0, methods: {hold: async () => (entered++, await gate, 'done'), ping: () => 'pong'}});
		await busy.start();
		try {
			const ask = (method: string) =>
				fetch(`http://127.0.0.1:${busy.port}/`, {method: 'POST', body: JSON.stringify({id: 1, method}), headers: {authorization: `Basic ${Buffer.from('u:p').toString('base64')}`}}).then(async r => ({status: r.status, text: await r.text()}));
			const held = [ask('hold'), ask('hold')];
			await waitFor(() => entered === 2, 'both calls in the work queue');
			expect(await ask('ping')).toEqual({status: 503, text: 'Work queue depth exceeded'});
			release();
			expect((await Promise.all(held)).map(r => r.status)).toEqual([200, 200]);
			expect((await ask('ping')).status).toBe(200);
		} finally {
			release();
			await busy.stop();
		}
	});

	it('getloopinfo reports how late the event loop ran, from inside the node, and starts a new window on reset', async () => {
		const info = async () => (await call('getloopinfo')).json().result as {since: number; samples: number; resolution_ms: number; delay_ms: {p50: number; p99: number; max: number}; rss: number};
		// A fresh window (its timer ticks a couple of times first: the interval a reset cuts is not counted).
		await call('getloopinfo', [true]);
		await waitFor(async () => (await info()).samples >= 2, 'the new window to tick', 5000);
		const start = Date.now();
		// The loop is held up for 600 ms: far past any pause a busy machine adds, so the windows
		// are told apart by it, not by how fast this machine is.
		while (Date.now() - start < 600);
		const heldUntil = Date.now();
		await waitFor(async () => (await info()).delay_ms.max >= 550, 'the hold-up to show', 5000);
		const held = await info();
		expect(held.resolution_ms).toBe(10);
		expect(held.delay_ms.p50).toBeLessThanOrEqual(held.delay_ms.p99);
		expect(held.rss).toBeGreaterThan(10_000_000);
		await call('getloopinfo', [true]);
		await waitFor(async () => (await info()).samples >= 5, 'samples in the new window', 5000);
		// The hold-up stayed in the old window: the new one starts after it and does not hold it
		// (compared with the hold-up this run measured, no limit of this machine's speed).
		const fresh = await info();
		expect(fresh.since).toBeGreaterThanOrEqual(Math.floor(heldUntil / 1000));
		expect(fresh.delay_ms.max).toBeLessThan(held.delay_ms.max);
		expect(fresh.samples).toBeGreaterThanOrEqual(5);
	});
});

describe('every method answers through real HTTP', () => {
	it('with plausible parameters, a result or one of Core\'s error codes, never an internal error', async () => {
		const address = (await call('getnewaddress', ['all'])).json().result as string;
		const best = (await call('getbestblockhash')).json().result as string;
		const [utxo] = (await call('listunspent')).json().result as {txid: string}[];
		const plausible: Record<string, unknown[]> = {
			getblockhash: [0], getblockheader: [best], getblock: [best, 2], gettxout: [utxo?.txid ?? best, 0], getrawtransaction: [utxo?.txid ?? best, true],
			decoderawtransaction: ['00'], sendrawtransaction: ['00'], getmempoolentry: [best], generatetoaddress: [1, address], setgenerate: [false],
			getnewaddress: ['x'], sendtoaddress: [address, 0.001], validateaddress: [address], encryptwallet: [''], walletpassphrase: ['x', 1],
			walletpassphrasechange: ['a', 'b'], backupwallet: [join(dir, 'backup.json')], addnode: ['127.0.0.1:1', 'onetry'], recordbpm: [address, 70],
			listbpm: ['all'], clonechain: ['127.0.0.1:1'], setban: ['127.0.0.1', 'add'], disconnectnode: ['127.0.0.1:1'], getnetworkhashps: [10], getnodeaddresses: [5],
		};
		const names = ((await call('help')).json().result as string).split('\n').filter(n => n !== 'stop');
		expect(names.length).toBeGreaterThanOrEqual(45);
		for (const method of names) {
			const reply = (await call(method, plausible[method] ?? [])).json();
			if (reply.error) expect([-32602, -32601, -1, -3, -4, -5, -6, -8, -9, -13, -14, -15, -22, -25, -26, -27, -29, -30]).toContain(reply.error.code);
			if (reply.error?.code === -1) expect(reply.error.message, method).not.toMatch(/undefined|TypeError|Cannot read/);
		}
	});
});

describe('hostile JSON', () => {
	it('a "__proto__" key is plain data (found by fuzzing)', async () => {
		const {parseJson} = await import('../../source/node/rpc/json.js');
		const value = parseJson('{"__proto__":{"polluted":1},"a":2}') as Record<string, unknown>;
		expect(Object.keys(value)).toEqual(['__proto__', 'a']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
	});
});
