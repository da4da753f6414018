/**
 * Transaction requests: which announced transactions to fetch, of whom, and who is next when a
 * peer fails to deliver. A peer has at most 100 in flight (asked for, or delivered and still in
 * validation: Core's MAX_PEER_TX_REQUEST_IN_FLIGHT), so one offering more than signature checks
 * can take never grows a queue here.
 */
import {performance} from 'node:perf_hooks';
import {hashToHex, hexToHash} from '../encoding/hex.js';
import {VerifyError} from '../errors.js';
import type {Transaction} from '../primitives/tx.js';
import {InvType, type InvItem} from './messages.js';
import type {Peer} from './peer.js';
import type {PoolContext} from './pool-context.js';

export const MAX_TX_IN_FLIGHT_PER_PEER = 100;
/** How long a peer has to deliver a transaction asked of it before the next announcer is asked. */
export const TX_REQUEST_TIMEOUT_MS = 60_000;
/** Announcers remembered per transaction, in case the one asked fails. */
const MAX_OTHERS = 8;

export class TxRequests {
	/** Transactions asked for: of whom and when (forgotten on delivery, notfound, close or timeout). */
	private readonly requested = new Map<string, {peer: Peer; since: number; others: Peer[]}>();

	constructor(
		private readonly ctx: PoolContext,
		private readonly timeoutMs: number,
	) {}

	private hasRoom(peer: Peer): boolean {
		const st = this.ctx.state(peer);
		return st !== undefined && st.txRequests + st.txValidating < MAX_TX_IN_FLIGHT_PER_PEER;
	}

	/** Transactions `peer` announced: returns the ones to ask it for now. */
	announced(peer: Peer, items: readonly InvItem[]): InvItem[] {
		const mempool = this.ctx.mempool;
		const st = this.ctx.state(peer);
		if (!mempool || !st) return [];
		const want: InvItem[] = [];
		for (const item of items) {
			const hex = hashToHex(item.hash);
			const pending = this.requested.get(hex);
			// Asked of someone else already: remember this announcer in case that one fails.
			if (pending && pending.peer !== peer && pending.others.length < MAX_OTHERS && !pending.others.includes(peer)) pending.others.push(peer);
			if (!mempool.has(hex) && !pending && this.hasRoom(peer)) {
				this.requested.set(hex, {peer, since: performance.now(), others: []});
				st.txRequests++;
				want.push(item);
			}
		}
		return want;
	}

	notFound(peer: Peer, txid: string): void {
		if (this.requested.get(txid)?.peer === peer) this.forget(txid, true);
	}

	peerClosed(peer: Peer): void {
		for (const [txid, request] of this.requested) {
			if (request.peer === peer) this.forget(txid, true);
			else request.others = request.others.filter(p => p !== peer);
		}
	}

	/** Requests past their time go to the next announcer. */
	checkTimeouts(): void {
		const now = performance.now();
		for (const [txid, request] of this.requested) {
			if (now - request.since >= this.timeoutMs) this.forget(txid, true);
		}
	}

	/** Forgets a transaction request; if it failed, asks the next peer that announced it. */
	private forget(txid: string, failed = false): void {
		const request = this.requested.get(txid);
		if (!request) return;
		this.requested.delete(txid);
		const st = this.ctx.state(request.peer);
		if (st) st.txRequests = Math.max(0, st.txRequests - 1);
		if (!failed || this.ctx.mempool?.has(txid)) return;
		const next = request.others.find(p => p.ready && this.hasRoom(p));
		if (!next) return;
		this.requested.set(txid, {peer: next, since: performance.now(), others: request.others.filter(p => p !== next)});
		this.ctx.state(next)!.txRequests++;
		next.send({type: 'getdata', items: [{type: InvType.TX, hash: hexToHash(txid)}]});
	}

	/** A transaction `peer` sent: validated into the mempool, its missing parents asked of it. */
	async received(peer: Peer, tx: Transaction): Promise<void> {
		const txid = tx.txid();
		const st = this.ctx.state(peer);
		const requested = this.requested.get(txid)?.peer === peer;
		this.forget(txid);
		peer.remember(txid);
		const mempool = this.ctx.mempool;
		if (!mempool || !st) return;
		// Unasked-for, with its quota already in validation: dropped, not queued.
		if (!requested && st.txValidating >= MAX_TX_IN_FLIGHT_PER_PEER) return;
		st.txValidating++;
		try {
			const result = await mempool.add(tx);
			if (result.status === 'orphan') {
				const room = MAX_TX_IN_FLIGHT_PER_PEER - st.txRequests - st.txValidating + 1;
				const parents = result.missing.filter(p => !this.requested.has(p)).slice(0, Math.max(0, room));
				for (const p of parents) this.requested.set(p, {peer, since: performance.now(), others: []});
				st.txRequests += parents.length;
				if (parents.length > 0) peer.send({type: 'getdata', items: parents.map(p => ({type: InvType.TX, hash: hexToHash(p)}))});
			}
		} catch (error) {
			if (!(error instanceof VerifyError)) throw error;
			peer.misbehave(error.score, `tx ${txid}: ${error.message}`);
		} finally {
			st.txValidating--;
		}
	}
}
