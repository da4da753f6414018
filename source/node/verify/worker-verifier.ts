import {Worker} from 'node:worker_threads';
import type {SigCheck} from '../primitives/sign.js';
import {compiledUrl} from '../util/compiled.js';
import {InlineVerifier, type SigVerifier} from './verifier.js';
import {backendByName, type BackendChoice, type BackendName, type EcdsaBackend} from './backends.js';

/** Below this many checks a batch is verified in one worker rather than split. */
const MIN_SPLIT = 8;

/**
 * A worker is never stopped inside a native call. The secp256k1 addon's prebuilt binary, cut off
 * by worker.terminate() or by the process exiting, throws a C++ exception nothing catches
 * ("terminate called after throwing an instance of 'Napi::Error'", node-addon-api#902) and the
 * whole process aborts. So each worker marks its slot in shared memory while it loads a backend or
 * runs checks, and looks at the stop word before each check; close() and the process's exit set
 * the stop word and wait for every slot to clear (one check, ~70 µs) before workers end.
 */
const STOP = 0;
/** How long close() or exit waits for a worker to put its check down (it takes one check). */
const QUIESCE_MS = 2_000;
const live = new Set<WorkerVerifier>();
process.on('exit', () => {
	for (const verifier of live) verifier.quiesceNow();
});

export interface WorkerVerifierOptions {
	/** The backend each worker loads (default noble; auto picks as chooseBackend does). */
	readonly backend?: BackendChoice;
	/**
	 * Batches of fewer checks run in this thread: below some size a round trip to a worker costs
	 * more than the checks (default 0: every batch goes to the workers).
	 */
	readonly inlineBelow?: number;
}

/**
 * Signature checks in a pool of worker threads, so a block of hundreds of inputs neither blocks
 * the event loop nor uses one core only. Each batch is split across the workers.
 */
export class WorkerVerifier implements SigVerifier {
	readonly backend: EcdsaBackend;
	private readonly inline: InlineVerifier;
	private readonly inlineBelow: number;
	private readonly workers: Worker[] = [];
	private readonly pending = new Map<number, {resolve: (ok: boolean) => void; reject: (e: Error) => void}>();
	private nextId = 1;
	private next = 0;
	private closed = false;
	/** [STOP, busy slot of worker 0, of worker 1, ...]: see QUIESCE_MS. */
	private readonly shared: Int32Array;

	constructor(
		readonly threads: number,
		options: WorkerVerifierOptions = {},
	) {
		if (!Number.isInteger(threads) || threads < 1) throw new RangeError('verifier threads must be a whole number >= 1');
		this.backend = backendByName(options.backend ?? 'noble');
		this.inline = new InlineVerifier(this.backend);
		this.inlineBelow = options.inlineBelow ?? 0;
		this.shared = new Int32Array(new SharedArrayBuffer(4 * (threads + 1)));
		for (let i = 0; i < threads; i++) this.workers.push(this.spawn(i));
		live.add(this);
	}

	private spawn(at: number): Worker {
		// Busy from the start: it is loading its backend.
		Atomics.store(this.shared, at + 1, 1);
		const worker = new Worker(compiledUrl('node/verify/verify-worker.js'), {workerData: {backend: this.backend.name, shared: this.shared, slot: at + 1}});
		worker.on('message', (msg: {id: number; ok: boolean}) => {
			const job = this.pending.get(msg.id);
			this.pending.delete(msg.id);
			this.refWhileBusy();
			job?.resolve(msg.ok);
		});
		worker.on('error', error => this.failAll(error));
		// A worker that dies is replaced, so later checks do not wait on it forever.
		worker.on('exit', () => {
			Atomics.store(this.shared, at + 1, 0); // a thread that is gone is inside nothing
			Atomics.notify(this.shared, at + 1);
			if (this.closed || this.workers[at] !== worker) return;
			this.failAll(new Error('a signature-check thread stopped'));
			this.workers[at] = this.spawn(at);
		});
		worker.unref();
		return worker;
	}

	private failAll(error: Error): void {
		for (const job of this.pending.values()) job.reject(error);
		this.pending.clear();
		this.refWhileBusy();
	}

	/** Idle workers must not keep the process alive; busy ones must, or a pending check is lost. */
	private refWhileBusy(): void {
		const busy = this.pending.size > 0;
		for (const worker of this.workers) {
			if (busy) worker.ref();
			else worker.unref();
		}
	}

	private run(checks: readonly SigCheck[]): Promise<boolean> {
		if (this.closed) return Promise.reject(new Error('verifier is closed'));
		const id = this.nextId++;
		const worker = this.workers[this.next++ % this.workers.length]!;
		return new Promise((resolve, reject) => {
			this.pending.set(id, {resolve, reject});
			if (this.pending.size === 1) this.refWhileBusy();
			worker.postMessage({id, checks});
		});
	}

	async verify(checks: readonly SigCheck[]): Promise<boolean> {
		if (checks.length === 0) return true;
		if (checks.length < this.inlineBelow) {
			if (this.closed) throw new Error('verifier is closed');
			return this.inline.verify(checks);
		}
		const parts = checks.length < MIN_SPLIT ? 1 : Math.min(this.workers.length, checks.length);
		const size = Math.ceil(checks.length / parts);
		const jobs: Promise<boolean>[] = [];
		for (let i = 0; i < checks.length; i += size) jobs.push(this.run(checks.slice(i, i + size)));
		return (await Promise.all(jobs)).every(Boolean);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		Atomics.store(this.shared, STOP, 1);
		this.failAll(new Error('verifier closed'));
		const workers = this.workers.splice(0);
		for (const worker of workers) worker.ref(); // a pending waitAsync keeps no process alive
		const deadline = Date.now() + QUIESCE_MS;
		await Promise.all(
			workers.map(async (worker, at) => {
				while (Atomics.load(this.shared, at + 1) === 1 && Date.now() < deadline) {
					const wait = Atomics.waitAsync(this.shared, at + 1, 1, deadline - Date.now());
					if (wait.async) await wait.value;
				}
				await worker.terminate();
			}),
		);
		live.delete(this);
	}

	/** Workers inside a batch (or loading their backend) now. */
	get busyThreads(): number {
		let busy = 0;
		for (let slot = 1; slot < this.shared.length; slot++) busy += Atomics.load(this.shared, slot);
		return busy;
	}

	/** At process exit: stop the workers and block until none is inside a check. */
	quiesceNow(): void {
		Atomics.store(this.shared, STOP, 1);
		const deadline = Date.now() + QUIESCE_MS;
		for (let slot = 1; slot < this.shared.length; slot++) {
			while (Atomics.load(this.shared, slot) === 1 && Date.now() < deadline) Atomics.wait(this.shared, slot, 1, deadline - Date.now());
		}
	}
}

/**
 * Below this many checks a batch stays in the calling thread (measured: README, "Verifier
 * backends"). A native check costs ~70 µs, about what a round trip to a worker does, so a
 * transaction's few inputs are checked in place; a block's go to the workers, on the other core,
 * while this thread keeps the network and storage going (IBD ~7% faster than all in-thread);
 * noble's 2.5 ms checks always go to the pool.
 */
export const INLINE_BELOW: Record<BackendName, number> = {native: 8, wasm: 2, noble: 0};

/** The node's verifier: `threads` workers running the chosen backend, small batches in-thread. */
export function pooledVerifier(choice: BackendChoice = 'auto', threads = 2, inlineBelow?: number): WorkerVerifier {
	const name = backendByName(choice).name;
	return new WorkerVerifier(threads, {backend: name, inlineBelow: inlineBelow ?? INLINE_BELOW[name]});
}
