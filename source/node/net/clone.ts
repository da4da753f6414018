/**
 * Cloning a chain from a host: download its chain headers-first, validating everything, and adopt
 * it if it has more work, holding back any reorganisation onto it until all of it is here.
 */
import {performance} from 'node:perf_hooks';
import type {ChainEntry} from '../chain/entry.js';
import type {AddressGossip} from './address-gossip.js';
import type {BlockDownloader} from './block-download.js';
import {parseHostPort, type ConnectionManager} from './connections.js';
import type {HeaderSync} from './header-sync.js';
import {PeerClosedError, type CloseCode, type Peer} from './peer.js';
import type {PoolContext} from './pool-context.js';
import type {SyncStatus} from './sync-status.js';

export type CloneOutcome = 'adopted' | 'already-have' | 'less-work' | 'unreachable' | 'other-network' | 'invalid' | 'stalled' | 'cancelled';

export interface CloneOptions {
	/** Give up when the host sends nothing new for this long (at most and by default 60 s). */
	readonly timeoutMs?: number;
	/** Sync status, about every 100 ms while the clone runs. */
	readonly onProgress?: (s: SyncStatus) => void;
	/**
	 * Aborting cancels the clone: it resolves at once with 'cancelled', the host is disconnected
	 * if it was dialled for the clone, and nothing of its chain that would replace ours is adopted.
	 */
	readonly signal?: AbortSignal;
}

export interface CloneResult {
	readonly outcome: CloneOutcome;
	readonly message: string;
	readonly height: number;
	readonly tip: string;
}

export interface CloneParts {
	readonly conn: ConnectionManager;
	readonly headers: HeaderSync;
	readonly downloader: BlockDownloader;
	readonly gossip: AddressGossip;
	/** The best header each closed peer had shown (a clone reads it after a hang-up). */
	readonly lastBest: WeakMap<Peer, ChainEntry | null>;
	readonly syncStatus: () => SyncStatus;
}

export class Cloner {
	private readonly conn: ConnectionManager;
	private readonly headers: HeaderSync;
	private readonly downloader: BlockDownloader;
	private readonly gossip: AddressGossip;
	private readonly lastBest: WeakMap<Peer, ChainEntry | null>;
	private readonly syncStatus: () => SyncStatus;

	constructor(
		private readonly ctx: PoolContext,
		parts: CloneParts,
	) {
		({conn: this.conn, headers: this.headers, downloader: this.downloader, gossip: this.gossip, lastBest: this.lastBest, syncStatus: this.syncStatus} = parts);
	}

	/**
	 * Downloads the chain of `host:port` headers-first, validating everything, and adopts it if it
	 * has more work (reorganising if needed). Resolves with the outcome; never throws for a
	 * peer's failings. `onProgress` gets sync status while it runs.
	 *
	 * A reorganisation onto the host's branch waits until the whole branch is stored (blocks that
	 * simply extend our chain connect as they come, as in normal sync). Cancelled through `signal`
	 * (or ended by an invalid block, or by shutdown), the part of that branch already stored is
	 * set aside: the first block after the fork is forgotten, so the rest can never take over by
	 * itself, not even after a restart, until some peer serves that block again in normal sync.
	 * Ended because the host stalled or went away, what it sent is kept and taken if it has more
	 * work than our chain, as normal sync would.
	 */
	async run(text: string, options: CloneOptions = {}): Promise<CloneResult> {
		const result = (outcome: CloneOutcome, message: string): CloneResult => ({outcome, message, height: this.ctx.chain.height, tip: this.ctx.chain.tip.hashHex});
		let host: string;
		let port: number;
		try {
			({host, port} = parseHostPort(text));
		} catch (error) {
			return result('unreachable', (error as Error).message);
		}
		const {signal} = options;
		const startTip = this.ctx.chain.tip;
		const cancelled = (): CloneResult => {
			const kept = this.ctx.chain.isMain(startTip) ? this.ctx.chain.height - startTip.height : 0;
			const extended = kept > 0 ? ` beyond the ${kept} block${kept === 1 ? '' : 's'} that extended our chain` : '';
			return result('cancelled', `clone from ${host}:${port} cancelled: nothing adopted${extended}`);
		};
		if (signal?.aborted) return cancelled();
		let peer: Peer;
		const existing = [...this.conn.peers.values()].find(p => p.ready && p.outbound && p.host === host && p.port === port);
		try {
			// Quiet: a host told where we listen would dial us back by itself, and a cancelled
			// clone would come back as normal sync. It learns it once the clone is through.
			peer = existing ?? (await this.conn.dial(host, port, {...(signal ? {signal} : {}), quiet: true}));
		} catch (error) {
			if (signal?.aborted) return cancelled();
			const reason = (error as Error).message;
			if (error instanceof PeerClosedError && error.code === 'wrong-magic') return result('other-network', `${host}:${port} is on another network (its messages carry another network magic)`);
			return result('unreachable', `${host}:${port} is unreachable: ${reason}`);
		}
		if (signal?.aborted) {
			if (!existing) peer.close(`clone from ${host}:${port} cancelled`);
			return cancelled();
		}
		let closeReason: {reason: string; code: CloseCode} | null = peer.isClosed ? {reason: 'closed', code: peer.closeCode ?? 'local'} : null;
		peer.once('close', reason => (closeReason = {reason, code: peer.closeCode ?? 'local'}));
		this.downloader.preferred = peer;
		// Ask afresh from the parent of our best header: the answer shows where the host's chain
		// leaves ours (or that it is on another genesis: onHeaders hangs up then).
		const best = this.ctx.chain.bestHeader;
		this.headers.request(peer, best.prev ?? best, {force: true});
		const stallMs = Math.min(options.timeoutMs ?? 60_000, 60_000);
		let reorgDepth = 0;
		const onReorg = (info: {depth: number}) => (reorgDepth = Math.max(reorgDepth, info.depth));
		this.ctx.chain.on('reorganize', onReorg);
		const release = this.ctx.chain.holdReorganisations(this.cloneHold(peer));
		// On a proof-of-stake network a branch forking deeper than the reorganisation limit is
		// adopted only this way: from a host the user named.
		const endDeepForks = this.ctx.chain.allowDeepForks();
		let outcome: CloneResult | null = null;
		try {
			outcome = await this.watchClone(peer, host, port, startTip, stallMs, () => reorgDepth, () => closeReason, options, result, cancelled);
			return outcome;
		} finally {
			this.ctx.chain.off('reorganize', onReorg);
			const kind = outcome?.outcome;
			if (kind === 'cancelled') {
				if (this.downloader.preferred === peer) this.downloader.preferred = null;
				if (!existing) peer.close(`clone from ${host}:${port} cancelled`);
			} else if (!existing && this.conn.unquiet(peer)) {
				this.gossip.advertiseSelf(peer);
			}
			// Set the host's partial branch aside unless the clone ended in a way that keeps what
			// it validated (stalled, host gone: as normal sync would).
			const discard = kind === undefined || kind === 'cancelled' || kind === 'invalid' || this.ctx.stopped;
			await release(discard ? 'discard' : 'activate').catch((error: Error) => this.ctx.log(`clone from ${host}:${port}: ${error.message}`));
			endDeepForks();
		}
	}

	/**
	 * What a clone holds back: switching to a candidate that leaves our chain into the host's
	 * branch without holding all of it (every header it has shown, with every block stored).
	 * Memoised per tip, host tip and headers state, since the chain asks for each candidate on
	 * every block it adds.
	 */
	private cloneHold(peer: Peer): (candidate: ChainEntry) => boolean {
		let seen: {tip: ChainEntry; theirs: ChainEntry; done: boolean} | null = null;
		let root: ChainEntry | null = null;
		const memo = new Map<ChainEntry, boolean>();
		return candidate => {
			const st = this.ctx.state(peer);
			const theirs = st?.best ?? this.lastBest.get(peer) ?? null;
			if (!theirs) return false;
			const done = st?.headersDone ?? true; // gone: it will show no more
			const tip = this.ctx.chain.tip;
			if (!seen || seen.tip !== tip || seen.theirs !== theirs || seen.done !== done) {
				seen = {tip, theirs, done};
				memo.clear();
				const fork = this.ctx.chain.findFork(tip, theirs);
				// Their chain is ours, behind ours, or simply extends ours: nothing to hold.
				root = fork === theirs || fork === tip ? null : this.ctx.chain.getAncestor(theirs, fork.height + 1);
			}
			if (!root) return false;
			let held = memo.get(candidate);
			if (held === undefined) {
				const onBranch = candidate.height >= root.height && this.ctx.chain.getAncestor(candidate, root.height) === root;
				const whole = done && candidate.height >= theirs.height && this.ctx.chain.getAncestor(candidate, theirs.height) === theirs;
				held = onBranch && !whole;
				memo.set(candidate, held);
			}
			return held;
		};
	}

	private async watchClone(
		peer: Peer,
		host: string,
		port: number,
		startTip: ChainEntry,
		stallMs: number,
		reorgDepth: () => number,
		closed: () => {reason: string; code: CloseCode} | null,
		options: CloneOptions,
		result: (outcome: CloneOutcome, message: string) => CloneResult,
		cancelled: () => CloneResult,
	): Promise<CloneResult> {
		const {signal} = options;
		let lastProgress = performance.now();
		let mark = '';
		for (;;) {
			await abortableSleep(100, signal);
			if (!signal?.aborted) options.onProgress?.(this.syncStatus());
			const st = this.ctx.state(peer);
			const theirs = st?.best ?? this.lastBest.get(peer) ?? null;
			// A broken rule first: the host may have been banned and dropped for it.
			if (theirs?.failed) return result('invalid', `${host}:${port} sent a chain that breaks the rules; nothing adopted from it`);
			const headersDone = st?.headersDone ?? false;
			// Finished, one way or the other, before an abort: that is the truth to tell.
			if (theirs && headersDone && this.ctx.chain.isMain(theirs)) {
				if (theirs.chainwork > startTip.chainwork) {
					const depth = reorgDepth();
					return result('adopted', `adopted ${host}:${port}'s chain: height ${this.ctx.chain.height}${depth > 0 ? `, after a reorganisation ${depth} block${depth === 1 ? '' : 's'} deep` : ''}`);
				}
				return result('already-have', `already had ${host}:${port}'s chain (height ${theirs.height})`);
			}
			if (signal?.aborted) return cancelled();
			const closeReason = closed();
			if (closeReason !== null) {
				if (closeReason.code === 'other-genesis' || closeReason.code === 'wrong-magic') return result('other-network', `${host}:${port} is on another network (${closeReason.reason})`);
				return result('unreachable', `${host}:${port} went away during the clone: ${closeReason.reason}`);
			}
			if (headersDone && !theirs) {
				return result('less-work', `${host}:${port} has no blocks we lack (its height ${peer.bestHeight}, ours ${this.ctx.chain.height}): nothing replaced`);
			}
			if (theirs && headersDone && theirs.chainwork <= this.ctx.chain.tip.chainwork) {
				return result('less-work', `${host}:${port}'s chain (height ${theirs.height}) has less work than ours: nothing replaced`);
			}
			// Every block of their branch stored, but held while more headers were due: switch now.
			if (theirs && headersDone && theirs.chainData) await this.ctx.chain.activate();
			const now = `${this.ctx.chain.height}:${theirs?.height ?? -1}:${this.downloader.inflightFor(peer)}:${this.downloader.storedAhead()}`;
			if (now !== mark) {
				mark = now;
				lastProgress = performance.now();
			} else if (performance.now() - lastProgress > stallMs) {
				return result('stalled', `${host}:${port} stopped sending; kept everything validated so far`);
			}
		}
	}
}

/** Waits `ms`, or less if `signal` aborts meanwhile. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise(resolve => {
		if (signal?.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, {once: true});
	});
}
