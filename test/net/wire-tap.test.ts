/** The wire inspector's tap over real TCP on 127.0.0.1 between two real nodes. */
import {afterEach, describe, expect, it} from 'vitest';
import {HEADER_SIZE} from '../../source/node/net/framer.js';
import type {WireRecord} from '../../source/node/net/pool.js';
import {Parser} from '../../source/node/net/parser.js';
import {fleet, waitFor} from '../helpers/net-env.js';

const nodes = fleet();
afterEach(() => nodes.closeAll());

/** The commands of records in order, one direction. */
const commands = (records: readonly WireRecord[], direction: 'in' | 'out') => records.filter(r => r.direction === direction).map(r => r.command);

describe('Pool.tap', () => {
	it('an all-peers tap sees the handshake both ways, from our version on, with sizes and whole frames', async () => {
		const a = await nodes.node({label: 'a'});
		const records: WireRecord[] = [];
		const untap = a.pool.tap(null, r => records.push(r));
		const b = await nodes.node({label: 'b', peers: [a.address]});
		await waitFor(() => a.pool.connectedPeers.length === 1 && b.pool.connectedPeers.length === 1, 'the two nodes connect');
		await waitFor(() => commands(records, 'in').includes('verack') && commands(records, 'out').includes('verack'), 'both veracks seen');
		const peer = a.pool.connectedPeers[0]!;
		// b dialled a: a reads b's version first, then answers with its own and a verack.
		expect(commands(records, 'in')[0]).toBe('version');
		expect(commands(records, 'out').slice(0, 2)).toEqual(['version', 'verack']);
		for (const r of records) {
			expect(r.peerId).toBe(peer.id);
			expect(r.peer).toBe(peer.address);
			expect(r.bytes.length).toBe(HEADER_SIZE + r.size);
			expect(new DataView(r.bytes.buffer, r.bytes.byteOffset).getUint32(16, true)).toBe(r.size);
			expect(r.time).toBeGreaterThan(Date.now() - 60_000);
			// Each record is one whole, valid message: the node's own parser takes it back.
			const parsed = new Parser(a.chain.network.magic).feed(r.bytes);
			expect(parsed).toHaveLength(1);
			expect(parsed[0]!.kind === 'message' && parsed[0]!.message.type).toBe(r.command);
		}
		expect(records.find(r => r.command === 'verack')!.size).toBe(0);
		// Bytes counted by the tap agree with the peer's own statistics.
		const inBytes = records.filter(r => r.direction === 'in').reduce((s, r) => s + r.bytes.length, 0);
		expect(inBytes).toBeLessThanOrEqual(peer.stats.bytesIn);
		untap();
		expect(peer.tap).toBeNull();
	});

	it('a tap on one peer sees only it; untapping stops recording and leaves no tap behind', async () => {
		const a = await nodes.node({label: 'a'});
		const b = await nodes.node({label: 'b', peers: [a.address]});
		const c = await nodes.node({label: 'c', peers: [a.address]});
		await waitFor(() => a.pool.connectedPeers.length === 2 && b.pool.connectedPeers.length === 1 && c.pool.connectedPeers.length === 1, 'b and c connect to a');
		const fromB = a.pool.connectedPeers.find(p => p.listenPort === b.pool.port)!;
		const fromC = a.pool.connectedPeers.find(p => p.listenPort === c.pool.port)!;
		const records: WireRecord[] = [];
		const untap = a.pool.tap(fromB.id, r => records.push(r));
		expect(fromB.tap).not.toBeNull();
		expect(fromC.tap).toBeNull();
		// A ping each way: a pings b, and c's pings to a go unrecorded.
		fromB.ping();
		fromC.ping();
		await waitFor(() => commands(records, 'in').includes('pong'), 'b answers the ping');
		expect(commands(records, 'out')).toContain('ping');
		expect(records.every(r => r.peerId === fromB.id)).toBe(true);
		const ping = records.find(r => r.command === 'ping')!;
		expect(ping.direction).toBe('out');
		expect(ping.size).toBe(8);
		// A block mined on a goes out to b as headers (sendheaders) or inv, and b asks for it.
		await a.miner.generate(1);
		await waitFor(() => b.chain.height === 1, 'b gets the block');
		await waitFor(() => commands(records, 'out').includes('block'), 'the block is seen going out');
		expect(commands(records, 'in')).toContain('getdata');
		const block = records.find(r => r.command === 'block')!;
		expect(block.bytes.length).toBe(HEADER_SIZE + block.size);

		untap();
		expect(fromB.tap).toBeNull();
		const seen = records.length;
		fromB.ping();
		await waitFor(() => fromB.latencyMs !== null && (fromB.stats.messagesIn['pong'] ?? 0) >= 2, 'the second pong');
		expect(records.length).toBe(seen);
		// Untapping twice is harmless.
		untap();
	});

	it('two listeners on the same peer each get every record; removing one keeps the other', async () => {
		const a = await nodes.node({label: 'a'});
		const b = await nodes.node({label: 'b', peers: [a.address]});
		await waitFor(() => a.pool.connectedPeers.length === 1 && b.pool.connectedPeers.length === 1, 'connected');
		const peer = a.pool.connectedPeers[0]!;
		const one: WireRecord[] = [];
		const all: WireRecord[] = [];
		const untapOne = a.pool.tap(peer.id, r => one.push(r));
		const untapAll = a.pool.tap(null, r => all.push(r));
		peer.ping();
		await waitFor(() => one.some(r => r.command === 'pong') && all.some(r => r.command === 'pong'), 'both see the pong');
		untapOne();
		expect(peer.tap).not.toBeNull();
		const before = all.length;
		peer.ping();
		await waitFor(() => all.filter(r => r.command === 'pong').length === 2, 'the second pong');
		expect(all.length).toBeGreaterThan(before);
		expect(one.filter(r => r.command === 'pong')).toHaveLength(1);
		untapAll();
		expect(peer.tap).toBeNull();
	});
});
