import {EncodingError} from '../errors.js';

/**
 * Bounds-checked reader over a byte array. Every read checks that the bytes are there before
 * touching (or allocating for) them, so a hostile length prefix cannot make us allocate.
 */
export class Reader {
	private offset = 0;
	private readonly view: DataView;

	readonly data: Uint8Array;

	constructor(data: Uint8Array) {
		// A plain Uint8Array view, even over a Node Buffer, whose slice() would not copy.
		this.data = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
		this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	}

	get position(): number {
		return this.offset;
	}

	get left(): number {
		return this.data.length - this.offset;
	}

	private need(n: number, what: string): void {
		if (n > this.left) {
			throw new EncodingError(`truncated: ${what} needs ${n} bytes, ${this.left} left`);
		}
	}

	u8(): number {
		this.need(1, 'u8');
		return this.data[this.offset++]!;
	}

	u16(): number {
		this.need(2, 'u16');
		const v = this.view.getUint16(this.offset, true);
		this.offset += 2;
		return v;
	}

	u16be(): number {
		this.need(2, 'u16be');
		const v = this.view.getUint16(this.offset, false);
		this.offset += 2;
		return v;
	}

	u32(): number {
		this.need(4, 'u32');
		const v = this.view.getUint32(this.offset, true);
		this.offset += 4;
		return v;
	}

	i32(): number {
		this.need(4, 'i32');
		const v = this.view.getInt32(this.offset, true);
		this.offset += 4;
		return v;
	}

	u64(): bigint {
		this.need(8, 'u64');
		const v = this.view.getBigUint64(this.offset, true);
		this.offset += 8;
		return v;
	}

	i64(): bigint {
		this.need(8, 'i64');
		const v = this.view.getBigInt64(this.offset, true);
		this.offset += 8;
		return v;
	}

	/** A view of the next n bytes (no copy). */
	bytes(n: number): Uint8Array {
		this.need(n, `${n} bytes`);
		const out = this.data.subarray(this.offset, this.offset + n);
		this.offset += n;
		return out;
	}

	/** A 32-byte hash in internal (little-endian) order, copied so it outlives the input. */
	hash(): Uint8Array {
		return this.bytes(32).slice();
	}

	/** Bitcoin's CompactSize, rejecting non-canonical encodings and values above `max`. */
	varint(max = Number.MAX_SAFE_INTEGER): number {
		const first = this.u8();
		let value: number;
		if (first < 0xfd) {
			value = first;
		} else if (first === 0xfd) {
			value = this.u16();
			if (value < 0xfd) throw new EncodingError('non-canonical CompactSize');
		} else if (first === 0xfe) {
			value = this.u32();
			if (value < 0x10000) throw new EncodingError('non-canonical CompactSize');
		} else {
			const big = this.u64();
			if (big < 0x100000000n) throw new EncodingError('non-canonical CompactSize');
			if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new EncodingError('CompactSize too large');
			value = Number(big);
		}
		if (value > max) throw new EncodingError(`CompactSize ${value} exceeds limit ${max}`);
		return value;
	}

	/** A count of items each at least `minItemSize` bytes: refused if the input cannot hold them. */
	count(minItemSize: number, max = Number.MAX_SAFE_INTEGER): number {
		const n = this.varint(max);
		if (n * minItemSize > this.left) {
			throw new EncodingError(`truncated: ${n} items need at least ${n * minItemSize} bytes, ${this.left} left`);
		}
		return n;
	}

	/** CompactSize length then that many bytes (copied). */
	varBytes(max = this.left): Uint8Array {
		const n = this.varint(max);
		return this.bytes(n).slice();
	}

	/** Throws unless every byte was consumed. */
	end(): void {
		if (this.left !== 0) throw new EncodingError(`${this.left} trailing bytes`);
	}
}
