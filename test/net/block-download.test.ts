/**
 * The block downloader on its own, over a real chain: 16 in flight per peer, each peer asked for
 * the blocks toward its own best header, stalls and notfound moving a block to another peer and
 * never back, and liveTarget ignoring a branch nobody will deliver.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import {hashToHex} from '../../source/node/encoding/hex.js';
import {BlockDownloader, MAX_INFLIGHT_PER_PEER} from '../../source/node/net/block-download.js';
import {HOST_REFUSED_S} from '../../source/node/net/host-memory.js';
import {InvType} from '../../source/node/net/messages.js';
import {extend} from '../helpers/builder.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';
import {FakePeer, headersOnly, testContext, type TestContext} from '../helpers/pool-parts.js';

let env: TempChain;
let ctx: TestContext;

beforeEach(async () => {
	env = await tempChain(quickNet);
	await extend(env.chain, 3);
	ctx = testContext({chain: env.chain});
});
afterEach(() => env.cleanup());

/** The block hashes (display hex) asked of `peer` by getdata, in order. */
function asked(peer: FakePeer): string[] {
	return peer.of('getdata').flatMap(m => m.items.map(i => {
		expect(i.type).toBe(InvType.BLOCK);
		return hashToHex(i.hash);
	}));
}

function hexes(entries: readonly ChainEntry[]): string[] {
	return entries.map(e => e.hashHex);
}

/** A ready stand-in whose best known header is `best`. */
function peerWith(best: ChainEntry | null): FakePeer {
	const peer = new FakePeer();
	const st = ctx.add(peer);
	if (best) ctx.notePeer(peer.asPeer, best, true);
	expect(st.best).toBe(best);
	return peer;
}

describe('BlockDownloader', () => {
	it('a branch refused (notfound) or stalled is not asked again of the same IP\'s next connection, for 30 minutes; other connections are asked', async () => {
		const {entries} = await headersOnly(env.chain, env.chain.tip, 3, 9);
		const target = entries.at(-1)!;
		for (const how of ['notfound', 'stall'] as const) {
			const host = how === 'notfound' ? '192.0.2.70' : '192.0.2.71';
			const dl = new BlockDownloader(ctx, 1000);
			const connect = (port: number) => {
				const p = new FakePeer(host, port);
				ctx.add(p);
				ctx.notePeer(p.asPeer, target, true);
				return p;
			};
			const first = connect(1);
			dl.schedule();
			expect(asked(first)).toEqual(hexes(entries));
			if (how === 'notfound') for (const e of entries) dl.notFound(first.asPeer, e.hashHex);
			else {
				await new Promise(resolve => setTimeout(resolve, 1100));
				expect(dl.checkStalls()).toBe(true);
			}
			expect(dl.liveTarget()).toBe(env.chain.tip); // set aside
			dl.peerClosed(first.asPeer, ctx.state(first.asPeer)!.inflight);
			ctx.remove(first);
			// Back from a new port: the same branch shown again is neither asked nor counted as sync to do.
			const second = connect(2);
			dl.schedule();
			expect(asked(second)).toEqual([]);
			expect(dl.liveTarget()).toBe(env.chain.tip);
			// Another IP with the branch is asked for it.
			const other = new FakePeer(`198.18.0.${how === 'notfound' ? 1 : 2}`, 1);
			ctx.add(other);
			ctx.notePeer(other.asPeer, target, true);
			dl.schedule();
			expect(asked(other)).toEqual(hexes(entries));
			dl.peerClosed(other.asPeer, ctx.state(other.asPeer)!.inflight);
			ctx.remove(other);
			dl.peerClosed(second.asPeer, ctx.state(second.asPeer)!.inflight);
			ctx.remove(second);
			// Half an hour on, a new connection from that IP may be asked again.
			ctx.clock += HOST_REFUSED_S + 1;
			const third = connect(3);
			dl.schedule();
			expect(asked(third)).toEqual(hexes(entries));
			dl.peerClosed(third.asPeer, ctx.state(third.asPeer)!.inflight);
			ctx.remove(third);
			ctx.clock -= HOST_REFUSED_S + 1;
		}
	});

	it('asks each peer for at most 16 blocks at a time, in chain order, and the next peer for the next ones', async () => {
		const {entries, blocks} = await headersOnly(env.chain, env.chain.tip, 40);
		const dl = new BlockDownloader(ctx, 1e9);
		const a = peerWith(entries.at(-1)!);
		dl.schedule();
		expect(asked(a)).toEqual(hexes(entries.slice(0, MAX_INFLIGHT_PER_PEER)));
		expect(dl.inflightFor(a.asPeer)).toBe(MAX_INFLIGHT_PER_PEER);
		// Full: scheduling again asks it nothing more.
		dl.schedule();
		expect(a.of('getdata')).toHaveLength(1);
		// A second peer with the same chain gets the next 16, never one already asked.
		const b = peerWith(entries.at(-1)!);
		dl.schedule();
		expect(asked(b)).toEqual(hexes(entries.slice(16, 32)));
		expect(asked(a)).toHaveLength(16);
		expect(dl.requestedOf(entries[0]!.hashHex, a.asPeer)).toBe(true);
		expect(dl.requestedOf(entries[0]!.hashHex, b.asPeer)).toBe(false);
		// A delivered block frees a slot: the first peer is asked the next block not yet asked.
		dl.arrived(entries[0]!.hashHex);
		expect((await env.chain.add(blocks[0]!, {requested: true})).status).toBe('connected');
		dl.delivered(a.asPeer, entries[0]!.hashHex);
		expect(dl.inflightFor(a.asPeer)).toBe(15);
		dl.schedule();
		expect(asked(a).slice(16)).toEqual([entries[32]!.hashHex]);
	});

	it('asks each peer toward its OWN best block: a heavier branch of one, our chain of the other', async () => {
		const chain = env.chain;
		// Ours: two more headers on the tip (height 5). Theirs: a branch from height 1 to 7.
		const ours = await headersOnly(chain, chain.tip, 2, 1);
		const branch = await headersOnly(chain, chain.getEntryByHeight(1)!, 6, 2);
		expect(chain.bestHeader).toBe(branch.entries.at(-1));
		const onOurs = peerWith(ours.entries.at(-1)!);
		const onBranch = peerWith(branch.entries.at(-1)!);
		const dl = new BlockDownloader(ctx, 1e9);
		dl.schedule();
		expect(asked(onBranch)).toEqual(hexes(branch.entries));
		expect(asked(onOurs)).toEqual(hexes(ours.entries));
	});

	it('never asks a peer for blocks it has not shown, nor a peer that is not ready', async () => {
		const {entries} = await headersOnly(env.chain, env.chain.tip, 5);
		const short = peerWith(entries[1]!);
		const notReady = peerWith(entries.at(-1)!);
		notReady.ready = false;
		const dl = new BlockDownloader(ctx, 1e9);
		dl.schedule();
		expect(asked(short)).toEqual(hexes(entries.slice(0, 2)));
		expect(notReady.sent).toHaveLength(0);
	});

	it('a stalled block goes to another peer and never again to the staller; with nobody left it is not asked at all', async () => {
		const {entries} = await headersOnly(env.chain, env.chain.tip, 1);
		const hex = entries[0]!.hashHex;
		const first = peerWith(entries[0]!);
		const second = peerWith(entries[0]!);
		// A huge stall time: asked, and not a stall yet.
		const patient = new BlockDownloader(ctx, 1e9);
		patient.schedule();
		expect(asked(first)).toEqual([hex]);
		expect(patient.checkStalls()).toBe(false);
		expect(patient.requestedOf(hex, first.asPeer)).toBe(true);
		patient.peerClosed(first.asPeer, ctx.state(first.asPeer)!.inflight);
		ctx.state(first.asPeer)!.inflight.clear();
		first.sent.length = 0;

		// stallMs 0: anything asked is already past its time.
		const dl = new BlockDownloader(ctx, 0);
		dl.schedule();
		expect(asked(first)).toEqual([hex]);
		expect(dl.checkStalls()).toBe(true);
		expect(ctx.state(first.asPeer)!.refused.has(hex)).toBe(true);
		expect(ctx.state(first.asPeer)!.stalls).toBe(1);
		expect(dl.inflightFor(first.asPeer)).toBe(0);
		expect(first.isClosed).toBe(false);
		dl.schedule();
		expect(asked(second)).toEqual([hex]);
		expect(asked(first)).toEqual([hex]); // not asked again
		// The second stalls too: nobody left to ask, and the branch is no longer a live target.
		expect(dl.liveTarget()).toBe(entries[0]);
		expect(dl.checkStalls()).toBe(true);
		dl.schedule();
		expect(asked(first)).toEqual([hex]);
		expect(asked(second)).toEqual([hex]);
		expect(dl.liveTarget()).toBe(env.chain.tip);
	});

	it('the third stall closes the peer; a delivery earns one back', async () => {
		const {entries, blocks} = await headersOnly(env.chain, env.chain.tip, 5);
		const peer = peerWith(entries[0]!);
		const st = ctx.state(peer.asPeer)!;
		const dl = new BlockDownloader(ctx, 0);
		/** Shows the peer has block `i`, schedules: exactly that block is asked of it. */
		const ask = (i: number) => {
			const before = asked(peer).length;
			ctx.notePeer(peer.asPeer, entries[i]!, true);
			dl.schedule();
			expect(asked(peer).slice(before)).toEqual([entries[i]!.hashHex]);
		};
		for (let i = 0; i < 2; i++) {
			ask(i);
			expect(dl.checkStalls()).toBe(true);
			expect(peer.isClosed).toBe(false);
		}
		expect(st.stalls).toBe(2);
		// A block delivered (the chain stores it) takes one stall off.
		ask(2);
		dl.arrived(entries[2]!.hashHex);
		await env.chain.add(blocks[2]!, {requested: true});
		expect(entries[2]!.hasData).toBe(true);
		dl.delivered(peer.asPeer, entries[2]!.hashHex);
		expect(st.stalls).toBe(1);
		ask(3);
		expect(dl.checkStalls()).toBe(true);
		expect(st.stalls).toBe(2);
		expect(peer.isClosed).toBe(false);
		ask(4);
		expect(dl.checkStalls()).toBe(true);
		expect(peer.isClosed).toBe(true);
		expect(peer.closeReason).toMatch(/stalled/);
	});

	it('sixteen blocks late together are one stall, not sixteen: the peer stays', async () => {
		const {entries} = await headersOnly(env.chain, env.chain.tip, 16);
		const peer = peerWith(entries.at(-1)!);
		const dl = new BlockDownloader(ctx, 0);
		dl.schedule();
		expect(asked(peer)).toHaveLength(16);
		expect(dl.checkStalls()).toBe(true);
		expect(ctx.state(peer.asPeer)!.stalls).toBe(1);
		expect(peer.isClosed).toBe(false);
	});

	it('a block marked arrived is no stall however long the chain holds it, and is still in flight until delivered', async () => {
		const {entries} = await headersOnly(env.chain, env.chain.tip, 2);
		const peer = peerWith(entries.at(-1)!);
		const other = peerWith(entries.at(-1)!);
		const dl = new BlockDownloader(ctx, 0);
		dl.schedule();
		expect(asked(peer)).toEqual(hexes(entries));
		dl.arrived(entries[0]!.hashHex);
		// Only the block not arrived stalls.
		expect(dl.checkStalls()).toBe(true);
		expect(ctx.state(peer.asPeer)!.refused.has(entries[0]!.hashHex)).toBe(false);
		expect(ctx.state(peer.asPeer)!.refused.has(entries[1]!.hashHex)).toBe(true);
		expect(dl.requestedOf(entries[0]!.hashHex, peer.asPeer)).toBe(true);
		expect(dl.checkStalls()).toBe(false);
		// Still in flight: not asked of anyone else (the other peer gets only the stalled one).
		dl.schedule();
		expect(asked(other)).toEqual([entries[1]!.hashHex]);
		dl.delivered(peer.asPeer, entries[0]!.hashHex);
		expect(dl.requestedOf(entries[0]!.hashHex, peer.asPeer)).toBe(false);
		expect(dl.inflightFor(peer.asPeer)).toBe(0);
	});

	it('notfound from the peer asked cancels and refuses; from anyone else it is ignored', async () => {
		const {entries} = await headersOnly(env.chain, env.chain.tip, 1);
		const hex = entries[0]!.hashHex;
		const first = peerWith(entries[0]!);
		const second = peerWith(entries[0]!);
		const dl = new BlockDownloader(ctx, 1e9);
		dl.schedule();
		expect(asked(first)).toEqual([hex]);
		dl.notFound(second.asPeer, hex); // not asked of it: changes nothing
		expect(dl.requestedOf(hex, first.asPeer)).toBe(true);
		expect(ctx.state(second.asPeer)!.refused.size).toBe(0);
		dl.notFound(first.asPeer, hex);
		expect(dl.requestedOf(hex, first.asPeer)).toBe(false);
		expect(dl.inflightFor(first.asPeer)).toBe(0);
		expect(ctx.state(first.asPeer)!.refused.has(hex)).toBe(true);
		dl.schedule();
		expect(asked(second)).toEqual([hex]);
		expect(asked(first)).toEqual([hex]);
	});

	it('liveTarget ignores a branch whose next block its only peer refused, and peers not ready', async () => {
		const chain = env.chain;
		const {entries} = await headersOnly(chain, chain.getEntryByHeight(2)!, 4, 7);
		const peer = peerWith(entries.at(-1)!);
		const dl = new BlockDownloader(ctx, 1e9);
		expect(dl.liveTarget()).toBe(entries.at(-1));
		peer.ready = false;
		expect(dl.liveTarget()).toBe(chain.tip);
		peer.ready = true;
		dl.schedule();
		dl.notFound(peer.asPeer, entries[0]!.hashHex);
		expect(dl.liveTarget()).toBe(chain.tip);
		// Another peer that has it (and has not refused) makes it live again.
		peerWith(entries.at(-1)!);
		expect(dl.liveTarget()).toBe(entries.at(-1));
	});

	it('a closed peer\'s blocks go to another peer', async () => {
		const {entries} = await headersOnly(env.chain, env.chain.tip, 3);
		const first = peerWith(entries.at(-1)!);
		const dl = new BlockDownloader(ctx, 1e9);
		dl.schedule();
		expect(asked(first)).toEqual(hexes(entries));
		const second = peerWith(entries.at(-1)!);
		dl.schedule();
		expect(second.sent).toHaveLength(0); // all in flight with the first
		const inflight = [...ctx.state(first.asPeer)!.inflight];
		first.close('gone');
		ctx.remove(first);
		dl.peerClosed(first.asPeer, inflight);
		dl.schedule();
		expect(asked(second)).toEqual(hexes(entries));
	});
});
