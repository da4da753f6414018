/**
 * The address manager, after Bitcoin Core's addrman (src/addrman.cpp, addrman_impl.h): peers we
 * know of, keyed by ip:port (so several nodes on one machine are several entries), learned from
 * --peer, addr gossip and inbound peers' advertised ports; plus the ban list. Both are kept in the
 * datadir (peers.json), written atomically and debounced.
 *
 * Addresses live in two tables of buckets, each bucket a fixed number of slots:
 * - "new": heard of, never connected to. The bucket is chosen by a keyed hash of the group of the
 *   peer that told us (the source) and the group of the address, so one source group reaches at
 *   most NEW_BUCKETS_PER_SOURCE_GROUP buckets, whatever it sends; the slot by a keyed hash of the
 *   bucket and the address. A newcomer whose slot is taken replaces the occupant only if the
 *   occupant is terrible (stale, or failed again and again), so a flood cannot push out what we
 *   knew from other sources.
 * - "tried": addresses we completed an outbound handshake with. Only good() puts an address there;
 *   an address whose tried slot is taken stays in new unless the incumbent has been found bad.
 * Groups: loopback and private addresses by ip:port (several nodes on one machine or LAN), public
 * IPv4 by /16 and IPv6 by /32 as Core does. Sources are grouped by IP only: an inbound peer's port
 * changes on every connection and must not give it a fresh group.
 *
 * Sizes are scaled down from Core's (1,024 new and 256 tried buckets of 64): this network is a few
 * machines, not tens of thousands, and peers.json is JSON rewritten after changes, so 256 new and
 * 64 tried buckets of 64 (16,384 + 4,096 slots, about the 10,000 addresses kept before) suffice.
 * The ratios that bound one attacker stay Core's: one source group reaches 1/16 of the new table
 * (Core 64/1024), one address group 1/32 of the tried table (Core 8/256).
 */
import {createHash, randomBytes} from 'node:crypto';
import {mkdir, open, readFile, rename} from 'node:fs/promises';
import {dirname} from 'node:path';
import {ipToBytes} from './messages.js';

export interface KnownAddress {
	readonly host: string;
	readonly port: number;
	services: bigint;
	/** When it was last heard of (seconds). */
	lastSeen: number;
	lastTry: number;
	attempts: number;
	lastSuccess: number;
	/** Given with --peer or addnode: always tried, never forgotten. */
	manual: boolean;
	/** In the tried table (we completed an outbound handshake with it). */
	readonly tried: boolean;
}

export const NEW_BUCKET_COUNT = 256;
export const TRIED_BUCKET_COUNT = 64;
export const BUCKET_SIZE = 64;
export const NEW_BUCKETS_PER_SOURCE_GROUP = 16;
export const TRIED_BUCKETS_PER_GROUP = 2;
/** How many new buckets one address may sit in (Core's ADDRMAN_NEW_BUCKETS_PER_ADDRESS). */
export const NEW_BUCKETS_PER_ADDRESS = 8;
const HORIZON = 30 * 86_400;
const RETRIES = 3;
const MAX_FAILURES = 10;
const MIN_FAIL = 7 * 86_400;
/** A tried address that connected within this long is never replaced (Core's ADDRMAN_REPLACEMENT). */
const REPLACEMENT = 4 * 3600;
/** Penalty on the time of an address heard from another node (Core's 2 h nTimePenalty). */
const TIME_PENALTY = 2 * 3600;
const FORMAT_VERSION = 2;
/**
 * Seconds before retrying an address that failed `attempts` times: 5, 10, 20 … capped at 10 min;
 * a manual one (--peer, addnode) at 1 min, as Core retries its added nodes every minute, so the
 * peers a user named come back within a minute of a network that returns after a long cut.
 */
export function backoff(attempts: number, manual: boolean): number {
	return Math.min(manual ? MANUAL_RETRY : 600, 5 * 2 ** Math.min(attempts, 10));
}
const MANUAL_RETRY = 60;

export function addressKey(host: string, port: number): string {
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Loopback and private ranges: several nodes may share such an IP, so bans there are per port. */
export function isLocalOrPrivate(host: string): boolean {
	return /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)/.test(host) || host === '0:0:0:0:0:0:0:1' || host === '::1' || /^f[cd]/i.test(host);
}

/** What a ban applies to: the IP, or ip:port on loopback/private addresses. */
export function banKey(host: string, port: number): string {
	return isLocalOrPrivate(host) ? addressKey(host, port) : host;
}

export function isRoutableAddress(host: string, port: number): boolean {
	if (!Number.isInteger(port) || port < 1 || port > 65535) return false;
	try {
		const bytes = ipToBytes(host);
		return !bytes.every(b => b === 0) && !(bytes[10] === 0xff && bytes[11] === 0xff && bytes.subarray(12).every(b => b === 0));
	} catch {
		return false;
	}
}

/** The group an address belongs to: ip:port on loopback/private, /16 for IPv4, /32 for IPv6. */
export function addressGroup(host: string, port: number): string {
	if (isLocalOrPrivate(host)) return `local ${addressKey(host, port)}`;
	return publicGroup(host);
}

/** The group of the node that told us an address: its IP alone on loopback/private (see above). */
export function sourceGroup(host: string): string {
	if (isLocalOrPrivate(host)) return `local ${host}`;
	return publicGroup(host);
}

function publicGroup(host: string): string {
	let bytes: Uint8Array;
	try {
		bytes = ipToBytes(host);
	} catch {
		return `other ${host}`;
	}
	const v4 = bytes[10] === 0xff && bytes[11] === 0xff && bytes.subarray(0, 10).every(b => b === 0);
	return v4 ? `ipv4 ${bytes[12]}.${bytes[13]}` : `ipv6 ${Buffer.from(bytes.subarray(0, 4)).toString('hex')}`;
}

interface Entry extends KnownAddress {
	tried: boolean;
	/** Group of the node it was first heard from (or of itself, for --peer and inbound peers). */
	source: string;
	/** The new buckets it sits in (Core's nRefCount is their number). */
	buckets: number[];
}

/** One table: slots (bucket * BUCKET_SIZE + position) -> address key, and its non-empty buckets. */
class Table {
	readonly slots = new Map<number, string>();
	private readonly fill = new Map<number, number>();
	private readonly nonEmpty: number[] = [];
	private readonly index = new Map<number, number>();

	put(slot: number, key: string): void {
		this.slots.set(slot, key);
		const bucket = Math.floor(slot / BUCKET_SIZE);
		const n = (this.fill.get(bucket) ?? 0) + 1;
		this.fill.set(bucket, n);
		if (n === 1) {
			this.index.set(bucket, this.nonEmpty.length);
			this.nonEmpty.push(bucket);
		}
	}

	clear(slot: number): void {
		if (!this.slots.delete(slot)) return;
		const bucket = Math.floor(slot / BUCKET_SIZE);
		const n = (this.fill.get(bucket) ?? 1) - 1;
		if (n > 0) {
			this.fill.set(bucket, n);
			return;
		}
		this.fill.delete(bucket);
		const i = this.index.get(bucket)!;
		const last = this.nonEmpty.pop()!;
		if (last !== bucket) {
			this.nonEmpty[i] = last;
			this.index.set(last, i);
		}
		this.index.delete(bucket);
	}

	get empty(): boolean {
		return this.slots.size === 0;
	}

	/** A random non-empty bucket, then a random address in it (as Core's Select). */
	pick(random: () => number): string | undefined {
		if (this.nonEmpty.length === 0) return undefined;
		const bucket = this.nonEmpty[Math.floor(random() * this.nonEmpty.length)]!;
		const keys: string[] = [];
		for (let pos = 0; pos < BUCKET_SIZE; pos++) {
			const key = this.slots.get(bucket * BUCKET_SIZE + pos);
			if (key !== undefined) keys.push(key);
		}
		return keys[Math.floor(random() * keys.length)];
	}
}

export interface AddrManOptions {
	/** Uniform in [0, 1): the bucket key (when peers.json has none), selection and sampling. */
	random?: () => number;
	log?: (message: string) => void;
}

export class AddrMan {
	private readonly addrs = new Map<string, Entry>();
	/** Keys of the manual (--peer, addnode) addresses, looked at first by select(). */
	private readonly manualKeys = new Set<string>();
	private readonly newTable = new Table();
	private readonly triedTable = new Table();
	private readonly bans = new Map<string, number>();
	private key: Buffer;
	private saveTimer: NodeJS.Timeout | undefined;
	private saving: Promise<void> = Promise.resolve();
	private readonly random: () => number;
	private readonly log: (message: string) => void;

	private constructor(
		private readonly path: string | null,
		private readonly now: () => number,
		options: AddrManOptions,
	) {
		this.random = options.random ?? Math.random;
		this.log = options.log ?? (() => undefined);
		this.key = options.random ? Buffer.from(Array.from({length: 32}, () => Math.floor(this.random() * 256))) : randomBytes(32);
	}

	static async open(path: string | null, now: () => number = () => Math.floor(Date.now() / 1000), options: AddrManOptions = {}): Promise<AddrMan> {
		const man = new AddrMan(path, now, options);
		if (!path) return man;
		let text: string;
		try {
			text = await readFile(path, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT') man.log(`cannot read ${path} (${(error as Error).message}): starting with no known addresses`);
			return man;
		}
		try {
			man.load(JSON.parse(text) as unknown);
		} catch (error) {
			// Only a cache of what gossip tells us: a damaged file is set aside, never fatal.
			man.clearAll();
			man.log(`${path} is unreadable (${(error as Error).message}): starting with no known addresses`);
		}
		return man;
	}

	private clearAll(): void {
		for (const a of [...this.addrs.values()]) this.forget(a);
		this.addrs.clear();
	}

	private load(data: unknown): void {
		if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not an object');
		const d = data as {version?: unknown; key?: unknown; addrs?: unknown; bans?: unknown};
		const now = this.now();
		if (d.bans && typeof d.bans === 'object') {
			for (const [key, until] of Object.entries(d.bans as Record<string, unknown>)) if (typeof until === 'number' && until > now) this.bans.set(key, until);
		}
		const addrs = Array.isArray(d.addrs) ? (d.addrs as unknown[]) : [];
		if (d.version === undefined) {
			// Format 1 (a flat list, before the tables): each address goes to the new table as if
			// it had announced itself.
			let n = 0;
			for (const raw of addrs) {
				if (typeof raw !== 'object' || raw === null) continue;
			const a = raw as Record<string, unknown>;
				if (typeof a.host !== 'string' || typeof a.port !== 'number') continue;
				if (this.add(a.host, a.port, {services: parseServices(a.services), time: Number(a.lastSeen) || 0})) n++;
			}
			this.log(`peers.json is in the old format: ${n} of ${addrs.length} addresses loaded into the new table`);
			return;
		}
		if (d.version !== FORMAT_VERSION) {
			this.log(`peers.json has format ${String(d.version)}, which this version does not know: its addresses are ignored`);
			return;
		}
		if (typeof d.key === 'string' && /^[0-9a-f]{64}$/.test(d.key)) this.key = Buffer.from(d.key, 'hex');
		for (const raw of addrs) {
			if (typeof raw !== 'object' || raw === null) continue;
			const a = raw as Record<string, unknown>;
			if (typeof a.host !== 'string' || typeof a.port !== 'number' || !isRoutableAddress(a.host, a.port)) continue;
			const key = addressKey(a.host, a.port);
			if (this.addrs.has(key)) continue;
			const e: Entry = {
				host: a.host,
				port: a.port,
				services: parseServices(a.services),
				lastSeen: Number(a.lastSeen) || 0,
				lastTry: 0,
				attempts: Number.isInteger(a.attempts) ? Math.max(0, a.attempts as number) : 0,
				lastSuccess: Number(a.lastSuccess) || 0,
				manual: false,
				tried: false,
				source: typeof a.source === 'string' ? a.source : addressGroup(a.host, a.port),
				buckets: [],
			};
			this.addrs.set(key, e);
			if (a.tried === true) {
				const slot = this.triedSlot(e);
				if (!this.triedTable.slots.has(slot)) {
					e.tried = true;
					this.triedTable.put(slot, key);
					continue;
				}
			}
			for (const b of Array.isArray(a.buckets) ? (a.buckets as unknown[]) : []) {
				if (!Number.isInteger(b) || (b as number) < 0 || (b as number) >= NEW_BUCKET_COUNT || e.buckets.includes(b as number) || e.buckets.length >= NEW_BUCKETS_PER_ADDRESS) continue;
				const slot = (b as number) * BUCKET_SIZE + this.position(true, b as number, key);
				if (this.newTable.slots.has(slot)) continue;
				this.newTable.put(slot, key);
				e.buckets.push(b as number);
			}
			if (e.buckets.length === 0 && !this.place(e, e.source)) this.addrs.delete(key);
		}
	}

	// ------------------------------------------------------------ hashing

	private hash(...parts: (string | number)[]): number {
		return createHash('sha256').update(this.key).update(parts.join('\u0000')).digest().readUIntBE(0, 6);
	}

	private newBucket(e: Entry, source: string): number {
		const h1 = this.hash('new1', addressGroup(e.host, e.port), source) % NEW_BUCKETS_PER_SOURCE_GROUP;
		return this.hash('new2', source, h1) % NEW_BUCKET_COUNT;
	}

	private triedSlot(e: Entry): number {
		const key = addressKey(e.host, e.port);
		const h1 = this.hash('tried1', key) % TRIED_BUCKETS_PER_GROUP;
		const bucket = this.hash('tried2', addressGroup(e.host, e.port), h1) % TRIED_BUCKET_COUNT;
		return bucket * BUCKET_SIZE + this.position(false, bucket, key);
	}

	private position(isNew: boolean, bucket: number, key: string): number {
		return this.hash(isNew ? 'N' : 'K', bucket, key) % BUCKET_SIZE;
	}

	// ------------------------------------------------------------ queries

	get size(): number {
		return this.addrs.size;
	}

	/** How many addresses each table holds (an address in several new buckets counts once). */
	counts(): {new: number; tried: number} {
		let tried = 0;
		let fresh = 0;
		for (const a of this.addrs.values()) {
			if (a.tried) tried++;
			else if (a.buckets.length > 0) fresh++;
		}
		return {new: fresh, tried};
	}

	get(host: string, port: number): KnownAddress | undefined {
		return this.addrs.get(addressKey(host, port));
	}

	/**
	 * Core's IsTerrible: not worth keeping when its slot is wanted (stale, from the future, or
	 * failed again and again). Manual addresses never are.
	 */
	private isTerrible(a: Entry): boolean {
		const now = this.now();
		if (a.manual) return false;
		if (a.lastTry && a.lastTry >= now - 60) return false;
		if (a.lastSeen > now + 600) return true;
		if (now - a.lastSeen > HORIZON) return true;
		if (a.lastSuccess === 0 && a.attempts >= RETRIES) return true;
		if (now - a.lastSuccess > MIN_FAIL && a.attempts >= MAX_FAILURES) return true;
		return false;
	}

	// ------------------------------------------------------------ changes

	/**
	 * Learns an address; returns true if it was new (and found room). `source` is the IP of the
	 * node that told us (its group decides the bucket); by default the address itself.
	 */
	add(host: string, port: number, options: {services?: bigint; time?: number; manual?: boolean; source?: string} = {}): boolean {
		if (!isRoutableAddress(host, port)) return false;
		const now = this.now();
		const key = addressKey(host, port);
		const fromOther = options.source !== undefined && options.source !== host;
		let time = options.time ?? now;
		if (time <= 100_000_000 || time > now + 600) time = now - 5 * 86_400;
		const seen = Math.max(0, Math.min(time, now) - (fromOther ? TIME_PENALTY : 0));
		const source = options.source !== undefined ? sourceGroup(options.source) : addressGroup(host, port);
		const known = this.addrs.get(key);
		if (known) {
			known.lastSeen = Math.max(known.lastSeen, seen);
			if (options.services !== undefined) known.services = options.services;
			if (options.manual) {
				known.manual = true;
				this.manualKeys.add(key);
			}
			this.scheduleSave();
			if (known.tried || known.buckets.length >= NEW_BUCKETS_PER_ADDRESS) return false;
			// The more buckets it is in already, the less likely another (Core's 2^nRefCount).
			if (known.buckets.length > 0 && Math.floor(this.random() * 2 ** known.buckets.length) !== 0) return false;
			this.place(known, source);
			return false;
		}
		const e: Entry = {host, port, services: options.services ?? 1n, lastSeen: seen, lastTry: 0, attempts: 0, lastSuccess: 0, manual: options.manual ?? false, tried: false, source, buckets: []};
		this.addrs.set(key, e);
		if (e.manual) this.manualKeys.add(key);
		if (!this.place(e, source) && !e.manual) {
			this.addrs.delete(key);
			return false;
		}
		this.scheduleSave();
		return true;
	}

	/**
	 * Puts an entry into the new bucket its source group gives it. A taken slot is given up only
	 * by a terrible occupant, or by one that sits in other buckets too when the newcomer sits in
	 * none (Core's AddSingle).
	 */
	private place(e: Entry, source: string): boolean {
		const bucket = this.newBucket(e, source);
		if (e.buckets.includes(bucket)) return true;
		const key = addressKey(e.host, e.port);
		const slot = bucket * BUCKET_SIZE + this.position(true, bucket, key);
		const occupantKey = this.newTable.slots.get(slot);
		if (occupantKey !== undefined) {
			const occupant = this.addrs.get(occupantKey)!;
			if (occupant.manual || !(this.isTerrible(occupant) || (occupant.buckets.length > 1 && e.buckets.length === 0))) return false;
			this.newTable.clear(slot);
			occupant.buckets = occupant.buckets.filter(b => b !== bucket);
			if (occupant.buckets.length === 0 && !occupant.tried && !occupant.manual) this.addrs.delete(occupantKey);
		}
		this.newTable.put(slot, key);
		e.buckets.push(bucket);
		return true;
	}

	/** Takes an entry out of both tables (not out of the map). */
	private forget(e: Entry): void {
		const key = addressKey(e.host, e.port);
		for (const b of e.buckets) this.newTable.clear(b * BUCKET_SIZE + this.position(true, b, key));
		e.buckets = [];
		if (e.tried) {
			const slot = this.triedSlot(e);
			if (this.triedTable.slots.get(slot) === key) this.triedTable.clear(slot);
			e.tried = false;
		}
	}

	/** Forgets an address entirely (it turned out to be this node). */
	remove(host: string, port: number): void {
		const e = this.addrs.get(addressKey(host, port));
		if (!e) return;
		this.forget(e);
		this.addrs.delete(addressKey(host, port));
		this.manualKeys.delete(addressKey(host, port));
		this.scheduleSave();
	}

	attempt(host: string, port: number): void {
		const a = this.addrs.get(addressKey(host, port));
		if (!a) return;
		a.lastTry = this.now();
		a.attempts++;
	}

	/**
	 * We completed an outbound handshake with it: it moves to the tried table. If its tried slot
	 * is held by another address, that one keeps it unless it has been found bad (connected more
	 * than 4 h ago and failed since, or terrible): then it goes back to the new table. Otherwise
	 * the newcomer stays in new (Core's tried collisions, resolved without the test connection).
	 */
	good(host: string, port: number): void {
		const key = addressKey(host, port);
		const e = this.addrs.get(key);
		if (!e) return;
		const now = this.now();
		e.attempts = 0;
		e.lastSuccess = now;
		e.lastSeen = now;
		e.lastTry = now;
		this.scheduleSave();
		if (e.tried) return;
		const slot = this.triedSlot(e);
		const incumbentKey = this.triedTable.slots.get(slot);
		if (incumbentKey !== undefined) {
			const incumbent = this.addrs.get(incumbentKey)!;
			const bad = this.isTerrible(incumbent) || (now - incumbent.lastSuccess > REPLACEMENT && incumbent.attempts > 0 && incumbent.lastTry > incumbent.lastSuccess);
			if (!bad) {
				if (e.buckets.length === 0) this.place(e, e.source);
				return;
			}
			this.triedTable.clear(slot);
			incumbent.tried = false;
			if (!this.place(incumbent, incumbent.source) && !incumbent.manual) this.addrs.delete(incumbentKey);
		}
		for (const b of e.buckets) this.newTable.clear(b * BUCKET_SIZE + this.position(true, b, key));
		e.buckets = [];
		e.tried = true;
		this.triedTable.put(slot, key);
	}

	/**
	 * An address worth dialling now, never one `skip` rejects, a banned one or one waiting out its
	 * backoff. Manual addresses first (the freshest); then Core's Select: tried or new with even
	 * odds, a random non-empty bucket, a random address in it, taken with Core's chance (lower if
	 * tried in the last 10 minutes or failing), the odds growing 1.2 times with each refusal.
	 */
	select(skip: (a: KnownAddress) => boolean, options: {manualOnly?: boolean} = {}): KnownAddress | null {
		const now = this.now();
		// Connect-only (--connect, Core's -connect) dials its peers again on every round, with no
		// backoff, as Core's ThreadOpenConnections does every 500 ms: they are all it has, and a
		// link that was down for minutes must not keep it apart for minutes more once it is back.
		const waited = (a: Entry) => options.manualOnly || !(a.attempts > 0 && now - a.lastTry < backoff(a.attempts - 1, a.manual));
		const usable = (a: Entry) => !skip(a) && !this.isBanned(a.host, a.port) && waited(a);
		let best: Entry | null = null;
		for (const key of this.manualKeys) {
			const a = this.addrs.get(key);
			if (a && usable(a) && (!best || a.lastSeen > best.lastSeen)) best = a;
		}
		if (best || options.manualOnly) return best;
		let factor = 1;
		for (let i = 0; i < 200; i++) {
			const useTried = !this.triedTable.empty && (this.newTable.empty || this.random() < 0.5);
			const table = useTried ? this.triedTable : this.newTable;
			const key = table.pick(this.random);
			if (key === undefined) return null;
			const a = this.addrs.get(key)!;
			if (usable(a)) {
				let chance = now - a.lastTry < 600 ? 0.01 : 1;
				chance *= 0.66 ** Math.min(a.attempts, 8);
				if (this.random() < factor * chance) return a;
			}
			factor *= 1.2;
		}
		return null;
	}

	/**
	 * Up to `n` addresses chosen at random (never banned or terrible ones), for a getaddr answer
	 * or getnodeaddresses: a random sample, as Core's GetAddr, so the answer says nothing of which
	 * addresses arrived last.
	 */
	sample(n: number): KnownAddress[] {
		const all = [...this.addrs.values()];
		const out: KnownAddress[] = [];
		for (let i = 0; i < all.length && out.length < n; i++) {
			const j = i + Math.floor(this.random() * (all.length - i));
			[all[i], all[j]] = [all[j]!, all[i]!];
			const a = all[i]!;
			if (!this.isBanned(a.host, a.port) && !this.isTerrible(a)) out.push(a);
		}
		return out;
	}

	/**
	 * Bans an address. For an inbound peer on a loopback or private address the port is only the
	 * one it claimed to listen on, which it could choose to name an honest node: such a ban stops
	 * inbound peers claiming that port, never our dialling of it.
	 */
	/** The clock bans are kept by (unix seconds): setban's absolute times are read against it. */
	clock(): number {
		return this.now();
	}

	ban(host: string, port: number, seconds: number, options: {claimedPort?: boolean} = {}): void {
		const key = banKey(host, port);
		this.bans.set(options.claimedPort && key !== host ? `in:${key}` : key, this.now() + seconds);
		this.scheduleSave();
	}

	/** Whether an inbound peer at `host` claiming to listen on `port` is banned. */
	isBannedInbound(host: string, port: number): boolean {
		if (this.isBanned(host, port)) return true;
		const until = this.bans.get(`in:${banKey(host, port)}`);
		return until !== undefined && until > this.now();
	}

	unban(key: string): boolean {
		const had = this.bans.delete(key);
		this.scheduleSave();
		return had;
	}

	isBanned(host: string, port: number): boolean {
		const key = banKey(host, port);
		const until = this.bans.get(key) ?? this.bans.get(host);
		if (until === undefined) return false;
		if (until <= this.now()) {
			this.bans.delete(key);
			return false;
		}
		return true;
	}

	banned(): {key: string; until: number}[] {
		return [...this.bans].filter(([, until]) => until > this.now()).map(([key, until]) => ({key, until}));
	}

	private scheduleSave(): void {
		if (!this.path || this.saveTimer) return;
		this.saveTimer = setTimeout(() => {
			this.saveTimer = undefined;
			// A failed write (disk full) is retried at the next change; it must not end the process.
			this.flush().catch(() => undefined);
		}, 1000);
		this.saveTimer.unref();
	}

	/** Writes peers.json now (temp file + rename). */
	async flush(): Promise<void> {
		if (!this.path) return;
		clearTimeout(this.saveTimer);
		this.saveTimer = undefined;
		const path = this.path;
		// Format 2: both tables. Each address with its table, its new buckets and its source group;
		// the bucket key, so the same addresses land in the same buckets after a restart.
		const body = JSON.stringify({
			version: FORMAT_VERSION,
			key: this.key.toString('hex'),
			addrs: [...this.addrs.values()]
				.filter(a => a.tried || a.buckets.length > 0)
				.map(a => ({host: a.host, port: a.port, services: a.services.toString(), lastSeen: a.lastSeen, lastSuccess: a.lastSuccess, attempts: a.attempts, source: a.source, tried: a.tried, buckets: a.buckets})),
			bans: Object.fromEntries(this.bans),
		});
		this.saving = this.saving.catch(() => undefined).then(async () => {
			await mkdir(dirname(path), {recursive: true});
			const temp = `${path}.tmp`;
			const handle = await open(temp, 'w', 0o644);
			try {
				await handle.writeFile(body);
				await handle.sync();
			} finally {
				await handle.close();
			}
			await rename(temp, path);
		});
		await this.saving;
	}
}

function parseServices(value: unknown): bigint {
	return BigInt(typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : '0');
}
