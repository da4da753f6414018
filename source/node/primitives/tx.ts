import {Reader} from '../encoding/reader.js';
import {Writer} from '../encoding/writer.js';
import {hashToHex, toHex} from '../encoding/hex.js';
import {sha256d} from '../crypto/hash.js';
import {MAX_SCRIPT_SIZE} from './script.js';

const ZERO_HASH = new Uint8Array(32);

export class OutPoint {
	constructor(
		readonly txid: Uint8Array,
		readonly index: number,
	) {}

	static null(): OutPoint {
		return new OutPoint(ZERO_HASH, 0xffffffff);
	}

	isNull(): boolean {
		return this.index === 0xffffffff && this.txid.every(b => b === 0);
	}

	/** A map key: txid hex (display order) + ':' + index. */
	key(): string {
		return `${hashToHex(this.txid)}:${this.index}`;
	}

	write(w: Writer): void {
		w.bytes(this.txid).u32(this.index);
	}

	static read(r: Reader): OutPoint {
		return new OutPoint(r.hash(), r.u32());
	}

	toJSON() {
		return {txid: hashToHex(this.txid), vout: this.index};
	}
}

export class TxIn {
	constructor(
		readonly prevout: OutPoint,
		readonly script: Uint8Array,
		readonly sequence = 0xffffffff,
	) {}

	write(w: Writer): void {
		this.prevout.write(w);
		w.varBytes(this.script).u32(this.sequence);
	}

	static read(r: Reader): TxIn {
		const prevout = OutPoint.read(r);
		const script = r.varBytes(MAX_SCRIPT_SIZE);
		return new TxIn(prevout, script, r.u32());
	}
}

export class TxOut {
	constructor(
		/** Base units; i64 on the wire, so a hostile peer can send a negative one. */
		readonly value: bigint,
		readonly script: Uint8Array,
	) {}

	write(w: Writer): void {
		w.i64(this.value).varBytes(this.script);
	}

	static read(r: Reader): TxOut {
		const value = r.i64();
		return new TxOut(value, r.varBytes(MAX_SCRIPT_SIZE));
	}
}

/** A legacy (non-segwit) Bitcoin transaction. Treat as immutable: the txid is cached. */
export class Transaction {
	private cachedHash: Uint8Array | undefined;
	private cachedSize: number | undefined;

	constructor(
		readonly version: number,
		readonly inputs: readonly TxIn[],
		readonly outputs: readonly TxOut[],
		readonly locktime = 0,
	) {}

	write(w: Writer): void {
		w.i32(this.version).varint(this.inputs.length);
		for (const input of this.inputs) input.write(w);
		w.varint(this.outputs.length);
		for (const output of this.outputs) output.write(w);
		w.u32(this.locktime);
	}

	static read(r: Reader): Transaction {
		const version = r.i32();
		const inputs: TxIn[] = [];
		const inCount = r.count(41);
		for (let i = 0; i < inCount; i++) inputs.push(TxIn.read(r));
		const outputs: TxOut[] = [];
		const outCount = r.count(9);
		for (let i = 0; i < outCount; i++) outputs.push(TxOut.read(r));
		return new Transaction(version, inputs, outputs, r.u32());
	}

	toRaw(): Uint8Array {
		const w = new Writer(this.cachedSize ?? 256);
		this.write(w);
		return w.finish();
	}

	static fromRaw(data: Uint8Array): Transaction {
		const r = new Reader(data);
		const tx = Transaction.read(r);
		r.end();
		return tx;
	}

	getSize(): number {
		if (this.cachedSize === undefined) this.computeHash();
		return this.cachedSize!;
	}

	private computeHash(): void {
		const raw = this.toRaw();
		this.cachedSize = raw.length;
		this.cachedHash = sha256d(raw);
	}

	/** The txid in internal byte order. */
	hash(): Uint8Array {
		if (this.cachedHash === undefined) this.computeHash();
		return this.cachedHash!;
	}

	/** The txid as shown (reversed hex). */
	txid(): string {
		return hashToHex(this.hash());
	}

	isCoinbase(): boolean {
		return this.inputs.length === 1 && this.inputs[0]!.prevout.isNull();
	}

	/**
	 * Bitcoin Core's decoded shape, less what needs a network (addresses) or a unit (values are
	 * base units as a string): the RPC adds those to it.
	 */
	toJSON() {
		const txid = this.txid();
		return {
			txid,
			hash: txid,
			version: this.version,
			size: this.getSize(),
			locktime: this.locktime,
			vin: this.inputs.map(input =>
				this.isCoinbase()
					? {coinbase: toHex(input.script), sequence: input.sequence}
					: {...input.prevout.toJSON(), scriptSig: {hex: toHex(input.script)}, sequence: input.sequence},
			),
			vout: this.outputs.map((output, n) => ({value: output.value.toString(), n, scriptPubKey: {hex: toHex(output.script)}})),
		};
	}
}
