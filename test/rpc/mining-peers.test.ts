/** getnetworkhashps / getmininginfo over real HTTP, and getpeerinfo's live heights between two real nodes. */
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {nextBlock} from '../helpers/builder.js';
import {startRpcNode} from '../helpers/rpc-node.js';
import {quickNet} from '../helpers/chain-env.js';
import {waitFor} from '../helpers/net-env.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

/** A FullNode (network on 127.0.0.1 when `port` is given) with its RPC server; `call` answers {result, error}. */
async function rpcNode(options: {port?: number; peers?: string[]; now?: () => number} = {}) {
	const n = await startRpcNode({...options, authDelayMs: 10, prefix: 'chain-tui-rpc-mp-'});
	cleanups.push(() => n.close());
	return n;
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
