/** Worker thread: verifies batches of signature checks sent by WorkerVerifier. */
import {parentPort, workerData} from 'node:worker_threads';
import {runSigCheck, type SigCheck} from '../primitives/sign.js';
import {backendByName, nobleBackend, type BackendName, type EcdsaBackend} from './backends.js';

interface Job {
	readonly id: number;
	readonly checks: readonly SigCheck[];
}

const data = workerData as {backend?: BackendName; shared: Int32Array; slot: number};
// The pool's stop word (index 0) and this worker's busy slot, which the pool set before starting
// it: while the slot is 1 the pool neither terminates this thread nor lets the process exit
// (WorkerVerifier explains why).
const {shared, slot} = data;
const stopping = (): boolean => Atomics.load(shared, 0) === 1;
function idle(): void {
	Atomics.store(shared, slot, 0);
	Atomics.notify(shared, slot);
}

// The backend the main thread chose, by name. Should it not load here (it did there), noble gives
// the same answers slower; a worker that threw at start would be respawned without end.
const backend: EcdsaBackend = (() => {
	try {
		return stopping() ? nobleBackend : backendByName(data.backend ?? 'noble');
	} catch {
		return nobleBackend;
	} finally {
		idle();
	}
})();

parentPort!.on('message', (job: Job) => {
	Atomics.store(shared, slot, 1);
	let ok = true;
	try {
		for (const check of job.checks) {
			if (stopping()) return; // the pool is closing: nobody waits for this answer
			if (!runSigCheck(check, backend)) {
				ok = false;
				break;
			}
		}
	} finally {
		idle();
	}
	parentPort!.postMessage({id: job.id, ok});
});
