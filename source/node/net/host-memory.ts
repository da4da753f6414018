/**
 * What the pool remembers of each peer IP across its connections, fading with time: the branches
 * it made us store, its headers messages in a row that connected to nothing, the blocks it refused
 * (notfound or a stall). A peer's own record (peer-state.ts) lasts one connection, so a peer that
 * reconnected started again at zero: 1,000 more branches each time, and asked again for a branch it
 * had refused. Counts are kept by IP alone, as addrman's sources: an inbound peer's port is new on
 * every connection (on loopback several honest nodes share the IP, and they make few branches).
 * Refusals are kept by what a ban names (banKey): the IP, but on loopback and private addresses the
 * IP and the port the peer listens on, so that one node's refusal on a machine running several
 * never stops the download from another.
 */
import {banKey} from './addrman.js';
import type {PeerState} from './peer-state.js';

/** What the memory needs to know of a peer. */
export interface HostPeer {
	readonly host: string;
	readonly port: number;
	readonly outbound: boolean;
	/** The port its version says it listens on (inbound peers). */
	readonly listenPort: number;
}

/** The key a peer's refusals are kept under: its IP, or on loopback/private ip:listening port. */
export function refusalKey(peer: HostPeer): string {
	return banKey(peer.host, peer.outbound ? peer.port : peer.listenPort);
}

/** The counts halve every 10 minutes (in whole steps, so a burst is counted whole). */
export const HOST_HALF_LIFE_S = 600;
/** A refused block is not asked again of a new connection from that IP for 30 minutes. */
export const HOST_REFUSED_S = 1800;
/** IPs remembered; past it the one least recently heard from is forgotten. */
export const MAX_HOSTS = 1024;
/**
 * Refused blocks remembered per IP; when full, later ones are not: a branch is set aside by its
 * first blocks (the next one to download), which are refused first.
 */
export const MAX_REFUSED_PER_HOST = 256;

interface HostRecord {
	/** Branches it made us store (decayed). */
	forks: number;
	/** Its latest run of headers messages in a row that did not connect (decayed). */
	unconnecting: number;
	/** When the counts were last halved (seconds). */
	at: number;
	/** Block hash -> when refused (seconds), oldest first. */
	readonly refused: Map<string, number>;
}

export class HostMemory {
	/**
	 * By IP (and, for refusals on loopback/private addresses, by ip:port: see refusalKey), least
	 * recently used first.
	 */
	private readonly hosts = new Map<string, HostRecord>();

	/** `now`: seconds since the epoch (the pool's clock). */
	constructor(private readonly now: () => number) {}

	get size(): number {
		return this.hosts.size;
	}

	/** Branches `host` made us store, as remembered now. */
	forks(host: string): number {
		return this.hosts.has(host) ? this.record(host).forks : 0;
	}

	/** Counts one more branch from `host`; returns the count. */
	addFork(host: string): number {
		return ++this.record(host).forks;
	}

	/** The run of unconnecting headers messages from `host` a new connection of its starts from. */
	unconnecting(host: string): number {
		return this.hosts.has(host) ? this.record(host).unconnecting : 0;
	}

	/** A connection from `host` is at `inRow` unconnecting headers messages in a row (0: its run broke). */
	setUnconnecting(host: string, inRow: number): void {
		if (inRow === 0 && !this.hosts.has(host)) return;
		this.record(host).unconnecting = inRow;
	}

	/** The peer under `key` (refusalKey) refused the block `hex` (notfound, or a stall). */
	refuse(key: string, hex: string): void {
		const {refused} = this.record(key);
		dropExpired(refused, this.now());
		if (refused.delete(hex)) refused.set(hex, this.now()); // refused again: newest now
		else if (refused.size < MAX_REFUSED_PER_HOST) refused.set(hex, this.now());
	}

	/** The blocks the peer under `key` (refusalKey) refused in the last HOST_REFUSED_S. */
	refused(key: string): string[] {
		if (!this.hosts.has(key)) return [];
		const {refused} = this.record(key);
		dropExpired(refused, this.now());
		return [...refused.keys()];
	}

	/**
	 * A new connection, once its version is in, starts where its IP left off: its run of
	 * unconnecting headers, and the blocks it refused (under refusalKey), never asked of it.
	 */
	seed(st: PeerState, peer: HostPeer): PeerState {
		st.unconnecting = Math.max(st.unconnecting, this.unconnecting(peer.host));
		for (const hex of this.refused(refusalKey(peer))) st.refused.add(hex);
		return st;
	}

	/** The record under `key`, its counts halved for each half-life gone by, made if new. */
	private record(key: string): HostRecord {
		const now = this.now();
		let rec = this.hosts.get(key);
		if (rec) {
			this.hosts.delete(key); // re-inserted below: most recently used last
			const steps = Math.floor((now - rec.at) / HOST_HALF_LIFE_S);
			if (steps > 0) {
				const factor = 2 ** Math.min(steps, 64);
				rec.forks = Math.floor(rec.forks / factor);
				rec.unconnecting = Math.floor(rec.unconnecting / factor);
				rec.at += steps * HOST_HALF_LIFE_S;
			}
		} else {
			rec = {forks: 0, unconnecting: 0, at: now, refused: new Map()};
			if (this.hosts.size >= MAX_HOSTS) this.hosts.delete(this.hosts.keys().next().value!);
		}
		this.hosts.set(key, rec);
		return rec;
	}
}

/** Forgets the refusals older than HOST_REFUSED_S (the map runs oldest first). */
function dropExpired(refused: Map<string, number>, now: number): void {
	const since = now - HOST_REFUSED_S;
	for (const [hex, at] of refused) {
		if (at >= since) break; // oldest first: the rest are newer
		refused.delete(hex);
	}
}
