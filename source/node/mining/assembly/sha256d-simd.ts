/**
 * AssemblyScript source of the 4-lane WebAssembly SIMD mining kernel: double SHA-256 of an 80-byte
 * block header for four nonces at once, one nonce per i32x4 lane. Built by `npm run build:wasm`
 * into ../sha256d-simd-module.ts (base64); `npm run build` and `npm test` check that the committed
 * module is byte-identical to a fresh compile.
 *
 * Per job the host hands over the midstate (SHA-256 state after the header's first 64 bytes) and
 * header words 16-18 (bytes 64-75, big-endian). Per nonce the kernel runs the second compression of
 * the header and the one compression of the second SHA-256, 4-wide. The nonce is the header's
 * little-endian bytes 76-79, so the big-endian message word 19 is its byte swap.
 *
 * Work that does not depend on the nonce is done once per job: rounds 0-2 of the first compression
 * (they read message words 0-2 only) and schedule words 16-17. The second SHA-256 stops after round
 * 60: the quick check needs only the last state word, and h after round 63 is e after round 60.
 *
 * The loops stay rolled: fully unrolled code was measured slower (V8 spills the sixteen vector
 * registers), as was interleaving two sets of four lanes.
 */

// SHA-256 round constants, stored splatted (four copies each) so a round loads a whole vector.
const K: usize = memory.data<u32>([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV: usize = memory.data<u32>([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const K4: usize = memory.data(64 * 16, 16); // K splatted
const W: usize = memory.data(64 * 16, 16); // message schedule, four lanes per word
const MID: usize = memory.data(8 * 16, 16); // midstate, splatted
const R3: usize = memory.data(8 * 16, 16); // state after rounds 0-2 of the first compression
const HEAD: usize = memory.data(3 * 16, 16); // header words 16-18, splatted (schedule words 0-2)
const W16: usize = memory.data(2 * 16, 16); // schedule words 16 and 17 of the first compression
const H1: usize = memory.data(8 * 16, 16); // first SHA-256 of each lane
const OUT: usize = memory.data(8 * 16, 16); // full second digest (debug export only)

/** Room for candidate nonces; a scan stops once fewer than four places are left. */
const CAPACITY: u32 = 64;
const CANDIDATES: usize = memory.data(CAPACITY * 4, 4);
let found: u32 = 0;
let top: v128 = i32x4.splat(0);

@inline function rotr(x: v128, n: i32): v128 {
	return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}

@inline function at(base: usize, i: usize): v128 {
	return v128.load(base + (i << 4));
}

@inline function put(base: usize, i: usize, value: v128): void {
	v128.store(base + (i << 4), value);
}

/** Fills schedule words [from, 64) of W from the words before them. */
@inline function expand(from: usize): void {
	for (let i = from; i < 64; i++) {
		const x = at(W, i - 15);
		const y = at(W, i - 2);
		const s0 = v128.xor(v128.xor(rotr(x, 7), rotr(x, 18)), i32x4.shr_u(x, 3));
		const s1 = v128.xor(v128.xor(rotr(y, 17), rotr(y, 19)), i32x4.shr_u(y, 10));
		put(W, i, i32x4.add(i32x4.add(at(W, i - 16), s0), i32x4.add(at(W, i - 7), s1)));
	}
}

/**
 * Rounds [from, to) of one compression on the state at `state` with schedule W, leaving the working
 * variables at `out` (not yet added to the input state).
 */
@inline function rounds(state: usize, from: usize, to: usize, out: usize): void {
	let a = at(state, 0);
	let b = at(state, 1);
	let c = at(state, 2);
	let d = at(state, 3);
	let e = at(state, 4);
	let f = at(state, 5);
	let g = at(state, 6);
	let h = at(state, 7);
	for (let i = from; i < to; i++) {
		const s1 = v128.xor(v128.xor(rotr(e, 6), rotr(e, 11)), rotr(e, 25));
		const ch = v128.bitselect(f, g, e);
		const t1 = i32x4.add(i32x4.add(i32x4.add(h, s1), i32x4.add(ch, at(K4, i))), at(W, i));
		const s0 = v128.xor(v128.xor(rotr(a, 2), rotr(a, 13)), rotr(a, 22));
		const maj = v128.bitselect(c, a, v128.xor(a, b));
		h = g;
		g = f;
		f = e;
		e = i32x4.add(d, t1);
		d = c;
		c = b;
		b = a;
		a = i32x4.add(t1, i32x4.add(s0, maj));
	}
	put(out, 0, a);
	put(out, 1, b);
	put(out, 2, c);
	put(out, 3, d);
	put(out, 4, e);
	put(out, 5, f);
	put(out, 6, g);
	put(out, 7, h);
}

/** Byte swap of each lane: a big-endian word read as little-endian. */
@inline function bswap(x: v128): v128 {
	return i8x16.shuffle(x, x, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/** Both hashes for nonces base..base+3, up to round `last` of the second; the state is left at OUT. */
@inline function hashFour(base: u32, last: usize): void {
	// First SHA-256, second block: words 16-18 of the header, the nonce, then padding for 80 bytes.
	// (Words 0-2 are restored because the second hash overwrites them; rounds 0-2 are done.)
	const nonces = i32x4.add(i32x4.splat(base), i32x4(0, 1, 2, 3));
	for (let i: usize = 0; i < 3; i++) put(W, i, at(HEAD, i));
	put(W, 3, bswap(nonces));
	for (let i: usize = 5; i < 15; i++) put(W, i, i32x4.splat(0));
	put(W, 4, i32x4.splat(0x80000000));
	put(W, 15, i32x4.splat(640));
	put(W, 16, at(W16, 0));
	put(W, 17, at(W16, 1));
	expand(18);
	rounds(R3, 3, 64, H1);
	for (let i: usize = 0; i < 8; i++) put(W, i, i32x4.add(at(H1, i), at(MID, i)));
	// Second SHA-256 of the 32-byte digest.
	put(W, 8, i32x4.splat(0x80000000));
	for (let i: usize = 9; i < 15; i++) put(W, i, i32x4.splat(0));
	put(W, 15, i32x4.splat(256));
	expand(16);
	for (let i: usize = 0; i < 8; i++) put(H1, i, i32x4.splat(load<u32>(IV + (i << 2))));
	rounds(H1, 0, last, OUT);
}

/**
 * Starts a job: m0-m7 the midstate, t0-t2 header words 16-18 (big-endian), targetTop the target's
 * most significant 32 bits (the quick check passes a hash whose top word is at or below it).
 */
export function setJob(m0: u32, m1: u32, m2: u32, m3: u32, m4: u32, m5: u32, m6: u32, m7: u32, t0: u32, t1: u32, t2: u32, targetTop: u32): void {
	for (let i: usize = 0; i < 64; i++) put(K4, i, i32x4.splat(load<u32>(K + (i << 2))));
	put(MID, 0, i32x4.splat(m0));
	put(MID, 1, i32x4.splat(m1));
	put(MID, 2, i32x4.splat(m2));
	put(MID, 3, i32x4.splat(m3));
	put(MID, 4, i32x4.splat(m4));
	put(MID, 5, i32x4.splat(m5));
	put(MID, 6, i32x4.splat(m6));
	put(MID, 7, i32x4.splat(m7));
	put(HEAD, 0, i32x4.splat(t0));
	put(HEAD, 1, i32x4.splat(t1));
	put(HEAD, 2, i32x4.splat(t2));
	for (let i: usize = 0; i < 3; i++) put(W, i, at(HEAD, i));
	rounds(MID, 0, 3, R3);
	// Words 16 and 17 read words 0-2, 9-10 and 14-15 only: none is the nonce.
	put(W, 15, i32x4.splat(640));
	put(W, 14, i32x4.splat(0));
	put(W, 10, i32x4.splat(0));
	put(W, 9, i32x4.splat(0));
	expand(16);
	put(W16, 0, at(W, 16));
	put(W16, 1, at(W, 17));
	top = i32x4.splat(targetTop);
}

/**
 * Hashes nonces start, start+1, ... (wrapping at 2^32) until `count` are done or the candidate
 * list is nearly full, and returns how many were hashed. Candidates, in nonce order, are the
 * nonces whose hash has a top word (the hash read as a little-endian number) at or below the
 * target's: `candidateCount()` and `candidate(i)` read them.
 */
export function scan(start: u32, count: u32): u32 {
	found = 0;
	let done: u32 = 0;
	while (done < count && found <= CAPACITY - 4) {
		const base = start + done;
		// h after round 63 is e after round 60: four rounds fewer, and word 7 is all the check needs.
		hashFour(base, 61);
		const word7 = i32x4.add(at(OUT, 4), i32x4.splat(0x5be0cd19));
		let mask = i32x4.bitmask(i32x4.le_u(bswap(word7), top));
		const left = count - done;
		if (left < 4) mask &= (1 << left) - 1;
		while (mask != 0) {
			const lane = ctz(mask);
			store<u32>(CANDIDATES + (found << 2), base + <u32>lane);
			found++;
			mask &= mask - 1;
		}
		done += left < 4 ? left : 4;
	}
	return done;
}

export function candidateCount(): u32 {
	return found;
}

export function candidate(i: u32): u32 {
	return load<u32>(CANDIDATES + ((i % CAPACITY) << 2));
}

/**
 * Debug export: the full double SHA-256 of nonces base..base+3; `digestWord(lane, word)` then
 * reads word 0-7 of that lane's digest (big-endian words, as SHA-256 defines them).
 */
export function digestFour(base: u32): void {
	hashFour(base, 64);
	for (let i: usize = 0; i < 8; i++) put(OUT, i, i32x4.add(at(OUT, i), i32x4.splat(load<u32>(IV + (i << 2)))));
}

export function digestWord(lane: u32, word: u32): u32 {
	return load<u32>(OUT + ((word & 7) << 4) + ((lane & 3) << 2));
}
