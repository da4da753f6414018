/**
 * Transaction requests on their own, over a real chain and mempool: 100 in flight per peer, the
 * next announcer asked when one times out or says notfound, unasked-for transactions dropped past
 * the validation quota, missing parents asked of the sender.
 */
import {randomBytes} from 'node:crypto';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {hashToHex} from '../../source/node/encoding/hex.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {InvType, type InvItem} from '../../source/node/net/messages.js';
import {MAX_TX_IN_FLIGHT_PER_PEER, TxRequests} from '../../source/node/net/tx-requests.js';
import type {Block} from '../../source/node/primitives/block.js';
import {OutPoint, TxOut, type Transaction} from '../../source/node/primitives/tx.js';
import {coinbaseOf, extend, key, spend} from '../helpers/builder.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';
import {FakePeer, testContext, type TestContext} from '../helpers/pool-parts.js';

let env: TempChain;
let ctx: TestContext;
let mempool: Mempool;
let blocks: Block[];

beforeEach(async () => {
	env = await tempChain(quickNet);
	blocks = await extend(env.chain, 5);
	mempool = new Mempool({chain: env.chain});
	ctx = testContext({chain: env.chain, mempool});
});
afterEach(() => env.cleanup());

function txItems(n: number): InvItem[] {
	return Array.from({length: n}, () => ({type: InvType.TX, hash: new Uint8Array(randomBytes(32))}));
}

function peer(): FakePeer {
	const p = new FakePeer();
	ctx.add(p);
	return p;
}

/** The txids (display hex) asked of `p` by getdata, in order. */
function asked(p: FakePeer): string[] {
	return p.of('getdata').flatMap(m => m.items.map(i => hashToHex(i.hash)));
}

/** A valid spend of block `i`'s coinbase, and a child spending it. */
function spendAndChild(i: number): {parent: Transaction; child: Transaction} {
	const coin = coinbaseOf(blocks[i]!);
	const parent = spend([coin], [new TxOut(coin.value - 10_000n, key('a').script)]);
	const child = spend([{prevout: new OutPoint(parent.hash(), 0), value: coin.value - 10_000n, key: key('a')}], [new TxOut(coin.value - 20_000n, key('b').script)]);
	return {parent, child};
}

describe('TxRequests', () => {
	it('asks one peer for at most 100 transactions; what it announces beyond that is not requested', () => {
		const txs = new TxRequests(ctx, 1e9);
		const a = peer();
		const items = txItems(150);
		const want = txs.announced(a.asPeer, items);
		expect(want).toEqual(items.slice(0, MAX_TX_IN_FLIGHT_PER_PEER));
		expect(ctx.state(a.asPeer)!.txRequests).toBe(MAX_TX_IN_FLIGHT_PER_PEER);
		expect(txs.announced(a.asPeer, txItems(5))).toEqual([]);
		// Another announcer is asked only for what nobody was asked for, within its own cap.
		const b = peer();
		expect(txs.announced(b.asPeer, items)).toEqual(items.slice(100));
		expect(ctx.state(b.asPeer)!.txRequests).toBe(50);
		// Announcing what we already asked of it asks nothing again.
		expect(txs.announced(a.asPeer, items.slice(0, 10))).toEqual([]);
		// Transactions in validation count against the cap too.
		const c = peer();
		ctx.state(c.asPeer)!.txValidating = 98;
		expect(txs.announced(c.asPeer, txItems(5))).toHaveLength(2);
	});

	it('a notfound moves the request to the next announcer; from a peer not asked it changes nothing', () => {
		const txs = new TxRequests(ctx, 1e9);
		const [a, b, c] = [peer(), peer(), peer()];
		const items = txItems(1);
		const txid = hashToHex(items[0]!.hash);
		expect(txs.announced(a.asPeer, items)).toEqual(items);
		expect(txs.announced(b.asPeer, items)).toEqual([]);
		expect(txs.announced(c.asPeer, items)).toEqual([]);
		txs.notFound(b.asPeer, txid);
		expect(b.sent).toHaveLength(0);
		expect(ctx.state(a.asPeer)!.txRequests).toBe(1);
		txs.notFound(a.asPeer, txid);
		expect(ctx.state(a.asPeer)!.txRequests).toBe(0);
		expect(asked(b)).toEqual([txid]);
		expect(b.of('getdata')[0]!.items[0]!.type).toBe(InvType.TX);
		expect(ctx.state(b.asPeer)!.txRequests).toBe(1);
		expect(c.sent).toHaveLength(0);
		// The next one fails too: the third announcer; then nobody is left.
		txs.notFound(b.asPeer, txid);
		expect(asked(c)).toEqual([txid]);
		txs.notFound(c.asPeer, txid);
		expect(asked(a)).toEqual([]);
		expect(asked(b)).toEqual([txid]);
		expect(asked(c)).toEqual([txid]);
	});

	it('a request past its time goes to the next announcer; one within its time stays', () => {
		const items = txItems(1);
		const txid = hashToHex(items[0]!.hash);
		const [a, b] = [peer(), peer()];
		const patient = new TxRequests(ctx, 1e9);
		patient.announced(a.asPeer, items);
		patient.announced(b.asPeer, items);
		patient.checkTimeouts();
		expect(b.sent).toHaveLength(0);
		expect(ctx.state(a.asPeer)!.txRequests).toBe(1);
		ctx.state(a.asPeer)!.txRequests = 0;

		const hasty = new TxRequests(ctx, 0);
		expect(hasty.announced(a.asPeer, items)).toEqual(items);
		hasty.announced(b.asPeer, items);
		hasty.checkTimeouts();
		expect(asked(b)).toEqual([txid]);
		expect(ctx.state(a.asPeer)!.txRequests).toBe(0);
		// b times out too, with no announcer left: nobody is asked.
		hasty.checkTimeouts();
		expect(asked(a)).toEqual([]);
		expect(ctx.state(b.asPeer)!.txRequests).toBe(0);
	});

	it('the next announcer is not asked once it closed', () => {
		const txs = new TxRequests(ctx, 1e9);
		const [a, b, c] = [peer(), peer(), peer()];
		const items = txItems(1);
		const txid = hashToHex(items[0]!.hash);
		txs.announced(a.asPeer, items);
		txs.announced(b.asPeer, items);
		txs.announced(c.asPeer, items);
		b.close('gone');
		txs.peerClosed(b.asPeer);
		ctx.remove(b);
		txs.peerClosed(a.asPeer);
		expect(asked(b)).toEqual([]);
		expect(asked(c)).toEqual([txid]);
	});

	it('skips an announcer that is no longer ready (closing, not yet forgotten) and one with no room', () => {
		const txs = new TxRequests(ctx, 1e9);
		const [a, b, c, d] = [peer(), peer(), peer(), peer()];
		const items = txItems(1);
		const txid = hashToHex(items[0]!.hash);
		for (const p of [a, b, c, d]) txs.announced(p.asPeer, items);
		b.ready = false;
		ctx.state(c.asPeer)!.txValidating = MAX_TX_IN_FLIGHT_PER_PEER;
		txs.notFound(a.asPeer, txid);
		expect(asked(b)).toEqual([]);
		expect(asked(c)).toEqual([]);
		expect(asked(d)).toEqual([txid]);
	});

	it('a transaction asked for is validated into the mempool and the request is done', async () => {
		const txs = new TxRequests(ctx, 1e9);
		const a = peer();
		const {parent} = spendAndChild(0);
		expect(txs.announced(a.asPeer, [{type: InvType.TX, hash: parent.hash()}])).toHaveLength(1);
		await txs.received(a.asPeer, parent);
		expect(mempool.has(parent.txid())).toBe(true);
		expect(ctx.state(a.asPeer)!.txRequests).toBe(0);
		expect(ctx.state(a.asPeer)!.txValidating).toBe(0);
		expect(a.known.has(parent.txid())).toBe(true);
		// Already in the mempool: announcing it again asks nobody.
		expect(txs.announced(peer().asPeer, [{type: InvType.TX, hash: parent.hash()}])).toEqual([]);
	});

	it('an unasked-for transaction beyond the validating quota is dropped; one asked for is still taken', async () => {
		const txs = new TxRequests(ctx, 1e9);
		const a = peer();
		const st = ctx.state(a.asPeer)!;
		const first = spendAndChild(0).parent;
		const second = spendAndChild(1).parent;
		st.txValidating = MAX_TX_IN_FLIGHT_PER_PEER;
		await txs.received(a.asPeer, first);
		expect(mempool.has(first.txid())).toBe(false);
		expect(st.txValidating).toBe(MAX_TX_IN_FLIGHT_PER_PEER);
		// Under the quota the same unasked-for transaction is taken.
		st.txValidating = MAX_TX_IN_FLIGHT_PER_PEER - 1;
		await txs.received(a.asPeer, first);
		expect(mempool.has(first.txid())).toBe(true);
		expect(st.txValidating).toBe(MAX_TX_IN_FLIGHT_PER_PEER - 1);
		// Asked for (with room then), delivered when the quota filled up: validated anyway.
		expect(txs.announced(a.asPeer, [{type: InvType.TX, hash: second.hash()}])).toHaveLength(1);
		st.txValidating = MAX_TX_IN_FLIGHT_PER_PEER;
		await txs.received(a.asPeer, second);
		expect(mempool.has(second.txid())).toBe(true);
	});

	it('an orphan\'s missing parent is asked of the peer that sent it', async () => {
		const txs = new TxRequests(ctx, 1e9);
		const a = peer();
		const {parent, child} = spendAndChild(0);
		await txs.received(a.asPeer, child);
		expect(mempool.has(child.txid())).toBe(false);
		expect(asked(a)).toEqual([parent.txid()]);
		expect(ctx.state(a.asPeer)!.txRequests).toBe(1);
		await txs.received(a.asPeer, parent);
		expect(ctx.state(a.asPeer)!.txRequests).toBe(0);
		expect(mempool.has(parent.txid())).toBe(true);
		await expect.poll(() => mempool.has(child.txid()), {timeout: 5000}).toBe(true);
	});

	it('an invalid transaction costs its sender the rule\'s score', async () => {
		const txs = new TxRequests(ctx, 1e9);
		const a = peer();
		const coin = coinbaseOf(blocks[0]!);
		// Spends more than the coin holds.
		const bad = spend([coin], [new TxOut(coin.value + 1n, key('a').script)]);
		await txs.received(a.asPeer, bad);
		expect(mempool.has(bad.txid())).toBe(false);
		expect(a.misbehaviour).toHaveLength(1);
		expect(a.misbehaviour[0]!.reason).toContain(bad.txid());
		expect(ctx.state(a.asPeer)!.txValidating).toBe(0);
	});
});
