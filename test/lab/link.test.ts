import net from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {Link, type Delivery, type LinkOptions, type LinkWireRecord, type SetTimer} from '../../source/lab/link.js';
import {MessageStream} from '../../source/lab/message-stream.js';
import {linkWireInput, WireRing} from '../../source/store/wire.js';
import {frame, HEADER_SIZE, MAX_PAYLOAD} from '../../source/node/net/framer.js';
import {seededRandom} from '../helpers/seeded.js';
import {fleet, waitFor} from '../helpers/net-env.js';

const MAGIC = Uint8Array.from([0xfa, 0xbf, 0xb5, 0xda]);

/** A message whose payload carries its number, padded to `size` payload bytes. */
function numbered(i: number, size = 8): Buffer {
	const payload = new Uint8Array(size);
	new DataView(payload.buffer).setUint32(0, i, true);
	return Buffer.from(frame(MAGIC, 'ping', payload));
}

const numberOf = (message: Buffer) => message.readUInt32LE(HEADER_SIZE);

/** A clock that moves only when told, and timers that fire at exactly their time on it. */
function manualClock() {
	let t = 0;
	const timers = new Set<{at: number; fn: () => void}>();
	const setTimer: SetTimer = (fn, ms) => {
		const entry = {at: t + ms, fn};
		timers.add(entry);
		return () => timers.delete(entry);
	};
	return {
		now: () => t,
		setTimer,
		advance(ms: number) {
			const target = t + ms;
			for (let i = 0; i < 100_000; i++) {
				let next: {at: number; fn: () => void} | undefined;
				for (const e of timers) if (e.at <= target && (next === undefined || e.at < next.at)) next = e;
				if (next === undefined) break;
				timers.delete(next);
				t = Math.max(t, next.at);
				next.fn();
			}
			t = target;
		},
	};
}

/** Whole messages read from a socket, as the far node would see them. */
function collect(socket: net.Socket): Buffer[] {
	const out: Buffer[] = [];
	const stream = new MessageStream({magic: MAGIC});
	socket.on('data', chunk => out.push(...stream.feed(chunk)));
	return out;
}

interface Rig {
	link: Link;
	/** The dialling side ("node A"). */
	client: net.Socket;
	/** The target's end of the relayed connection ("node B"). */
	server: net.Socket;
	atServer: Buffer[];
	atClient: Buffer[];
	deliveries: Delivery[];
	logs: string[];
	connect(): Promise<net.Socket>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

const closed = (s: net.Socket) => s.destroyed || s.closed;

/** A fake target node, a link in front of it, and a client connected through the link. */
async function rig(options: Partial<LinkOptions> = {}): Promise<Rig> {
	const accepted: net.Socket[] = [];
	const target = net.createServer(s => accepted.push(s));
	await new Promise<void>(resolve => target.listen(0, '127.0.0.1', resolve));
	cleanups.push(() => {
		for (const s of accepted) s.destroy();
		return new Promise<void>(resolve => target.close(() => resolve()));
	});
	const deliveries: Delivery[] = [];
	const logs: string[] = [];
	const port = (target.address() as net.AddressInfo).port;
	const link = await Link.open({listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: port, onDeliver: d => deliveries.push(d), log: l => logs.push(l), ...options});
	cleanups.push(() => link.close());
	const connect = async () => {
		const s = net.connect(link.port, '127.0.0.1');
		cleanups.push(() => void s.destroy());
		s.on('error', () => {}); // a cut shows as a close; resets are expected
		await new Promise<void>(resolve => s.once('connect', () => resolve()));
		return s;
	};
	const client = await connect();
	await waitFor(() => accepted.length === 1, 'the link dials the target');
	const server = accepted[0]!;
	server.on('error', () => {});
	return {link, client, server, atServer: collect(server), atClient: collect(client), deliveries, logs, connect};
}

describe('lab link: forwarding', () => {
	it('forwards the exact bytes of whole messages both ways, however the stream is split into reads', async () => {
		const r = await rig();
		const sent = [numbered(1), numbered(2, 1000), numbered(3, 4)];
		const all = Buffer.concat(sent);
		for (let at = 0; at < all.length; at += 7) r.client.write(all.subarray(at, at + 7));
		await waitFor(() => r.atServer.length === 3, 'three messages at the target');
		expect(Buffer.concat(r.atServer).equals(all)).toBe(true);
		const answer = numbered(9, 50);
		r.server.write(answer);
		await waitFor(() => r.atClient.length === 1, 'the answer at the client');
		expect(r.atClient[0]!.equals(answer)).toBe(true);
		expect(r.link.stats().toTarget).toMatchObject({messages: 3, bytes: all.length, droppedMessages: 0});
		expect(r.link.stats().fromTarget).toMatchObject({messages: 1, bytes: answer.length});
	});

	it('keeps the order of 200 numbered messages under 0-30 ms of jitter (real timers)', async () => {
		const r = await rig({random: seededRandom(3), conditions: {latencyMs: 1, jitterMs: 30}});
		for (let i = 0; i < 200; i++) r.client.write(numbered(i));
		await waitFor(() => r.atServer.length === 200, '200 messages at the target');
		expect(r.atServer.map(numberOf)).toEqual([...Array(200).keys()]);
		const times = r.deliveries.map(d => d.deliveredAt);
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	it('delivers at arrival + latency + jitter*random, never before the previous message (fake clock)', async () => {
		const clock = manualClock();
		const r = await rig({now: clock.now, setTimer: clock.setTimer, random: seededRandom(11), conditions: {latencyMs: 100, jitterMs: 50}});
		r.client.write(Buffer.concat([numbered(0), numbered(1), numbered(2)]));
		await waitFor(() => r.link.stats().toTarget.queuedMessages === 3, 'three messages queued');
		const rand = seededRandom(11);
		const expected: number[] = [];
		for (let i = 0, last = -Infinity; i < 3; i++) expected.push((last = Math.max(100 + 50 * rand(), last)));
		clock.advance(99);
		expect(r.deliveries).toHaveLength(0);
		clock.advance(51);
		expect(r.deliveries.map(d => d.deliveredAt)).toEqual(expected);
		expect(r.deliveries.every(d => d.arrivedAt === 0)).toBe(true);
		await waitFor(() => r.atServer.length === 3, 'the three at the target');
		expect(r.atServer.map(numberOf)).toEqual([0, 1, 2]);
	});

	it('serialises messages at the bandwidth: three 100-byte messages at 1000 B/s leave at 100, 200 and 300 ms (fake clock)', async () => {
		const clock = manualClock();
		const r = await rig({now: clock.now, setTimer: clock.setTimer, conditions: {bandwidthBytesPerSec: 1000}});
		r.client.write(Buffer.concat([numbered(0, 76), numbered(1, 76), numbered(2, 76)]));
		await waitFor(() => r.link.stats().toTarget.queuedMessages === 3, 'three messages queued');
		clock.advance(150);
		expect(r.deliveries.map(d => d.deliveredAt)).toEqual([100]);
		clock.advance(150);
		expect(r.deliveries.map(d => d.deliveredAt)).toEqual([100, 200, 300]);
		await waitFor(() => r.atServer.length === 3, 'the three at the target');
	});

	it('drops exactly the messages the seeded random picks at dropRate 0.3, whole messages only', async () => {
		const r = await rig({random: seededRandom(7), conditions: {dropRate: 0.3}});
		const rand = seededRandom(7);
		const kept: number[] = [];
		for (let i = 0; i < 100; i++) if (!(rand() < 0.3)) kept.push(i);
		expect(kept.length).toBeGreaterThan(50);
		expect(kept.length).toBeLessThan(90);
		const sent: Buffer[] = [];
		for (let i = 0; i < 100; i++) sent.push(numbered(i, 20 + i));
		r.client.write(Buffer.concat(sent));
		await waitFor(() => r.link.stats().toTarget.messages + r.link.stats().toTarget.droppedMessages === 100, 'all 100 handled');
		await waitFor(() => r.atServer.length === kept.length, 'the kept ones at the target');
		expect(r.atServer.map(numberOf)).toEqual(kept);
		for (const m of r.atServer) expect(m.equals(sent[numberOf(m)]!)).toBe(true);
		expect(r.link.stats().toTarget.droppedMessages).toBe(100 - kept.length);
		expect(r.link.stats().toTarget.droppedBytes).toBe(sent.filter((_, i) => !kept.includes(i)).reduce((n, m) => n + m.length, 0));
	});
});

describe('lab link: cut, errors, back-pressure, close', () => {
	it('cut() closes both ends of the relayed connection and refuses new ones; restore() relays again', async () => {
		const r = await rig();
		r.link.cut();
		await waitFor(() => closed(r.client) && closed(r.server), 'both ends closed');
		expect(r.link.stats()).toMatchObject({pairs: 0, cut: true});
		const during = net.connect(r.link.port, '127.0.0.1');
		during.on('error', () => {});
		cleanups.push(() => void during.destroy());
		await waitFor(() => closed(during), 'a connection during the cut is closed');
		r.link.restore();
		const after = await r.connect();
		const atClient = collect(after);
		// The target accepted a second connection; answer on it.
		await waitFor(() => r.link.stats().pairs === 1, 'relayed again');
		after.write(numbered(5));
		await waitFor(() => r.link.stats().toTarget.messages === 1, 'the message forwarded after restore');
		expect(atClient).toHaveLength(0);
	});

	it('closes the pair when a header declares a payload over MAX_PAYLOAD, and logs why', async () => {
		const r = await rig();
		const header = Buffer.from(numbered(0).subarray(0, HEADER_SIZE));
		header.writeUInt32LE(MAX_PAYLOAD + 1, 16);
		r.client.write(header);
		await waitFor(() => closed(r.client) && closed(r.server), 'both ends closed');
		expect(r.logs.some(l => l.includes(`${MAX_PAYLOAD + 1} bytes declared`))).toBe(true);
		expect(r.link.stats().toTarget.messages).toBe(0);
	});

	it('closes the pair on a header with garbage magic after a good message', async () => {
		const r = await rig();
		r.client.write(numbered(0));
		await waitFor(() => r.atServer.length === 1, 'the good message through');
		r.client.write(Buffer.alloc(HEADER_SIZE, 0x55));
		await waitFor(() => closed(r.client) && closed(r.server), 'both ends closed');
		expect(r.logs.some(l => l.includes('wrong network magic'))).toBe(true);
	});

	it('stops reading the sender while the target does not read: the queue stays under its limit, then all arrives in order', async () => {
		const r = await rig({queueLimitBytes: 64 * 1024});
		r.server.pause();
		const count = 300;
		let peak = 0;
		for (let i = 0; i < count; i++) r.client.write(numbered(i, 100_000)); // 30 MB, far beyond socket buffers
		await waitFor(() => {
			peak = Math.max(peak, r.link.stats().toTarget.queuedBytes);
			return r.client.writableLength > 10_000_000;
		}, 'the sender held back in its own buffer');
		expect(peak).toBeLessThanOrEqual(64 * 1024 + 100_024);
		r.server.resume();
		await waitFor(() => {
			peak = Math.max(peak, r.link.stats().toTarget.queuedBytes);
			return r.atServer.length === count;
		}, 'everything delivered once the target reads');
		expect(peak).toBeLessThanOrEqual(64 * 1024 + 100_024);
		expect(r.atServer.map(numberOf)).toEqual([...Array(count).keys()]);
	});

	it('close() with a message waiting 60 s leaves no server, socket or timer behind', async () => {
		const kinds = ['Timeout', 'TCPServerWrap', 'TCPSocketWrap'];
		const count = () => {
			const all = process.getActiveResourcesInfo();
			return Object.fromEntries(kinds.map(k => [k, all.filter(x => x === k).length]));
		};
		const before = count();
		const r = await rig({conditions: {latencyMs: 60_000}});
		r.client.write(numbered(0));
		await waitFor(() => r.link.stats().toTarget.queuedMessages === 1, 'the message waits');
		for (const c of cleanups.splice(0).reverse()) await c();
		expect(r.link.stats()).toMatchObject({pairs: 0});
		await waitFor(() => {
			const now = count();
			return kinds.every(k => now[k]! <= before[k]!);
		}, 'the resources back to what they were', 5000);
	});
});

describe('lab link: the wire tap', () => {
	it('sees each message written on, either way, with its time and bytes, and dropped ones marked; untapped, nothing more', async () => {
		const clock = manualClock();
		const r = await rig({now: clock.now, setTimer: clock.setTimer, random: seededRandom(7), conditions: {latencyMs: 10}});
		expect(r.link.wire).toBeNull();
		const seen: LinkWireRecord[] = [];
		const other: LinkWireRecord[] = [];
		const untap = r.link.tap(x => seen.push(x));
		const untapOther = r.link.tap(x => other.push(x));
		r.client.write(Buffer.concat([numbered(1), numbered(2, 100)]));
		r.server.write(numbered(3));
		await waitFor(() => r.link.stats().toTarget.queuedMessages === 2 && r.link.stats().fromTarget.queuedMessages === 1, 'three messages queued');
		expect(seen).toHaveLength(0); // seen as written on, not as they arrive
		clock.advance(10);
		await waitFor(() => r.atServer.length === 2 && r.atClient.length === 1, 'delivered');
		expect(seen.map(x => [x.direction, numberOf(x.bytes), x.time, x.dropped])).toEqual([
			['toTarget', 1, 10, false],
			['toTarget', 2, 10, false],
			['fromTarget', 3, 10, false],
		]);
		expect(seen[1]!.bytes.equals(r.atServer[1]!)).toBe(true);
		expect(other).toHaveLength(3);
		untapOther();

		r.link.set({dropRate: 1});
		r.client.write(numbered(4));
		await waitFor(() => r.link.stats().toTarget.droppedMessages === 1, 'the drop');
		expect(seen.at(-1)).toMatchObject({direction: 'toTarget', dropped: true, time: 10});
		expect(numberOf(seen.at(-1)!.bytes)).toBe(4);
		expect(other).toHaveLength(3);
		// As the wire pane's rows: a→b is out (→), b→a in (←), the drop marked.
		const ring = new WireRing();
		for (const x of seen) ring.add(linkWireInput(x, 'a→b'));
		expect(ring.rows().map(row => [row.direction, row.peer, row.command, row.size, row.time, row.dropped ?? false, row.summary])).toEqual([
			['out', 'a→b', 'ping', 8, 10, false, 'ping nonce 0000000000000001'],
			['out', 'a→b', 'ping', 100, 10, false, 'malformed ping: 92 trailing bytes'],
			['in', 'a→b', 'ping', 8, 10, false, 'ping nonce 0000000000000003'],
			['out', 'a→b', 'ping', 8, 10, true, 'ping nonce 0000000000000004'],
		]);

		untap();
		expect(r.link.wire).toBeNull();
		r.link.set({dropRate: 0});
		r.client.write(numbered(5));
		await waitFor(() => r.link.stats().toTarget.queuedMessages === 1, 'queued');
		clock.advance(10);
		await waitFor(() => r.atServer.length === 3, 'delivered untapped');
		expect(seen).toHaveLength(4);
	});
});

describe('lab link: two real nodes', () => {
	const f = fleet();
	afterEach(() => f.closeAll());

	it('two nodes sync through a link, lose the connection on cut(), and reconnect and sync again on restore()', async () => {
		const a = await f.node({label: 'a'});
		await a.miner.generate(3);
		const link = await Link.open({listenHost: '127.0.0.1', listenPort: 0, targetHost: '127.0.0.1', targetPort: a.pool.port, magic: a.chain.network.magic});
		cleanups.push(() => link.close());
		// b does not listen: otherwise a learns b's address from its version and dials it directly, around the link.
		const b = await f.node({label: 'b', peers: [`127.0.0.1:${link.port}`], pool: {listen: false}});
		await waitFor(() => b.chain.tip.hashHex === a.chain.tip.hashHex, 'b syncs through the link');
		expect(link.stats().fromTarget.messages).toBeGreaterThan(0);

		link.cut();
		await waitFor(() => a.pool.connectedPeers.length === 0 && b.pool.connectedPeers.length === 0, 'both lose the connection');
		await a.miner.generate(2);
		expect(b.chain.height).toBe(3); // no path between them while cut

		link.restore();
		await waitFor(() => b.chain.tip.hashHex === a.chain.tip.hashHex, 'b reconnects (with backoff) and syncs the new blocks', 40_000);
		expect(b.chain.height).toBe(5);
		expect(link.stats().pairs).toBe(1);
		expect(b.pool.peerInfo().map(p => p.address)).toEqual([`127.0.0.1:${link.port}`]); // through the link, not around it
	}, 60_000);
});
