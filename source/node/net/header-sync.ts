/**
 * Headers-first sync: asking peers for headers, serving theirs, and taking in what they send.
 * A chain whose work stays below the anti-DoS threshold is never stored: a short one is ignored, a
 * long one goes through the presync (headers-presync.ts). After Core's ProcessHeadersMessage.
 */
import {randomBytes} from 'node:crypto';
import {performance} from 'node:perf_hooks';
import {MAX_UNCHECKED_STAKED_HEADERS} from '../chain/chain.js';
import type {ChainEntry} from '../chain/entry.js';
import {blockWork} from '../consensus/pow.js';
import {equalBytes} from '../encoding/hex.js';
import {VerifyError} from '../errors.js';
import type {Header} from '../primitives/header.js';
import {HeadersPresync, type PresyncStart} from './headers-presync.js';
import {LIMITS, PROTOCOL_VERSION} from './messages.js';
import type {Peer} from './peer.js';
import {noteHeaderSent, type PeerState} from './peer-state.js';
import type {PoolContext} from './pool-context.js';

/** Headers messages in a row that connect to nothing before it costs the peer (Core: 10). */
export const MAX_UNCONNECTING = 10;
/**
 * The run of unconnecting headers messages that bans: five tenths, 5 x 20 points, as one
 * connection earns it. The run is remembered by IP (host-memory.ts), so reconnecting does not
 * start it again, and its 50th message bans whichever connection it comes on.
 */
export const UNCONNECTING_BAN_RUN = 5 * MAX_UNCONNECTING;
/**
 * New branches one peer may make us store, counted per connection and per IP across connections
 * (halving every 10 minutes: host-memory.ts). A branch costs its sender a header's proof of work
 * near our tip (the threshold keeps the rest out), but each one stays in memory and on disk;
 * honest peers make a handful.
 */
export const MAX_FORKS_PER_PEER = 1000;
/** How long a getheaders may go unanswered before another is sent to that peer (Core: 2 min). */
export const HEADERS_RESPONSE_MS = 120_000;
/**
 * Staked headers from one connection whose blocks we do not have yet. A staked header costs
 * nothing to make; the chain takes at most 500 of one branch ahead of checked blocks, and this
 * bounds the branches: an honest peer's sync or relay never has more waiting than one step.
 */
export const MAX_UNCHECKED_STAKED_PER_PEER = 2 * MAX_UNCHECKED_STAKED_HEADERS;
/**
 * Headers one peer may have waiting to be taken in. An honest peer has one getheaders answer
 * (2,000) in flight plus announcements, one header each, even in a burst of blocks; ten full
 * answers queued is a flood, held in memory until taken in.
 */
export const MAX_QUEUED_HEADERS = 10 * LIMITS.headers;
/** Blocks' worth of work below the tip a branch may be and still be stored (Core: 144). */
export const ANTI_DOS_BLOCKS = 144n;

export interface HeaderSyncHooks {
	/** Headers were stored: downloads and sync status follow. */
	readonly stored: () => void;
}

export class HeaderSync {
	constructor(
		private readonly ctx: PoolContext,
		private readonly hooks: HeaderSyncHooks,
	) {}

	/**
	 * Core's GetAntiDoSWorkThreshold: the work a chain must show before its headers are stored,
	 * the larger of the network's minimum chain work and the tip's less 144 blocks of the tip's
	 * difficulty.
	 */
	threshold(): bigint {
		const tip = this.ctx.chain.tip;
		const near = tip.chainwork - ANTI_DOS_BLOCKS * blockWork(tip.header.bits);
		const minimum = this.ctx.network.minimumChainWork;
		return near > minimum ? near : minimum;
	}

	/**
	 * Asks `peer` for the headers after `from`, unless a getheaders to it is still
	 * unanswered (Core's MaybeSendGetHeaders): a burst of announcements while we sync asks once,
	 * not once per block, each answered with up to 2,000 headers. `force`: ask anyway (a clone
	 * starting afresh).
	 */
	request(peer: Peer, from: ChainEntry, options: {force?: boolean} = {}): void {
		const st = this.ctx.state(peer);
		const now = performance.now();
		if (st && !options.force && st.headersAskedAt !== null && now - st.headersAskedAt < HEADERS_RESPONSE_MS) return;
		this.ask(peer, this.ctx.chain.getLocator(from));
	}

	/** Sends a getheaders, noting that an answer is due. */
	private ask(peer: Peer, locator: Uint8Array[]): void {
		const st = this.ctx.state(peer);
		if (st) st.headersAskedAt = performance.now();
		peer.send({type: 'getheaders', version: PROTOCOL_VERSION, locator, stop: new Uint8Array(32)});
	}

	/** After a message was taken in: a full one says the peer has more, so ask on from its last. */
	private askOn(peer: Peer, st: PeerState, last: ChainEntry | null, full: boolean): void {
		if (full && last) this.request(peer, last);
		st.headersDone = !full;
	}

	/** Asks again the peers whose headers waited for blocks, once half of those blocks are in. */
	resumePaused(): void {
		const {chain} = this.ctx;
		for (const peer of this.ctx.peers()) {
			const st = this.ctx.state(peer);
			if (st?.headersPausedAt == null || st.headersPausedAt - chain.height > MAX_UNCHECKED_STAKED_HEADERS / 2) continue;
			st.headersPausedAt = null;
			this.request(peer, chain.bestHeader, {force: true});
		}
	}

	/** Answers a getheaders from our active chain. */
	serve(peer: Peer, locator: readonly Uint8Array[], stop: Uint8Array): void {
		const headers = this.ctx.chain.getHeadersAfter(locator, equalBytes(stop, new Uint8Array(32)) ? undefined : stop, LIMITS.headers);
		peer.send({type: 'headers', headers});
		const last = headers.length > 0 ? this.ctx.chain.getEntry(headers.at(-1)!.hash()) : undefined;
		const st = this.ctx.state(peer);
		if (last && st) noteHeaderSent(st, last);
	}

	/**
	 * Takes a headers message. One message after the other per peer: a flood of headers queues
	 * behind itself, not ahead of every other peer's headers and blocks in the chain's lock.
	 */
	enqueue(peer: Peer, headers: readonly Header[]): Promise<void> {
		const st = this.ctx.state(peer);
		if (!st) return Promise.resolve();
		st.headersQueued += headers.length;
		if (st.headersQueued > MAX_QUEUED_HEADERS) {
			peer.misbehave(20, `more than ${MAX_QUEUED_HEADERS} headers sent before we could take them in`);
			peer.close('headers flood');
			return Promise.resolve();
		}
		const work = st.headersWork.then(() => {
			st.headersQueued -= headers.length;
			// Gone meanwhile (dropped for misbehaviour, say): what it queued is not taken in.
			return peer.isClosed ? undefined : this.onHeaders(peer, st, headers);
		});
		st.headersWork = work.catch(() => undefined);
		return work;
	}

	/** Would a block with this header be below the threshold (so not worth even its header)? */
	belowThreshold(header: Header): boolean {
		const prev = this.ctx.chain.getEntry(header.prevHash);
		return prev !== undefined && prev.chainwork + blockWork(header.bits) < this.threshold();
	}

	private async onHeaders(peer: Peer, st: PeerState, headers: readonly Header[]): Promise<void> {
		const {chain, network} = this.ctx;
		st.headersAskedAt = null; // answered (or an announcement: either way we may ask again)
		if (headers.length === 0) {
			st.headersDone = true;
			if (st.presync) this.endPresync(peer, st, 'the peer has no more headers');
			return;
		}
		const full = headers.length === LIMITS.headers;
		for (let i = 1; i < headers.length; i++) {
			if (!equalBytes(headers[i]!.prevHash, headers[i - 1]!.hash())) return peer.misbehave(20, 'non-continuous headers');
		}
		const first = headers[0]!;
		// A presync under way takes what continues it.
		if (st.presync && equalBytes(first.prevHash, st.presync.state.nextLocatorHead())) return this.continuePresync(peer, st, headers, full);
		if (first.prevHash.every(b => b === 0) && !equalBytes(first.hash(), network.genesis.hash())) return peer.close('another genesis block', 'other-genesis');
		const prev = chain.getEntry(first.prevHash);
		if (!prev) {
			// Perhaps it is simply ahead of us: ask again from what we have; punish only a habit,
			// as Core does: 20 points for every tenth in a row. The run carries over to the IP's
			// next connection, so a peer cannot start it again by reconnecting.
			const run = ++st.unconnecting;
			this.ctx.hosts.setUnconnecting(peer.host, run);
			if (run % MAX_UNCONNECTING === 0) peer.misbehave(run >= UNCONNECTING_BAN_RUN ? 100 : 20, `${run} headers messages in a row that do not connect`);
			if (peer.isClosed) return;
			this.request(peer, chain.bestHeader);
			return;
		}
		if (st.unconnecting > 0) {
			st.unconnecting = 0;
			this.ctx.hosts.setUnconnecting(peer.host, 0);
		}
		// Staked headers prove no work, so neither a threshold nor a presync applies to them: the
		// chain takes them only near its tip and a few hundred ahead of checked blocks.
		if (!network.stake && !chain.getEntry(headers.at(-1)!.hash())) {
			// Core's CalculateClaimedHeadersWork: the work the chain would have with these headers.
			let claimed = prev.chainwork;
			for (const header of headers) claimed += blockWork(header.bits);
			const threshold = this.threshold();
			if (claimed < threshold) {
				if (!full) {
					// Core: "Ignoring low-work chain". Nothing is stored; the peer is not at fault.
					st.headersDone = true;
					return;
				}
				if (st.presync) this.endPresync(peer, st, 'another low-work chain started');
				st.presync = {state: new HeadersPresync({network, start: presyncStart(this.ctx, prev), minimumWork: threshold, now: this.ctx.now(), salt: randomBytes(16), random: this.ctx.random}), from: prev};
				this.ctx.log(`peer ${peer.address} sent a chain with less work than ours from height ${prev.height}: checking it before storing any of it (headers presync)`);
				return this.continuePresync(peer, st, headers, full);
			}
		}
		this.askOn(peer, st, await this.store(peer, st, headers), full);
	}

	private async continuePresync(peer: Peer, st: PeerState, headers: readonly Header[], full: boolean): Promise<void> {
		const presync = st.presync!;
		const wasPresync = presync.state.phase === 'presync';
		let result;
		try {
			result = presync.state.process(headers, full);
		} catch (error) {
			if (!(error instanceof VerifyError)) throw error;
			st.presync = null;
			return peer.misbehave(error.score, error.message);
		}
		if (wasPresync && presync.state.phase === 'redownload') {
			this.ctx.log(`peer ${peer.address}'s chain reached the work threshold at height ${presync.state.presyncHeight}: downloading its headers again to store them`);
		}
		const last = result.headers.length > 0 ? await this.store(peer, st, result.headers) : null;
		if (result.aborted) {
			st.presync = null;
			this.ctx.log(`headers presync with ${peer.address} ended: ${result.aborted.message}; nothing of it stored`);
			st.headersDone = true;
			return;
		}
		if (presync.state.phase === 'final') {
			st.presync = null;
			this.ctx.log(`headers presync with ${peer.address} done: its chain is stored from height ${presync.from.height + 1}`);
			this.askOn(peer, st, last, full);
			return;
		}
		if (result.requestMore) {
			st.headersDone = false;
			const head = presync.state.nextLocatorHead();
			const from = this.ctx.chain.getLocator(presync.from);
			this.ask(peer, equalBytes(head, presync.from.hash) ? from : [head, ...from]);
		}
	}

	private endPresync(peer: Peer, st: PeerState, why: string): void {
		this.ctx.log(`headers presync with ${peer.address} ended: ${why}; nothing of it stored`);
		st.presync = null;
	}

	/**
	 * Stores headers that connect, counting the branches they start; punishes a broken rule.
	 * Returns the entry of the last header when all of them went in, else null.
	 */
	private async store(peer: Peer, st: PeerState, headers: readonly Header[]): Promise<ChainEntry | null> {
		const {chain} = this.ctx;
		let last: ChainEntry | null = null;
		let complete = true;
		const staked = chain.network.stake !== undefined;
		if (staked) st.uncheckedStaked = st.uncheckedStaked.filter(e => !e.hasData && !e.failed);
		for (const header of headers) {
			const known = chain.getEntry(header.hash());
			if (!known && staked && st.uncheckedStaked.length >= MAX_UNCHECKED_STAKED_PER_PEER) {
				peer.misbehave(100, `more than ${MAX_UNCHECKED_STAKED_PER_PEER} staked headers whose blocks it never sent`);
				complete = false;
				break;
			}
			if (!known) {
				const parent = chain.getEntry(header.prevHash);
				// A new branch (O(1): never the parent's list of children, which a flood makes long).
				if (parent?.hasChildren) {
					const own = ++st.forks;
					const fromHost = this.ctx.hosts.addFork(peer.host);
					if (own > MAX_FORKS_PER_PEER || fromHost > MAX_FORKS_PER_PEER) {
						const whose = own > MAX_FORKS_PER_PEER ? `peer ${peer.address}` : `peer ${peer.address}'s IP (over its connections, lately)`;
						this.ctx.log(`${whose} started more than ${MAX_FORKS_PER_PEER} branches`);
						peer.close(`more than ${MAX_FORKS_PER_PEER} branches`);
						complete = false;
						break;
					}
				}
			}
			try {
				last = known ?? (await chain.addHeader(header));
				if (!known && staked && chain.engine.kindAt(last.height) === 'stake') st.uncheckedStaked.push(last);
			} catch (error) {
				if (!(error instanceof VerifyError)) throw error;
				if (error.reason === 'headers-ahead-of-blocks') {
					// Not the peer's fault: the rest are asked for again once blocks connect.
					st.headersPausedAt = (chain.getEntry(header.prevHash)?.height ?? chain.height) + 1;
					complete = false;
					break;
				}
				if (error.reason === 'bad-fork-too-deep') this.sayTooDeep(peer, st, header);
				peer.misbehave(error.score, `header ${header.hashHex()}: ${error.message}`);
				complete = false;
				break;
			}
		}
		if (last) this.ctx.notePeer(peer, last, true);
		this.hooks.stored();
		return complete ? last : null;
	}

	/**
	 * A peer's branch refused as forking deeper than the reorganisation limit (its headers are never
	 * stored, so getchaintips cannot show it): said in the log, once per peer and fork point.
	 */
	private sayTooDeep(peer: Peer, st: PeerState, header: Header): void {
		const {chain} = this.ctx;
		const parent = chain.getEntry(header.prevHash);
		if (!parent) return;
		const fork = chain.findFork(chain.tip, parent);
		if (st.deepForkSaid === fork.hashHex) return;
		st.deepForkSaid = fork.hashHex;
		const limit = chain.network.stake?.maxReorgDepth ?? 0;
		this.ctx.log(`peer ${peer.address} offers a branch leaving our chain at height ${fork.height}, ${chain.height - fork.height} blocks below our tip, deeper than the ${limit}-block limit: refused, staying on ours; clone from a host you trust to switch`);
	}
}

/** The numbers a presync starting at `prev` needs: its times back 11 blocks and block 1 of its branch. */
function presyncStart(ctx: PoolContext, prev: ChainEntry): PresyncStart {
	const block1 = prev.height >= 1 ? ctx.chain.getAncestor(prev, 1) : null;
	return {
		hash: prev.hash,
		height: prev.height,
		chainwork: prev.chainwork,
		time: prev.time,
		bits: prev.header.bits,
		recentTimes: ctx.chain.recentTimes(prev),
		anchor: block1 ? {time: block1.time, bits: block1.header.bits} : null,
	};
}
