import {describe, expect, it} from 'vitest';
import {Worker} from 'node:worker_threads';
import {randomBytes} from 'node:crypto';
import {HeaderScanner} from '../../source/node/mining/sha256-kernel.js';
import {sha256d} from '../../source/node/crypto/hash.js';
import {hashToBigInt} from '../../source/node/consensus/pow.js';
import {compiledUrl} from '../../source/node/util/compiled.js';
import {toHex} from '../../source/node/encoding/hex.js';
import type {MineJob, WorkerMessage} from '../../source/node/mining/worker.js';
import {plainScan, withNonce} from '../helpers/nonce-scan.js';

/** The nonces from `from` whose sha256d (by @noble/hashes) meets `target`. */
function plainHits(header: Uint8Array, target: bigint, from: number, count: number): number[] {
	return plainScan(header, from, count, hash => hashToBigInt(hash) <= target);
}

/** Every hit the kernel reports in [from, from + count), by rescanning after each one. */
function kernelScan(scanner: HeaderScanner, from: number, count: number): number[] {
	const found: number[] = [];
	let done = 0;
	while (done < count) {
		const nonce = scanner.scan((from + done) >>> 0, count - done);
		if (nonce < 0) break;
		found.push(nonce);
		done = ((nonce - from) >>> 0) + 1;
	}
	return found;
}

describe('the hand-written SHA-256 kernel', () => {
	it('gives the same digest as @noble/hashes on random headers and nonces', () => {
		for (let i = 0; i < 300; i++) {
			const header = new Uint8Array(randomBytes(80));
			const scanner = new HeaderScanner(header, 0n);
			const nonce = randomBytes(4).readUInt32LE(0);
			expect(toHex(scanner.hash(nonce))).toBe(toHex(sha256d(withNonce(header, nonce))));
		}
	});

	it('finds exactly the nonces a plain scan finds, for loose targets', () => {
		for (const shift of [2n, 5n, 8n]) {
			const header = new Uint8Array(randomBytes(80));
			const target = (1n << 256n) >> shift;
			const scanner = new HeaderScanner(header, target);
			const from = randomBytes(4).readUInt32LE(0);
			expect(kernelScan(scanner, from, 3000)).toEqual(plainHits(header, target, from, 3000));
		}
	});

	it('wraps around at 2^32 and handles targets at the edges', () => {
		const header = new Uint8Array(randomBytes(80));
		const target = (1n << 256n) >> 3n;
		expect(kernelScan(new HeaderScanner(header, target), 0xffffff00, 512)).toEqual(plainHits(header, target, 0xffffff00, 512));
		expect(new HeaderScanner(header, 0n).scan(0, 2000)).toBe(-1);
		expect(new HeaderScanner(header, (1n << 256n) - 1n).scan(77, 10)).toBe(77);
	});
});

describe('the mining worker', () => {
	// Chunks of about 150 ms for either kernel: a chunk must outlast the time this thread takes to
	// see a progress message and answer it, or several could be in flight when the id changes (with
	// 3 ms chunks of the SIMD kernel two were, once, in CI).
	it.each([
		['simd', 1_000_000],
		['js', 250_000],
	] as const)('stops within one chunk when the job id changes, then takes the next job (%s kernel)', async (kernel, chunk) => {
		const control = new Int32Array(new SharedArrayBuffer(4));
		const worker = new Worker(compiledUrl('node/mining/worker.js'), {workerData: {control: control.buffer, kernel}});
		const header = new Uint8Array(randomBytes(80));
		const messages: WorkerMessage[] = [];
		let afterAbort = -1;
		const found = new Promise<WorkerMessage>((resolve, reject) => {
			worker.on('error', reject);
			worker.on('message', (msg: WorkerMessage) => {
				messages.push(msg);
				if (msg.id === 1 && msg.type === 'progress' && afterAbort < 0) {
					// First chunk of job 1 seen: supersede it and queue job 2.
					Atomics.store(control, 0, 2);
					afterAbort = messages.length;
					const next: MineJob = {id: 2, header, target: (((1n << 256n) >> 4n)).toString(16), start: 0, count: 1000, chunk: 100};
					worker.postMessage(next);
				}
				if (msg.id === 2 && msg.type === 'found') resolve(msg);
			});
		});
		Atomics.store(control, 0, 1);
		const impossible: MineJob = {id: 1, header, target: '0', start: 0, count: 2 ** 32, chunk};
		worker.postMessage(impossible);
		const hit = await found;
		await worker.terminate();
		// At most the chunk already under way when the id changed reported after the abort.
		expect(messages.slice(afterAbort).filter(m => m.id === 1).length).toBeLessThanOrEqual(1);
		expect(hit.type).toBe('found');
		if (hit.type === 'found') expect(hashToBigInt(sha256d(withNonce(header, hit.nonce)))).toBeLessThanOrEqual((1n << 256n) >> 4n);
	});
});
