/** Worker thread: verifies batches of signature checks sent by WorkerVerifier. */
import {parentPort, workerData} from 'node:worker_threads';
import {runSigCheck, type SigCheck} from '../primitives/sign.js';
import {backendByName, type BackendName} from './backends.js';

interface Job {
	readonly id: number;
	readonly checks: readonly SigCheck[];
}

// The backend the main thread chose, by name: a worker never picks a different one.
const backend = backendByName((workerData as {backend?: BackendName} | undefined)?.backend ?? 'noble');

parentPort!.on('message', (job: Job) => {
	let ok = true;
	for (const check of job.checks) {
		if (!runSigCheck(check, backend)) {
			ok = false;
			break;
		}
	}
	parentPort!.postMessage({id: job.id, ok});
});
