/** Worker thread: verifies batches of signature checks sent by WorkerVerifier. */
import {parentPort} from 'node:worker_threads';
import {runSigCheck, type SigCheck} from '../primitives/sign.js';

interface Job {
	readonly id: number;
	readonly checks: readonly SigCheck[];
}

parentPort!.on('message', (job: Job) => {
	let ok = true;
	for (const check of job.checks) {
		if (!runSigCheck(check)) {
			ok = false;
			break;
		}
	}
	parentPort!.postMessage({id: job.id, ok});
});
