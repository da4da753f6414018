/**
 * --ping-timeout as the node takes it (FullNode's pingTimeoutMs, down to each peer's timers): a
 * peer that completes the handshake and then says nothing more (a partition drops packets, so no
 * reset ever comes) is dropped about one timeout later; a peer that answers its pings is kept
 * however long it stays. Timed by the node's own event, with deadlines, never fixed sleeps.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {DEFAULT_TIMEOUTS, pingTimeouts} from '../../source/node/net/peer.js';
import {quickNet} from '../helpers/chain-env.js';
import {waitFor} from '../helpers/net-env.js';
import {RawPeer} from '../helpers/raw-peer.js';

const TIMEOUT_MS = 1200;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function nodeWithPingTimeout(ms: number): Promise<FullNode> {
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-ping-'));
	const node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1, port: 0, host: '127.0.0.1', pingTimeoutMs: ms});
	cleanups.push(async () => {
		await node.close();
		await rm(dir, {recursive: true, force: true});
	});
	return node;
}

async function rawPeer(node: FullNode, nonce: bigint): Promise<RawPeer> {
	const peer = await RawPeer.connect(node.pool!.port, quickNet);
	cleanups.push(async () => peer.close());
	await peer.handshake({nonce});
	return peer;
}

describe('--ping-timeout', () => {
	it('pings every quarter of the timeout; the defaults (30 s, 2 min) are that of 2 min', () => {
		expect(pingTimeouts(4000)).toEqual({pingIntervalMs: 1000, pongTimeoutMs: 4000});
		expect({pingIntervalMs: DEFAULT_TIMEOUTS.pingIntervalMs, pongTimeoutMs: DEFAULT_TIMEOUTS.pongTimeoutMs}).toEqual(pingTimeouts(120_000));
	});

	it('drops a peer that goes silent after the handshake about one timeout later, and keeps one that answers its pings', async () => {
		const node = await nodeWithPingTimeout(TIMEOUT_MS);
		const closed = new Map<number, {reason: string; at: number}>();
		node.pool!.on('peer-close', (peer, reason) => closed.set(peer.id, {reason, at: performance.now()}));

		const answering = await rawPeer(node, 11n);
		answering.onMessage = msg => {
			if (msg.type === 'ping') answering.send({type: 'pong', nonce: msg.nonce});
		};
		const silent = await rawPeer(node, 12n);
		const silentSince = performance.now();
		const silentId = node.pool!.connectedPeers.find(p => !p.outbound && p.port === silent.socket.localPort)!.id;

		// Never answered: the first ping goes within a quarter of the timeout, the drop one timeout after it.
		await waitFor(() => closed.has(silentId), 'the node drops the silent peer', 8 * TIMEOUT_MS);
		expect(closed.get(silentId)!.reason).toBe('no pong in time');
		expect(silent.received.filter(m => m.type === 'ping').length).toBeGreaterThanOrEqual(1);
		// Timers never fire early: not before the timeout had passed since it fell silent.
		expect(closed.get(silentId)!.at - silentSince).toBeGreaterThanOrEqual(TIMEOUT_MS);

		// The answering peer stays through several timeouts, pinged all along.
		const pingsBefore = answering.received.filter(m => m.type === 'ping').length;
		await waitFor(() => answering.received.filter(m => m.type === 'ping').length >= pingsBefore + 8, 'eight more pings to the answering peer (two timeouts)', 16 * TIMEOUT_MS);
		expect(answering.closed).toBe(false);
		expect(node.pool!.peerInfo().map(p => p.pingMs)).not.toContain(null);
	});
});
