/**
 * --connect (Core's -connect): a node dials only the peers it is told, never an address it
 * learned from gossip; a node without it dials what it learns. Real nodes on 127.0.0.1.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {fleet, waitFor} from '../helpers/net-env.js';

const nodes = fleet();
afterEach(() => nodes.closeAll());

describe('--connect', () => {
	it('a node given --connect Y learns Z from Y by gossip and never dials it; the same node without --connect does', async () => {
		const y = await nodes.node({label: 'y'});
		const z = await nodes.node({label: 'z', peers: [y.address]});
		// Y learns where Z listens once Z is connected to it.
		await waitFor(() => y.pool.addrman.size > 0, 'y knows z\'s address');
		const zPort = z.pool.port;

		for (const connectOnly of [true, false]) {
			const x = await nodes.node({label: connectOnly ? 'x-connect' : 'x-peer', pool: connectOnly ? {connect: [y.address]} : {peers: [y.address]}});
			// X asks Y for addresses on connecting (getaddr) and learns Z's.
			await waitFor(() => x.pool.addrman.get('127.0.0.1', zPort) !== undefined, `x (${connectOnly ? '--connect' : '--peer'}) learns z's address`);
			const dialsZ = () => x.pool.connectedPeers.some(p => p.outbound && p.port === zPort);
			if (connectOnly) {
				// Ten rounds of filling outbound slots after the address is known: each picks and dials
				// at once, so had Z been picked it would carry an attempt now.
				for (let round = 0; round < 10; round++) x.pool.fillOutbound();
				expect(x.pool.addrman.get('127.0.0.1', zPort)!.attempts).toBe(0);
				expect(dialsZ()).toBe(false);
				expect(x.pool.connectedPeers.map(p => p.port)).toEqual([y.pool.port]);
			} else {
				await waitFor(dialsZ, 'without --connect, x dials z');
			}
			await x.close();
		}
	});

	it('--connect 0: a node that knows an address from gossip dials nobody', async () => {
		const y = await nodes.node({label: 'y0'});
		const x = await nodes.node({label: 'x0', pool: {connect: ['0']}});
		x.pool.addrman.add('127.0.0.1', y.pool.port, {source: '127.0.0.1'});
		for (let round = 0; round < 10; round++) x.pool.fillOutbound();
		expect(x.pool.addrman.get('127.0.0.1', y.pool.port)!.attempts).toBe(0);
		expect(x.pool.connectedPeers).toHaveLength(0);
	});
});
