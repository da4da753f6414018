import {afterEach, describe, expect, it} from 'vitest';
import {fleet, waitFor} from '../helpers/net-env.js';
import {snapshot} from '../helpers/chain-env.js';

const f = fleet();
afterEach(() => f.closeAll());
const node = f.node;

describe('two nodes', () => {
	it('sync 500 blocks headers-first and end with the same tip and UTXO set', async () => {
		const a = await node({label: 'a'});
		await a.miner.generate(500);
		const b = await node({label: 'b', peers: [a.address]});
		const progress: number[] = [];
		b.pool.on('sync', s => progress.push(s.blocks));
		await waitFor(() => b.chain.height === 500, 'b reaches height 500', 60_000);
		expect(b.chain.tip.hashHex).toBe(a.chain.tip.hashHex);
		expect(await snapshot(b.chain)).toEqual(await snapshot(a.chain));
		expect(progress.length).toBeGreaterThan(10);
		expect(b.pool.syncStatus()).toMatchObject({headers: 500, blocks: 500, synced: true});
		const [info] = b.pool.peerInfo();
		expect(info).toMatchObject({direction: 'outbound', agent: '/chain-tui:0.1.0/', height: 500});
		expect(info!.messagesIn.block).toBe(500);
		expect(a.pool.peerInfo()[0]?.direction).toBe('inbound');
	});

	it('stay in sync while both mine', async () => {
		const a = await node({label: 'a'});
		const b = await node({label: 'b', peers: [a.address]});
		await waitFor(() => a.pool.connectedPeers.length === 1 && b.pool.connectedPeers.length === 1, 'connected');
		for (let i = 0; i < 5; i++) {
			await a.miner.generate(1);
			await waitFor(() => b.chain.tip.hashHex === a.chain.tip.hashHex, `b follows a (${i})`);
			await b.miner.generate(1);
			await waitFor(() => a.chain.tip.hashHex === b.chain.tip.hashHex, `a follows b (${i})`);
		}
		expect(a.chain.height).toBe(10);
	});

	it('reorganise to the most-work chain when nodes that mined apart connect', async () => {
		const a = await node({label: 'a'});
		const b = await node({label: 'b'});
		await a.miner.generate(5);
		await b.miner.generate(8);
		const reorgs: number[] = [];
		a.chain.on('reorganize', info => reorgs.push(info.depth));
		await a.pool.addPeer(b.address);
		await waitFor(() => a.chain.tip.hashHex === b.chain.tip.hashHex, 'a adopts b', 30_000);
		expect(reorgs).toEqual([5]);
		expect(a.chain.height).toBe(8);
		expect(b.chain.height).toBe(8); // b did not move: its chain had more work
	});
});
