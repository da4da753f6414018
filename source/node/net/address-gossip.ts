/**
 * Address gossip: addr messages taken in under each peer's token bucket, getaddr answered with a
 * random sample, and our own address told to the peers we dial. The table itself is AddrMan's.
 */
import type {AddrMan} from './addrman.js';
import {LIMITS, SERVICES} from './messages.js';
import type {Peer} from './peer.js';
import type {PoolContext} from './pool-context.js';

/** Core's addr rate limit: 0.1 address a second, a bucket of 1,000 at most (more only after our getaddr). */
const ADDR_RATE = 0.1;
const MAX_ADDR_TOKENS = 1000;
/** A getaddr answer: at most 23% of what we know and 1,000 (Core), but never fewer than 10 if known. */
const GETADDR_PCT = 23;
const GETADDR_FLOOR = 10;

export interface AddressBook {
	readonly addrman: AddrMan;
	/** Whether host:port is this node's own listening address (never stored, never passed on). */
	isOwnAddress(host: string, port: number): boolean;
	/** Our listening port, or 0 when we do not listen. */
	readonly listenPort: number;
}

type Addr = {time: number; services: bigint; host: string; port: number};

export class AddressGossip {
	constructor(
		private readonly ctx: PoolContext,
		private readonly book: AddressBook,
	) {}

	/** We sent `peer` a getaddr: its answer may be up to 1,000 addresses (Core adds MAX_ADDR_TO_SEND). */
	askedForAddresses(peer: Peer): void {
		peer.send({type: 'getaddr'});
		const st = this.ctx.state(peer);
		if (st) st.addrTokens += LIMITS.addr;
	}

	/** Tells an outbound peer where we listen: the IP it sees us at, and our listening port. */
	advertiseSelf(peer: Peer): void {
		const seen = peer.theySeeUs;
		if (this.book.listenPort && peer.ready && seen && seen !== '0.0.0.0' && seen !== '0:0:0:0:0:0:0:0') {
			peer.send({type: 'addr', addrs: [{time: this.ctx.now(), services: SERVICES, host: seen, port: this.book.listenPort}]});
		}
	}

	/**
	 * One answer per connection, to inbound peers only (as Core: a peer we dialled asking what we
	 * know could fingerprint us): a random sample, never our own address.
	 */
	getaddr(peer: Peer): void {
		const st = this.ctx.state(peer);
		if (!st || st.answeredGetaddr || peer.outbound) return;
		st.answeredGetaddr = true;
		const {addrman} = this.book;
		const known = addrman.size;
		const count = Math.min(LIMITS.addr, Math.max(Math.floor((known * GETADDR_PCT) / 100), Math.min(known, GETADDR_FLOOR)));
		const addrs = addrman
			.sample(count)
			.filter(a => !this.book.isOwnAddress(a.host, a.port))
			.map(a => ({time: a.lastSeen, services: a.services, host: a.host, port: a.port}));
		peer.send({type: 'addr', addrs});
	}

	/**
	 * Addresses a peer sent: taken in random order under its token bucket (Core: 0.1 a second,
	 * starting with one, plus 1,000 for each getaddr we sent it); the rest are dropped and counted.
	 * Each is filed under the peer's IP as its source (see AddrMan).
	 */
	addr(peer: Peer, addrs: readonly Addr[]): void {
		const st = this.ctx.state(peer);
		if (!st) return;
		const now = this.ctx.now();
		if (st.addrTokens < MAX_ADDR_TOKENS) st.addrTokens = Math.min(MAX_ADDR_TOKENS, st.addrTokens + Math.max(0, now - st.addrTokenTime) * ADDR_RATE);
		st.addrTokenTime = now;
		const random = this.ctx.random;
		const order = [...addrs];
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[order[i], order[j]] = [order[j]!, order[i]!];
		}
		const fresh: Addr[] = [];
		for (const a of order) {
			if (st.addrTokens < 1) {
				st.addrRateLimited++;
				continue;
			}
			st.addrTokens--;
			st.addrProcessed++;
			if (this.book.isOwnAddress(a.host, a.port)) continue;
			if (this.book.addrman.add(a.host, a.port, {services: a.services, time: a.time, source: peer.host}) && a.time > now - 600) fresh.push(a);
		}
		// Pass a few fresh ones on to two other peers, so a new node becomes known.
		if (fresh.length > 0 && addrs.length <= 10) {
			const others = [...this.ctx.peers()].filter(p => p !== peer && p.ready).sort(() => random() - 0.5).slice(0, 2);
			for (const other of others) other.send({type: 'addr', addrs: fresh});
		}
	}
}
