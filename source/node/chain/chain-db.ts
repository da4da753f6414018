import {seal} from './checksum.js';
import {mkdir, stat} from 'node:fs/promises';
import {Level} from 'level';
import {DatadirError, StorageError} from '../errors.js';
import {DiskSpace, formatBytes, type DiskSpaceOptions} from '../util/disk-space.js';

/** LevelDB hands back Node Buffers, whose slice() shares memory; callers get plain views. */
function plain(b: Uint8Array): Uint8Array {
	return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export type BatchOp =
	| {readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array}
	| {readonly type: 'del'; readonly key: Uint8Array};

/** A put of a record that carries a checksum of its key and value (checksum.ts; which records: layout.ts). */
export function sealed(key: Uint8Array, value: Uint8Array): BatchOp {
	return {type: 'put', key, value: seal(key, value)};
}

export interface StorageOptions extends DiskSpaceOptions {
	/** Test hook: runs before each batch is written; what it throws counts as a failed write. */
	readonly beforeWrite?: (ops: readonly BatchOp[]) => void | Promise<void>;
}

/** What the user reads when a record or the database itself is damaged. */
export function damaged(path: string, what: string): string {
	return `${what} in the database is damaged: run with --reindex, or delete ${path} and resync`;
}

/** The same for the database as a whole (LevelDB itself cannot read a table or its log). */
export function damagedDatabase(path: string, detail: string): string {
	return `the chain database at ${path} is damaged (${detail}): run with --reindex, or delete ${path} and resync`;
}

/** `level`'s Level is classic-level's ClassicLevel, whose static repair its types leave out. */
const repairDb = (path: string) => (Level as unknown as {repair(location: string): Promise<void>}).repair(path);

const levelCode = (error: unknown): string | undefined => {
	const e = error as {code?: string; cause?: {code?: string}};
	return e.cause?.code ?? e.code;
};
const levelMessage = (error: unknown): string => (error as {cause?: {message?: string}}).cause?.message ?? (error as Error).message;

/**
 * The chain's LevelDB: raw byte keys and values, atomic batches, prefix iteration. A read LevelDB
 * fails (a damaged table) is a StorageError 'corrupt'. Free space is checked before each batch;
 * the first write that fails or would leave less than the margin puts the database in a failed
 * state: that batch and every later one refuse with the same StorageError (batches are atomic, so
 * nothing is half-written), and `onFatal` hears of it once.
 */
export class ChainDB {
	private failure: StorageError | null = null;
	/** Told once, when the database enters the failed state. */
	onFatal: ((error: StorageError) => void) | null = null;

	private constructor(
		private readonly db: Level<Uint8Array, Uint8Array>,
		readonly path: string,
		private readonly space: DiskSpace,
		private readonly beforeWrite: StorageOptions['beforeWrite'],
	) {}

	/**
	 * Opens (creating) the database; a lock held by another process becomes a plain DatadirError,
	 * a damaged database and a disk under the free-space margin a plain StorageError.
	 */
	static async open(path: string, storage: StorageOptions = {}): Promise<ChainDB> {
		await mkdir(path, {recursive: true});
		const space = new DiskSpace(path, storage);
		if (space.minFree > 0) {
			const free = await space.free();
			if (free < space.minFree) {
				throw new StorageError('disk-full', `disk full: ${formatBytes(free)} free on the disk of ${path}, under the ${formatBytes(space.minFree)} the node keeps free; free some space and start again`);
			}
		}
		const db = new Level<Uint8Array, Uint8Array>(path, {keyEncoding: 'view', valueEncoding: 'view'});
		try {
			await db.open();
		} catch (error) {
			const code = levelCode(error);
			if (code === 'LEVEL_LOCKED') {
				throw new DatadirError(`the datadir ${path} is in use by another chain-tui process (LevelDB lock held); stop it or pick another --datadir`);
			}
			if (code === 'LEVEL_CORRUPTION') throw new StorageError('corrupt', damagedDatabase(path, levelMessage(error)));
			throw new DatadirError(`cannot open the chain database at ${path}: ${levelMessage(error)}`);
		}
		return new ChainDB(db, path, space, storage.beforeWrite);
	}

	/**
	 * LevelDB's RepairDB: keeps what every table and log still holds, drops what it cannot read.
	 * Takes no lock, so first makes sure no other process has the database open.
	 */
	static async repair(path: string): Promise<void> {
		const exists = await stat(path).then(
			s => s.isDirectory(),
			() => false,
		);
		if (!exists) return;
		const probe = new Level<Uint8Array, Uint8Array>(path, {keyEncoding: 'view', valueEncoding: 'view'});
		try {
			await probe.open();
			await probe.close();
		} catch (error) {
			if (levelCode(error) === 'LEVEL_LOCKED') {
				throw new DatadirError(`the datadir ${path} is in use by another chain-tui process (LevelDB lock held); stop it or pick another --datadir`);
			}
			// Anything else is what the repair is for.
		}
		try {
			await repairDb(path);
		} catch (error) {
			throw new StorageError('corrupt', `the chain database at ${path} is damaged beyond repair (${levelMessage(error)}): delete ${path} and resync`);
		}
	}

	/** The error every write refuses with once one failed, or null. */
	get failed(): StorageError | null {
		return this.failure;
	}

	private readFailed(error: unknown): StorageError {
		if (error instanceof StorageError) return error;
		return new StorageError('corrupt', damagedDatabase(this.path, levelMessage(error)));
	}

	async get(key: Uint8Array): Promise<Uint8Array | undefined> {
		let value: Uint8Array | undefined;
		try {
			value = await this.db.get(key);
		} catch (error) {
			throw this.readFailed(error);
		}
		return value === undefined ? undefined : plain(value);
	}

	/** Several values in one call to LevelDB (one trip to its thread instead of one a key). */
	async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
		if (keys.length === 0) return [];
		let values: (Uint8Array | undefined)[];
		try {
			values = await this.db.getMany(keys as Uint8Array[]);
		} catch (error) {
			throw this.readFailed(error);
		}
		return values.map(value => (value === undefined ? undefined : plain(value)));
	}

	async write(ops: readonly BatchOp[]): Promise<void> {
		if (this.failure) throw this.failure;
		if (ops.length === 0) return;
		let bytes = 0;
		for (const op of ops) bytes += op.key.length + (op.type === 'put' ? op.value.length : 0);
		let failure: StorageError;
		try {
			if (await this.space.allows(bytes)) {
				await this.beforeWrite?.(ops);
				await this.db.batch(ops as BatchOp[]);
				return;
			}
			failure = new StorageError(
				'disk-full',
				`disk full: under ${formatBytes(this.space.minFree)} free on the disk of ${this.path}; the node stopped writing (nothing is lost: free some space and start again)`,
			);
		} catch (error) {
			failure = await this.classify(error);
		}
		this.failure = failure;
		this.onFatal?.(failure);
		throw failure;
	}

	/** ENOSPC, or a failed write with the disk (nearly) full, is 'disk-full'; anything else 'write-failed'. */
	private async classify(error: unknown): Promise<StorageError> {
		const reason = levelMessage(error);
		let full = (error as {code?: string}).code === 'ENOSPC' || levelCode(error) === 'ENOSPC';
		if (!full) {
			// LevelDB reports ENOSPC as an IO error with text only: the free space decides.
			const free = await this.space.free().catch(() => Infinity);
			full = free < Math.max(this.space.minFree, 1024 * 1024);
		}
		if (full) return new StorageError('disk-full', `disk full: writing to ${this.path} failed (${reason}); the node stopped (nothing is lost: free some space and start again)`);
		return new StorageError('write-failed', `writing to the chain database at ${this.path} failed (${reason}); the node stopped (nothing is lost: the last complete write stands)`);
	}

	async *entries(range: {gte: Uint8Array; lt: Uint8Array}): AsyncGenerator<[Uint8Array, Uint8Array]> {
		try {
			for await (const [key, value] of this.db.iterator(range)) yield [plain(key), plain(value)];
		} catch (error) {
			throw this.readFailed(error);
		}
	}

	/** Like entries(), a batch at a time: a million records cost one await per batch, not each. */
	async *entryBatches(range: {gte: Uint8Array; lt: Uint8Array}, size = 1000): AsyncGenerator<[Uint8Array, Uint8Array][]> {
		const iterator = this.db.iterator(range);
		try {
			for (;;) {
				let batch: [Uint8Array, Uint8Array][];
				try {
					batch = await iterator.nextv(size);
				} catch (error) {
					throw this.readFailed(error);
				}
				if (batch.length === 0) break;
				yield batch.map(([key, value]) => [plain(key), plain(value)]);
			}
		} finally {
			await iterator.close().catch(() => undefined);
		}
	}

	async *keys(range: {gte: Uint8Array; lt: Uint8Array}): AsyncGenerator<Uint8Array> {
		try {
			for await (const key of this.db.keys(range)) yield plain(key);
		} catch (error) {
			throw this.readFailed(error);
		}
	}

	async clear(range: {gte: Uint8Array; lt: Uint8Array}): Promise<void> {
		if (this.failure) throw this.failure;
		try {
			await this.db.clear(range);
		} catch (error) {
			const failure = await this.classify(error);
			this.failure = failure;
			this.onFatal?.(failure);
			throw failure;
		}
	}

	async close(): Promise<void> {
		await this.db.close();
	}
}
