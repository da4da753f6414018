/**
 * What the pool knows of each connected peer beyond the connection itself: the best blocks it has
 * shown, what is asked of it, its budgets. One record per peer, made on connect, dropped on close.
 */
import type {ChainEntry} from '../chain/entry.js';
import type {InvItem} from './messages.js';
import type {HeadersPresync} from './headers-presync.js';
import type {Peer} from './peer.js';

export interface PeerState {
	/** The best header we know this peer has. */
	best: ChainEntry | null;
	/** The best header it sent in headers messages (synced_headers). */
	bestHeaders: ChainEntry | null;
	/** The best block it announced (inv or headers) or sent (synced_blocks). */
	bestBlock: ChainEntry | null;
	/** The best header we sent it (in a getheaders reply or an announcement: Core's pindexBestHeaderSent). */
	headerSent: ChainEntry | null;
	/** Blocks asked of it and not yet delivered. */
	readonly inflight: Set<string>;
	/** When (performance.now()) our getheaders to it went unanswered since, or null: one at a time. */
	headersAskedAt: number | null;
	/** Headers messages in a row that did not connect to anything we know. */
	unconnecting: number;
	/** New branches (a header whose parent already had a child) it made us store. */
	forks: number;
	/** A low-work chain of its being checked before any of it is stored, and where it starts. */
	presync: {readonly state: HeadersPresync; readonly from: ChainEntry} | null;
	answeredGetaddr: boolean;
	/** Core's addr token bucket: addresses it may still send us, refilled at ADDR_RATE per second. */
	addrTokens: number;
	addrTokenTime: number;
	addrProcessed: number;
	addrRateLimited: number;
	/** Requests held back while the peer was not reading. */
	readonly backlog: InvItem[];
	stalls: number;
	/** Its last headers reply was short: it has no more to give. */
	headersDone: boolean;
	/**
	 * Its last headers stopped at our limit of staked headers ahead of checked blocks: the height
	 * reached, so that they are asked for again once the blocks below have mostly connected.
	 */
	headersPausedAt: number | null;
	/** Blocks it said it does not have, or stalled on: never asked of it again. */
	readonly refused: Set<string>;
	/** Transactions asked of it and not yet delivered. */
	txRequests: number;
	/** Transactions from it waiting for, or in, validation. */
	txValidating: number;
	/** Its headers messages, handled one after the other (see HeaderSync.enqueue). */
	headersWork: Promise<void>;
	/** Headers queued in headersWork and not yet taken in. */
	headersQueued: number;
	/** Staked headers it made us store whose blocks we lack (pruned as blocks come). */
	uncheckedStaked: ChainEntry[];
	/** The fork point of the last branch of its refused as too deep (said once in the log). */
	deepForkSaid: string | null;
}

export function newPeerState(now: number): PeerState {
	return {
		best: null,
		bestHeaders: null,
		bestBlock: null,
		headerSent: null,
		inflight: new Set(),
		headersAskedAt: null,
		unconnecting: 0,
		forks: 0,
		presync: null,
		answeredGetaddr: false,
		addrTokens: 1,
		addrTokenTime: now,
		addrProcessed: 0,
		addrRateLimited: 0,
		backlog: [],
		stalls: 0,
		headersDone: false,
		headersPausedAt: null,
		refused: new Set(),
		txRequests: 0,
		txValidating: 0,
		headersWork: Promise.resolve(),
		headersQueued: 0,
		uncheckedStaked: [],
		deepForkSaid: null,
	};
}

/** Does `peer` know `entry`'s header: shown by it, or sent to it (Core's PeerHasHeader)? */
export function peerHasHeader(st: PeerState, entry: ChainEntry, ancestor: (of: ChainEntry, height: number) => ChainEntry | null): boolean {
	for (const known of [st.best, st.headerSent]) {
		if (known && known.height >= entry.height && ancestor(known, entry.height) === entry) return true;
	}
	return false;
}

/** Notes the best header we sent a peer. */
export function noteHeaderSent(st: PeerState, entry: ChainEntry): void {
	if (!st.headerSent || entry.chainwork > st.headerSent.chainwork) st.headerSent = entry;
}

/**
 * Records a block a peer showed it has (in headers when `viaHeaders`, else by inv or by sending
 * it). Returns true when one of the heights it shows moved.
 */
export function notePeerBlock(peer: Peer, st: PeerState, entry: ChainEntry, viaHeaders: boolean): boolean {
	if (!st.best || entry.chainwork > st.best.chainwork) st.best = entry;
	if (viaHeaders && (!st.bestHeaders || entry.chainwork > st.bestHeaders.chainwork)) st.bestHeaders = entry;
	if (!st.bestBlock || entry.chainwork > st.bestBlock.chainwork) st.bestBlock = entry;
	const headers = st.bestHeaders?.height ?? -1;
	const blocks = st.bestBlock?.height ?? -1;
	const height = Math.max(peer.bestHeight, headers, blocks);
	if (headers === peer.syncedHeaders && blocks === peer.syncedBlocks && height === peer.bestHeight) return false;
	peer.syncedHeaders = headers;
	peer.syncedBlocks = blocks;
	peer.bestHeight = height;
	return true;
}
