/**
 * Addr floods against a real node over TCP on loopback, with an injected clock and a seeded
 * random source: a flood from one connection, and from a peer that reconnects between messages,
 * leaves the node's honest addresses (tried, and new from other sources) in place, in memory and
 * in peers.json after a restart; the per-peer rate limit drops the excess and counts it
 * (getpeerinfo's addr_processed / addr_rate_limited); getaddr answers are a random sample; the
 * node's own address is never stored or handed out.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {connect, createServer, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {encodeMessage} from '../../source/node/net/framer.js';
import {PROTOCOL_VERSION, type Message} from '../../source/node/net/messages.js';
import {Parser} from '../../source/node/net/parser.js';
import {Pool} from '../../source/node/net/pool.js';
import {AddrMan, BUCKET_SIZE, NEW_BUCKETS_PER_SOURCE_GROUP} from '../../source/node/net/addrman.js';
import {rpcMethods} from '../../source/node/rpc/methods.js';
import {quickNet} from '../helpers/chain-env.js';
import {fleet, waitFor, type TestNode} from '../helpers/net-env.js';
import {freePort} from '../helpers/proc.js';
import {floodAddresses, seededRandom} from '../helpers/seeded.js';


const f = fleet();
const wires: Wire[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const w of wires.splice(0)) w.close();
	for (const done of cleanups.splice(0).reverse()) await done();
	await f.closeAll();
});

/** A scripted peer that may connect from another loopback IP (127.0.0.2 is another source). */
class Wire {
	readonly received: Message[] = [];
	closed = false;
	private readonly parser = new Parser(quickNet.magic);

	private constructor(readonly socket: Socket) {
		socket.on('data', data => {
			try {
				for (const r of this.parser.feed(new Uint8Array(data))) if (r.kind === 'message') this.received.push(r.message);
			} catch {
				this.closed = true;
			}
		});
		socket.on('close', () => (this.closed = true));
		socket.on('error', () => (this.closed = true));
	}

	static open(port: number, from = '127.0.0.1'): Promise<Wire> {
		return new Promise((resolve, reject) => {
			const socket = connect({host: '127.0.0.1', port, localAddress: from}, () => {
				const w = new Wire(socket);
				wires.push(w);
				resolve(w);
			});
			socket.once('error', reject);
		});
	}

	get localPort(): number {
		return this.socket.localPort ?? 0;
	}

	send(msg: Message): void {
		this.socket.write(encodeMessage(quickNet.magic, msg));
	}

	async handshake(nonce: bigint, listenPort = 0): Promise<void> {
		this.send({type: 'version', version: PROTOCOL_VERSION, services: 1n, time: BigInt(Math.floor(Date.now() / 1000)), recv: {services: 1n, host: '127.0.0.1', port: 0}, from: {services: 1n, host: '0.0.0.0', port: listenPort}, nonce, agent: '/wire/', height: 0, relay: true});
		this.send({type: 'verack'});
		await waitFor(() => this.closed || this.received.some(m => m.type === 'verack'), 'verack from the node', 10_000);
		if (this.closed) throw new Error('the node closed the connection during the handshake');
	}

	/** Ping and wait for the pong: the node handles a connection's messages in order, so all sent before are handled. */
	async sync(nonce: bigint): Promise<void> {
		this.send({type: 'ping', nonce});
		await waitFor(() => this.closed || this.received.some(m => m.type === 'pong' && m.nonce === nonce), 'the pong', 10_000);
	}

	close(): void {
		this.socket.destroy();
	}
}

const addrMsg = (addrs: {host: string; port: number}[], time: number): Message => ({type: 'addr', addrs: addrs.map(a => ({time, services: 1n, host: a.host, port: a.port}))});

/** The node's view of the inbound connection from `wire` (by its source port). */
function infoOf(node: TestNode, wire: Wire) {
	return node.pool.peerInfo().find(p => p.direction === 'inbound' && p.address.startsWith(`${wire.socket.localAddress}:${wire.localPort}`));
}

/**
 * A target node with honest knowledge: one honest node it dialled itself (tried), and three
 * addresses of nodes that are down for now (new), told by a peer from 127.0.0.2. One outbound
 * slot, so once the honest node is connected nothing else is dialled while the clock jumps.
 */
async function targetWithHonestKnowledge(seed: number) {
	let clock = Math.floor(Date.now() / 1000);
	const target = await f.node({label: 'target', pool: {now: () => clock, random: seededRandom(seed), maxOutbound: 1}});
	const honest = await f.node({label: 'honest'});
	const down = [{host: '127.0.0.1', port: await freePort()}, {host: '127.0.0.1', port: await freePort()}, {host: '127.0.0.1', port: await freePort()}];
	const teller = await Wire.open(target.pool.port, '127.0.0.2');
	await teller.handshake(501n);
	clock += 100; // ten more tokens for its addr message
	teller.send(addrMsg([{host: '127.0.0.1', port: honest.pool.port}, ...down], clock));
	await waitFor(() => (target.pool.addrman.get('127.0.0.1', honest.pool.port)?.lastSuccess ?? 0) > 0, 'the target dials the honest node');
	await waitFor(() => target.pool.connectedPeers.some(p => p.outbound && p.port === honest.pool.port), 'the outbound connection to the honest node is up');
	teller.close();
	const tried = [{host: '127.0.0.1', port: honest.pool.port}];
	const expectKept = (man: AddrMan) => {
		for (const t of tried) expect(man.get(t.host, t.port), `tried ${t.port}`).toMatchObject({tried: true});
		for (const d of down) expect(man.get(d.host, d.port), `new ${d.port}`).toMatchObject({tried: false});
	};
	return {
		target,
		honest,
		down,
		tried,
		expectKept,
		advance(seconds: number) {
			clock += seconds;
		},
		now: () => clock,
	};
}

/** peers.json after a restart of the network layer: a new Pool on the same datadir. */
async function restartedAddrman(s: Awaited<ReturnType<typeof targetWithHonestKnowledge>>): Promise<AddrMan> {
	await s.target.pool.stop();
	const pool = new Pool({chain: s.target.chain, port: 0, host: '127.0.0.1', listen: false, addrPath: join(s.target.env.path, 'peers.json'), connectIntervalMs: 3_600_000, now: s.now});
	await pool.start();
	cleanups.push(() => pool.stop());
	return pool.addrman;
}

describe('an addr flood', () => {
	it('12 x 1,000 fresh addresses over one connection leave the honest addresses in place, and in peers.json after a restart', async () => {
		const s = await targetWithHonestKnowledge(11);
		const flooder = await Wire.open(s.target.pool.port);
		await flooder.handshake(601n);
		for (let round = 0; round < 12; round++) {
			s.advance(10_001); // a full token bucket each time: the flood is slow, not rate-limited
			flooder.send(addrMsg(floodAddresses(1000, round), s.now()));
			await flooder.sync(BigInt(round + 1));
		}
		s.expectKept(s.target.pool.addrman);
		expect(infoOf(s.target, flooder)).toMatchObject({addrProcessed: 12_000, addrRateLimited: 0});
		// All of it from one source group: it reaches at most 16 buckets of the new table.
		const counts = s.target.pool.addrman.counts();
		console.log(`addr flood: 12 x 1,000 from one peer taken in; new table ${counts.new} (the flood's, at most ${NEW_BUCKETS_PER_SOURCE_GROUP * BUCKET_SIZE} from one source, and ${s.down.length} honest), tried ${counts.tried}: every honest address kept`);
		expect(counts.new).toBeLessThanOrEqual(NEW_BUCKETS_PER_SOURCE_GROUP * BUCKET_SIZE + s.down.length);
		s.expectKept(await restartedAddrman(s));
	});

	it('a flooder that reconnects between messages (a new port each time) is one source: honest addresses stay', async () => {
		const s = await targetWithHonestKnowledge(12);
		for (let round = 0; round < 12; round++) {
			const flooder = await Wire.open(s.target.pool.port);
			await flooder.handshake(700n + BigInt(round));
			s.advance(10_001);
			flooder.send(addrMsg(floodAddresses(1000, round), s.now()));
			await flooder.sync(BigInt(round + 1));
			flooder.close();
			await waitFor(() => infoOf(s.target, flooder) === undefined, 'the node sees the flooder go');
		}
		s.expectKept(s.target.pool.addrman);
		// Grouped by ip:port it would have had 12 source groups and most of the table.
		expect(s.target.pool.addrman.counts().new).toBeLessThanOrEqual(NEW_BUCKETS_PER_SOURCE_GROUP * BUCKET_SIZE + s.down.length);
		s.expectKept(await restartedAddrman(s));
	});
});

describe('the addr rate limit', () => {
	it('drops what a peer sends beyond its token bucket and counts it in getpeerinfo; a getaddr we sent allows 1,000', async () => {
		let clock = Math.floor(Date.now() / 1000);
		const dir = await mkdtemp(join(tmpdir(), 'chain-tui-addr-rate-'));
		const node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1, port: 0, host: '127.0.0.1', now: () => clock});
		cleanups.push(async () => {
			await node.close();
			await rm(dir, {recursive: true, force: true});
		});
		const rpc = rpcMethods({node, startedAt: 0, stop: () => undefined});
		const info = async (port: number) => ((await rpc.getpeerinfo!([])) as {addr: string; addr_processed: number; addr_rate_limited: number}[]).find(p => p.addr.includes(`:${port}`));

		const inbound = await Wire.open(node.pool!.port);
		await inbound.handshake(801n);
		inbound.send(addrMsg(floodAddresses(1000, 1), clock));
		await waitFor(async () => (await info(inbound.localPort))?.addr_rate_limited === 999, 'the excess is dropped');
		expect(await info(inbound.localPort)).toMatchObject({addr_processed: 1, addr_rate_limited: 999});
		clock += 100; // 0.1 a second: ten more
		inbound.send(addrMsg(floodAddresses(100, 2), clock));
		await waitFor(async () => (await info(inbound.localPort))?.addr_rate_limited === 1089, 'the second excess is dropped');
		expect(await info(inbound.localPort)).toMatchObject({addr_processed: 11});
		expect(node.pool!.addrman.size).toBeLessThanOrEqual(11);

		// A node we dial and ask with getaddr may answer with 1,000.
		const answered: string[] = [];
		const sockets = new Set<Socket>();
		const server = createServer(socket => {
			sockets.add(socket);
			const parser = new Parser(quickNet.magic);
			socket.on('error', () => undefined);
			socket.on('data', data => {
				for (const r of parser.feed(new Uint8Array(data))) {
					if (r.kind !== 'message') continue;
					if (r.message.type === 'version') {
						socket.write(encodeMessage(quickNet.magic, {type: 'version', version: PROTOCOL_VERSION, services: 1n, time: BigInt(clock), recv: {services: 1n, host: '127.0.0.1', port: 0}, from: {services: 1n, host: '0.0.0.0', port: 0}, nonce: 901n, agent: '/answerer/', height: 0, relay: true}));
						socket.write(encodeMessage(quickNet.magic, {type: 'verack'}));
					}
					if (r.message.type === 'getaddr') {
						answered.push('getaddr');
						socket.write(encodeMessage(quickNet.magic, addrMsg(floodAddresses(1000, 3), clock)));
					}
				}
			});
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		cleanups.push(
			() =>
				new Promise<void>(resolve => {
					for (const socket of sockets) socket.destroy();
					server.close(() => resolve());
				}),
		);
		const port = (server.address() as {port: number}).port;
		await node.pool!.addPeer(`127.0.0.1:${port}`);
		await waitFor(async () => (await info(port))?.addr_processed === 1000, 'its answer to our getaddr is taken in');
		expect(answered).toEqual(['getaddr']);
		expect(await info(port)).toMatchObject({addr_processed: 1000, addr_rate_limited: 0});
	});
});

describe('getaddr and our own address', () => {
	it('getaddr is answered with a random sample: at most 23% of what is known, not the newest first', async () => {
		const target = await f.node({label: 'target', pool: {random: seededRandom(21)}});
		const now = Math.floor(Date.now() / 1000);
		for (let i = 0; i < 2000; i++) target.pool.addrman.add(`${11 + (i % 80)}.${i % 200}.1.${i % 250}`, 2000 + i, {source: `${100 + (i % 50)}.7.0.1`, time: now - 5000 + i});
		const known = target.pool.addrman.size;
		expect(known).toBeGreaterThan(1000);
		const answers: string[][] = [];
		for (const nonce of [1001n, 1002n]) {
			const asker = await Wire.open(target.pool.port);
			await asker.handshake(nonce);
			asker.send({type: 'getaddr'});
			await waitFor(() => asker.received.some(m => m.type === 'addr'), 'an addr answer');
			const answer = asker.received.find(m => m.type === 'addr') as Extract<Message, {type: 'addr'}>;
			expect(answer.addrs.length).toBeGreaterThan(0);
			expect(answer.addrs.length).toBeLessThanOrEqual(Math.floor((known * 23) / 100));
			const times = answer.addrs.map(a => a.time);
			expect(times).not.toEqual([...times].sort((a, b) => b - a));
			answers.push(answer.addrs.map(a => `${a.host}:${a.port}`));
		}
		expect(answers[0]).not.toEqual(answers[1]);
		const newest = target.pool.addrman.sample(100_000).sort((a, b) => b.lastSeen - a.lastSeen).slice(0, answers[0]!.length).map(a => `${a.host}:${a.port}`);
		expect([...answers[0]!].sort()).not.toEqual(newest.sort());
	});

	it('never stores or hands out its own listening address', async () => {
		let clock = Math.floor(Date.now() / 1000);
		const target = await f.node({label: 'target', pool: {now: () => clock, random: seededRandom(31)}});
		const own = {host: '127.0.0.1', port: target.pool.port};
		// A peer claiming to listen on our port, and gossiping our address (with another one).
		const gossip = await Wire.open(target.pool.port, '127.0.0.2');
		await gossip.handshake(1101n, target.pool.port);
		clock += 100;
		gossip.send(addrMsg([own, {host: '198.51.100.7', port: 1111}], clock));
		await waitFor(() => target.pool.addrman.get('198.51.100.7', 1111) !== undefined, 'the other address is learned');
		expect(target.pool.addrman.get(own.host, own.port)).toBeUndefined();
		const asker = await Wire.open(target.pool.port);
		await asker.handshake(1102n);
		asker.send({type: 'getaddr'});
		await waitFor(() => asker.received.some(m => m.type === 'addr'), 'an addr answer');
		const answer = asker.received.find(m => m.type === 'addr') as Extract<Message, {type: 'addr'}>;
		expect(answer.addrs.some(a => a.host === own.host && a.port === own.port)).toBe(false);
		await target.pool.addrman.flush();
		const reread = await AddrMan.open(join(target.env.path, 'peers.json'));
		expect(reread.get(own.host, own.port)).toBeUndefined();
	});
});
