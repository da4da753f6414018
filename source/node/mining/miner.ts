/**
 * The CPU miner: hashing in worker threads over disjoint nonce ranges, a new job the moment the
 * tip moves, template refreshes for new mempool transactions at most every few seconds, extra
 * nonce and time rolled when the nonce range runs out. After bcoin's mining/cpuminer.js.
 */
import {EventEmitter} from 'node:events';
import {performance} from 'node:perf_hooks';
import {Worker} from 'node:worker_threads';
import type {Chain} from '../chain/chain.js';
import {checkProofOfWork, difficulty, targetFromBits} from '../consensus/pow.js';
import {minesOnDemand} from '../consensus/networks.js';
import type {Mempool} from '../mempool/mempool.js';
import type {Block} from '../primitives/block.js';
import {compiledUrl} from '../util/compiled.js';
import {VerifyError} from '../errors.js';
import {equalBytes} from '../encoding/hex.js';
import {chooseKernel, createScanner, type KernelChoice, type KernelName} from './kernels.js';
import {expectedSecondsToBlock} from './rate.js';
import {assembleBlock, createTemplate, withNonce, type BlockTemplate} from './template.js';
import type {MineJob, WorkerMessage} from './worker.js';

export interface MinerOptions {
	readonly chain: Chain;
	readonly mempool?: Mempool;
	/** Output script the coinbase pays. */
	readonly payout?: Uint8Array;
	/** Hashing threads (default 1: on two cores the screen and the network keep one). */
	readonly threads?: number;
	/** Nonces per chunk between abort checks (default 50,000: a few tens of ms). */
	readonly chunk?: number;
	/** Seconds since the epoch for block times; injected for tests. */
	readonly now?: () => number;
	/** Milliseconds between template refreshes for new transactions (default 3 s). */
	readonly refreshMs?: number;
	/** Milliseconds between status events (default 1 s). */
	readonly statusMs?: number;
	/** One block per target spacing at most (default: on networks that mine on demand, regtest). */
	readonly pace?: boolean;
	/**
	 * Nonces per job in all before the extra nonce and the time roll (default 2^32). Smaller
	 * values keep block times fresh on slow machines: 2^32 takes ~45 min at 1.5 M hashes/s.
	 */
	readonly rollEvery?: number;
	/** Hashing kernel (default auto: WebAssembly SIMD where the runtime has it, else JavaScript). */
	readonly kernel?: KernelChoice;
}

export interface MinerJobInfo {
	readonly id: number;
	readonly height: number;
	readonly extraNonce: number;
	readonly txs: number;
	readonly time: number;
}

export interface MinerStatus {
	readonly running: boolean;
	readonly threads: number;
	readonly kernel: KernelName;
	/** Hashes since the miner was created. */
	readonly hashes: number;
	/** Hashes per second over the last few seconds. */
	readonly rate: number;
	readonly height: number;
	readonly bits: number;
	/** Target of the pow limit divided by the job's target: 1 at the easiest. */
	readonly difficulty: number;
	readonly blocksFound: number;
	/** Expected seconds to a block at this rate (Infinity when idle). */
	readonly expectedSeconds: number;
	/**
	 * Seconds per block the miner paces itself to (regtest: its blocks take a couple of hashes, so
	 * it waits out the target spacing), or null when it hashes flat out. While paced, `rate` means
	 * little.
	 */
	readonly pacedSeconds: number | null;
}

export interface MinerEvents {
	status: [status: MinerStatus];
	job: [job: MinerJobInfo];
	block: [block: Block];
	error: [error: Error];
}

interface Job {
	readonly id: number;
	readonly template: BlockTemplate;
	readonly block: Block;
	readonly startedAt: number;
	pending: number;
}

const RATE_WINDOW_MS = 5000;
/** Hashes of blocks found here that minedHere() remembers (the most recent). */
const MINED_REMEMBERED = 256;
const NONCE_SPACE = 2 ** 32;

/** Mining asked for where blocks are staked. */
export class MiningRefusedError extends Error {
	override readonly name = 'MiningRefusedError';
	readonly code = 'staked-network';
}

export class Miner extends EventEmitter<MinerEvents> {
	readonly chain: Chain;
	private readonly mempool: Mempool | undefined;
	private payout: Uint8Array | undefined;
	private threadCount: number;
	private readonly chunk: number;
	private readonly now: () => number;
	private readonly refreshMs: number;
	private readonly statusMs: number;
	private readonly pace: boolean;
	private readonly rollEvery: number;
	/** The kernel every worker (and generate) hashes with. */
	readonly kernel: KernelName;

	private workers: Worker[] = [];
	/** Int32 [0]: id of the job workers should be scanning; anything else makes them stop. */
	private readonly control = new Int32Array(new SharedArrayBuffer(4));
	private jobId = 0;
	private job: Job | null = null;
	private extraNonce = 0;
	private running = false;
	/** A found block is being added: no new job until the chain has it (or refused it). */
	private submitting = false;
	private totalHashes = 0;
	private samples: [number, number][] = [];
	private found = 0;
	/** Display hashes of blocks found here, oldest first. */
	private readonly mined = new Set<string>();
	private lastFoundMs = -Infinity;
	private statusTimer: NodeJS.Timeout | undefined;
	private refreshTimer: NodeJS.Timeout | undefined;
	private paceTimer: NodeJS.Timeout | undefined;

	constructor(options: MinerOptions) {
		super();
		this.chain = options.chain;
		this.mempool = options.mempool;
		this.payout = options.payout;
		this.threadCount = Miner.checkThreads(options.threads ?? 1);
		this.chunk = options.chunk ?? 50_000;
		this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
		this.refreshMs = options.refreshMs ?? 3000;
		this.statusMs = options.statusMs ?? 1000;
		this.pace = options.pace ?? minesOnDemand(this.chain.network);
		this.rollEvery = options.rollEvery ?? NONCE_SPACE;
		this.kernel = chooseKernel(options.kernel);
		if (!Number.isInteger(this.rollEvery) || this.rollEvery < 1 || this.rollEvery > NONCE_SPACE) throw new RangeError('rollEvery must be 1 to 2^32 nonces');
		this.chain.on('tip', () => {
			if (!this.running) return;
			// Stop the workers now; the new template is built right after.
			Atomics.store(this.control, 0, ++this.jobId);
			this.job = null;
			setImmediate(() => this.newJob());
		});
		this.mempool?.on('tx', () => this.onMempoolTx());
	}

	private static checkThreads(n: number): number {
		if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError('mining threads must be a whole number from 1 to 64');
		return n;
	}

	get isRunning(): boolean {
		return this.running;
	}

	get threads(): number {
		return this.threadCount;
	}

	setPayout(script: Uint8Array): void {
		this.payout = script;
	}

	/** Starts mining (no-op if running). Throws if no payout script was given. */
	start(): void {
		if (this.running) return;
		if (!this.payout) throw new Error('no payout address for the miner');
		this.refuseStaked();
		this.running = true;
		this.spawn();
		for (const worker of this.workers) worker.ref(); // hashing keeps the process alive
		this.statusTimer = setInterval(() => this.emit('status', this.getStatus()), this.statusMs);
		this.statusTimer.unref();
		this.newJob();
		this.emit('status', this.getStatus());
	}

	/** Stops hashing at the next chunk boundary; workers stay for a quick restart. */
	stop(): void {
		if (!this.running) return;
		this.running = false;
		this.job = null;
		Atomics.store(this.control, 0, ++this.jobId);
		clearInterval(this.statusTimer);
		clearTimeout(this.refreshTimer);
		clearTimeout(this.paceTimer);
		this.refreshTimer = undefined;
		for (const worker of this.workers) worker.unref();
		this.emit('status', this.getStatus());
	}

	/** Changes the number of hashing threads, while running or not. */
	setThreads(n: number): void {
		this.threadCount = Miner.checkThreads(n);
		if (!this.running) {
			this.terminate().catch((error: unknown) => this.emit('error', error as Error));
			return;
		}
		Atomics.store(this.control, 0, ++this.jobId);
		this.terminate()
			.then(() => {
				if (!this.running) return;
				this.spawn();
				for (const worker of this.workers) worker.ref();
				this.newJob();
			})
			.catch((error: unknown) => this.emit('error', error as Error));
	}

	async close(): Promise<void> {
		this.stop();
		await this.terminate();
	}

	getStatus(): MinerStatus {
		const nowMs = performance.now();
		this.samples = this.samples.filter(([t]) => t > nowMs - RATE_WINDOW_MS);
		const first = this.samples[0];
		const span = first ? Math.max(nowMs - first[0], 1000) : RATE_WINDOW_MS;
		const rate = this.running ? (this.samples.reduce((sum, [, h]) => sum + h, 0) * 1000) / span : 0;
		const bits = this.job?.template.bits ?? this.chain.requiredBits(this.chain.tip);
		return {
			running: this.running,
			threads: this.threadCount,
			kernel: this.kernel,
			hashes: this.totalHashes,
			rate,
			height: this.job?.template.height ?? this.chain.height + 1,
			bits,
			difficulty: difficulty(bits, this.chain.network.powLimit),
			blocksFound: this.found,
			expectedSeconds: expectedSecondsToBlock(bits, rate),
			pacedSeconds: this.pace ? this.chain.network.targetSpacing : null,
		};
	}

	private spawn(): void {
		const url = compiledUrl('node/mining/worker.js');
		while (this.workers.length < this.threadCount) {
			const worker = new Worker(url, {workerData: {control: this.control.buffer, kernel: this.kernel}});
			worker.on('message', (msg: WorkerMessage) => this.onWorkerMessage(msg));
			worker.on('error', error => this.emit('error', error));
			worker.unref();
			this.workers.push(worker);
		}
	}

	private async terminate(): Promise<void> {
		const workers = this.workers;
		this.workers = [];
		await Promise.all(workers.map(w => w.terminate()));
	}

	private onMempoolTx(): void {
		if (!this.running || !this.job || this.refreshTimer) return;
		const wait = Math.max(0, this.job.startedAt + this.refreshMs - performance.now());
		this.refreshTimer = setTimeout(() => {
			this.refreshTimer = undefined;
			this.newJob();
		}, wait);
		this.refreshTimer.unref();
	}

	/** Builds a template on the current tip and hands each worker its share of the nonces. */
	/** On a proof-of-stake network only the bootstrap is mined; after it, blocks are staked. */
	private refuseStaked(): void {
		const {chain} = this;
		if (chain.engine.kindAt(chain.height + 1) === 'stake') {
			throw new MiningRefusedError(`${chain.network.name} is a proof-of-stake network past its ${chain.network.stake!.powBlocks}-block mined bootstrap: blocks are staked (--stake, or setstaking true), not mined`);
		}
	}

	/**
	 * Starts work on a new template. Called from timers, worker messages and a submit that nobody
	 * awaits, so nothing may escape it: a failure (building the template) is reported as 'error',
	 * and the miner tries again after refreshMs, unless a new tip comes first.
	 */
	private newJob(): void {
		try {
			this.buildJob();
		} catch (error) {
			this.job = null;
			this.emit('error', new Error(`building the next block to mine failed: ${(error as Error).message}; trying again in ${this.refreshMs} ms`, {cause: error}));
			if (!this.running || this.refreshTimer) return;
			this.refreshTimer = setTimeout(() => {
				this.refreshTimer = undefined;
				this.newJob();
			}, this.refreshMs);
			this.refreshTimer.unref();
		}
	}

	private buildJob(): void {
		if (!this.running || this.workers.length === 0 || this.submitting) return;
		if (this.chain.engine.kindAt(this.chain.height + 1) === 'stake') {
			this.stop();
			this.emit('error', new MiningRefusedError(`the mined bootstrap of ${this.chain.network.name} is complete: mining stopped; blocks are staked from here`));
			return;
		}
		clearTimeout(this.paceTimer);
		const wait = this.pace ? this.lastFoundMs + this.chain.network.targetSpacing * 1000 - performance.now() : 0;
		if (wait > 0) {
			this.job = null;
			Atomics.store(this.control, 0, ++this.jobId);
			this.paceTimer = setTimeout(() => this.newJob(), wait);
			this.paceTimer.unref();
			return;
		}
		const template = createTemplate(this.chain, this.mempool, this.payout!);
		const block = assembleBlock(this.chain, template, ++this.extraNonce, this.now());
		const target = targetFromBits(template.bits, this.chain.network.powLimit);
		if (target === null) {
			this.emit('error', new Error(`bits ${template.bits.toString(16)} give no valid target`));
			return;
		}
		const id = ++this.jobId;
		Atomics.store(this.control, 0, id);
		const share = Math.floor(this.rollEvery / this.workers.length);
		this.job = {id, template, block, startedAt: performance.now(), pending: this.workers.length};
		const header = block.header.toRaw();
		this.emit('job', {id, height: template.height, extraNonce: this.extraNonce, txs: template.txs.length, time: block.header.time});
		this.workers.forEach((worker, i) => {
			const count = i === this.workers.length - 1 ? this.rollEvery - share * i : share;
			const job: MineJob = {id, header, target: target.toString(16), start: share * i, count, chunk: this.chunk};
			worker.postMessage(job);
		});
	}

	private onWorkerMessage(msg: WorkerMessage): void {
		this.totalHashes += msg.hashes;
		this.samples.push([performance.now(), msg.hashes]);
		const job = this.job;
		if (!job || msg.id !== job.id) return;
		if (msg.type === 'done') {
			// This worker's range is used up; when all are, roll the extra nonce and the time.
			if (--job.pending === 0) this.newJob();
			return;
		}
		if (msg.type !== 'found') return;
		this.job = null;
		Atomics.store(this.control, 0, ++this.jobId);
		const candidate = withNonce(job.block, msg.nonce);
		if (!equalBytes(candidate.header.prevHash, this.chain.tip.hash)) {
			this.newJob(); // stale: the tip moved while this nonce was found
			return;
		}
		// @noble/hashes is the hash of record: the kernel's word is checked before use.
		if (!checkProofOfWork(candidate.hash(), candidate.header.bits, this.chain.network.powLimit)) {
			this.emit('error', new Error(`kernel reported nonce ${msg.nonce} that does not meet the target`));
			this.newJob();
			return;
		}
		// Nothing awaits the submit: whatever it throws is reported, never an unhandled rejection.
		this.submit(candidate).catch((error: unknown) => this.emit('error', error as Error));
	}

	/**
	 * Whether this miner found the block (one of its last 256). True already while the chain
	 * connects it, so a 'connect' listener can tell its own blocks apart.
	 */
	minedHere(hash: string): boolean {
		return this.mined.has(hash);
	}

	private remember(block: Block): void {
		this.mined.add(block.hashHex());
		if (this.mined.size > MINED_REMEMBERED) this.mined.delete(this.mined.values().next().value as string);
	}

	private async submit(block: Block): Promise<void> {
		this.submitting = true;
		this.remember(block);
		try {
			const result = await this.chain.add(block);
			if (result.status === 'connected') {
				this.found++;
				this.lastFoundMs = performance.now();
				this.emit('block', block);
			}
		} catch (error) {
			// A block made stale by one arriving meanwhile is no fault; anything else is reported.
			if (!(error instanceof VerifyError)) this.emit('error', error as Error);
		} finally {
			this.submitting = false;
			this.newJob();
		}
	}

	/**
	 * Mines `n` blocks at once in this thread (regtest only: its targets take a couple of hashes)
	 * and adds them to the chain. Returns them in order.
	 */
	async generate(n: number, payout: Uint8Array | undefined = this.payout): Promise<Block[]> {
		if (!minesOnDemand(this.chain.network)) throw new Error('generate is for regtest; use start() to mine');
		if (!payout) throw new Error('no payout address for generate');
		if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new RangeError('generate takes 1 to 10,000 blocks');
		this.refuseStaked();
		const stake = this.chain.network.stake;
		if (stake && this.chain.height + n > stake.powBlocks) {
			throw new MiningRefusedError(`${this.chain.network.name} mines blocks 1-${stake.powBlocks} only; ${stake.powBlocks - this.chain.height} of them are left`);
		}
		const blocks: Block[] = [];
		for (let i = 0; i < n; i++) {
			const template = createTemplate(this.chain, this.mempool, payout);
			const target = targetFromBits(template.bits, this.chain.network.powLimit)!;
			let block: Block | null = null;
			for (let extra = 0; !block && extra < 1000; extra++) {
				const draft = assembleBlock(this.chain, template, ++this.extraNonce, this.now());
				const scanner = createScanner(this.kernel, draft.header.toRaw(), target);
				const nonce = scanner.scan(0, 1_000_000);
				this.totalHashes += nonce >= 0 ? nonce + 1 : 1_000_000;
				if (nonce >= 0) block = withNonce(draft, nonce);
			}
			if (!block) throw new Error('no block found in 10^9 hashes: is this really regtest?');
			this.remember(block);
			await this.chain.add(block);
			this.found++;
			this.emit('block', block);
			blocks.push(block);
		}
		return blocks;
	}
}
