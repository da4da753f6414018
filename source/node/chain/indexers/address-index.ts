/**
 * The address index, for P2PKH addresses: every coin an address received and spent (history)
 * and the ones it holds now (unspent), as the wallet pane and the explorer show them.
 */
import {hashToHex, toHex} from '../../encoding/hex.js';
import {Reader} from '../../encoding/reader.js';
import {Writer} from '../../encoding/writer.js';
import {p2pkhHash} from '../../primitives/script.js';
import {OutPoint} from '../../primitives/tx.js';
import {StorageError} from '../../errors.js';
import {damaged, sealed, type BatchOp, type ChainDB} from '../chain-db.js';
import {unseal} from '../checksum.js';
import {layout} from '../layout.js';
import type {IndexedBlock, Indexer} from './indexer.js';

export interface AddressEvent {
	readonly height: number;
	readonly txid: string;
	/** Output index received, or input index that spent a coin of the address. */
	readonly n: number;
	readonly kind: 'received' | 'spent';
	readonly value: bigint;
}

const RECEIVED = 0;
const SPENT = 1;

/** A put whose value ends in the CRC-32 of key and value (schema version 3). */
const EMPTY = new Uint8Array(0);

export class AddressIndex implements Indexer {
	constructor(private readonly db: ChainDB) {}

	// Per transaction, inputs before outputs: a coin made and spent in one block ends spent.
	connect(b: IndexedBlock, ops: BatchOp[]): void {
		b.block.txs.forEach((tx, t) => {
			const txid = tx.hash();
			const spent = b.spent[t] ?? [];
			spent.forEach((coin, i) => {
				const owner = p2pkhHash(coin.script);
				if (!owner) return;
				const prevout = tx.inputs[i]!.prevout;
				ops.push(
					sealed(layout.A(owner, b.height, txid, i, SPENT), new Writer(8).i64(coin.value).finish()),
					{type: 'del', key: layout.U(owner, prevout.txid, prevout.index)},
				);
			});
			tx.outputs.forEach((output, n) => {
				const owner = p2pkhHash(output.script);
				if (!owner) return;
				ops.push(
					sealed(layout.A(owner, b.height, txid, n, RECEIVED), new Writer(8).i64(output.value).finish()),
					sealed(layout.U(owner, txid, n), EMPTY),
				);
			});
		});
	}

	// The mirror: transactions last to first, outputs before inputs.
	disconnect(b: IndexedBlock, ops: BatchOp[]): void {
		for (let t = b.block.txs.length - 1; t >= 0; t--) {
			const tx = b.block.txs[t]!;
			const txid = tx.hash();
			for (let n = tx.outputs.length - 1; n >= 0; n--) {
				const output = tx.outputs[n]!;
				const owner = p2pkhHash(output.script);
				if (owner) ops.push({type: 'del', key: layout.A(owner, b.height, txid, n, RECEIVED)}, {type: 'del', key: layout.U(owner, txid, n)});
			}
			const spent = b.spent[t] ?? [];
			for (let i = spent.length - 1; i >= 0; i--) {
				const owner = p2pkhHash(spent[i]!.script);
				if (!owner) continue;
				const prevout = tx.inputs[i]!.prevout;
				ops.push({type: 'del', key: layout.A(owner, b.height, txid, i, SPENT)}, sealed(layout.U(owner, prevout.txid, prevout.index), EMPTY));
			}
		}
	}

	/** The outpoints an address holds now (their coins are the chain's to read). */
	async unspent(hash: Uint8Array): Promise<OutPoint[]> {
		const out: OutPoint[] = [];
		for await (const [key, value] of this.db.entries(layout.range('U', hash))) {
			// The value is only the checksum: it covers the key, which is the record here.
			if (key.length !== 57 || unseal(key, value)?.length !== 0) throw new StorageError('corrupt', damaged(this.db.path, `an unspent-coin record of address ${toHex(hash)}`));
			out.push(new OutPoint(key.slice(21, 53), new DataView(key.buffer, key.byteOffset).getUint32(53, false)));
		}
		return out;
	}

	/** Everything an address received and spent on the active chain, oldest first. */
	async history(hash: Uint8Array): Promise<AddressEvent[]> {
		const out: AddressEvent[] = [];
		for await (const [key, value] of this.db.entries(layout.range('A', hash))) {
			const raw = key.length === 62 ? unseal(key, value) : null;
			if (raw?.length !== 8) throw new StorageError('corrupt', damaged(this.db.path, `a history record of address ${toHex(hash)}`));
			const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
			out.push({
				height: view.getUint32(21, false),
				txid: hashToHex(key.subarray(25, 57)),
				n: view.getUint32(57, false),
				kind: key[61] === RECEIVED ? 'received' : 'spent',
				value: new Reader(raw).i64(),
			});
		}
		return out;
	}
}
