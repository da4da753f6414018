/**
 * The 4-lane WebAssembly SIMD kernel against @noble/hashes: full digests of every lane, the
 * candidate set of its quick check, wrap-around at 2^32, lane boundaries, the fallback.
 */
import {randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {sha256d} from '../../source/node/crypto/hash.js';
import {hashToBigInt} from '../../source/node/consensus/pow.js';
import {toHex} from '../../source/node/encoding/hex.js';
import {SimdScanner, simdSupported} from '../../source/node/mining/simd-kernel.js';
import {chooseKernel, createScanner} from '../../source/node/mining/kernels.js';
import {HeaderScanner} from '../../source/node/mining/sha256-kernel.js';
import {SHA256D_SIMD_WASM} from '../../source/node/mining/sha256d-simd-module.js';
import {plainScan, withNonce} from '../helpers/nonce-scan.js';

/** The hash's top word, read as a little-endian 256-bit number: its last four bytes. */
function topWord(hash: Uint8Array): number {
	return new DataView(hash.buffer, hash.byteOffset).getUint32(28, true);
}

/** Every nonce in [from, from + count) whose hash's top word, by @noble/hashes, is at most `top`. */
function plainCandidates(header: Uint8Array, top: number, from: number, count: number): number[] {
	return plainScan(header, from, count, hash => topWord(hash) <= top);
}

/** A target whose top word is `top` and whose other words are random. */
function targetWithTop(top: number): bigint {
	return (BigInt(top >>> 0) << 224n) | BigInt(`0x${randomBytes(28).toString('hex')}`);
}

const ALL = (1n << 256n) - 1n; // every hash passes

it('runs here: Node 20 has WebAssembly SIMD, and the module is small', () => {
	expect(simdSupported()).toBe(true);
	expect(SHA256D_SIMD_WASM.length).toBeLessThan(8192);
});

describe('the SIMD kernel', () => {
	it('gives the full 32-byte digest of @noble/hashes in every lane, on random headers and nonces', () => {
		for (let i = 0; i < 200; i++) {
			const header = new Uint8Array(randomBytes(80));
			const base = randomBytes(4).readUInt32LE(0);
			const lanes = new SimdScanner(header, ALL).digestLanes(base);
			lanes.forEach((digest, lane) => expect(toHex(digest), `header ${i}, lane ${lane}`).toBe(toHex(sha256d(withNonce(header, base + lane)))));
		}
	});

	it('returns the same candidates as a plain scan, for random loose targets', () => {
		for (let i = 0; i < 12; i++) {
			const header = new Uint8Array(randomBytes(80));
			// Top words from one in two to one in a thousand: candidates in every range.
			const top = Math.floor(2 ** 32 / [2, 3, 10, 50, 200, 1000][i % 6]!);
			const from = randomBytes(4).readUInt32LE(0);
			const count = 1000 + (i % 4); // not always a multiple of four
			const scanner = new SimdScanner(header, targetWithTop(top));
			expect(scanner.candidates(from, count)).toEqual(plainCandidates(header, top, from, count));
		}
	});

	it('finds the nonce a plain scan finds, checking candidates against the full target', () => {
		for (let i = 0; i < 20; i++) {
			const header = new Uint8Array(randomBytes(80));
			// The top word is loose, the full target tight: most candidates fail the full check.
			const target = (1n << 256n) >> BigInt(6 + (i % 5));
			const from = randomBytes(4).readUInt32LE(0);
			const simd = new SimdScanner(header, target).scan(from, 3000);
			const js = new HeaderScanner(header, target).scan(from, 3000);
			expect(simd).toBe(js);
			if (simd >= 0) expect(hashToBigInt(sha256d(withNonce(header, simd)))).toBeLessThanOrEqual(target);
		}
		// A target of zero is never met; the all-ones target is met by the first nonce.
		const header = new Uint8Array(randomBytes(80));
		expect(new SimdScanner(header, 0n).scan(5, 4000)).toBe(-1);
		expect(new SimdScanner(header, ALL).scan(77, 10)).toBe(77);
		// The whole nonce space in one call (the module's counts are 32-bit: 2^32 must not read as 0).
		const half = (1n << 256n) >> 1n;
		expect(new SimdScanner(header, half).scan(0xfffffff0, 2 ** 32)).toBe(new HeaderScanner(header, half).scan(0xfffffff0, 2 ** 32));
	});

	it('wraps around at 2^32, inside one pass of four lanes too', () => {
		const header = new Uint8Array(randomBytes(80));
		const scanner = new SimdScanner(header, ALL);
		expect(scanner.candidates(0xfffffffa, 12)).toEqual([0xfffffffa, 0xfffffffb, 0xfffffffc, 0xfffffffd, 0xfffffffe, 0xffffffff, 0, 1, 2, 3, 4, 5]);
		// One pass from 2^32 - 2: lanes 2 and 3 hash nonces 0 and 1.
		const lanes = scanner.digestLanes(0xfffffffe);
		expect(lanes.map(toHex)).toEqual([0xfffffffe, 0xffffffff, 0, 1].map(n => toHex(sha256d(withNonce(header, n)))));
		const top = 2 ** 31;
		expect(new SimdScanner(header, targetWithTop(top)).candidates(0xffffff00, 512)).toEqual(plainCandidates(header, top, 0xffffff00, 512));
	});

	it('scans exactly the nonces asked for at lane boundaries, and past a full candidate list', () => {
		const header = new Uint8Array(randomBytes(80));
		const scanner = new SimdScanner(header, ALL);
		for (const from of [0, 1, 2, 3, 4, 1001]) {
			for (const count of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
				expect(scanner.candidates(from, count), `from ${from}, count ${count}`).toEqual(Array.from({length: count}, (_, i) => from + i));
			}
		}
		// Every nonce a candidate: far more than the kernel's list holds at once (64).
		expect(scanner.candidates(10, 1000)).toEqual(Array.from({length: 1000}, (_, i) => 10 + i));
	});

	it('keeps jobs apart when scanners take turns on the one instance of a thread', () => {
		const a = new Uint8Array(randomBytes(80));
		const b = new Uint8Array(randomBytes(80));
		const sa = new SimdScanner(a, ALL);
		const sb = new SimdScanner(b, ALL);
		expect(toHex(sa.digest(9))).toBe(toHex(sha256d(withNonce(a, 9))));
		expect(toHex(sb.digest(9))).toBe(toHex(sha256d(withNonce(b, 9))));
		expect(toHex(sa.digest(10))).toBe(toHex(sha256d(withNonce(a, 10))));
	});
});

describe('choosing a kernel', () => {
	it('uses SIMD where it runs and falls back to JavaScript where it does not', () => {
		expect(chooseKernel('auto', true)).toBe('simd');
		expect(chooseKernel('auto', false)).toBe('js');
		expect(chooseKernel('js', true)).toBe('js');
		expect(() => chooseKernel('simd', false)).toThrow(/no WebAssembly SIMD/);
		expect(() => chooseKernel('sse' as never)).toThrow(/unknown mining kernel "sse"/);
		// Detection is WebAssembly.validate of the module itself; a runtime that refuses it, or
		// throws, has no SIMD kernel.
		expect(simdSupported(() => false)).toBe(false);
		expect(simdSupported(() => {
			throw new Error('no WebAssembly');
		})).toBe(false);
		expect(simdSupported(bytes => WebAssembly.validate(bytes))).toBe(true);
	});

	it('builds a scanner of the kernel asked for, and both find the same nonces', () => {
		const header = new Uint8Array(randomBytes(80));
		const target = (1n << 256n) >> 8n;
		const simd = createScanner('simd', header, target);
		const js = createScanner('js', header, target);
		expect(simd).toBeInstanceOf(SimdScanner);
		expect(js).toBeInstanceOf(HeaderScanner);
		expect(simd.scan(0, 5000)).toBe(js.scan(0, 5000));
	});
});
