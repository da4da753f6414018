/**
 * Cloning a chain from host:port (net/clone.ts, through the Pool as the screen and clonechain use
 * it): what each outcome says and keeps, and cancelling at once, before or during the download,
 * adopting nothing half-way.
 */
import {createServer, type Server, type Socket} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import type {Block} from '../../source/node/primitives/block.js';
import {nextBlock} from '../helpers/builder.js';
import {fleet, waitFor} from '../helpers/net-env.js';
import {scriptedHost, type ScriptedHost} from '../helpers/scripted-host.js';

const f = fleet();
const servers: Server[] = [];
const hosts: ScriptedHost[] = [];
afterEach(async () => {
	await f.closeAll();
	for (const server of servers.splice(0)) await new Promise(resolve => server.close(resolve));
	for (const host of hosts.splice(0)) await host.close();
});

async function listen(onSocket: (socket: Socket) => void): Promise<number> {
	const server = createServer(socket => {
		socket.on('error', () => undefined);
		onSocket(socket);
	});
	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as {port: number}).port;
}

/** A host that sends all of `blocks`' headers and serves only the blocks `serves` allows; closed after the test. */
async function partialHost(blocks: readonly Block[], serves: (height: number) => boolean): Promise<ScriptedHost> {
	const host = await scriptedHost(blocks, {serves, agent: '/partial/'});
	hosts.push(host);
	return host;
}

describe('cancelling a clone', () => {
	it('before the handshake: a host that accepts and never answers is left at once, not at the handshake timeout', async () => {
		const a = await f.node({label: 'a', pool: {timeouts: {handshakeMs: 10 * 60_000}}});
		const controller = new AbortController();
		const events: string[] = [];
		let serverSide: Socket | null = null;
		const port = await listen(socket => {
			serverSide = socket;
			events.push('accepted');
			socket.on('close', () => events.push('host saw the connection close'));
			controller.abort();
			events.push('aborted');
		});
		const result = await a.pool.clone(`127.0.0.1:${port}`, {signal: controller.signal});
		events.push(`resolved ${result.outcome}`);
		expect(result).toMatchObject({outcome: 'cancelled', height: 0, tip: a.chain.tip.hashHex});
		expect(result.message).toBe(`clone from 127.0.0.1:${port} cancelled: nothing adopted`);
		expect(events.slice(0, 3)).toEqual(['accepted', 'aborted', 'resolved cancelled']);
		expect(serverSide).not.toBeNull();
		await waitFor(() => events.includes('host saw the connection close'), 'the host to see the connection close');
		expect(a.pool.connectedPeers).toHaveLength(0);
	});

	it('already aborted: resolves cancelled without connecting', async () => {
		const a = await f.node({label: 'a'});
		let accepted = 0;
		const port = await listen(() => accepted++);
		const result = await a.pool.clone(`127.0.0.1:${port}`, {signal: AbortSignal.abort()});
		expect(result.outcome).toBe('cancelled');
		expect(accepted).toBe(0);
	});

	it('mid-download: the host goes, our chain stays, and the node syncs with its other peer', async () => {
		const source = await f.node({label: 'source'});
		await source.miner.generate(600);
		const target = await f.node({label: 'target'});
		await target.miner.generate(20);
		const ours = target.chain.tip;
		const other = await f.node({label: 'other', peers: [target.address]});
		await waitFor(() => other.chain.tip.hashHex === ours.hashHex, 'the other peer syncs the target');
		const reorgs: number[] = [];
		target.chain.on('reorganize', info => reorgs.push(info.depth));
		const controller = new AbortController();
		const closes: string[] = [];
		target.pool.on('peer-close', (_peer, reason) => closes.push(reason));
		const result = await target.pool.clone(source.address, {signal: controller.signal, onProgress: () => controller.abort()});
		expect(result.outcome).toBe('cancelled');
		expect(result.message).toMatch(new RegExp(`^clone from ${source.address} cancelled: nothing adopted`));
		expect(closes).toContain(`clone from ${source.address} cancelled`);
		await waitFor(() => source.pool.connectedPeers.length === 0, 'the source to see the target go');
		expect(target.pool.connectedPeers.map(p => p.address)).not.toContain(source.address);
		expect(target.chain.isMain(ours)).toBe(true);
		expect(reorgs).toEqual([]);

		// Still a working node: it follows its other peer, and its own blocks reach that peer.
		await other.miner.generate(2);
		await waitFor(() => target.chain.tip.hashHex === other.chain.tip.hashHex, 'the target follows the other peer');
		expect(target.chain.height).toBe(22);
		await target.miner.generate(1);
		await waitFor(() => other.chain.tip.hashHex === target.chain.tip.hashHex, 'the other peer gets the target\'s block');
		expect(reorgs).toEqual([]);
	}, 60_000);

	it('never switches to part of the host\'s branch: not while downloading, not after the cancel, not after a restart', async () => {
		const source = await f.node({label: 'source'});
		const branch = await source.miner.generate(12);
		const target = await f.node({label: 'target'});
		await target.miner.generate(5);
		const ours = target.chain.tip;
		// Blocks 1..8 only: 8 blocks have more work than our 5, but are not all of the host's 12.
		const host = await partialHost(branch, height => height <= 8);
		const reorgs: number[] = [];
		target.chain.on('reorganize', info => reorgs.push(info.depth));
		const controller = new AbortController();
		const stored = () => target.chain.getEntry(branch[7]!.hash())?.hasData === true;
		const clone = target.pool.clone(`127.0.0.1:${host.port}`, {signal: controller.signal, onProgress: () => stored() && controller.abort()});
		const result = await clone;
		expect(result.outcome).toBe('cancelled');
		// Its first block is forgotten, so the rest (still stored) cannot take over.
		expect(target.chain.getEntry(branch[0]!.hash())?.hasData).toBe(false);
		expect(target.chain.getEntry(branch[7]!.hash())?.chainData).toBe(false);
		expect(target.chain.tip).toBe(ours);
		expect(reorgs).toEqual([]);
		await waitFor(() => host.closed(), 'the host to be disconnected');

		// Our next block connects on our chain; the 8 stored blocks (more work than 6) stay aside.
		await target.chain.add(nextBlock(target.chain, target.chain.tip));
		expect(target.chain.height).toBe(6);
		expect(target.chain.getAncestor(target.chain.tip, 5)).toBe(ours);
		await target.pool.stop();
		const reopened = await target.env.reopen();
		expect(reopened.height).toBe(6);
		expect(reopened.getAncestor(reopened.tip, 5)?.hashHex).toBe(ours.hashHex);
		expect(reorgs).toEqual([]);
	});

	it('a clone that is not cancelled still adopts a longer branch, in one reorganisation once all of it is here', async () => {
		const source = await f.node({label: 'source'});
		const branch = await source.miner.generate(12);
		const target = await f.node({label: 'target'});
		await target.miner.generate(5);
		const reorgs: number[] = [];
		target.chain.on('reorganize', info => reorgs.push(info.depth));
		const tips: number[] = [];
		target.chain.on('tip', entry => tips.push(entry.height));
		const result = await target.pool.clone(source.address);
		expect(result).toMatchObject({outcome: 'adopted', height: 12, tip: branch.at(-1)!.hashHex()});
		expect(reorgs).toEqual([5]);
		expect(tips).toEqual([12]); // never part of the way
	});
});

describe('what a clone says', () => {
	it('a host with our chain: already-have; a host with less: less-work, nothing replaced', async () => {
		const a = await f.node({label: 'a'});
		await a.miner.generate(5);
		const same = await f.node({label: 'same', peers: [a.address]});
		await waitFor(() => same.chain.height === 5, 'same synced');
		expect(await a.pool.clone(same.address)).toMatchObject({outcome: 'already-have', height: 5});
		const short = await f.node({label: 'short'});
		await short.miner.generate(2);
		const tip = a.chain.tip.hashHex;
		const result = await a.pool.clone(short.address);
		expect(result.outcome).toBe('less-work');
		expect(result.message).toMatch(/less work than ours: nothing replaced|has no blocks we lack/);
		expect(a.chain.tip.hashHex).toBe(tip);
	});

	it('nobody listening: unreachable, at once', async () => {
		const a = await f.node({label: 'a'});
		const port = await listen(socket => socket.destroy());
		await new Promise<void>(resolve => servers.pop()!.close(() => resolve()));
		expect(await a.pool.clone(`127.0.0.1:${port}`)).toMatchObject({outcome: 'unreachable'});
	});

	it('a host that serves three of its six blocks and then nothing: stalled after the timeout, the three kept (they extend our chain), the rest not', async () => {
		const a = await f.node({label: 'a'});
		const donor = await f.node({label: 'donor'});
		const blocks = await donor.miner.generate(6);
		const host = await partialHost(blocks, height => height <= 3);
		const result = await a.pool.clone(`127.0.0.1:${host.port}`, {timeoutMs: 1500});
		expect(result.outcome).toBe('stalled');
		expect(result.message).toMatch(/stopped sending; kept everything validated so far/);
		// The first three were served and validated; they extend our chain, so they are our chain now.
		expect(a.chain.getEntry(blocks[3]!.hashHex())?.hasData).toBe(false);
		expect(a.chain.height).toBe(3);
		expect(a.chain.tip.hashHex).toBe(blocks[2]!.hashHex());
	});
});

