import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {frame, encodeMessage} from '../../source/node/net/framer.js';
import {Writer} from '../../source/node/encoding/writer.js';
import {Header} from '../../source/node/primitives/header.js';
import {LIMITS} from '../../source/node/net/messages.js';
import {quickNet} from '../helpers/chain-env.js';
import {RawPeer} from '../helpers/raw-peer.js';
import {targetWithGoodPeer, waitFor, type TestNode} from '../helpers/net-env.js';

let target: TestNode;
let good: TestNode;
let env: Awaited<ReturnType<typeof targetWithGoodPeer>>;
const bans: string[] = [];

beforeAll(async () => {
	env = await targetWithGoodPeer({pool: {timeouts: {handshakeMs: 800}}, blocks: 3});
	({target, good} = env);
	target.pool.on('ban', address => bans.push(address));
});
afterAll(async () => {
	await env.close();
});

const goodPeerStillServed = () => env.goodPeerStillServed();

async function hostile(): Promise<RawPeer> {
	return RawPeer.connect(target.pool.port, quickNet);
}

describe('hostile peers get their reaction while a good peer keeps syncing', () => {
	it('oversized declared length: disconnected, not banned (as Core)', async () => {
		const peer = await hostile();
		await peer.handshake();
		const header = frame(quickNet.magic, 'block', new Uint8Array(0));
		new DataView(header.buffer).setUint32(16, 4_000_001, true);
		peer.write(header);
		await peer.waitClosed();
		expect(bans).toHaveLength(0);
		await goodPeerStillServed();
	});

	it('wrong magic and junk bytes: disconnected', async () => {
		const a = await hostile();
		a.write(encodeMessage(Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9), {type: 'verack'}));
		await a.waitClosed();
		const b = await hostile();
		b.write(new Uint8Array(200).fill(0x5a));
		await b.waitClosed();
		await goodPeerStillServed();
	});

	it('bad checksum: that message is dropped, the connection lives on', async () => {
		const peer = await hostile();
		await peer.handshake();
		const bad = encodeMessage(quickNet.magic, {type: 'ping', nonce: 1n});
		bad[21]! ^= 0xff;
		peer.write(bad);
		peer.send({type: 'ping', nonce: 2n});
		await peer.waitFor(() => peer.received.some(m => m.type === 'pong' && m.nonce === 2n), 'pong to the good ping');
		expect(peer.received.some(m => m.type === 'pong' && m.nonce === 1n)).toBe(false);
		expect(peer.closed).toBe(false);
		peer.close();
	});

	it('2,001 headers and 50,001 inv: disconnected and banned', async () => {
		const a = await hostile();
		await a.handshake({nonce: 7n});
		const w = new Writer().varint(LIMITS.headers + 1);
		for (let i = 0; i <= LIMITS.headers; i++) w.bytes(quickNet.genesis.header.toRaw()).varint(0);
		const banned = bans.length;
		a.write(frame(quickNet.magic, 'headers', w.finish()));
		await a.waitClosed();
		expect(bans).toHaveLength(banned + 1);
		const b = await hostile();
		await b.handshake({nonce: 8n});
		const inv = new Writer().varint(LIMITS.inv + 1);
		for (let i = 0; i <= LIMITS.inv; i++) inv.u32(1).bytes(new Uint8Array(32));
		b.write(frame(quickNet.magic, 'inv', inv.finish()));
		await b.waitClosed();
		expect(bans).toHaveLength(banned + 2);
		await goodPeerStillServed();
	});

	it('headers with bad proof of work: punished until banned', async () => {
		const peer = await hostile();
		await peer.handshake({nonce: 9n});
		const tip = target.chain.tip;
		const bad = (nonce: number) => {
			for (let n = nonce; ; n++) {
				const h = new Header(1, tip.hash, new Uint8Array(32), tip.time + 10, tip.header.bits, n);
				if (h.hash()[31]! >= 0x80) return h; // above regtest's target
			}
		};
		const banned = bans.length;
		peer.send({type: 'headers', headers: [bad(0)]});
		peer.send({type: 'headers', headers: [bad(1000)]});
		await peer.waitClosed();
		expect(bans).toHaveLength(banned + 1); // 50 + 50: banned, not just dropped
		await goodPeerStillServed();
	});

	it('never sending verack: dropped after the handshake timeout', async () => {
		const peer = await hostile();
		await peer.handshake({verack: false, nonce: 10n});
		await peer.waitClosed(5000);
		await goodPeerStillServed();
	});

	it('a node dialling itself notices and never tries that address again', async () => {
		const closed: string[] = [];
		target.pool.on('peer-close', (_p, reason) => closed.push(reason));
		await expect(target.pool.addPeer(`127.0.0.1:${target.pool.port}`)).rejects.toThrow(/ourselves/);
		expect(closed).toContain('connected to ourselves');
		await goodPeerStillServed();
	});

	it('the bans are kept in peers.json', async () => {
		expect(bans.length).toBeGreaterThanOrEqual(3);
		expect(target.pool.addrman.banned().length).toBeGreaterThanOrEqual(3);
		await target.pool.addrman.flush();
		const {AddrMan} = await import('../../source/node/net/addrman.js');
		const {join} = await import('node:path');
		const reread = await AddrMan.open(join(target.env.path, 'peers.json'));
		expect(reread.banned().map(b => b.key).sort()).toEqual(target.pool.addrman.banned().map(b => b.key).sort());
		// The good peer was never banned.
		expect(good.pool.connectedPeers).toHaveLength(1);
	});
});
