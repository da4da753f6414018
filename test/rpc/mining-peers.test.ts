/** getnetworkhashps / getmininginfo over real HTTP, and getpeerinfo's live heights between two real nodes. */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {RpcServer} from '../../source/node/rpc/server.js';
import {PARAM_NAMES, rpcMethods} from '../../source/node/rpc/methods.js';
import {nextBlock} from '../helpers/builder.js';
import {quickNet} from '../helpers/chain-env.js';
import {waitFor} from '../helpers/net-env.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

/** A FullNode (network on 127.0.0.1 when `port` is given) with its RPC server; `call` answers {result, error}. */
async function rpcNode(options: {port?: number; peers?: string[]; now?: () => number} = {}) {
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-rpc-mp-'));
	const node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1, ...(options.port === undefined ? {} : {port: options.port, host: '127.0.0.1'}), ...(options.peers ? {peers: options.peers} : {}), ...(options.now ? {now: options.now} : {})});
	const server = new RpcServer({port: 0, datadir: dir, methods: rpcMethods({node, startedAt: 0, stop: () => undefined}), paramNames: PARAM_NAMES, authDelayMs: 10});
	await server.start();
	const auth = `Basic ${Buffer.from((await readFile(join(dir, '.cookie'), 'utf8')).trim()).toString('base64')}`;
	cleanups.push(async () => {
		await server.stop();
		await node.close();
		await rm(dir, {recursive: true, force: true});
	});
	const call = async (method: string, params: unknown[] = []): Promise<{result: any; error: {code: number; message: string} | null}> => {
		const res = await fetch(`http://127.0.0.1:${server.port}/`, {method: 'POST', body: JSON.stringify({jsonrpc: '1.0', id: 1, method, params}), headers: {authorization: auth}});
		return (await res.json()) as {result: any; error: {code: number; message: string} | null};
	};
	return {node, call};
}

describe('getnetworkhashps and getmininginfo.networkhashps', () => {
	it('leave the genesis block out: a chain started days after genesis shows the rate of its blocks', async () => {
		const g = quickNet.genesis.header.time;
		const start = g + 5 * 24 * 3600;
		const {node, call} = await rpcNode({now: () => start + 10_000});
		const chain = node.chain;
		// Block 1 five days after genesis, then one every 20 s.
		for (let h = 1; h <= 10; h++) await chain.add(nextBlock(chain, chain.tip, {time: start + 20 * (h - 1)}));
		const tip = chain.tip;
		const one = chain.getEntryByHeight(1)!;
		const rate = Number(tip.chainwork - one.chainwork) / 180;
		expect((await call('getmininginfo')).result.networkhashps).toBe(rate);
		expect((await call('getnetworkhashps')).result).toBe(rate);
		expect((await call('getnetworkhashps', [120, -1])).result).toBe(rate);
		expect((await call('getnetworkhashps', [-1])).result).toBe(rate); // 10 % 60 + 1 = 11 back, clamped to block 1
		// At height 5: blocks 1..5.
		const five = chain.getEntryByHeight(5)!;
		expect((await call('getnetworkhashps', [120, 5])).result).toBe(Number(five.chainwork - one.chainwork) / 80);
		expect((await call('getnetworkhashps', [2, 5])).result).toBe(Number(five.chainwork - chain.getEntryByHeight(3)!.chainwork) / 40);
		// Nothing to measure at genesis or block 1.
		expect((await call('getnetworkhashps', [120, 0])).result).toBe(0);
		expect((await call('getnetworkhashps', [120, 1])).result).toBe(0);
	});

	it('refuses what Core refuses, with Core\'s messages', async () => {
		const {node, call} = await rpcNode();
		await node.generate(3);
		for (const n of [0, -2, -100]) expect((await call('getnetworkhashps', [n])).error).toEqual({code: -8, message: 'Invalid nblocks. Must be a positive number or -1.'});
		for (const h of [4, -2]) expect((await call('getnetworkhashps', [120, h])).error).toEqual({code: -8, message: 'Block does not exist at specified height'});
		expect((await call('getnetworkhashps', ['a'])).error?.code).toBe(-3);
		expect((await call('getnetworkhashps', [120, 3])).error).toBeNull();
	});
});

describe('getpeerinfo', () => {
	it('shows synced_headers and synced_blocks (-1 until known) and follows a peer that mines, without reconnecting', async () => {
		const a = await rpcNode({port: 0});
		const b = await rpcNode({port: 0, peers: [`127.0.0.1:${a.node.pool!.port}`]});
		await waitFor(() => b.node.pool!.connectedPeers.length === 1 && a.node.pool!.connectedPeers.length === 1, 'b connects to a');
		const [first] = (await b.call('getpeerinfo')).result as any[];
		expect(first).toMatchObject({startingheight: 0, synced_headers: -1, synced_blocks: -1});
		await a.node.generate(3);
		await waitFor(async () => ((await b.call('getpeerinfo')).result as any[])[0]?.synced_headers === 3, 'b sees a at height 3');
		const [later] = (await b.call('getpeerinfo')).result as any[];
		expect(later).toMatchObject({id: first.id, conntime: first.conntime, startingheight: 0, synced_headers: 3, synced_blocks: 3});
	});
});
