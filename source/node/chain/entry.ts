import {Writer} from '../encoding/writer.js';
import {hashToHex} from '../encoding/hex.js';
import {Header} from '../primitives/header.js';
import {blockWork} from '../consensus/pow.js';
import {
	F_BITS,
	F_FLAGS,
	F_HEIGHT,
	F_NONCE,
	F_PREV,
	F_SEQUENCE,
	F_TIME,
	F_VERSION,
	Flag,
	RAW_ENTRY_SIZE,
	type HeaderTable,
} from './header-table.js';

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

const ZERO_HASH = new Uint8Array(32);

/**
 * One block index entry: a header with its place in the tree, kept in memory for every block.
 * The object only gives the entry its identity (callers compare entries and key Maps by them);
 * its data lives in its table's slabs (header-table.ts), and `hash`, `hashHex` and `header` are
 * built on each call: keep them while needed, not in long-lived structures per entry.
 */
export class ChainEntry {
	/**
	 * The table holding the entry's data. Not a field: each table makes its own subclass with the
	 * table on the prototype (HeaderTable's constructor), so an entry object holds nothing but
	 * its id (32 bytes of heap instead of 40).
	 */
	declare readonly table: HeaderTable;

	constructor(
		/** Its slot in the table. */
		readonly id: number,
	) {}

	/** A new entry in `prev`'s table (not indexed: HeaderTable.index does that). */
	static child(header: Header, prev: ChainEntry): ChainEntry {
		const work = prev.chainwork + blockWork(header.bits);
		return prev.table.add(header.hash(), header, prev.height + 1, work, 0, prev);
	}

	/** A genesis entry in `table` (not indexed). */
	static genesis(table: HeaderTable, header: Header, status: number): ChainEntry {
		return table.add(header.hash(), header, 0, blockWork(header.bits), status, null);
	}

	/** A stored record (layout `e`) into `table`, not indexed nor linked to its parent. */
	static fromRaw(data: Uint8Array, table: HeaderTable, hash?: Uint8Array): ChainEntry {
		return table.addRaw(data, hash);
	}

	/** Block hash in internal byte order (a fresh copy). */
	get hash(): Uint8Array {
		return this.table.hash(this.id);
	}

	get hashHex(): string {
		return hashToHex(this.table.hash(this.id));
	}

	/** The header, rebuilt; its prevHash comes from the parent, so the entry must be linked. */
	get header(): Header {
		const t = this.table;
		const id = this.id;
		const prev = this.prev;
		if (!prev && this.height !== 0) throw new Error(`entry ${this.hashHex} is not linked to its parent`);
		return new Header(
			t.int(id, F_VERSION),
			prev ? prev.hash : ZERO_HASH.slice(),
			t.merkleRoot(id),
			t.int(id, F_TIME) >>> 0,
			t.int(id, F_BITS) >>> 0,
			t.int(id, F_NONCE) >>> 0,
			t.hash(id),
		);
	}

	get height(): number {
		return this.table.int(this.id, F_HEIGHT);
	}

	get chainwork(): bigint {
		return this.table.chainwork(this.id);
	}

	get time(): number {
		return this.table.int(this.id, F_TIME) >>> 0;
	}

	get bits(): number {
		return this.table.int(this.id, F_BITS) >>> 0;
	}

	/** Persisted status bits (Status). */
	get status(): number {
		return this.table.int(this.id, F_FLAGS) & 0xff;
	}

	set status(value: number) {
		const flags = this.table.int(this.id, F_FLAGS);
		this.table.setInt(this.id, F_FLAGS, (flags & ~0xff) | (value & 0xff));
	}

	get prev(): ChainEntry | null {
		const p = this.table.int(this.id, F_PREV);
		return p < 0 ? null : this.table.entry(p);
	}

	set prev(prev: ChainEntry | null) {
		if (prev && prev.table !== this.table) throw new Error('entries of different tables');
		this.table.setPrev(this.id, prev ? prev.id : -1);
	}

	/**
	 * Known children in the block tree, in arrival order (a fresh array: O(children), so never on
	 * a path a peer can repeat; see hasChildren).
	 */
	get children(): ChainEntry[] {
		return this.table.children(this.id);
	}

	/** Whether any child is known: O(1), however many siblings a peer has made. */
	get hasChildren(): boolean {
		return this.table.hasChildren(this.id);
	}

	/** Blocks with data from here back to genesis: a candidate to become the tip. Memory only. */
	get chainData(): boolean {
		return this.table.flag(this.id, Flag.CHAIN_DATA);
	}

	set chainData(on: boolean) {
		this.table.setFlag(this.id, Flag.CHAIN_DATA, on);
	}

	/**
	 * Order in which the branch became complete (data back to genesis), as Core's nSequenceId:
	 * among equal work the earlier wins. Memory only.
	 */
	get sequence(): number {
		return this.table.int(this.id, F_SEQUENCE);
	}

	set sequence(value: number) {
		this.table.setInt(this.id, F_SEQUENCE, value);
	}

	get hasData(): boolean {
		return (this.status & Status.HAVE_DATA) !== 0;
	}

	get failed(): boolean {
		return (this.status & (Status.FAILED | Status.FAILED_CHILD)) !== 0;
	}

	toRaw(): Uint8Array {
		const w = new Writer(RAW_ENTRY_SIZE);
		this.header.write(w);
		w.u32(this.height);
		const work = new Uint8Array(32);
		this.table.copyWork(this.id, work, 0);
		return w.bytes(work).u8(this.status).finish();
	}
}
