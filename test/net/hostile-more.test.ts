/** More of what real nodes are tested with, each while a good peer keeps syncing. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connect} from 'node:net';
import {frame} from '../../source/node/net/framer.js';
import {TxOut} from '../../source/node/primitives/tx.js';
import {Block} from '../../source/node/primitives/block.js';
import {quickNet} from '../helpers/chain-env.js';
import {RawPeer} from '../helpers/raw-peer.js';
import {blockWith, coinbaseOf, coinbaseTx, key, nextBlock, spend} from '../helpers/builder.js';
import {targetWithGoodPeer, waitFor, type TestNode} from '../helpers/net-env.js';

let target: TestNode;
let good: TestNode;
let env: Awaited<ReturnType<typeof targetWithGoodPeer>>;


beforeAll(async () => {
	env = await targetWithGoodPeer({pool: {maxInbound: 6, timeouts: {pongTimeoutMs: 500, pingIntervalMs: 200}}, blocks: 1 + quickNet.coinbaseMaturity});
	({target, good} = env);
});
afterAll(async () => {
	await env.close();
});

const goodPeerStillServed = () => env.goodPeerStillServed();

async function hostile(nonce: bigint): Promise<RawPeer> {
	const peer = await RawPeer.connect(target.pool.port, quickNet);
	await peer.handshake({nonce});
	return peer;
}

describe('hostile peers, continued', () => {
	it('a body that never finishes: memory stays at what was sent, the connection is kept only while it behaves', async () => {
		const peer = await hostile(101n);
		const header = frame(quickNet.magic, 'block', new Uint8Array(0));
		new DataView(header.buffer).setUint32(16, 3_000_000, true); // promises 3 MB
		peer.write(header);
		peer.write(new Uint8Array(1000)); // and sends 1 kB
		await goodPeerStillServed();
		peer.close();
	});

	it('transactions with duplicate inputs, negative or overflowing amounts: refused and punished', async () => {
		const coin = coinbaseOf((await target.chain.getBlockByHeight(1))!, key('target'));
		const cases = [
			spend([coin, coin], [new TxOut(1000n, key('x').script)]),
			spend([coin], [new TxOut(-1n, key('x').script)]),
			spend([coin], [new TxOut(21_000_000n * 100_000_000n + 1n, key('x').script)]),
		];
		for (const [i, tx] of cases.entries()) {
			const peer = await hostile(200n + BigInt(i));
			peer.send({type: 'tx', tx});
			await peer.waitClosed();
			expect(target.mempool.has(tx.txid())).toBe(false);
		}
		await goodPeerStillServed();
	});

	it('blocks with a duplicated transaction, a coinbase paying too much, or from 3 h ahead', async () => {
		const tip = target.chain.tip;
		const t1 = spend([coinbaseOf((await target.chain.getBlockByHeight(2))!, key('target'))], [new TxOut(49n * 100_000_000n, key('x').script)]);
		const t2 = spend([coinbaseOf((await target.chain.getBlockByHeight(3))!, key('target'))], [new TxOut(49n * 100_000_000n, key('x').script)]);
		const honest = blockWith(target.chain, tip, [coinbaseTx(tip.height + 1, 52n * 100_000_000n, key('h').script), t1, t2]);
		const mutated = new Block(honest.header, [...honest.txs, t2]);
		const greedy = nextBlock(target.chain, tip, {value: 51n * 100_000_000n, tag: 77});
		const future = nextBlock(target.chain, tip, {time: Math.floor(Date.now() / 1000) + 3 * 3600, tag: 78});
		const p1 = await hostile(300n);
		p1.send({type: 'block', block: mutated});
		await p1.waitClosed();
		const p2 = await hostile(301n);
		p2.send({type: 'block', block: greedy});
		await p2.waitClosed();
		// From the future: refused, not punished (our clocks may simply differ).
		const p3 = await hostile(302n);
		p3.send({type: 'block', block: future});
		p3.send({type: 'ping', nonce: 5n});
		await p3.waitFor(() => p3.received.some(m => m.type === 'pong' && m.nonce === 5n), 'still talking');
		expect(target.chain.getEntry(future.hash())).toBeUndefined();
		expect(p3.closed).toBe(false);
		p3.close();
		// The honest block with the mutated one's header still connects.
		const p4 = await hostile(303n);
		p4.send({type: 'block', block: honest});
		await waitFor(() => target.chain.tip.hashHex === honest.hashHex(), 'the honest block connects');
		p4.close();
		await goodPeerStillServed();
	});

	it('an unrequested block on a weaker branch is not stored', async () => {
		const fork = target.chain.getEntryByHeight(target.chain.height - 2)!;
		const weak = nextBlock(target.chain, fork, {tag: 99});
		const peer = await hostile(400n);
		peer.send({type: 'block', block: weak});
		await waitFor(() => target.chain.getEntry(weak.hash()) !== undefined, 'its header is known');
		expect(target.chain.getEntry(weak.hash())!.hasData).toBe(false);
		peer.close();
	});

	it('a peer that never answers pings is dropped', async () => {
		const peer = await hostile(500n);
		peer.socket.pause();
		const reasons: string[] = [];
		target.pool.on('peer-close', (_p, reason) => reasons.push(reason));
		await waitFor(() => reasons.includes('no pong in time'), 'dropped for no pong');
		await goodPeerStillServed();
	});

	it('a flood of connections past the inbound limit is turned away', async () => {
		let refused = 0;
		const sockets = Array.from({length: 20}, () => {
			const s = connect({host: '127.0.0.1', port: target.pool.port});
			s.on('close', () => refused++);
			s.on('error', () => undefined);
			return s;
		});
		try {
			// Six slots (one is the good peer's): the rest are closed at once.
			await waitFor(() => refused >= 15, 'the flood turned away');
			await goodPeerStillServed();
		} finally {
			for (const s of sockets) s.destroy();
		}
		await waitFor(() => refused === 20, 'all flood sockets gone');
	});

	it('80 messages of 4 MB in a row: bounded, and the good peer is served throughout', async () => {
		// The flood's half-open connections hold inbound slots until their handshake times out.
		const peer = await (async () => {
			for (let i = 0; ; i++) {
				try {
					return await hostile(600n + BigInt(i));
				} catch (error) {
					if (i >= 30) throw error;
				}
			}
		})();
		const junk = frame(quickNet.magic, 'blub', new Uint8Array(4_000_000)); // unknown command, valid frame
		const before = process.memoryUsage().rss;
		let most = 0;
		for (let i = 0; i < 80 && !peer.closed; i++) {
			// As a peer on a socket sends: the next message once the last has gone out, so what
			// this process holds is one message, and what grows is the node's.
			if (!peer.socket.write(junk)) {
				await new Promise<void>(resolve => {
					const done = () => {
						peer.socket.off('drain', done).off('close', done);
						resolve();
					};
					peer.socket.once('drain', done).once('close', done);
				});
			}
			most = Math.max(most, process.memoryUsage().rss - before);
		}
		await goodPeerStillServed();
		console.log(`80 x 4 MB: rss grew at most ${(most / 1e6).toFixed(0)} MB while 320 MB went through`);
		// Nothing kept: a few messages' worth at most (the one being read, buffers, garbage not yet
		// collected), far from the 320 MB sent.
		expect(most).toBeLessThan(80_000_000);
		peer.close();
	});
});
