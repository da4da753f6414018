import {afterEach, describe, expect, it} from 'vitest';
import {TxOut} from '../../source/node/primitives/tx.js';
import {coinbaseOf, key, spend} from '../helpers/builder.js';
import {quickNet} from '../helpers/chain-env.js';
import {fleet, waitFor, type TestNode} from '../helpers/net-env.js';

const f = fleet();
afterEach(() => f.closeAll());
const node = f.node;

describe('a network of nodes', () => {
	it('a 5-node line converges and relays a transaction end to end', async () => {
		const line: TestNode[] = [await node({label: 'n0', pool: {maxOutbound: 1}})];
		for (let i = 1; i < 5; i++) line.push(await node({label: `n${i}`, peers: [line[i - 1]!.address], pool: {maxOutbound: 1}}));
		const [first, last] = [line[0]!, line[4]!];
		const blocks = await first.miner.generate(1 + quickNet.coinbaseMaturity);
		await waitFor(() => line.every(n => n.chain.tip.hashHex === first.chain.tip.hashHex), 'all five reach the same tip', 30_000);

		const tx = spend([coinbaseOf(blocks[0]!, key('n0'))], [new TxOut(49n * 100_000_000n, key('far away').script)]);
		await first.mempool.add(tx);
		await waitFor(() => last.mempool.has(tx.txid()), 'the transaction reaches the far end', 30_000);
		expect(line.every(n => n.mempool.has(tx.txid()))).toBe(true);
		// Announced by inv, fetched once: no node received the transaction itself twice.
		for (const n of line) {
			const received = n.pool.peerInfo().reduce((sum, p) => sum + (p.messagesIn.tx ?? 0), 0);
			expect(received).toBeLessThanOrEqual(1);
		}

		const [mined] = await last.miner.generate(1);
		expect(mined!.txs.map(t => t.txid())).toContain(tx.txid());
		await waitFor(() => line.every(n => n.chain.tip.hashHex === last.chain.tip.hashHex && n.mempool.size === 0), 'the block comes back and empties every pool', 30_000);
	});

	it('a node given one peer learns the others through addr gossip and connects to them', async () => {
		const hub = await node({label: 'hub'});
		const b = await node({label: 'b', peers: [hub.address]});
		const c = await node({label: 'c', peers: [hub.address]});
		await waitFor(() => hub.pool.connectedPeers.length === 2, 'b and c connect to the hub');
		const d = await node({label: 'd', peers: [hub.address]});
		await waitFor(() => d.pool.addrman.get('127.0.0.1', b.pool.port) !== undefined && d.pool.addrman.get('127.0.0.1', c.pool.port) !== undefined, 'd learns the addresses of b and c');
		await waitFor(
			() => {
				const ports = d.pool.connectedPeers.filter(p => p.outbound).map(p => p.port);
				return ports.includes(b.pool.port) && ports.includes(c.pool.port);
			},
			'd connects out to b and c',
		);
		// Ephemeral source ports of inbound peers are never gossiped: every address d knows listens.
		for (const a of d.pool.addrman.sample(100)) expect([hub.pool.port, b.pool.port, c.pool.port, d.pool.port]).toContain(a.port);
	});
});

describe('clone', () => {
	it('into an empty datadir, then into one with a shorter chain (reorganising), with progress', async () => {
		const source = await node({label: 'source'});
		await source.miner.generate(120);
		const empty = await node({label: 'empty'});
		const progress: number[] = [];
		const result = await empty.pool.clone(source.address, {onProgress: s => progress.push(s.blocks)});
		expect(result).toMatchObject({outcome: 'adopted', height: 120, tip: source.chain.tip.hashHex});
		expect(progress.length).toBeGreaterThan(0);

		const shorter = await node({label: 'shorter'});
		await shorter.miner.generate(30);
		const reorgs: number[] = [];
		shorter.chain.on('reorganize', info => reorgs.push(info.depth));
		const again = await shorter.pool.clone(source.address);
		expect(again).toMatchObject({outcome: 'adopted', height: 120, tip: source.chain.tip.hashHex});
		expect(again.message).toMatch(/after a reorganisation 30 blocks deep/);
		expect(reorgs).toEqual([30]);
	});

	it('says plainly when the host is unreachable, on another network, or has less work', async () => {
		const a = await node({label: 'a'});
		await a.miner.generate(10);
		const unreachable = await a.pool.clone('127.0.0.1:1');
		expect(unreachable).toMatchObject({outcome: 'unreachable'});
		expect(unreachable.message).toMatch(/127\.0\.0\.1:1 is unreachable: cannot connect/);
		expect(await a.pool.clone('no-port')).toMatchObject({outcome: 'unreachable', message: expect.stringMatching(/not host:port/)});

		const {main} = await import('../../source/node/consensus/networks.js');
		const other = await node({label: 'other', network: main});
		const otherNet = await a.pool.clone(other.address);
		expect(otherNet).toMatchObject({outcome: 'other-network'});

		const weaker = await node({label: 'weaker'});
		await weaker.miner.generate(3);
		const before = a.chain.tip.hashHex;
		const less = await a.pool.clone(weaker.address);
		expect(less).toMatchObject({outcome: 'less-work', height: 10});
		expect(less.message).toMatch(/less work than ours: nothing replaced/);
		expect(a.chain.tip.hashHex).toBe(before);
	});

	it('tells another genesis block apart (same magic, different chain)', async () => {
		const {testNetwork} = await import('../helpers/chain-env.js');
		const {REGTEST_SPEC} = await import('../../source/node/consensus/networks.js');
		const twin = testNetwork({coinbaseMaturity: 3, genesis: {...REGTEST_SPEC.genesis, message: 'another genesis'}});
		const a = await node({label: 'a'});
		const b = await node({label: 'b', network: twin});
		await b.miner.generate(2);
		const result = await a.pool.clone(b.address);
		expect(result).toMatchObject({outcome: 'other-network'});
		expect(result.message).toMatch(/another genesis block/);
	});
});
