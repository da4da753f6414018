/**
 * Relay on its own, over a real chain: Core's tip-age initial-download latch, block announcements
 * by headers or inv and never twice, getdata served at the pace the peer reads and punished when
 * it asks for far more.
 */
import {randomBytes} from 'node:crypto';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {hashToHex} from '../../source/node/encoding/hex.js';
import {StorageError} from '../../source/node/errors.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {InvType, LIMITS, type InvItem} from '../../source/node/net/messages.js';
import {MAX_TIP_AGE_BLOCKS, Relay} from '../../source/node/net/relay.js';
import {TxOut} from '../../source/node/primitives/tx.js';
import {coinbaseOf, extend, key, spend} from '../helpers/builder.js';
import {quickNet, tempChain, testNetwork, type TempChain} from '../helpers/chain-env.js';
import {FakePeer, testContext, type TestContext} from '../helpers/pool-parts.js';

let env: TempChain;
let ctx: TestContext;
const MAX_AGE = MAX_TIP_AGE_BLOCKS * quickNet.targetSpacing;

beforeEach(async () => {
	env = await tempChain(quickNet);
	await extend(env.chain, 2);
	ctx = testContext({chain: env.chain, clock: env.chain.tip.time});
});
afterEach(() => env.cleanup());

function peer(setup: Partial<Pick<FakePeer, 'prefersHeaders' | 'ready' | 'relay' | 'congested'>> = {}): FakePeer {
	const p = new FakePeer();
	Object.assign(p, setup);
	ctx.add(p);
	return p;
}

describe('Relay.initialDownload', () => {
	it('is true while the tip is older than 144 spacings, and latches false once it is not', async () => {
		const tip = env.chain.tip.time;
		const relay = new Relay(ctx);
		ctx.clock = tip + MAX_AGE + 1;
		expect(relay.initialDownload()).toBe(true);
		ctx.clock = tip + 10 * MAX_AGE;
		expect(relay.initialDownload()).toBe(true);
		// Exactly at the limit counts as fresh.
		ctx.clock = tip + MAX_AGE;
		expect(relay.initialDownload()).toBe(false);
		// Latched: however old the tip grows, never back.
		ctx.clock = tip + 1000 * MAX_AGE;
		expect(relay.initialDownload()).toBe(false);
	});

	it('is true while the tip has less work than the network\'s minimum chain work, however fresh (Core)', async () => {
		// Regtest bits: 2 units of work a block, so genesis + 5 blocks make 12.
		const net = testNetwork({name: 'minwork', coinbaseMaturity: 3, minimumChainWork: 12n});
		const low = await tempChain(net);
		try {
			await extend(low.chain, 2);
			const lowCtx = testContext({chain: low.chain, clock: low.chain.tip.time});
			const relay = new Relay(lowCtx);
			expect(low.chain.tip.chainwork).toBeLessThan(12n);
			expect(relay.initialDownload()).toBe(true); // a tip of this very second, but too little work
			await extend(low.chain, 2);
			expect(relay.initialDownload()).toBe(true);
			await extend(low.chain, 1);
			expect(low.chain.tip.chainwork).toBe(12n);
			lowCtx.clock = low.chain.tip.time;
			expect(relay.initialDownload()).toBe(false); // the minimum reached, and fresh
		} finally {
			await low.cleanup();
		}
	});

	it('a fresh tip arriving ends it, and it never comes back', async () => {
		const relay = new Relay(ctx);
		ctx.clock = env.chain.tip.time + 50 * MAX_AGE;
		expect(relay.initialDownload()).toBe(true);
		await extend(env.chain, 1, {time: ctx.clock - 10});
		expect(relay.initialDownload()).toBe(false);
		ctx.clock += 100 * MAX_AGE;
		expect(relay.initialDownload()).toBe(false);
		// A new Relay (no latch) over the same now-stale tip is in initial download.
		expect(new Relay(ctx).initialDownload()).toBe(true);
	});
});

describe('Relay.blockConnected', () => {
	it('announces by headers to a peer that sent sendheaders, by inv to others, never twice nor to one that knows it', async () => {
		const relay = new Relay(ctx);
		const headersPeer = peer({prefersHeaders: true});
		ctx.notePeer(headersPeer.asPeer, env.chain.tip, true); // it has our tip: the new header connects
		const invPeer = peer();
		const knowing = peer();
		const notReady = peer({ready: false});
		const [block] = await extend(env.chain, 1);
		const entry = env.chain.tip;
		knowing.remember(entry.hashHex);
		relay.blockConnected(entry, block!);
		expect(headersPeer.sent).toHaveLength(1);
		const headers = headersPeer.of('headers')[0]!;
		expect(headers.headers.map(h => h.hashHex())).toEqual([entry.hashHex]);
		expect(invPeer.sent).toHaveLength(1);
		expect(invPeer.of('inv')[0]!.items).toEqual([{type: InvType.BLOCK, hash: entry.hash}]);
		expect(knowing.sent).toHaveLength(0);
		expect(notReady.sent).toHaveLength(0);
		// Told once: a second call sends nothing.
		relay.blockConnected(entry, block!);
		expect(headersPeer.sent).toHaveLength(1);
		expect(invPeer.sent).toHaveLength(1);
	});

	it('by headers only where they connect to what the peer knows (Core\'s fRevertToInv); a syncing peer gets inv', async () => {
		const relay = new Relay(ctx);
		const syncing = peer({prefersHeaders: true}); // shown us nothing: it may not have our tip
		const following = peer({prefersHeaders: true});
		ctx.notePeer(following.asPeer, env.chain.tip, true);
		const blocks = await extend(env.chain, 2);
		const [first, second] = [env.chain.getEntryByHeight(env.chain.height - 1)!, env.chain.tip];
		relay.blockConnected(first, blocks[0]!);
		relay.blockConnected(second, blocks[1]!);
		expect(syncing.of('headers')).toHaveLength(0);
		expect(syncing.of('inv').map(m => m.items.map(i => hashToHex(i.hash)))).toEqual([[first.hashHex], [second.hashHex]]);
		// The header we sent it counts: the next one connects to it.
		expect(following.of('headers').map(m => m.headers[0]!.hashHex())).toEqual([first.hashHex, second.hashHex]);
		expect(following.of('inv')).toHaveLength(0);
	});

	it('announces nothing during initial download', async () => {
		const relay = new Relay(ctx);
		const p = peer();
		const [block] = await extend(env.chain, 1);
		ctx.clock = env.chain.tip.time + MAX_AGE + 1;
		relay.blockConnected(env.chain.tip, block!);
		expect(p.sent).toHaveLength(0);
		expect(p.known.has(env.chain.tip.hashHex)).toBe(false);
	});
});

describe('Relay serving', () => {
	it('getdata beyond 2 × LIMITS.inv held items costs 50 and drops the backlog; up to it is served', async () => {
		const relay = new Relay(ctx);
		const greedy = peer();
		const items = (n: number): InvItem[] => Array.from({length: n}, () => ({type: InvType.TX, hash: new Uint8Array(32)}));
		// A congested peer's requests are held, not served.
		greedy.congested = true;
		await relay.getdata(greedy.asPeer, items(LIMITS.inv * 2));
		expect(greedy.misbehaviour).toEqual([]);
		expect(ctx.state(greedy.asPeer)!.backlog).toHaveLength(LIMITS.inv * 2);
		expect(greedy.sent).toHaveLength(0);
		await relay.getdata(greedy.asPeer, items(1));
		expect(greedy.misbehaviour.map(m => m.score)).toEqual([50]);
		expect(ctx.state(greedy.asPeer)!.backlog).toHaveLength(0);
		expect(greedy.sent).toHaveLength(0);
	});

	it('a block the database finds damaged is never served: notfound for it, the rest of the request served', async () => {
		await extend(env.chain, 3);
		ctx = testContext({chain: env.chain, clock: env.chain.tip.time});
		const damaged = env.chain.getEntryByHeight(2)!;
		const read = env.chain.getBlock.bind(env.chain);
		// As Chain.getBlock answers when a block's bytes no longer hash to its key (test/chain/storage.test.ts).
		env.chain.getBlock = async hash => {
			if ((typeof hash === 'string' ? hash : hashToHex(hash)) === damaged.hashHex) throw new StorageError('corrupt', 'block 2 in the database is damaged');
			return read(hash);
		};
		const relay = new Relay(ctx);
		const p = peer();
		await relay.getdata(p.asPeer, [
			{type: InvType.BLOCK, hash: damaged.hash},
			{type: InvType.BLOCK, hash: env.chain.getEntryByHeight(3)!.hash},
		]);
		expect(p.of('block').map(m => m.block.hashHex())).toEqual([env.chain.getEntryByHeight(3)!.hashHex]);
		expect(p.of('notfound').map(m => m.items.map(i => hashToHex(i.hash)))).toEqual([[damaged.hashHex]]);
		expect(ctx.logs.some(l => l.includes('damaged'))).toBe(true);
	});

	it('serves blocks and mempool transactions it has, notfound for the rest, and resumes a held backlog once the peer reads', async () => {
		const mempool = new Mempool({chain: env.chain});
		await extend(env.chain, 3);
		ctx = testContext({chain: env.chain, mempool, clock: env.chain.tip.time});
		const coin = coinbaseOf((await env.chain.getBlockByHeight(1))!);
		const tx = spend([coin], [new TxOut(coin.value - 10_000n, key('a').script)]);
		expect((await mempool.add(tx)).status).toBe('accepted');
		const relay = new Relay(ctx);
		const p = peer({congested: true});
		const unknown = new Uint8Array(randomBytes(32));
		const want: InvItem[] = [
			{type: InvType.BLOCK, hash: env.chain.getEntryByHeight(2)!.hash},
			{type: InvType.TX, hash: tx.hash()},
			{type: InvType.BLOCK, hash: unknown},
		];
		await relay.getdata(p.asPeer, want);
		expect(p.sent).toHaveLength(0);
		p.congested = false;
		await relay.serveBacklog(p.asPeer);
		expect(p.of('block').map(m => m.block.hashHex())).toEqual([env.chain.getEntryByHeight(2)!.hashHex]);
		expect(p.of('tx').map(m => m.tx.txid())).toEqual([tx.txid()]);
		expect(p.of('notfound').map(m => m.items.map(i => hashToHex(i.hash)))).toEqual([[hashToHex(unknown)]]);
		expect(p.known.has(env.chain.getEntryByHeight(2)!.hashHex)).toBe(true);
		// announceTx: only to ready peers that relay and do not know it yet.
		const quiet = peer({relay: false});
		const fresh = peer();
		p.sent.length = 0;
		p.remember(tx.txid());
		relay.announceTx(tx);
		expect(p.sent).toHaveLength(0);
		expect(quiet.sent).toHaveLength(0);
		expect(fresh.of('inv')[0]!.items).toEqual([{type: InvType.TX, hash: tx.hash()}]);
		relay.announceTx(tx);
		expect(fresh.sent).toHaveLength(1);
		// mempool: every transaction by inv.
		const asker = peer();
		relay.serveMempool(asker.asPeer);
		expect(asker.of('inv').flatMap(m => m.items.map(i => hashToHex(i.hash)))).toEqual([tx.txid()]);
		expect(asker.known.has(tx.txid())).toBe(true);
	});
});
