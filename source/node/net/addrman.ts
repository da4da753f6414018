/**
 * The address manager: peers we know of, keyed by ip:port (so several nodes on one machine are
 * several entries), learned from --peer, addr gossip and inbound peers' advertised ports; plus the
 * ban list. Both are kept in the datadir (peers.json), written atomically and debounced.
 */
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
}

const MAX_ADDRESSES = 10_000;
/** Seconds before retrying an address that failed `attempts` times: 5, 10, 20 … capped at 10 min. */
function backoff(attempts: number): number {
	return Math.min(600, 5 * 2 ** Math.min(attempts, 10));
}

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

export class AddrMan {
	private readonly addrs = new Map<string, KnownAddress>();
	private readonly bans = new Map<string, number>();
	private saveTimer: NodeJS.Timeout | undefined;
	private saving: Promise<void> = Promise.resolve();

	private constructor(
		private readonly path: string | null,
		private readonly now: () => number,
	) {}

	static async open(path: string | null, now: () => number = () => Math.floor(Date.now() / 1000)): Promise<AddrMan> {
		const man = new AddrMan(path, now);
		if (!path) return man;
		try {
			const data = JSON.parse(await readFile(path, 'utf8')) as {addrs?: unknown[]; bans?: Record<string, number>};
			for (const raw of data.addrs ?? []) {
				const a = raw as Record<string, unknown>;
				if (typeof a.host !== 'string' || typeof a.port !== 'number' || !isRoutableAddress(a.host, a.port)) continue;
				man.addrs.set(addressKey(a.host, a.port), {
					host: a.host,
					port: a.port,
					services: BigInt(typeof a.services === 'string' && /^\d{1,20}$/.test(a.services) ? a.services : '0'),
					lastSeen: Number(a.lastSeen) || 0,
					lastTry: 0,
					attempts: 0,
					lastSuccess: Number(a.lastSuccess) || 0,
					manual: false,
				});
			}
			for (const [key, until] of Object.entries(data.bans ?? {})) if (typeof until === 'number' && until > now()) man.bans.set(key, until);
		} catch {
			// Missing or unreadable: start empty (it is only a cache of what gossip tells us).
		}
		return man;
	}

	get size(): number {
		return this.addrs.size;
	}

	get(host: string, port: number): KnownAddress | undefined {
		return this.addrs.get(addressKey(host, port));
	}

	/** Learns an address; returns true if it was new. */
	add(host: string, port: number, options: {services?: bigint; time?: number; manual?: boolean} = {}): boolean {
		if (!isRoutableAddress(host, port)) return false;
		const key = addressKey(host, port);
		const known = this.addrs.get(key);
		const seen = Math.min(options.time ?? this.now(), this.now());
		if (known) {
			known.lastSeen = Math.max(known.lastSeen, seen);
			if (options.services !== undefined) known.services = options.services;
			if (options.manual) known.manual = true;
			this.scheduleSave();
			return false;
		}
		this.addrs.set(key, {host, port, services: options.services ?? 1n, lastSeen: seen, lastTry: 0, attempts: 0, lastSuccess: 0, manual: options.manual ?? false});
		if (this.addrs.size > MAX_ADDRESSES) this.evictOne();
		this.scheduleSave();
		return true;
	}

	/** Drops the longest-known address that is not manual (Map order is insertion order). */
	private evictOne(): void {
		for (const [key, a] of this.addrs) {
			if (!a.manual) {
				this.addrs.delete(key);
				return;
			}
		}
	}

	attempt(host: string, port: number): void {
		const a = this.get(host, port);
		if (!a) return;
		a.lastTry = this.now();
		a.attempts++;
	}

	good(host: string, port: number): void {
		const a = this.get(host, port);
		if (!a) return;
		a.attempts = 0;
		a.lastSuccess = this.now();
		a.lastSeen = this.now();
		this.scheduleSave();
	}

	/** An address worth dialling now: manual ones first, then the freshest, honouring backoff. */
	select(skip: (a: KnownAddress) => boolean): KnownAddress | null {
		const now = this.now();
		let best: KnownAddress | null = null;
		for (const a of this.addrs.values()) {
			if (skip(a) || this.isBanned(a.host, a.port)) continue;
			if (a.attempts > 0 && now - a.lastTry < backoff(a.attempts - 1)) continue;
			if (!best || (a.manual && !best.manual) || (a.manual === best.manual && a.lastSeen > best.lastSeen)) best = a;
		}
		return best;
	}

	/** Up to `n` addresses for a getaddr answer, freshest first. */
	sample(n: number): KnownAddress[] {
		return [...this.addrs.values()].filter(a => !this.isBanned(a.host, a.port)).sort((a, b) => b.lastSeen - a.lastSeen).slice(0, n);
	}

	/**
	 * Bans an address. For an inbound peer on a loopback or private address the port is only the
	 * one it claimed to listen on, which it could choose to name an honest node: such a ban stops
	 * inbound peers claiming that port, never our dialling of it.
	 */
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
		const body = JSON.stringify({
			addrs: [...this.addrs.values()].map(a => ({host: a.host, port: a.port, services: a.services.toString(), lastSeen: a.lastSeen, lastSuccess: a.lastSuccess})),
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
