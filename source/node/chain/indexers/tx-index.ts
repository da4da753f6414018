/** The transaction index: txid -> the block holding it and its place there (getrawtransaction). */
import {hashToHex} from '../../encoding/hex.js';
import {Writer} from '../../encoding/writer.js';
import {StorageError} from '../../errors.js';
import {damaged, sealed, type BatchOp, type ChainDB} from '../chain-db.js';
import {unseal} from '../checksum.js';
import {layout} from '../layout.js';
import type {IndexedBlock, Indexer} from './indexer.js';

export class TxIndex implements Indexer {
	constructor(private readonly db: ChainDB) {}

	connect(b: IndexedBlock, ops: BatchOp[]): void {
		const where = b.entry.hash;
		b.block.txs.forEach((tx, t) => {
			const key = layout.t(tx.hash());
			ops.push(sealed(key, new Writer(36).bytes(where).u32(t).finish()));
		});
	}

	disconnect(b: IndexedBlock, ops: BatchOp[]): void {
		for (let t = b.block.txs.length - 1; t >= 0; t--) ops.push({type: 'del', key: layout.t(b.block.txs[t]!.hash())});
	}

	/** The block hash and position of a confirmed transaction, or null. */
	async locate(txid: Uint8Array): Promise<{block: Uint8Array; index: number} | null> {
		const key = layout.t(txid);
		const value = await this.db.get(key);
		if (!value) return null;
		const raw = unseal(key, value);
		if (raw?.length !== 36) throw new StorageError('corrupt', damaged(this.db.path, `the tx index record of ${hashToHex(txid)}`));
		return {block: raw.subarray(0, 32), index: new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(32, true)};
	}
}
