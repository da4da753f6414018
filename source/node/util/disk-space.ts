/**
 * Free space on the disk holding a path, checked against a margin (Bitcoin Core stops under
 * 50 MB). statfs is a system call: the answer is cached and asked again only after `recheckMs`
 * or after `recheckBytes` were written since, whichever comes first.
 */
import {statfs as fsStatfs} from 'node:fs/promises';

export const DEFAULT_MIN_FREE = 50 * 1024 * 1024;

/** What the check needs of fs.statfs's answer (numbers or bigints). */
export interface StatfsResult {
	readonly bavail: number | bigint;
	readonly bsize: number | bigint;
}

export interface DiskSpaceOptions {
	/** Bytes that must stay free (default 50 MB). */
	readonly minFree?: number;
	/** fs.statfs or a stand-in (tests). */
	readonly statfs?: (path: string) => Promise<StatfsResult>;
	readonly recheckMs?: number;
	readonly recheckBytes?: number;
	/** Milliseconds clock (tests). */
	readonly clock?: () => number;
}

export class DiskSpace {
	readonly minFree: number;
	private readonly statfs: (path: string) => Promise<StatfsResult>;
	private readonly recheckMs: number;
	private readonly recheckBytes: number;
	private readonly clock: () => number;
	private checkedAt = -Infinity;
	private writtenSince = 0;
	private lastFree = Infinity;

	constructor(
		readonly path: string,
		options: DiskSpaceOptions = {},
	) {
		this.minFree = options.minFree ?? DEFAULT_MIN_FREE;
		this.statfs = options.statfs ?? (p => fsStatfs(p));
		this.recheckMs = options.recheckMs ?? 1000;
		this.recheckBytes = options.recheckBytes ?? Math.max(1024 * 1024, Math.floor(this.minFree / 4));
		this.clock = options.clock ?? Date.now;
	}

	/** Free bytes for an unprivileged writer, asked now. */
	async free(): Promise<number> {
		const s = await this.statfs(this.path);
		this.lastFree = Number(s.bavail) * Number(s.bsize);
		this.checkedAt = this.clock();
		this.writtenSince = 0;
		return this.lastFree;
	}

	/**
	 * Whether `bytes` more can be written and still leave the margin free. Asks statfs only when
	 * the cached answer is stale; counts the bytes as written.
	 */
	async allows(bytes: number): Promise<boolean> {
		if (this.minFree <= 0) return true;
		const stale = this.clock() - this.checkedAt >= this.recheckMs || this.writtenSince + bytes >= this.recheckBytes;
		if (stale) await this.free();
		this.writtenSince += bytes;
		return this.lastFree - this.writtenSince >= this.minFree;
	}
}

export function formatBytes(n: number): string {
	if (n >= 1024 * 1024) return `${Math.round(n / (1024 * 1024))} MB`;
	if (n >= 1024) return `${Math.round(n / 1024)} kB`;
	return `${n} bytes`;
}
