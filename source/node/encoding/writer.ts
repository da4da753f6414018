/** Growable little-endian writer; `finish()` returns exactly the bytes written. */
export class Writer {
	private buf: Uint8Array;
	private view: DataView;
	private offset = 0;

	constructor(initialSize = 256) {
		this.buf = new Uint8Array(initialSize);
		this.view = new DataView(this.buf.buffer);
	}

	private ensure(n: number): void {
		if (this.offset + n <= this.buf.length) return;
		let size = this.buf.length * 2;
		while (size < this.offset + n) size *= 2;
		const next = new Uint8Array(size);
		next.set(this.buf.subarray(0, this.offset));
		this.buf = next;
		this.view = new DataView(next.buffer);
	}

	u8(v: number): this {
		this.ensure(1);
		this.buf[this.offset++] = v & 0xff;
		return this;
	}

	u16(v: number): this {
		this.ensure(2);
		this.view.setUint16(this.offset, v, true);
		this.offset += 2;
		return this;
	}

	u16be(v: number): this {
		this.ensure(2);
		this.view.setUint16(this.offset, v, false);
		this.offset += 2;
		return this;
	}

	u32(v: number): this {
		this.ensure(4);
		this.view.setUint32(this.offset, v >>> 0, true);
		this.offset += 4;
		return this;
	}

	u32be(v: number): this {
		this.ensure(4);
		this.view.setUint32(this.offset, v >>> 0, false);
		this.offset += 4;
		return this;
	}

	i32(v: number): this {
		this.ensure(4);
		this.view.setInt32(this.offset, v | 0, true);
		this.offset += 4;
		return this;
	}

	u64(v: bigint): this {
		this.ensure(8);
		this.view.setBigUint64(this.offset, BigInt.asUintN(64, v), true);
		this.offset += 8;
		return this;
	}

	i64(v: bigint): this {
		this.ensure(8);
		this.view.setBigInt64(this.offset, BigInt.asIntN(64, v), true);
		this.offset += 8;
		return this;
	}

	bytes(b: Uint8Array): this {
		this.ensure(b.length);
		this.buf.set(b, this.offset);
		this.offset += b.length;
		return this;
	}

	varint(n: number): this {
		if (n < 0xfd) return this.u8(n);
		if (n <= 0xffff) return this.u8(0xfd).u16(n);
		if (n <= 0xffffffff) return this.u8(0xfe).u32(n);
		return this.u8(0xff).u64(BigInt(n));
	}

	varBytes(b: Uint8Array): this {
		return this.varint(b.length).bytes(b);
	}

	finish(): Uint8Array {
		return this.buf.slice(0, this.offset);
	}
}

export function varintSize(n: number): number {
	if (n < 0xfd) return 1;
	if (n <= 0xffff) return 3;
	if (n <= 0xffffffff) return 5;
	return 9;
}
