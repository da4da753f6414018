/**
 * A message handler in the pool that fails: nothing awaits it but the connection's own loop, so
 * its rejection must be caught there and logged with its context (the message and the peer), never
 * reach the process as an unhandled rejection; the node and the connection carry on.
 */
import {afterEach, describe, expect, it, vi} from 'vitest';
import {quickNet} from '../helpers/chain-env.js';
import {startNode, type TestNode} from '../helpers/net-env.js';
import {RawPeer} from '../helpers/raw-peer.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a failing pool message handler', () => {
	it('is logged with the message type and the peer; no unhandled rejection; the peer stays and is answered', async () => {
		const node: TestNode = await startNode();
		cleanups.push(() => node.close());
		const lines: string[] = [];
		node.pool.on('log', line => lines.push(line));
		const escaped: unknown[] = [];
		const onEscape = (error: unknown) => escaped.push(error);
		process.on('unhandledRejection', onEscape);
		cleanups.push(() => process.off('unhandledRejection', onEscape));
		// The injected failure: the next mempool request's handler rejects.
		const relay = (node.pool as unknown as {relay: {serveMempool: (...args: unknown[]) => Promise<void>}}).relay;
		const serve = vi.spyOn(relay, 'serveMempool').mockRejectedValueOnce(new Error('the mempool store is unreadable'));

		const peer = await RawPeer.connect(node.pool.port, quickNet);
		cleanups.push(() => peer.close());
		await peer.handshake();
		const [inbound] = node.pool.connectedPeers;
		peer.send({type: 'mempool'});
		await peer.waitFor(() => lines.some(l => l.startsWith('error handling mempool')), 'the log line', 3000);
		expect(serve).toHaveBeenCalledTimes(1);
		expect(lines.filter(l => l.startsWith('error handling'))).toEqual([`error handling mempool from ${inbound!.address}: the mempool store is unreadable`]);

		// Still connected and answered: a ping gets its pong, a second mempool request is served.
		peer.send({type: 'ping', nonce: 7n});
		await peer.waitFor(() => peer.received.some(m => m.type === 'pong' && m.nonce === 7n), 'the pong');
		peer.send({type: 'mempool'});
		await peer.waitFor(() => serve.mock.calls.length === 2, 'the second mempool request handled');
		expect(peer.closed).toBe(false);
		expect(node.pool.connectedPeers).toHaveLength(1);
		await new Promise(resolve => setTimeout(resolve, 20));
		expect(escaped).toEqual([]);
	});
});
