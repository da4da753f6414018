import {mkdir} from 'node:fs/promises';
import {Level} from 'level';
import {DatadirError} from '../errors.js';

/** LevelDB hands back Node Buffers, whose slice() shares memory; callers get plain views. */
function plain(b: Uint8Array): Uint8Array {
	return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export type BatchOp =
	| {readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array}
	| {readonly type: 'del'; readonly key: Uint8Array};

/** The chain's LevelDB: raw byte keys and values, atomic batches, prefix iteration. */
export class ChainDB {
	private constructor(
		private readonly db: Level<Uint8Array, Uint8Array>,
		readonly path: string,
	) {}

	/** Opens (creating) the database; a lock held by another process becomes a plain DatadirError. */
	static async open(path: string): Promise<ChainDB> {
		await mkdir(path, {recursive: true});
		const db = new Level<Uint8Array, Uint8Array>(path, {keyEncoding: 'view', valueEncoding: 'view'});
		try {
			await db.open();
		} catch (error) {
			const cause = (error as {cause?: {code?: string; message?: string}}).cause;
			if (cause?.code === 'LEVEL_LOCKED') {
				throw new DatadirError(`the datadir ${path} is in use by another chain-tui process (LevelDB lock held); stop it or pick another --datadir`);
			}
			throw new DatadirError(`cannot open the chain database at ${path}: ${cause?.message ?? (error as Error).message}`);
		}
		return new ChainDB(db, path);
	}

	async get(key: Uint8Array): Promise<Uint8Array | undefined> {
		const value = await this.db.get(key);
		return value === undefined ? undefined : plain(value);
	}

	async write(ops: readonly BatchOp[]): Promise<void> {
		if (ops.length > 0) await this.db.batch(ops as BatchOp[]);
	}

	async *entries(range: {gte: Uint8Array; lt: Uint8Array}): AsyncGenerator<[Uint8Array, Uint8Array]> {
		for await (const [key, value] of this.db.iterator(range)) yield [plain(key), plain(value)];
	}

	/** Like entries(), a batch at a time: a million records cost one await per batch, not each. */
	async *entryBatches(range: {gte: Uint8Array; lt: Uint8Array}, size = 1000): AsyncGenerator<[Uint8Array, Uint8Array][]> {
		const iterator = this.db.iterator(range);
		try {
			for (;;) {
				const batch = await iterator.nextv(size);
				if (batch.length === 0) break;
				yield batch.map(([key, value]) => [plain(key), plain(value)]);
			}
		} finally {
			await iterator.close();
		}
	}

	async *keys(range: {gte: Uint8Array; lt: Uint8Array}): AsyncGenerator<Uint8Array> {
		for await (const key of this.db.keys(range)) yield plain(key);
	}

	async clear(range: {gte: Uint8Array; lt: Uint8Array}): Promise<void> {
		await this.db.clear(range);
	}

	async close(): Promise<void> {
		await this.db.close();
	}
}
