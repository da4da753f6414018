/**
 * The miner's hashing kernel: SHA-256 written out by hand for one job shape, double SHA-256 of an
 * 80-byte header, with the first 64 bytes hashed once per job (the midstate) and no allocation in
 * the nonce loop. @noble/hashes stays the hash of record: every candidate is re-hashed with it.
 */

// Int32Array throughout: V8 keeps int32 values unboxed, while Uint32 values over 2^31 become doubles.
const K = new Int32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** One SHA-256 compression of the 16 words in w[0..15] into `state` (w is scratch of 64 words). */
function compress(state: Int32Array, w: Int32Array): void {
	for (let i = 16; i < 64; i++) {
		const x = w[i - 15]!;
		const y = w[i - 2]!;
		const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
		const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
		w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
	}
	let a = state[0]!;
	let b = state[1]!;
	let c = state[2]!;
	let d = state[3]!;
	let e = state[4]!;
	let f = state[5]!;
	let g = state[6]!;
	let h = state[7]!;
	for (let i = 0; i < 64; i++) {
		const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
		const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
		const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
		const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
		h = g;
		g = f;
		f = e;
		e = (d + t1) | 0;
		d = c;
		c = b;
		b = a;
		a = (t1 + t2) | 0;
	}
	state[0] = (state[0]! + a) | 0;
	state[1] = (state[1]! + b) | 0;
	state[2] = (state[2]! + c) | 0;
	state[3] = (state[3]! + d) | 0;
	state[4] = (state[4]! + e) | 0;
	state[5] = (state[5]! + f) | 0;
	state[6] = (state[6]! + g) | 0;
	state[7] = (state[7]! + h) | 0;
}

function readBE(bytes: Uint8Array, at: number): number {
	return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

function bswap(x: number): number {
	return (x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
}

/** The SHA-256 state after the header's first 64 bytes, shared by every nonce of a job. */
export function midstate(header: Uint8Array): Int32Array {
	const w = new Int32Array(64);
	for (let i = 0; i < 16; i++) w[i] = readBE(header, i * 4);
	const mid = Int32Array.from(IV);
	compress(mid, w);
	return mid;
}

/** The target's most significant 32 bits (saturated), for the quick check before the full one. */
export function targetTopWord(target: bigint): number {
	return target >> 224n > 0xffffffffn ? 0xffffffff : Number(target >> 224n);
}

/**
 * Scans nonces for one header. Construct once per job (the midstate is computed here), then call
 * `scan` for successive chunks. The header's nonce field is ignored.
 */
export class HeaderScanner {
	private readonly mid: Int32Array;
	private readonly tail: Int32Array;
	/** Message schedules of the two compressions per nonce; their constant words are set once. */
	private readonly w1 = new Int32Array(64);
	private readonly w2 = new Int32Array(64);
	private readonly state = new Int32Array(8);
	private readonly out = new Int32Array(8);
	/** The target's most significant 32 bits, for the quick check before the full comparison. */
	private readonly targetTop: number;

	constructor(
		header: Uint8Array,
		readonly target: bigint,
	) {
		if (header.length !== 80) throw new RangeError('header must be 80 bytes');
		this.mid = midstate(header);
		this.tail = Int32Array.of(readBE(header, 64), readBE(header, 68), readBE(header, 72));
		// Second block of the header: bytes 64-79 (nonce in word 3), then padding for 80 bytes.
		this.w1.set(this.tail);
		this.w1[4] = 0x80000000 | 0;
		this.w1[15] = 640;
		// The second SHA-256 hashes a 32-byte digest (words 0-7), then padding.
		this.w2[8] = 0x80000000 | 0;
		this.w2[15] = 256;
		this.targetTop = targetTopWord(target);
	}

	/** sha256d of the header with this nonce, as 32 bytes in internal order (what sha256d returns). */
	hash(nonce: number): Uint8Array {
		this.run(nonce >>> 0);
		const bytes = new Uint8Array(32);
		for (let i = 0; i < 8; i++) {
			const v = this.out[i]!;
			bytes[i * 4] = v >>> 24;
			bytes[i * 4 + 1] = (v >>> 16) & 0xff;
			bytes[i * 4 + 2] = (v >>> 8) & 0xff;
			bytes[i * 4 + 3] = v & 0xff;
		}
		return bytes;
	}

	private run(nonce: number): void {
		const w1 = this.w1;
		const w2 = this.w2;
		const s = this.state;
		w1[3] = bswap(nonce);
		s.set(this.mid);
		compress(s, w1);
		for (let i = 0; i < 8; i++) w2[i] = s[i]!;
		this.out.set(IV);
		compress(this.out, w2);
	}

	/**
	 * Tries nonces [from, from + count) (wrapping at 2^32) and returns the first whose hash is at
	 * or below the target, or -1.
	 */
	scan(from: number, count: number): number {
		for (let i = 0; i < count; i++) {
			const nonce = (from + i) >>> 0;
			this.run(nonce);
			// The hash read as a little-endian number: its top word is the byte-swapped last word.
			const top = bswap(this.out[7]!) >>> 0;
			if (top > this.targetTop) continue;
			if (this.meetsTarget()) return nonce;
		}
		return -1;
	}

	private meetsTarget(): boolean {
		let value = 0n;
		for (let i = 7; i >= 0; i--) value = (value << 32n) | BigInt(bswap(this.out[i]!) >>> 0);
		return value <= this.target;
	}
}
