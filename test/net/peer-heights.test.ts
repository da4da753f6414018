/** Peers' heights follow what they announce and send, live, with an event for each change. */
import {afterEach, describe, expect, it} from 'vitest';
import type {Peer} from '../../source/node/net/peer.js';
import {InvType} from '../../source/node/net/messages.js';
import {nextBlock} from '../helpers/builder.js';
import {fleet, waitFor} from '../helpers/net-env.js';

const f = fleet();
afterEach(() => f.closeAll());

describe('peer heights', () => {
	it('B\'s row for A follows A\'s mining without reconnecting, with a peer-update for each change', async () => {
		const a = await f.node({label: 'a'});
		await a.miner.generate(2);
		const b = await f.node({label: 'b', peers: [a.address]});
		await waitFor(() => b.chain.height === 2, 'b syncs the first two blocks');
		const [before] = b.pool.peerInfo();
		expect(before).toMatchObject({direction: 'outbound', startHeight: 2, height: 2, syncedHeaders: 2, syncedBlocks: 2});

		const updates: {height: number; headers: number; blocks: number}[] = [];
		b.pool.on('peer-update', (peer: Peer) => updates.push({height: peer.bestHeight, headers: peer.syncedHeaders, blocks: peer.syncedBlocks}));
		for (let i = 3; i <= 5; i++) {
			await a.miner.generate(1);
			await waitFor(() => b.pool.peerInfo()[0]?.syncedHeaders === i, `b sees a's block ${i}`);
		}
		const [after] = b.pool.peerInfo();
		expect(after).toMatchObject({id: before!.id, connectedAt: before!.connectedAt, startHeight: 2, height: 5, syncedHeaders: 5, syncedBlocks: 5});
		expect(updates.at(-1)).toEqual({height: 5, headers: 5, blocks: 5});
		// Each event carries a change: never the same heights twice in a row.
		for (let i = 1; i < updates.length; i++) expect(updates[i]).not.toEqual(updates[i - 1]);
		expect(updates.map(u => u.headers)).toEqual(expect.arrayContaining([3, 4, 5]));
	});

	it('counts a known block announced by inv, and a block sent, as synced_blocks, not synced_headers', async () => {
		const a = await f.node({label: 'a'});
		await a.miner.generate(3);
		const raw = await f.raw(a);
		await raw.handshake();
		await raw.waitFor(() => raw.received.some(m => m.type === 'getheaders'), 'the node asks for headers');
		const row = () => a.pool.peerInfo().find(p => p.agent === '/raw/')!;
		expect(row()).toMatchObject({startHeight: 0, height: 0, syncedHeaders: -1, syncedBlocks: -1});
		raw.send({type: 'inv', items: [{type: InvType.BLOCK, hash: a.chain.getEntryByHeight(2)!.hash}]});
		await waitFor(() => row().syncedBlocks === 2, 'the inv counts');
		expect(row()).toMatchObject({height: 2, syncedHeaders: -1});
		raw.send({type: 'headers', headers: [a.chain.getEntryByHeight(1)!.header]});
		await waitFor(() => row().syncedHeaders === 1, 'the headers count');
		expect(row()).toMatchObject({height: 2, syncedBlocks: 2});
		const block = nextBlock(a.chain, a.chain.tip);
		raw.send({type: 'block', block});
		await waitFor(() => row().syncedBlocks === 4, 'the block sent counts');
		expect(row()).toMatchObject({height: 4, syncedHeaders: 1});
	});
});
