/**
 * Mining worker thread: scans a nonce range of one header in chunks with the miner's kernel (one
 * instance of it per thread). A shared Int32 holds the
 * current job id, so the miner can abort a scan at the next chunk boundary without a message
 * (this thread's event loop is busy hashing and would not see one).
 */
import {parentPort, workerData} from 'node:worker_threads';
import {createScanner, type KernelName} from './kernels.js';

export interface MineJob {
	readonly id: number;
	readonly header: Uint8Array;
	readonly target: string;
	readonly start: number;
	readonly count: number;
	readonly chunk: number;
}

export type WorkerMessage =
	| {readonly type: 'progress'; readonly id: number; readonly hashes: number}
	| {readonly type: 'found'; readonly id: number; readonly nonce: number; readonly hashes: number}
	| {readonly type: 'done'; readonly id: number; readonly hashes: number};

const current = new Int32Array(workerData.control as SharedArrayBuffer);
const kernel = workerData.kernel as KernelName;

parentPort!.on('message', (job: MineJob) => {
	const scanner = createScanner(kernel, job.header, BigInt(`0x${job.target}`));
	let done = 0;
	while (done < job.count) {
		if (Atomics.load(current, 0) !== job.id) return; // superseded: stop quietly
		const n = Math.min(job.chunk, job.count - done);
		const nonce = scanner.scan((job.start + done) >>> 0, n);
		if (nonce >= 0) {
			const hashes = ((nonce - job.start - done) >>> 0) + 1;
			parentPort!.postMessage({type: 'found', id: job.id, nonce, hashes} satisfies WorkerMessage);
			return;
		}
		done += n;
		parentPort!.postMessage({type: 'progress', id: job.id, hashes: n} satisfies WorkerMessage);
	}
	parentPort!.postMessage({type: 'done', id: job.id, hashes: 0} satisfies WorkerMessage);
});
