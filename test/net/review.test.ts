/** Cases a review of the network layer found; each once made sync stall, a ban slip or clone lie. */
import {afterEach, describe, expect, it} from 'vitest';
import {TxOut} from '../../source/node/primitives/tx.js';
import {InvType} from '../../source/node/net/messages.js';
import {coinbaseOf, key, nextBlock, spend} from '../helpers/builder.js';
import {quickNet} from '../helpers/chain-env.js';
import {fleet, waitFor} from '../helpers/net-env.js';
import {scriptedHost} from '../helpers/scripted-host.js';

const f = fleet();
afterEach(() => f.closeAll());
const node = f.node;
const raw = f.raw;

describe('sync never stalls', () => {
	it('a node that already has the headers but not the blocks still downloads them', async () => {
		const source = await node({label: 'source'});
		const blocks = await source.miner.generate(30);
		const target = await node({label: 'target'});
		for (const b of blocks) await target.chain.addHeader(b.header);
		await target.pool.addPeer(source.address);
		await waitFor(() => target.chain.height === 30, 'the blocks arrive');
	});

	it('a peer answering notfound is not asked for the same blocks again; a good peer serves them', async () => {
		const good = await node({label: 'good'});
		const blocks = await good.miner.generate(20);
		const target = await node({label: 'target'});
		const liar = await raw(target);
		await liar.handshake({nonce: 31n});
		liar.send({type: 'headers', headers: blocks.map(b => b.header)});
		await waitFor(() => liar.received.some(m => m.type === 'getdata'), 'the target asks the liar');
		const first = liar.received.find(m => m.type === 'getdata');
		if (first?.type === 'getdata') liar.send({type: 'notfound', items: first.items});
		await target.pool.addPeer(good.address);
		await waitFor(() => target.chain.height === 20, 'the good peer serves them');
		const asked = liar.received.filter(m => m.type === 'getdata').reduce((n, m) => n + (m.type === 'getdata' ? m.items.length : 0), 0);
		expect(asked).toBeLessThanOrEqual(20);
	});

	it('a transaction one peer announced and never delivered is fetched from another', async () => {
		const source = await node({label: 'n0'});
		const blocks = await source.miner.generate(1 + quickNet.coinbaseMaturity);
		const target = await node({label: 'target', pool: {txRequestMs: 300, stallMs: 1000}});
		await target.pool.addPeer(source.address);
		await waitFor(() => target.chain.height === source.chain.height, 'target syncs');
		const tx = spend([coinbaseOf(blocks[0]!, key('n0'))], [new TxOut(49n * 100_000_000n, key('x').script)]);
		const liar = await raw(target);
		await liar.handshake({nonce: 32n});
		liar.send({type: 'inv', items: [{type: InvType.TX, hash: tx.hash()}]});
		await liar.waitFor(() => liar.received.some(m => m.type === 'getdata'), 'the target asks the liar');
		await source.mempool.add(tx); // the honest peer announces it now
		await waitFor(() => target.mempool.has(tx.txid()), 'fetched from the honest peer after the timeout', 10_000);
	});
});

describe('a peer offering more transactions than the node can check', () => {
	it('has at most 100 asked of it at once; once it answers, the node asks for more', async () => {
		const target = await node({label: 'target'});
		const flood = await raw(target);
		await flood.handshake({nonce: 34n});
		const hashes = Array.from({length: 250}, (_, i) => Uint8Array.from({length: 32}, (_, j) => (i * 7 + j * 13 + 1) & 0xff));
		const asked = () => flood.received.flatMap(m => (m.type === 'getdata' ? m.items : []));
		const pong = async (nonce: bigint) => {
			flood.send({type: 'ping', nonce});
			await flood.waitFor(() => flood.received.some(m => m.type === 'pong' && m.nonce === nonce), 'pong');
		};
		flood.send({type: 'inv', items: hashes.map(hash => ({type: InvType.TX, hash}))});
		await pong(1n); // the node answers in order: any getdata for the inv came before this
		expect(asked()).toHaveLength(100);
		flood.send({type: 'notfound', items: asked()});
		flood.send({type: 'inv', items: hashes.slice(100).map(hash => ({type: InvType.TX, hash}))});
		await pong(2n);
		expect(asked()).toHaveLength(200);
	});
});

describe('peers cannot game the rules', () => {
	it('extra veracks do not start the peer over again', async () => {
		const a = await node({label: 'a'});
		let readies = 0;
		a.pool.on('peer', () => readies++);
		const peer = await raw(a);
		await peer.handshake({nonce: 33n});
		for (let i = 0; i < 5; i++) peer.send({type: 'verack'});
		peer.send({type: 'ping', nonce: 9n});
		await peer.waitFor(() => peer.received.some(m => m.type === 'pong' && m.nonce === 9n), 'pong');
		expect(readies).toBe(1);
		expect(peer.received.filter(m => m.type === 'getheaders')).toHaveLength(1);
	});

	it('a banned local peer stays out, and naming an honest port does not get that node banned', async () => {
		const a = await node({label: 'a'});
		const honest = await node({label: 'honest'});
		const hostile = await raw(a);
		await hostile.handshake({nonce: 34n});
		// version.from claimed the honest node's port? The raw peer claims port 0: send one that does.
		hostile.close();
		const {PROTOCOL_VERSION} = await import('../../source/node/net/messages.js');
		const h2 = await raw(a);
		h2.send({type: 'version', version: PROTOCOL_VERSION, services: 1n, time: 0n, recv: {services: 1n, host: '127.0.0.1', port: 0}, from: {services: 1n, host: '0.0.0.0', port: honest.pool.port}, nonce: 35n, agent: '/h/', height: 0, relay: true});
		h2.send({type: 'verack'});
		await h2.waitFor(() => h2.received.some(m => m.type === 'verack'), 'handshake');
		h2.send({type: 'inv', items: Array.from({length: 2}, () => ({type: 7, hash: new Uint8Array(32)}))});
		// An invalid block: a ban (an oversized length only disconnects, as in Core).
		h2.send({type: 'block', block: nextBlock(a.chain, a.chain.tip, {value: 51n * 100_000_000n})});
		await waitFor(() => a.pool.addrman.banned().length === 1, 'banned');
		// Back with the same claim: refused after its version.
		const h3 = await raw(a);
		h3.send({type: 'version', version: PROTOCOL_VERSION, services: 1n, time: 0n, recv: {services: 1n, host: '127.0.0.1', port: 0}, from: {services: 1n, host: '0.0.0.0', port: honest.pool.port}, nonce: 36n, agent: '/h/', height: 0, relay: true});
		h3.send({type: 'verack'});
		await h3.waitClosed();
		// We still dial the honest node at that port.
		expect(a.pool.addrman.isBanned('127.0.0.1', honest.pool.port)).toBe(false);
		await a.pool.addPeer(honest.address);
	});

	it('hanging up right after an invalid block does not escape the ban', async () => {
		const a = await node({label: 'a'});
		const peer = await raw(a);
		await peer.handshake({nonce: 37n});
		const bad = nextBlock(a.chain, a.chain.tip, {value: 51n * 100_000_000n});
		peer.send({type: 'block', block: bad});
		peer.close();
		await waitFor(() => a.pool.addrman.banned().length === 1, 'banned although it left');
	});

	it('stop() also ends a connection still being dialled', async () => {
		const source = await node({label: 'source'});
		const a = await node({label: 'a'});
		const dial = a.pool.dial('127.0.0.1', source.pool.port).catch(() => 'refused');
		await a.pool.stop();
		await dial;
		await waitFor(() => source.pool.connectedPeers.length === 0, 'no connection left at the source');
	});
});

describe('clone tells the truth', () => {
	it('adopts a host that shares a prefix with us, and a long chain into an empty node', async () => {
		const source = await node({label: 'source'});
		const blocks = await source.miner.generate(1500);
		const sharer = await node({label: 'sharer'});
		for (const b of blocks.slice(0, 10)) await sharer.chain.add(b);
		expect(await sharer.pool.clone(source.address)).toMatchObject({outcome: 'adopted', height: 1500});
		const empty = await node({label: 'empty'});
		expect(await empty.pool.clone(source.address)).toMatchObject({outcome: 'adopted', height: 1500});
	}, 60_000);

	it('reports a host whose chain breaks the rules as invalid, adopting nothing', async () => {
		const target = await node({label: 'target'});
		// A host serving a block whose coinbase pays too much (valid header, invalid body).
		const bad = nextBlock(target.chain, target.chain.tip, {value: 51n * 100_000_000n});
		const host = await scriptedHost([bad]);
		try {
			const result = await target.pool.clone(`127.0.0.1:${host.port}`);
			expect(result).toMatchObject({outcome: 'invalid', height: 0});
		} finally {
			await host.close();
		}
	});
});
