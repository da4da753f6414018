/**
 * Address gossip on its own, over a real AddrMan: Core's addr token bucket (starts at 1, 0.1 a
 * second, 1,000 more after our getaddr), our own address never stored nor handed out, getaddr
 * answered once per connection, fresh addresses passed on to two other peers.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {AddrMan, addressKey} from '../../source/node/net/addrman.js';
import {AddressGossip, type AddressBook} from '../../source/node/net/address-gossip.js';
import {LIMITS} from '../../source/node/net/messages.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';
import {FakePeer, testContext, type TestContext} from '../helpers/pool-parts.js';
import {seededRandom} from '../helpers/seeded.js';

const OWN = {host: '203.0.113.7', port: 4444};

let env: TempChain;
let ctx: TestContext;
let book: {addrman: AddrMan; listenPort: number; isOwnAddress: AddressBook['isOwnAddress']};
let gossip: AddressGossip;

beforeEach(async () => {
	env = await tempChain(quickNet);
	ctx = testContext({chain: env.chain, clock: 1_800_000_000, random: seededRandom(11)});
	const addrman = await AddrMan.open(null, () => ctx.clock, {random: seededRandom(5)});
	book = {addrman, listenPort: OWN.port, isOwnAddress: (host, port) => host === OWN.host && port === OWN.port};
	gossip = new AddressGossip(ctx, book);
});
afterEach(() => env.cleanup());

/** `n` distinct public addresses in many /16s, seen now. */
function addrs(n: number, salt: number): {time: number; services: bigint; host: string; port: number}[] {
	return Array.from({length: n}, (_, i) => ({time: ctx.clock, services: 1n, host: `${1 + (salt % 200)}.${(i >> 8) & 255}.${i & 255}.${(salt * 7) % 250}`, port: 8333}));
}

function peer(): FakePeer {
	const p = new FakePeer();
	ctx.add(p);
	return p;
}

describe('AddressGossip.addr', () => {
	it('takes one address from a new peer, then 0.1 a second; the rest are counted as rate limited', () => {
		const p = peer();
		const st = ctx.state(p.asPeer)!;
		gossip.addr(p.asPeer, addrs(5, 1));
		expect(st.addrProcessed).toBe(1);
		expect(st.addrRateLimited).toBe(4);
		ctx.clock += 50; // five more tokens
		gossip.addr(p.asPeer, addrs(20, 2));
		expect(st.addrProcessed).toBe(6);
		expect(st.addrRateLimited).toBe(19);
		// No time passed: nothing more.
		gossip.addr(p.asPeer, addrs(3, 3));
		expect(st.addrProcessed).toBe(6);
		expect(st.addrRateLimited).toBe(22);
		// The refill stops at 1,000 however long the peer waits.
		ctx.clock += 1_000_000;
		gossip.addr(p.asPeer, addrs(1500, 4));
		expect(st.addrProcessed).toBe(1006);
		expect(st.addrRateLimited).toBe(522);
	});

	it('after our getaddr the answer may hold 1,000 more', () => {
		const p = peer();
		const st = ctx.state(p.asPeer)!;
		gossip.askedForAddresses(p.asPeer);
		expect(p.of('getaddr')).toHaveLength(1);
		gossip.addr(p.asPeer, addrs(LIMITS.addr + 5, 5));
		expect(st.addrProcessed).toBe(LIMITS.addr + 1);
		expect(st.addrRateLimited).toBe(4);
		expect(book.addrman.size).toBeGreaterThan(100); // taken in, not just counted
	});

	it('never stores our own address', () => {
		const p = peer();
		gossip.askedForAddresses(p.asPeer);
		const others = addrs(3, 6);
		gossip.addr(p.asPeer, [{time: ctx.clock, services: 1n, ...OWN}, ...others]);
		expect(ctx.state(p.asPeer)!.addrProcessed).toBe(4);
		expect(book.addrman.get(OWN.host, OWN.port)).toBeUndefined();
		for (const a of others) expect(book.addrman.get(a.host, a.port)).toBeDefined();
	});

	it('passes a few fresh addresses on to two other ready peers, never back to the sender', () => {
		const sender = peer();
		const others = [peer(), peer(), peer()];
		const notReady = peer();
		notReady.ready = false;
		gossip.askedForAddresses(sender.asPeer);
		const fresh = addrs(2, 7);
		gossip.addr(sender.asPeer, fresh);
		expect(sender.of('addr')).toHaveLength(0);
		expect(notReady.sent).toHaveLength(0);
		const told = others.filter(o => o.of('addr').length > 0);
		expect(told).toHaveLength(2);
		for (const o of told) expect(o.of('addr')[0]!.addrs.map(a => addressKey(a.host, a.port)).sort()).toEqual(fresh.map(a => addressKey(a.host, a.port)).sort());
		// An answer of many (over 10) is not passed on.
		for (const o of others) o.sent.length = 0;
		gossip.addr(sender.asPeer, addrs(11, 8));
		expect(others.every(o => o.sent.length === 0)).toBe(true);
	});
});

describe('AddressGossip.getaddr', () => {
	it('answers inbound peers once per connection, with what we know but never our own address; not peers we dialled', () => {
		const known = addrs(4, 9);
		for (const a of known) expect(book.addrman.add(a.host, a.port)).toBe(true);
		// Our own address in the table (say, from a file written before we knew it was ours).
		expect(book.addrman.add(OWN.host, OWN.port)).toBe(true);
		// A peer we dialled asking is not answered (Core: it could fingerprint us).
		const dialled = peer();
		gossip.getaddr(dialled.asPeer);
		expect(dialled.of('addr')).toHaveLength(0);
		const p = peer();
		p.outbound = false;
		gossip.getaddr(p.asPeer);
		const replies = p.of('addr');
		expect(replies).toHaveLength(1);
		const sent = replies[0]!.addrs.map(a => addressKey(a.host, a.port)).sort();
		expect(sent).toEqual(known.map(a => addressKey(a.host, a.port)).sort());
		gossip.getaddr(p.asPeer);
		expect(p.of('addr')).toHaveLength(1);
		// Another connection gets its own answer.
		const q = peer();
		q.outbound = false;
		gossip.getaddr(q.asPeer);
		expect(q.of('addr')).toHaveLength(1);
	});

	it('advertises where we listen to a ready peer that told us how it sees us, and not when we do not listen', () => {
		const p = peer();
		p.theySeeUs = '203.0.113.9';
		gossip.advertiseSelf(p.asPeer);
		expect(p.of('addr').map(m => m.addrs.map(a => addressKey(a.host, a.port)))).toEqual([[addressKey('203.0.113.9', OWN.port)]]);
		const unspecified = peer();
		unspecified.theySeeUs = '0.0.0.0';
		gossip.advertiseSelf(unspecified.asPeer);
		expect(unspecified.sent).toHaveLength(0);
		book.listenPort = 0;
		const q = peer();
		q.theySeeUs = '203.0.113.9';
		gossip.advertiseSelf(q.asPeer);
		expect(q.sent).toHaveLength(0);
	});
});
