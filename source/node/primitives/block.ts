import {Reader} from '../encoding/reader.js';
import {Writer} from '../encoding/writer.js';
import {Header} from './header.js';
import {Transaction} from './tx.js';
import {merkleRoot} from './merkle.js';

/** Smallest possible serialised transaction: version, 1 input of 41, 1 output of 9, locktime. */
const MIN_TX_SIZE = 60;

export class Block {
	private cachedSize: number | undefined;

	constructor(
		readonly header: Header,
		readonly txs: readonly Transaction[],
	) {}

	write(w: Writer): void {
		this.header.write(w);
		w.varint(this.txs.length);
		for (const tx of this.txs) tx.write(w);
	}

	static read(r: Reader): Block {
		const header = Header.read(r);
		const count = r.count(MIN_TX_SIZE);
		const txs: Transaction[] = [];
		for (let i = 0; i < count; i++) txs.push(Transaction.read(r));
		return new Block(header, txs);
	}

	toRaw(): Uint8Array {
		const w = new Writer(this.cachedSize ?? 1024);
		this.write(w);
		const raw = w.finish();
		this.cachedSize = raw.length;
		return raw;
	}

	static fromRaw(data: Uint8Array): Block {
		const r = new Reader(data);
		const block = Block.read(r);
		r.end();
		block.cachedSize = data.length;
		return block;
	}

	getSize(): number {
		if (this.cachedSize === undefined) this.toRaw();
		return this.cachedSize!;
	}

	hash(): Uint8Array {
		return this.header.hash();
	}

	hashHex(): string {
		return this.header.hashHex();
	}

	/** The merkle root of this block's transactions and whether the list is CVE-2012-2459 mutated. */
	computeMerkleRoot(): {root: Uint8Array; mutated: boolean} {
		return merkleRoot(this.txs.map(tx => tx.hash()));
	}

	toJSON() {
		return {...this.header.toJSON(), size: this.getSize(), nTx: this.txs.length, tx: this.txs.map(tx => tx.toJSON())};
	}
}
