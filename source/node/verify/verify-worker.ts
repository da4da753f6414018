/** Worker thread: verifies batches of signature checks sent by WorkerVerifier. */
import {parentPort, workerData} from 'node:worker_threads';
import {runSigCheck, type SigCheck} from '../primitives/sign.js';
import {backendByName, nobleBackend, type BackendName, type EcdsaBackend} from './backends.js';

interface Job {
	readonly id: number;
	readonly checks: readonly SigCheck[];
}

// The backend the main thread chose, by name. Should it not load here (it did there), noble gives
// the same answers slower; a worker that threw at start would be respawned without end.
const backend: EcdsaBackend = (() => {
	try {
		return backendByName((workerData as {backend?: BackendName} | undefined)?.backend ?? 'noble');
	} catch {
		return nobleBackend;
	}
})();

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
