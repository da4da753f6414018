/**
 * Header hashing: plain @noble/hashes, the JavaScript kernel and the WebAssembly SIMD kernel, in
 * this thread and in mining workers, the kernels taking turns round by round.
 */
import {Worker} from 'node:worker_threads';
import {sha256 as nobleSha256} from '@noble/hashes/sha2.js';
import {sha256d} from '../node/crypto/hash.js';
import {main} from '../node/consensus/networks.js';
import type {KernelName} from '../node/mining/kernels.js';
import {HeaderScanner} from '../node/mining/sha256-kernel.js';
import {SimdScanner} from '../node/mining/simd-kernel.js';
import type {MineJob, WorkerMessage} from '../node/mining/worker.js';
import {compiledUrl} from '../node/util/compiled.js';
import {sideBySide, type Row} from './stats.js';

const header = main.genesis.header.toRaw();
const view = new DataView(header.buffer);

/** A pool of mining workers of one kernel; `run(perWorker)` has each scan that many nonces. */
function workerPool(threads: number, kernel: KernelName) {
	const control = new Int32Array(new SharedArrayBuffer(4));
	const workers = Array.from({length: threads}, () => new Worker(compiledUrl('node/mining/worker.js'), {workerData: {control: control.buffer, kernel}}));
	const run = (perWorker: number) => {
		const id = Atomics.add(control, 0, 1) + 1;
		return Promise.all(
			workers.map(
				(w, i) =>
					new Promise<void>(resolve => {
						const onMessage = (msg: WorkerMessage) => {
							if (msg.id === id && msg.type === 'done') {
								w.off('message', onMessage);
								resolve();
							}
						};
						w.on('message', onMessage);
						const job: MineJob = {id, header, target: '0', start: i * perWorker, count: perWorker, chunk: 100_000};
						w.postMessage(job);
					}),
			),
		).then(() => undefined);
	};
	return {run, close: () => Promise.all(workers.map(w => w.terminate()))};
}

export async function miningBench(rows: {push(...items: Row[]): number}): Promise<string[]> {
	const jsScanner = new HeaderScanner(header, 0n);
	const simdScanner = new SimdScanner(header, 0n);
	simdScanner.scan(0, 1_000_000); // let V8 tier the module up before it is timed
	// The kernels' baseline stays plain @noble/hashes, as the issues that set their targets measured
	// them; the node's own sha256d (OpenSSL through crypto.hash) is its own row.
	const [plainRate, opensslRate, jsRate, simdRate] = await sideBySide(
		[50_000, 50_000, 1_000_000, 4_000_000],
		[
			() => {
				for (let i = 0; i < 50_000; i++) {
					view.setUint32(76, i, true);
					nobleSha256(nobleSha256(header));
				}
			},
			() => {
				for (let i = 0; i < 50_000; i++) {
					view.setUint32(76, i, true);
					sha256d(header);
				}
			},
			() => void jsScanner.scan(0, 1_000_000),
			() => void simdScanner.scan(0, 4_000_000),
		],
	);
	rows.push(['sha256d of an 80-byte header (@noble/hashes)', plainRate!, 'hashes/s']);
	rows.push(['sha256d of an 80-byte header (OpenSSL, crypto.hash: the node\'s)', opensslRate!, 'hashes/s']);
	rows.push(['header scan, JavaScript kernel (this thread)', jsRate!, 'hashes/s']);
	rows.push(['header scan, WebAssembly SIMD kernel (this thread)', simdRate!, 'hashes/s']);

	const workerRates: Record<string, number> = {};
	for (const threads of [1, 2]) {
		const js = workerPool(threads, 'js');
		const simd = workerPool(threads, 'simd');
		await Promise.all([js.run(200_000), simd.run(1_000_000)]); // warm-up: threads started, code tiered up
		const [j, w] = await sideBySide([threads * 2_000_000, threads * 8_000_000], [() => js.run(2_000_000), () => simd.run(8_000_000)]);
		await Promise.all([js.close(), simd.close()]);
		workerRates[`js${threads}`] = j!;
		workerRates[`simd${threads}`] = w!;
		rows.push([`mining workers, JavaScript kernel, ${threads} thread${threads > 1 ? 's' : ''}`, j!, 'hashes/s']);
		rows.push([`mining workers, WebAssembly SIMD kernel, ${threads} thread${threads > 1 ? 's' : ''}`, w!, 'hashes/s']);
	}
	const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
	return [
		`JavaScript kernel / plain @noble/hashes: ${ratio(jsRate!, plainRate!)} (issue 3 asks at least 4x)`,
		`SIMD kernel / JavaScript kernel: ${ratio(simdRate!, jsRate!)} in this thread, ${ratio(workerRates.simd1!, workerRates.js1!)} with 1 worker, ${ratio(workerRates.simd2!, workerRates.js2!)} with 2 (issue 8 asks at least 3x)`,
		`SIMD kernel / plain @noble/hashes: ${ratio(simdRate!, plainRate!)} in this thread, ${ratio(workerRates.simd1!, plainRate!)} with 1 worker (issue 8 asks at least 15x)`,
	];
}
