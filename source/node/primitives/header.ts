import {Reader} from '../encoding/reader.js';
import {Writer} from '../encoding/writer.js';
import {hashToHex} from '../encoding/hex.js';
import {sha256d} from '../crypto/hash.js';

export const HEADER_SIZE = 80;

/** The 80-byte block header. Treat as immutable: the hash is cached. */
export class Header {
	private cachedHash: Uint8Array | undefined;

	constructor(
		readonly version: number,
		readonly prevHash: Uint8Array,
		readonly merkleRoot: Uint8Array,
		readonly time: number,
		readonly bits: number,
		readonly nonce: number,
		/** The hash when already known (a stored index entry): saves recomputing it. */
		hash?: Uint8Array,
	) {
		this.cachedHash = hash;
	}

	write(w: Writer): void {
		w.i32(this.version).bytes(this.prevHash).bytes(this.merkleRoot).u32(this.time).u32(this.bits).u32(this.nonce);
	}

	static read(r: Reader): Header {
		return new Header(r.i32(), r.hash(), r.hash(), r.u32(), r.u32(), r.u32());
	}

	toRaw(): Uint8Array {
		const w = new Writer(HEADER_SIZE);
		this.write(w);
		return w.finish();
	}

	static fromRaw(data: Uint8Array): Header {
		const r = new Reader(data);
		const header = Header.read(r);
		r.end();
		return header;
	}

	getSize(): number {
		return HEADER_SIZE;
	}

	/** Block hash in internal byte order. */
	hash(): Uint8Array {
		this.cachedHash ??= sha256d(this.toRaw());
		return this.cachedHash;
	}

	hashHex(): string {
		return hashToHex(this.hash());
	}

	toJSON() {
		return {
			hash: this.hashHex(),
			version: this.version,
			previousblockhash: hashToHex(this.prevHash),
			merkleroot: hashToHex(this.merkleRoot),
			time: this.time,
			bits: this.bits.toString(16).padStart(8, '0'),
			nonce: this.nonce,
		};
	}
}
