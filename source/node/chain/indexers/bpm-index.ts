/**
 * The BPM index: heart-rate readings on the active chain by height, each with the address that
 * recorded it (the owner of the coin its transaction's first input spent).
 */
import {equalBytes, hashToHex} from '../../encoding/hex.js';
import {Writer} from '../../encoding/writer.js';
import {p2pkhHash, parseBpm} from '../../primitives/script.js';
import {StorageError} from '../../errors.js';
import {damaged, sealed, type BatchOp, type ChainDB} from '../chain-db.js';
import {unseal} from '../checksum.js';
import {layout} from '../layout.js';
import type {IndexedBlock, Indexer} from './indexer.js';

export interface BpmRecord {
	readonly height: number;
	readonly txid: string;
	readonly address: Uint8Array;
	readonly bpm: number;
}

export class BpmIndex implements Indexer {
	constructor(private readonly db: ChainDB) {}

	connect(b: IndexedBlock, ops: BatchOp[]): void {
		b.block.txs.forEach((tx, t) => {
			const first = b.spent[t]?.[0];
			if (!first) return; // the coinbase records nothing
			const bpm = tx.outputs.map(o => parseBpm(o.script)).find(v => v !== null);
			const owner = p2pkhHash(first.script);
			if (bpm === undefined || bpm === null || !owner) return;
			const key = layout.P(b.height, tx.hash());
			ops.push(sealed(key, new Writer(22).bytes(owner).u16(bpm).finish()));
		});
	}

	disconnect(b: IndexedBlock, ops: BatchOp[]): void {
		for (let t = b.block.txs.length - 1; t >= 0; t--) ops.push({type: 'del', key: layout.P(b.height, b.block.txs[t]!.hash())});
	}

	/** Readings oldest first; only one address's if given. */
	async records(address?: Uint8Array): Promise<BpmRecord[]> {
		const out: BpmRecord[] = [];
		for await (const [key, sealed] of this.db.entries(layout.range('P'))) {
			const value = key.length === 37 ? unseal(key, sealed) : null;
			if (value?.length !== 22) throw new StorageError('corrupt', damaged(this.db.path, `the BPM record of block ${key.length >= 5 ? new DataView(key.buffer, key.byteOffset).getUint32(1, false) : '?'}`));
			const owner = value.slice(0, 20);
			if (address && !equalBytes(owner, address)) continue;
			out.push({
				height: new DataView(key.buffer, key.byteOffset).getUint32(1, false),
				txid: hashToHex(key.subarray(5, 37)),
				address: owner,
				bpm: value[20]! | (value[21]! << 8),
			});
		}
		return out;
	}
}
