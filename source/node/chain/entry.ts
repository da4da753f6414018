import {Reader} from '../encoding/reader.js';
import {Writer} from '../encoding/writer.js';
import {Header} from '../primitives/header.js';
import {blockWork} from '../consensus/pow.js';

/** Block index status bits (persisted). */
export const Status = {
	/** The block body is stored. */
	HAVE_DATA: 1,
	/** The block connected once: fully validated. */
	VALID: 2,
	/** The block itself broke a consensus rule. */
	FAILED: 4,
	/** An ancestor broke a rule. */
	FAILED_CHILD: 8,
} as const;

/** One block index entry: a header with its place in the tree. Kept in memory for every block. */
export class ChainEntry {
	readonly hash: Uint8Array;
	readonly hashHex: string;
	/** Blocks with data from here back to genesis: a candidate to become the tip. Memory only. */
	chainData = false;
	/**
	 * Order in which the branch became complete (data back to genesis), as Core's nSequenceId:
	 * among equal work the earlier wins. Memory only.
	 */
	sequence = 0;
	/** Known children in the block tree. Memory only. */
	readonly children: ChainEntry[] = [];

	constructor(
		readonly header: Header,
		readonly height: number,
		readonly chainwork: bigint,
		public status: number,
		public prev: ChainEntry | null,
	) {
		this.hash = header.hash();
		this.hashHex = header.hashHex();
	}

	static child(header: Header, prev: ChainEntry | null): ChainEntry {
		const height = prev ? prev.height + 1 : 0;
		const work = (prev?.chainwork ?? 0n) + blockWork(header.bits);
		return new ChainEntry(header, height, work, 0, prev);
	}

	get hasData(): boolean {
		return (this.status & Status.HAVE_DATA) !== 0;
	}

	get failed(): boolean {
		return (this.status & (Status.FAILED | Status.FAILED_CHILD)) !== 0;
	}

	get time(): number {
		return this.header.time;
	}

	toRaw(): Uint8Array {
		const w = new Writer(117);
		this.header.write(w);
		w.u32(this.height);
		const work = new Uint8Array(32);
		let v = this.chainwork;
		for (let i = 31; i >= 0; i--) {
			work[i] = Number(v & 0xffn);
			v >>= 8n;
		}
		return w.bytes(work).u8(this.status).finish();
	}

	/** Decodes a stored entry; `prev` is linked by the caller once all entries are loaded. */
	static fromRaw(data: Uint8Array): ChainEntry {
		const r = new Reader(data);
		const header = Header.read(r);
		const height = r.u32();
		let work = 0n;
		for (const b of r.bytes(32)) work = (work << 8n) | BigInt(b);
		const status = r.u8();
		r.end();
		return new ChainEntry(header, height, work, status, null);
	}
}
