/**
 * The compact block index: every known header's data in shared typed-array slabs, one small
 * ChainEntry object per header for identity, and an open-addressing hash table from block hash
 * to entry. A Map of full objects cost ~1,800 bytes a header (a node died of heap exhaustion
 * near 2.7M headers); this costs ~185 (see `npm run bench`).
 */
import {randomBytes} from 'node:crypto';
import {sha256d} from '../crypto/hash.js';
import {ChainEntry} from './entry.js';

/** Entries per slab chunk: growing by chunks never copies and wastes at most one chunk. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

// Bytes per entry: hash (internal order), merkle root, chainwork (256-bit big-endian).
const BYTES = 96;
const B_HASH = 0;
const B_MERKLE = 32;
const B_WORK = 64;

// 32-bit fields per entry. Links are entry ids, -1 for none.
const INTS = 11;
export const F_VERSION = 0;
export const F_TIME = 1;
export const F_BITS = 2;
export const F_NONCE = 3;
export const F_HEIGHT = 4;
/** Persisted status in the low byte, memory-only flags above it. */
export const F_FLAGS = 5;
export const F_SEQUENCE = 6;
export const F_PREV = 7;
export const F_FIRST_CHILD = 8;
export const F_NEXT_SIBLING = 9;
/** Block 1 of the entry's branch (the ASERT anchor), -2 until first asked (see blockOne). */
export const F_BLOCK_ONE = 10;

/** Memory-only flag bits in F_FLAGS (above the persisted status byte). */
export const Flag = {
	/** Blocks with data from here back to genesis (ChainEntry.chainData). */
	CHAIN_DATA: 0x100,
	/** A member of the chain's candidate tips (candidates.ts); cleared on removal. */
	CANDIDATE: 0x200,
	/** In the hash table (and so in its parent's child list). */
	INDEXED: 0x400,
} as const;

/** Slots per entry at most before the hash table doubles (load factor 0.7). */
const MAX_LOAD = 0.7;

/** A stored index record: header(80) height(u32 LE) chainwork(32, BE) status(u8). */
export const RAW_ENTRY_SIZE = 117;

export class HeaderTable {
	private readonly bytes: Uint8Array[] = [];
	private readonly ints: Int32Array[] = [];
	private readonly objects: ChainEntry[][] = [];
	private count = 0;
	/** Hash table of entry id + 1 (0 = empty), linear probing. Entries are never removed. */
	private slots = new Int32Array(1 << 10);
	private shift = 32 - 10;
	private indexed = 0;
	/**
	 * The slot comes from the hash's first 4 internal-order bytes (random: PoW zeroes the other
	 * end), mixed with a per-table secret so a peer cannot aim many headers at one slot run.
	 */
	private readonly seed = randomBytes(4).readInt32LE(0);
	/** This table's ChainEntry class: `table` on its prototype keeps it out of every entry. */
	private readonly Entry: new (id: number) => ChainEntry;

	constructor() {
		const Entry = class extends ChainEntry {};
		Object.defineProperty(Entry.prototype, 'table', {value: this});
		this.Entry = Entry;
	}

	/** Entries allocated (indexed or not). */
	get allocated(): number {
		return this.count;
	}

	/** Entries in the hash table. */
	get size(): number {
		return this.indexed;
	}

	/** The entry with this id. */
	entry(id: number): ChainEntry {
		return this.objects[id >>> CHUNK_BITS]![id & CHUNK_MASK]!;
	}

	// ------------------------------------------------------------ adding

	/**
	 * Allocates an entry (not yet findable by hash: see index()). `prev` links it to its parent but
	 * not into the parent's child list, which index() does.
	 */
	add(
		hash: Uint8Array,
		fields: {version: number; merkleRoot: Uint8Array; time: number; bits: number; nonce: number},
		height: number,
		chainwork: bigint,
		status: number,
		prev: ChainEntry | null,
	): ChainEntry {
		const id = this.allocate();
		const b = this.bytes[id >>> CHUNK_BITS]!;
		const o = (id & CHUNK_MASK) * BYTES;
		b.set(hash.subarray(0, 32), o + B_HASH);
		b.set(fields.merkleRoot.subarray(0, 32), o + B_MERKLE);
		writeWork(b, o + B_WORK, chainwork);
		const v = this.ints[id >>> CHUNK_BITS]!;
		const i = (id & CHUNK_MASK) * INTS;
		v[i + F_VERSION] = fields.version;
		v[i + F_TIME] = fields.time;
		v[i + F_BITS] = fields.bits;
		v[i + F_NONCE] = fields.nonce;
		v[i + F_HEIGHT] = height;
		v[i + F_FLAGS] = status & 0xff;
		v[i + F_PREV] = prev ? prev.id : -1;
		return this.entry(id);
	}

	/**
	 * Allocates an entry from a stored record (layout `e`), copying bytes without building a Header.
	 * `hash` is the record's key: the hash is not recomputed unless missing.
	 */
	addRaw(raw: Uint8Array, hash: Uint8Array = sha256d(raw.subarray(0, 80))): ChainEntry {
		if (raw.length !== RAW_ENTRY_SIZE) throw new RangeError(`index record of ${raw.length} bytes, not ${RAW_ENTRY_SIZE}`);
		const id = this.allocate();
		const b = this.bytes[id >>> CHUNK_BITS]!;
		const o = (id & CHUNK_MASK) * BYTES;
		b.set(hash.subarray(0, 32), o + B_HASH);
		b.set(raw.subarray(36, 68), o + B_MERKLE);
		b.set(raw.subarray(84, 116), o + B_WORK);
		const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
		const v = this.ints[id >>> CHUNK_BITS]!;
		const i = (id & CHUNK_MASK) * INTS;
		v[i + F_VERSION] = dv.getInt32(0, true);
		v[i + F_TIME] = dv.getUint32(68, true);
		v[i + F_BITS] = dv.getUint32(72, true);
		v[i + F_NONCE] = dv.getUint32(76, true);
		v[i + F_HEIGHT] = dv.getUint32(80, true);
		v[i + F_FLAGS] = raw[116]!;
		v[i + F_PREV] = -1;
		return this.entry(id);
	}

	private allocate(): number {
		const id = this.count++;
		const chunk = id >>> CHUNK_BITS;
		if (chunk === this.bytes.length) {
			this.bytes.push(new Uint8Array(CHUNK * BYTES));
			this.ints.push(new Int32Array(CHUNK * INTS));
			this.objects.push(new Array<ChainEntry>(CHUNK));
		}
		const v = this.ints[chunk]!;
		const i = (id & CHUNK_MASK) * INTS;
		v[i + F_FIRST_CHILD] = -1;
		v[i + F_NEXT_SIBLING] = -1;
		v[i + F_BLOCK_ONE] = -2;
		this.objects[chunk]![id & CHUNK_MASK] = new this.Entry(id);
		return id;
	}

	/**
	 * Makes `entry` findable by its hash and puts it in its parent's child list. Returns false
	 * (doing nothing) if an entry with that hash is already indexed.
	 */
	index(entry: ChainEntry): boolean {
		const id = entry.id;
		if (this.int(id, F_FLAGS) & Flag.INDEXED) return true;
		if ((this.indexed + 1) > this.slots.length * MAX_LOAD) this.grow();
		const o = (id & CHUNK_MASK) * BYTES;
		const b = this.bytes[id >>> CHUNK_BITS]!;
		const mask = this.slots.length - 1;
		for (let s = this.slotOf(b, o); ; s = (s + 1) & mask) {
			const at = this.slots[s]!;
			if (at === 0) {
				this.slots[s] = id + 1;
				break;
			}
			if (this.hashEquals(at - 1, b, o)) return false;
		}
		this.indexed++;
		this.setFlag(id, Flag.INDEXED, true);
		const prev = this.int(id, F_PREV);
		if (prev >= 0) this.pushChild(prev, id);
		return true;
	}

	private grow(): void {
		const old = this.slots;
		this.slots = new Int32Array(old.length * 2);
		this.shift--;
		const mask = this.slots.length - 1;
		for (const at of old) {
			if (at === 0) continue;
			const id = at - 1;
			let s = this.slotOf(this.bytes[id >>> CHUNK_BITS]!, (id & CHUNK_MASK) * BYTES);
			while (this.slots[s] !== 0) s = (s + 1) & mask;
			this.slots[s] = at;
		}
	}

	private slotOf(b: Uint8Array, o: number): number {
		const key = b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
		// Fibonacci hashing: the multiply spreads the seeded key over the top bits.
		return Math.imul(key ^ this.seed, 0x9e3779b1) >>> this.shift;
	}

	private hashEquals(id: number, b: Uint8Array, o: number): boolean {
		const mine = this.bytes[id >>> CHUNK_BITS]!;
		const m = (id & CHUNK_MASK) * BYTES + B_HASH;
		for (let k = 0; k < 32; k++) if (mine[m + k] !== b[o + k]) return false;
		return true;
	}

	// ------------------------------------------------------------ lookups

	/** The indexed entry with this hash (internal byte order), if any. */
	get(hash: Uint8Array): ChainEntry | undefined {
		if (hash.length !== 32) return undefined;
		const mask = this.slots.length - 1;
		for (let s = this.slotOf(hash, 0); ; s = (s + 1) & mask) {
			const at = this.slots[s]!;
			if (at === 0) return undefined;
			if (this.hashEquals(at - 1, hash, 0)) return this.entry(at - 1);
		}
	}

	// ------------------------------------------------------------ fields (ChainEntry's getters)

	int(id: number, field: number): number {
		return this.ints[id >>> CHUNK_BITS]![(id & CHUNK_MASK) * INTS + field]!;
	}

	setInt(id: number, field: number, value: number): void {
		this.ints[id >>> CHUNK_BITS]![(id & CHUNK_MASK) * INTS + field] = value;
	}

	flag(id: number, flag: number): boolean {
		return (this.int(id, F_FLAGS) & flag) !== 0;
	}

	setFlag(id: number, flag: number, on: boolean): void {
		const v = this.int(id, F_FLAGS);
		this.setInt(id, F_FLAGS, on ? v | flag : v & ~flag);
	}

	/** A fresh copy of the hash (callers keep it in messages and keys). */
	hash(id: number): Uint8Array {
		const o = (id & CHUNK_MASK) * BYTES + B_HASH;
		return this.bytes[id >>> CHUNK_BITS]!.slice(o, o + 32);
	}

	merkleRoot(id: number): Uint8Array {
		const o = (id & CHUNK_MASK) * BYTES + B_MERKLE;
		return this.bytes[id >>> CHUNK_BITS]!.slice(o, o + 32);
	}

	chainwork(id: number): bigint {
		const b = this.bytes[id >>> CHUNK_BITS]!;
		const o = (id & CHUNK_MASK) * BYTES + B_WORK;
		const dv = new DataView(b.buffer, b.byteOffset + o, 32);
		return (dv.getBigUint64(0) << 192n) | (dv.getBigUint64(8) << 128n) | (dv.getBigUint64(16) << 64n) | dv.getBigUint64(24);
	}

	/** The chainwork bytes (big-endian) into `out` at `at`, for the stored record. */
	copyWork(id: number, out: Uint8Array, at: number): void {
		const o = (id & CHUNK_MASK) * BYTES + B_WORK;
		out.set(this.bytes[id >>> CHUNK_BITS]!.subarray(o, o + 32), at);
	}

	/**
	 * Sets `id`'s parent, moving it between child lists if it is indexed (a loader links entries
	 * after reading them all).
	 */
	setPrev(id: number, prev: number): void {
		const old = this.int(id, F_PREV);
		if (old === prev) return;
		const indexed = this.flag(id, Flag.INDEXED);
		if (indexed && old >= 0) this.removeChild(old, id);
		this.setInt(id, F_PREV, prev);
		if (indexed && prev >= 0) this.pushChild(prev, id);
	}

	/**
	 * The id of block 1 on `id`'s branch (-1 for genesis): main's difficulty anchor. Remembered
	 * per entry, so a header on a long branch of headers costs O(1), not a walk back to the active
	 * chain (which made a header sync quadratic); the first call after a load walks once.
	 */
	blockOne(id: number): number {
		let e = id;
		let found = -1;
		for (;;) {
			const height = this.int(e, F_HEIGHT);
			if (height === 0) break;
			if (height === 1) {
				found = e;
				break;
			}
			const known = this.int(e, F_BLOCK_ONE);
			if (known !== -2) {
				found = known;
				break;
			}
			const prev = this.int(e, F_PREV);
			if (prev < 0) throw new Error(`entry ${id} at height ${this.int(id, F_HEIGHT)} has no parent in memory`);
			e = prev;
		}
		// Fill in what was walked, so the next call stops at once.
		for (let w = id; w !== e && w >= 0; w = this.int(w, F_PREV)) this.setInt(w, F_BLOCK_ONE, found);
		return found;
	}

	/** Children are kept newest first (O(1) to add); children() reverses to arrival order. */
	private pushChild(parent: number, child: number): void {
		this.setInt(child, F_NEXT_SIBLING, this.int(parent, F_FIRST_CHILD));
		this.setInt(parent, F_FIRST_CHILD, child);
	}

	private removeChild(parent: number, child: number): void {
		let at = this.int(parent, F_FIRST_CHILD);
		if (at === child) {
			this.setInt(parent, F_FIRST_CHILD, this.int(child, F_NEXT_SIBLING));
		} else {
			while (at >= 0) {
				const next = this.int(at, F_NEXT_SIBLING);
				if (next === child) {
					this.setInt(at, F_NEXT_SIBLING, this.int(child, F_NEXT_SIBLING));
					break;
				}
				at = next;
			}
		}
		this.setInt(child, F_NEXT_SIBLING, -1);
	}

	/** The children of `id` in the order they were indexed. */
	children(id: number): ChainEntry[] {
		const out: ChainEntry[] = [];
		for (let c = this.int(id, F_FIRST_CHILD); c >= 0; c = this.int(c, F_NEXT_SIBLING)) out.push(this.entry(c));
		return out.reverse();
	}

	hasChildren(id: number): boolean {
		return this.int(id, F_FIRST_CHILD) >= 0;
	}
}

function writeWork(b: Uint8Array, o: number, work: bigint): void {
	if (work < 0n || work >= 1n << 256n) throw new RangeError('chainwork out of range');
	const dv = new DataView(b.buffer, b.byteOffset + o, 32);
	dv.setBigUint64(0, (work >> 192n) & 0xffffffffffffffffn);
	dv.setBigUint64(8, (work >> 128n) & 0xffffffffffffffffn);
	dv.setBigUint64(16, (work >> 64n) & 0xffffffffffffffffn);
	dv.setBigUint64(24, work & 0xffffffffffffffffn);
}
