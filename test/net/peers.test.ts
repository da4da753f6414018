import {afterEach, describe, expect, it} from 'vitest';
import {Header} from '../../source/node/primitives/header.js';
import {freePort} from '../helpers/proc.js';
import {fleet, waitFor} from '../helpers/net-env.js';
import {nextBlock} from '../helpers/builder.js';

const f = fleet();
afterEach(() => f.closeAll());
const node = f.node;
const raw = f.raw;

describe('peer upkeep', () => {
	it('pings, measures latency, and drops a peer that never answers', async () => {
		const a = await node({label: 'a', pool: {timeouts: {pingIntervalMs: 100, pongTimeoutMs: 400}}});
		const b = await node({label: 'b', peers: [a.address]});
		await waitFor(() => a.pool.peerInfo()[0]?.pingMs != null, 'a measures its ping to b');
		expect(a.pool.peerInfo()[0]!.pingMs).toBeGreaterThanOrEqual(0);
		const reasons: string[] = [];
		a.pool.on('peer-close', (_p, reason) => reasons.push(reason));
		const silent = await raw(a);
		await silent.handshake({nonce: 77n});
		silent.socket.pause(); // reads nothing, so never answers a ping
		// Its socket is paused, so watch from the node's side.
		await waitFor(() => reasons.includes('no pong in time'), 'the node drops the silent peer', 5000);
		expect(b.pool.connectedPeers).toHaveLength(1);
	});

	it('takes at most maxInbound inbound peers', async () => {
		const a = await node({label: 'a', pool: {maxInbound: 2}});
		const first = await raw(a);
		await first.handshake({nonce: 1n});
		const second = await raw(a);
		await second.handshake({nonce: 2n});
		const third = await raw(a);
		await third.waitClosed();
		expect(first.closed || second.closed).toBe(false);
	});

	it('answers headers that do not connect with getheaders, and punishes only a habit of it (Core: 20 points every tenth in a row)', async () => {
		const a = await node({label: 'a'});
		await a.miner.generate(2);
		const peer = await raw(a);
		await peer.handshake({nonce: 5n});
		const stray = new Header(1, new Uint8Array(32).fill(7), new Uint8Array(32), a.chain.tip.time + 1, 0x207fffff, 0);
		const getheadersBefore = () => peer.received.filter(m => m.type === 'getheaders').length;
		const base = getheadersBefore();
		peer.send({type: 'headers', headers: [stray]});
		await peer.waitFor(() => getheadersBefore() > base, 'a getheaders in answer');
		expect(peer.closed).toBe(false);
		for (let i = 0; i < 15; i++) peer.send({type: 'headers', headers: [stray]});
		const ping = (nonce: bigint) => {
			peer.send({type: 'ping', nonce});
			return peer.waitFor(() => peer.received.some(m => m.type === 'pong' && m.nonce === nonce), 'a pong after the headers');
		};
		await ping(77n);
		expect(peer.closed).toBe(false); // 16 in a row: 20 points
		for (let i = 0; i < 34; i++) peer.send({type: 'headers', headers: [stray]});
		await peer.waitClosed(); // the fiftieth: 100
	});

	it('reconnects with backoff to a --peer that was down when the node started', async () => {
		const port = await freePort();
		const b = await node({label: 'b', peers: [`127.0.0.1:${port}`]});
		await waitFor(() => (b.pool.addrman.get('127.0.0.1', port)?.attempts ?? 0) >= 1, 'a first failed attempt');
		const a = await node({label: 'a', pool: {port}});
		await a.miner.generate(2);
		await waitFor(() => b.chain.height === 2, 'b connects once a is up and syncs', 20_000);
	});

	it('dials its --peer even when that peer dialled it first: the connection it asks for addresses on', async () => {
		// b starts first and cannot reach a; a comes up given b and dials it. Counting that inbound
		// connection as one to a, b never made one of its own: no getaddr, nothing learned, nothing told.
		const port = await freePort();
		const b = await node({label: 'b', peers: [`127.0.0.1:${port}`]});
		await waitFor(() => (b.pool.addrman.get('127.0.0.1', port)?.attempts ?? 0) >= 1, 'a first failed attempt');
		const a = await node({label: 'a', pool: {port}, peers: [b.address]});
		await waitFor(() => b.pool.peerInfo().some(p => p.direction === 'inbound'), 'a dials b');
		await waitFor(() => b.pool.peerInfo().some(p => p.direction === 'outbound' && p.address === `127.0.0.1:${port}`), 'b dials a too', 20_000);
		const out = b.pool.peerInfo().find(p => p.direction === 'outbound')!;
		expect(out.messagesOut.getaddr).toBe(1);
		expect(a.pool.peerInfo().filter(p => p.direction === 'inbound')).toHaveLength(1);
	});

	it('does not download a chain with less work than its own', async () => {
		const strong = await node({label: 'strong'});
		await strong.miner.generate(10);
		const weak = await node({label: 'weak'});
		await weak.miner.generate(4);
		const weakTip = weak.chain.tip.hash;
		await strong.pool.addPeer(weak.address);
		await waitFor(() => strong.chain.getEntry(weakTip) !== undefined, "strong learns weak's headers");
		expect(strong.chain.getEntry(weakTip)?.hasData).toBe(false);
		const fromWeak = strong.pool.peerInfo().find(p => p.direction === 'outbound');
		expect(fromWeak?.messagesIn.block).toBeUndefined();
		await waitFor(() => weak.chain.tip.hashHex === strong.chain.tip.hashHex, 'weak adopts strong instead');
	});

	it('announces a new block once per peer, by headers when the peer asked for that', async () => {
		const a = await node({label: 'a'});
		const peer = await raw(a);
		await peer.handshake({nonce: 11n});
		peer.send({type: 'sendheaders'});
		// It shows it has our tip (genesis): a new header then connects to what it knows.
		peer.send({type: 'inv', items: [{type: 2, hash: a.chain.tip.hash}]});
		peer.send({type: 'ping', nonce: 3n});
		await peer.waitFor(() => peer.received.some(m => m.type === 'pong' && m.nonce === 3n), 'its inv handled');
		// A block of now: an old tip would keep the node in initial download, announcing nothing.
		const block = nextBlock(a.chain, a.chain.tip, {time: Math.floor(Date.now() / 1000)});
		await a.chain.add(block);
		await peer.waitFor(() => peer.received.some(m => m.type === 'headers' && m.headers.some(h => h.hashHex() === block.hashHex())), 'the block announced by headers');
		// Told again by the same peer: not announced back.
		peer.send({type: 'inv', items: [{type: 2, hash: block.hash()}]});
		await a.miner.generate(1);
		await peer.waitFor(() => peer.received.filter(m => m.type === 'headers' && m.headers.length === 1).length >= 2, 'the next block');
		const announcements = peer.received.filter(m => m.type === 'headers' && m.headers.some(h => h.hashHex() === block.hashHex()));
		expect(announcements).toHaveLength(1);
	});
});

describe('back-pressure', () => {
	it('a peer that asks and never reads: serving stops at the send limit, and it is dropped when stuck', async () => {
		const a = await node({label: 'a', pool: {timeouts: {sendLimit: 20_000, stuckMs: 800}}});
		const blocks = await a.miner.generate(60);
		const peer = await raw(a);
		await peer.handshake({nonce: 41n});
		peer.socket.pause(); // never reads again
		const reasons: string[] = [];
		a.pool.on('peer-close', (_p, reason) => reasons.push(reason));
		// Ask for every block, over and over: ~13 MB of answers, more than the kernel's socket
		// buffers and far more than the limit.
		let served = 0;
		a.pool.on('peer-close', p => (served = p.stats.bytesOut));
		for (let i = 0; i < 1100; i++) peer.send({type: 'getdata', items: blocks.map(b => ({type: 2, hash: b.hash()}))});
		await waitFor(() => reasons.includes('not reading what we send'), 'dropped as stuck', 20_000);
		expect(served).toBeLessThan(1100 * blocks.length * 180); // it stopped serving well before the end
	});
});
