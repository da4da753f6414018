/**
 * The connection manager on its own, over real TCP on 127.0.0.1: the inbound cap, a node that
 * dials itself (here through a port forwarder, so the address is not known to be ours) noticing
 * it and never dialling that address again, bans at the door and after the handshake.
 */
import {createServer, connect, type Server, type Socket} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {AddrMan} from '../../source/node/net/addrman.js';
import {ConnectionManager, type ConnectionHooks, type ConnectionOptions} from '../../source/node/net/connections.js';
import type {Peer} from '../../source/node/net/peer.js';
import {quickNet} from '../helpers/chain-env.js';
import {waitFor} from '../helpers/net-env.js';
import type {Message} from '../../source/node/net/messages.js';
import {RawPeer, versionMessage} from '../helpers/raw-peer.js';

/** Our version message, claiming to listen on `port`. */
function claiming(nonce: bigint, port: number): Message {
	const version = versionMessage({nonce}) as Extract<Message, {type: 'version'}>;
	return {...version, from: {services: 1n, host: '0.0.0.0', port}};
}

interface Recorded {
	attached: Peer[];
	ready: Peer[];
	closed: {peer: Peer; reason: string}[];
	bans: {address: string; reason: string}[];
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function manager(options: Partial<ConnectionOptions> = {}): Promise<{cm: ConnectionManager; rec: Recorded}> {
	const rec: Recorded = {attached: [], ready: [], closed: [], bans: []};
	const hooks: ConnectionHooks = {
		attached: peer => void rec.attached.push(peer),
		ready: peer => void rec.ready.push(peer),
		message: async () => undefined,
		drain: () => undefined,
		closed: (peer, reason) => void rec.closed.push({peer, reason}),
		ban: (address, reason) => void rec.bans.push({address, reason}),
		log: () => undefined,
		listening: () => undefined,
	};
	const now = () => Math.floor(Date.now() / 1000);
	const cm = new ConnectionManager(
		{network: quickNet, port: 0, host: '127.0.0.1', maxOutbound: 0, maxInbound: 8, agent: '/conn-test/', banSeconds: 3600, now, height: () => 0, ...options},
		hooks,
	);
	cm.addrman = await AddrMan.open(null, now);
	await cm.listen();
	cleanups.push(() => cm.stop());
	return {cm, rec};
}

async function raw(port: number): Promise<RawPeer> {
	const r = await RawPeer.connect(port, quickNet);
	cleanups.push(() => r.close());
	return r;
}

/** A TCP forwarder on 127.0.0.1 to `target`: another address that reaches the same node. */
async function forwarder(target: number): Promise<{port: number; connections: () => number}> {
	let count = 0;
	const sockets = new Set<Socket>();
	const server: Server = createServer(inbound => {
		count++;
		const out = connect({host: '127.0.0.1', port: target});
		for (const s of [inbound, out]) {
			sockets.add(s);
			s.on('error', () => undefined);
			s.on('close', () => {
				inbound.destroy();
				out.destroy();
			});
		}
		inbound.pipe(out);
		out.pipe(inbound);
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(() => {
		for (const s of sockets) s.destroy();
		return new Promise<void>(resolve => server.close(() => resolve()));
	});
	const address = server.address();
	return {port: typeof address === 'object' && address ? address.port : 0, connections: () => count};
}

/** A port nothing listens on just now (to dial from). */
async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	await new Promise<void>(resolve => server.close(() => resolve()));
	return typeof address === 'object' && address ? address.port : 0;
}

describe('ConnectionManager', () => {
	it('refuses inbound connections beyond maxInbound, and takes one again once a slot frees', async () => {
		const {cm, rec} = await manager({maxInbound: 1});
		const first = await raw(cm.listenPort);
		await waitFor(() => rec.attached.length === 1, 'the first inbound attached', 10_000);
		const second = await raw(cm.listenPort);
		await second.waitClosed(5000);
		expect(rec.attached).toHaveLength(1);
		expect(cm.counts()).toEqual({inbound: 1, outbound: 0});
		await first.handshake();
		expect(rec.ready).toHaveLength(1);
		first.close();
		await waitFor(() => cm.peers.size === 0, 'the first peer gone', 10_000);
		const third = await raw(cm.listenPort);
		await third.handshake();
		expect(rec.ready).toHaveLength(2);
	});

	it('a node dialling itself notices (connected to ourselves), forgets the address and never dials it again', async () => {
		const {cm, rec} = await manager({maxOutbound: 1});
		const self = await forwarder(cm.listenPort);
		const control = await forwarder(cm.listenPort);
		cm.addrman.add('127.0.0.1', self.port, {manual: true});
		expect(cm.isOwnAddress('127.0.0.1', self.port)).toBe(false);
		await expect(cm.dial('127.0.0.1', self.port)).rejects.toThrow(/connected to ourselves/);
		expect(cm.isOwnAddress('127.0.0.1', self.port)).toBe(true);
		expect(cm.addrman.get('127.0.0.1', self.port)).toBeUndefined();
		await waitFor(() => cm.peers.size === 0, 'both ends of the self-connection closed', 10_000);
		expect(rec.ready).toHaveLength(0);
		expect(rec.closed.map(c => c.reason)).toContain('connected to ourselves');
		// Heard of again (gossip, --peer): never dialled. The control address, not known to be
		// ours, is dialled instead, though the self address comes first among equals (one dial
		// per call with maxOutbound 1).
		const seen = Math.floor(Date.now() / 1000) - 100;
		cm.addrman.add('127.0.0.1', self.port, {manual: true, time: seen});
		cm.addrman.add('127.0.0.1', control.port, {manual: true, time: seen});
		cm.fillOutbound();
		await waitFor(() => control.connections() === 1, 'the control address dialled', 10_000);
		await waitFor(() => cm.isOwnAddress('127.0.0.1', control.port) && cm.peers.size === 0, 'the control self-connection noticed', 10_000);
		expect(self.connections()).toBe(1);
		expect(control.connections()).toBe(1);
	});

	it('a banned address is refused at the door, before any handshake', async () => {
		const {cm, rec} = await manager();
		const from = await freePort();
		cm.addrman.ban('127.0.0.1', from, 3600);
		const socket = connect({host: '127.0.0.1', port: cm.listenPort, localPort: from});
		cleanups.push(() => socket.destroy());
		socket.on('error', () => undefined);
		let connected = false;
		let closed = false;
		socket.on('connect', () => (connected = true));
		socket.on('close', () => (closed = true));
		await waitFor(() => closed, 'the banned connection closed', 10_000);
		expect(connected).toBe(true); // it reached the node, which hung up
		expect(rec.attached).toHaveLength(0);
		expect(cm.peers.size).toBe(0);
		// Another port of the same loopback host is someone else: taken.
		const other = await raw(cm.listenPort);
		await other.handshake();
		expect(rec.ready).toHaveLength(1);
	});

	it('a peer reaching 100 is banned by the port it claims; a newcomer claiming it is dropped after its version', async () => {
		const {cm, rec} = await manager();
		const bad = await raw(cm.listenPort);
		bad.send(claiming(1n, 5555));
		bad.send({type: 'verack'});
		await waitFor(() => rec.ready.length === 1, 'the peer ready', 10_000);
		const peer = rec.ready[0]!;
		expect(peer.listenPort).toBe(5555);
		peer.misbehave(60, 'first');
		expect(rec.bans).toHaveLength(0);
		peer.misbehave(40, 'second');
		expect(rec.bans).toEqual([{address: '127.0.0.1:5555', reason: 'second'}]);
		await bad.waitClosed(5000);
		expect(cm.addrman.isBannedInbound('127.0.0.1', 5555)).toBe(true);
		expect(cm.addrman.isBanned('127.0.0.1', 5555)).toBe(false); // we may still dial that port
		const again = await raw(cm.listenPort);
		again.send(claiming(2n, 5555));
		again.send({type: 'verack'});
		await again.waitClosed(5000);
		expect(rec.ready).toHaveLength(1);
		expect(rec.closed.at(-1)!.reason).toBe('banned');
	});
});
