/**
 * The block downloader: which blocks to ask of whom, 16 in flight per peer, toward each peer's own
 * best block (Core's FindNextBlocksToDownload), and what to do when a peer stalls or refuses.
 */
import {performance} from 'node:perf_hooks';
import type {ChainEntry} from '../chain/entry.js';
import {InvType, type InvItem} from './messages.js';
import {refusalKey} from './host-memory.js';
import type {Peer} from './peer.js';
import type {PoolContext} from './pool-context.js';

export const MAX_INFLIGHT_PER_PEER = 16;
const DOWNLOAD_WINDOW = 1024;

export class BlockDownloader {
	/** Block hash -> who we asked and when; `arrived` once it came and waits for the chain. */
	private readonly inflight = new Map<string, {peer: Peer; since: number; arrived?: boolean}>();
	/** Download paths (from the fork with our chain) by target header, cached. */
	private readonly paths = new Map<ChainEntry, ChainEntry[]>();
	/** How far into a cached path every block is connected on the main chain (see firstMissing). */
	private readonly connectedUpTo = new WeakMap<ChainEntry[], number>();
	/** Peer that a clone prefers for downloads. */
	preferred: Peer | null = null;

	constructor(
		private readonly ctx: PoolContext,
		private readonly stallMs: number,
	) {}

	/** Did we ask `peer` for this block? */
	requestedOf(hex: string, peer: Peer): boolean {
		return this.inflight.get(hex)?.peer === peer;
	}

	inflightFor(peer: Peer): number {
		return this.ctx.state(peer)?.inflight.size ?? 0;
	}

	/**
	 * A requested block arrived: no longer a stall, however long the chain takes over it (a deep
	 * reorganisation holds the chain for seconds), but still in flight until the chain has it.
	 */
	arrived(hex: string): void {
		const flight = this.inflight.get(hex);
		if (flight) flight.arrived = true;
	}

	/** A requested block arrived and the chain has taken it: the request is done. */
	delivered(peer: Peer, hex: string): void {
		this.cancel(hex);
		const st = this.ctx.state(peer);
		if (st) st.stalls = Math.max(0, st.stalls - 1); // delivering earns back a stall
	}

	/** The peer said it does not have these: never asked of it again (nor, for a while, of its IP's next connections). */
	notFound(peer: Peer, hex: string): void {
		if (this.inflight.get(hex)?.peer !== peer) return;
		this.cancel(hex);
		this.refuse(peer, hex);
	}

	/** `hex` is never asked of `peer` again, nor for a while of its IP's next connections. */
	private refuse(peer: Peer, hex: string): void {
		this.ctx.state(peer)?.refused.add(hex);
		this.ctx.hosts.refuse(refusalKey(peer), hex);
	}

	peerClosed(peer: Peer, inflight: Iterable<string>): void {
		for (const hex of inflight) this.inflight.delete(hex);
		if (this.preferred === peer) this.preferred = null;
	}

	/**
	 * The best header some ready peer can still give us the blocks to (it showed it, and has not
	 * refused or stalled on the next block of its path), or our tip. A heavier branch that nobody
	 * delivers is then not something we are "still syncing" toward.
	 */
	liveTarget(): ChainEntry {
		const tip = this.ctx.chain.tip;
		let best = tip;
		for (const peer of this.ctx.peers()) {
			const st = this.ctx.state(peer);
			const theirs = st?.best;
			if (!peer.ready || !theirs || theirs.failed || theirs.chainwork <= best.chainwork) continue;
			const path = this.pathTo(theirs);
			const next = path[this.firstMissing(path)];
			if (next && st.refused.has(next.hashHex)) continue;
			best = theirs;
		}
		return best;
	}

	/** The path from the fork with our chain to the best header: what sync downloads first. */
	downloadPath(): ChainEntry[] {
		return this.pathTo(this.ctx.chain.bestHeader);
	}

	/** Blocks stored along the download path: progress while a reorganisation is held. */
	storedAhead(): number {
		const path = this.downloadPath();
		return this.firstMissing(path);
	}

	/**
	 * Where `path`'s first block without data is (its length if none), resuming after the part
	 * already connected on the main chain: walking from the fork on every block received cost
	 * O(height) each time, 7% of IBD once signature checks got fast.
	 */
	private firstMissing(path: ChainEntry[]): number {
		const {chain} = this.ctx;
		let start = this.connectedUpTo.get(path) ?? 0;
		if (start > 0 && !chain.isMain(path[start - 1]!)) start = 0; // a reorg took them off
		while (start < path.length && path[start]!.hasData && chain.isMain(path[start]!)) start++;
		this.connectedUpTo.set(path, start);
		// Then what is stored but waits (the chain may be waiting on one missing block).
		while (start < path.length && path[start]!.hasData) start++;
		return start;
	}

	/** The entries from the fork with our chain up to `target` (cached), or none if it has no more work. */
	private pathTo(target: ChainEntry): ChainEntry[] {
		const {chain} = this.ctx;
		const tip = chain.tip;
		if (target.chainwork <= tip.chainwork) return []; // never download a chain with no more work
		const cached = this.paths.get(target);
		if (cached && cached.length > 0 && chain.isMain(cached[0]!.prev!)) return cached;
		const fork = chain.findFork(tip, target);
		const entries: ChainEntry[] = [];
		for (let e: ChainEntry | null = target; e && e !== fork; e = e.prev) entries.push(e);
		entries.reverse();
		this.paths.set(target, entries);
		return entries;
	}

	peerHas(peer: Peer, entry: ChainEntry): boolean {
		const st = this.ctx.state(peer);
		const best = st?.best;
		if (!best || best.height < entry.height || st.refused.has(entry.hashHex)) return false;
		return this.ctx.chain.getAncestor(best, entry.height) === entry;
	}

	/**
	 * Asks peers for the next blocks, 16 in flight per peer: on the best header chain first, then
	 * toward each peer's own best block with more work than our tip (as Core's
	 * FindNextBlocksToDownload), so blocks a connected peer has still come when the best header
	 * is one no connected peer can serve (its peer went, or a clone was cancelled).
	 */
	schedule(): void {
		if (this.ctx.stopped) return;
		const {chain} = this.ctx;
		const tip = chain.tip;
		const targets: ChainEntry[] = [];
		const bestHeader = chain.bestHeader;
		if (bestHeader.chainwork > tip.chainwork) targets.push(bestHeader);
		const peers = [...this.ctx.peers()];
		for (const peer of peers) {
			const best = this.ctx.state(peer)?.best;
			if (peer.ready && best && !best.failed && best.chainwork > tip.chainwork && !targets.includes(best)) targets.push(best);
		}
		if (targets.length === 0) return; // nothing to download: the usual case once synced
		targets.sort((a, b) => (b.chainwork > a.chainwork ? 1 : b.chainwork < a.chainwork ? -1 : 0));
		for (const cached of this.paths.keys()) if (!targets.includes(cached)) this.paths.delete(cached);
		const ready = peers.filter(p => p.ready && this.inflightFor(p) < MAX_INFLIGHT_PER_PEER);
		if (ready.length === 0) return;
		if (this.preferred && ready.includes(this.preferred)) ready.unshift(...ready.splice(ready.indexOf(this.preferred), 1));
		const requests = new Map<Peer, InvItem[]>();
		for (const target of targets) {
			const path = this.pathTo(target);
			if (path.length === 0) continue;
			const start = this.firstMissing(path);
			const end = Math.min(path.length, start + DOWNLOAD_WINDOW);
			for (let i = start; i < end; i++) {
				// Every ready peer full: the rest of the window (1,024 entries, a hex hash each) waits
				// for the next call. Scanning it all on every block received was 10% of IBD.
				if (!ready.some(p => this.inflightFor(p) < MAX_INFLIGHT_PER_PEER)) break;
				const entry = path[i]!;
				if (entry.hasData || this.inflight.has(entry.hashHex)) continue;
				const peer = ready.find(p => this.inflightFor(p) < MAX_INFLIGHT_PER_PEER && this.peerHas(p, entry));
				if (!peer) continue;
				this.inflight.set(entry.hashHex, {peer, since: performance.now()});
				this.ctx.state(peer)!.inflight.add(entry.hashHex);
				const list = requests.get(peer) ?? [];
				list.push({type: InvType.BLOCK, hash: entry.hash});
				requests.set(peer, list);
			}
		}
		for (const [peer, items] of requests) peer.send({type: 'getdata', items});
	}

	private cancel(hex: string): void {
		const flight = this.inflight.get(hex);
		if (!flight) return;
		this.inflight.delete(hex);
		this.ctx.state(flight.peer)?.inflight.delete(hex);
	}

	/**
	 * A block asked for too long ago goes to another peer, and is never asked of that one again;
	 * a peer that keeps stalling goes. Returns whether anything changed.
	 */
	checkStalls(): boolean {
		const now = performance.now();
		const stalled = new Map<Peer, number>();
		for (const [hex, flight] of this.inflight) {
			if (flight.arrived || now - flight.since < this.stallMs) continue;
			this.cancel(hex);
			this.refuse(flight.peer, hex); // someone else gets it
			stalled.set(flight.peer, (stalled.get(flight.peer) ?? 0) + 1);
		}
		// One stall per peer per pass, however many of its blocks were late together.
		for (const [peer, blocks] of stalled) {
			const st = this.ctx.state(peer);
			if (st && ++st.stalls >= 3) peer.close('stalled the block download three times', 'timeout');
			else this.ctx.log(`${blocks} block${blocks === 1 ? '' : 's'} from ${peer.address} stalled; asking elsewhere`);
		}
		return stalled.size > 0;
	}
}
