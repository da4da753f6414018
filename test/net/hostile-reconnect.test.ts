/**
 * Peers that reconnect to start again, over real TCP ("Hostile peers cannot exhaust, stall or
 * isolate a node"): what a peer did is remembered by IP (net/host-memory.ts), so a new connection
 * (a new port) gets no more branches and is not asked again for a branch it refused, while a good
 * peer keeps syncing.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {hashToHex} from '../../source/node/encoding/hex.js';
import {MAX_FORKS_PER_PEER} from '../../source/node/net/header-sync.js';
import type {Message} from '../../source/node/net/messages.js';
import {Header} from '../../source/node/primitives/header.js';
import {assemble, key, solve} from '../helpers/builder.js';
import {quickNet} from '../helpers/chain-env.js';
import {targetWithGoodPeer, waitFor, type TestNode} from '../helpers/net-env.js';
import {RawPeer} from '../helpers/raw-peer.js';

let target: TestNode;
let env: Awaited<ReturnType<typeof targetWithGoodPeer>>;
let nonce = 7000n;

beforeAll(async () => {
	env = await targetWithGoodPeer({blocks: 10});
	({target} = env);
});
afterAll(() => env.close());

/** A raw peer from `from` (a loopback IP), handshaken, answering pings, doing `answer` to the rest. */
async function connect(from: string, answer: (peer: RawPeer, m: Message) => void = () => undefined): Promise<RawPeer> {
	const peer = await RawPeer.connect(target.pool.port, quickNet, {localAddress: from});
	peer.onMessage = m => {
		if (m.type === 'ping') peer.send({type: 'pong', nonce: m.nonce});
		else answer(peer, m);
	};
	await peer.handshake({nonce: nonce++});
	return peer;
}

/** Sends a ping and waits for its pong: everything the node sent before it has arrived. */
async function roundTrip(peer: RawPeer): Promise<void> {
	const n = nonce++;
	peer.send({type: 'ping', nonce: n});
	await peer.waitFor(() => peer.received.some(m => m.type === 'pong' && m.nonce === n), 'the pong');
}

/** `n` one-header forks of genesis, each distinct. */
let forkSerial = 0;
function forks(n: number): Header[] {
	const genesis = target.chain.getEntryByHeight(0)!;
	return Array.from({length: n}, () => {
		const root = new Uint8Array(32);
		new DataView(root.buffer).setUint32(0, ++forkSerial, true);
		root[31] = 0x77;
		return solve(new Header(1, genesis.hash, root, genesis.time + 1 + (forkSerial % 600), quickNet.genesis.header.bits, 0), quickNet);
	});
}

describe('a peer that reconnects', () => {
	it(`gets ${MAX_FORKS_PER_PEER} branches for its IP, not ${MAX_FORKS_PER_PEER} a connection: the next connection's first branch is refused and it is cut off`, async () => {
		const from = '127.0.0.21';
		const before = target.chain.headerCount;
		const closes: string[] = [];
		target.pool.on('peer-close', (p, reason) => void (p.host === from && closes.push(reason)));
		// 600 on one connection, then 400 on the next (a new port): all stored, nobody cut off.
		for (const [i, n] of [600, 400].entries()) {
			const peer = await connect(from);
			for (const h of forks(n)) peer.send({type: 'headers', headers: [h]});
			await waitFor(() => target.chain.headerCount === before + 600 + i * 400, `connection ${i + 1}'s ${n} branches stored`);
			await roundTrip(peer);
			expect(peer.closed).toBe(false);
			peer.close();
			await waitFor(() => !target.pool.connectedPeers.some(p => p.host === from), 'the node sees it go');
		}
		expect(closes.filter(r => r !== 'connection closed by peer')).toEqual([]); // only our own hang-ups
		// A third connection: one more branch is one too many for the IP.
		const third = await connect(from);
		const [over] = forks(1);
		third.send({type: 'headers', headers: [over!]});
		await third.waitClosed();
		expect(closes.at(-1)).toMatch(/more than 1000 branches/);
		expect(target.chain.getEntry(over!.hash())).toBeUndefined();
		expect(target.chain.headerCount).toBe(before + MAX_FORKS_PER_PEER);
		// Another IP is not held to it.
		const other = await connect('127.0.0.22');
		const [theirs] = forks(1);
		other.send({type: 'headers', headers: [theirs!]});
		await waitFor(() => target.chain.getEntry(theirs!.hash()) !== undefined, 'another IP\'s branch is stored');
		other.close();
		await env.goodPeerStillServed();
	}, 60_000);

	it('is not asked again for a heavier branch it refused (notfound): the branch stays set aside', async () => {
		const from = '127.0.0.23';
		const tip = target.chain.tip;
		// 20 blocks on our tip that nobody here has: only their headers are ever sent.
		const blocks = [];
		let at = {hash: tip.hash, time: Math.max(tip.time, Math.floor(Date.now() / 1000)), height: tip.height};
		for (let i = 0; i < 20; i++) {
			const block = assemble(at, at.height + 1, {time: at.time + 1, tag: 23, payTo: key('refuser').script}, quickNet, quickNet.genesis.header.bits);
			blocks.push(block);
			at = {hash: block.hash(), time: block.header.time, height: at.height + 1};
		}
		const branch = new Set(blocks.map(b => b.hashHex()));
		const asked = (peer: RawPeer) => peer.received.flatMap(m => (m.type === 'getdata' ? m.items.map(i => hashToHex(i.hash)) : [])).filter(h => branch.has(h));
		const refuse = (peer: RawPeer, m: Message) => {
			if (m.type === 'getdata') peer.send({type: 'notfound', items: m.items});
			if (m.type === 'getheaders') peer.send({type: 'headers', headers: []});
		};
		const first = await connect(from, refuse);
		first.send({type: 'headers', headers: blocks.map(b => b.header)});
		await waitFor(() => new Set(asked(first)).size === branch.size, 'every block of the branch asked of it (and refused)');
		await waitFor(() => target.pool.syncStatus().synced, 'the branch set aside');
		expect(target.chain.bestHeader.hashHex).toBe(blocks.at(-1)!.hashHex());
		first.close();
		await waitFor(() => !target.pool.connectedPeers.some(p => p.host === from), 'the node sees it go');

		// Back from a new port, showing the same branch again.
		const second = await connect(from, refuse);
		second.send({type: 'headers', headers: blocks.map(b => b.header)});
		await waitFor(() => target.pool.peerInfo().some(p => p.address.startsWith(`${from}:`) && p.syncedHeaders === at.height), 'its headers taken in');
		await roundTrip(second);
		expect(asked(second)).toEqual([]);
		expect(target.pool.syncStatus().synced).toBe(true);
		expect(target.pool.syncStatus().headers).toBe(target.chain.height);
		second.close();
		await env.goodPeerStillServed();
	}, 60_000);
});
