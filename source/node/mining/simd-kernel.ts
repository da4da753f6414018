/**
 * The 4-lane WebAssembly SIMD kernel (source in assembly/sha256d-simd.ts): four nonces per pass,
 * one per i32x4 lane. It returns candidates that pass a quick check of the hash's top word; each is
 * re-hashed here with @noble/hashes, the hash of record, and compared with the full 256-bit target.
 */
import {hashToBigInt} from '../consensus/pow.js';
import {sha256d} from '../crypto/hash.js';
import {SHA256D_SIMD_WASM} from './sha256d-simd-module.js';
import {midstate, targetTopWord} from './sha256-kernel.js';

interface KernelExports {
	setJob(m0: number, m1: number, m2: number, m3: number, m4: number, m5: number, m6: number, m7: number, t0: number, t1: number, t2: number, targetTop: number): void;
	scan(start: number, count: number): number;
	candidateCount(): number;
	candidate(i: number): number;
	digestFour(base: number): void;
	digestWord(lane: number, word: number): number;
}

/** Whether this runtime can run the kernel: WebAssembly with 128-bit SIMD. */
export function simdSupported(validate: (bytes: Uint8Array) => boolean = bytes => WebAssembly.validate(bytes)): boolean {
	try {
		return typeof WebAssembly === 'object' && validate(SHA256D_SIMD_WASM);
	} catch {
		return false;
	}
}

// One instance per thread (each worker imports this module once); scanners take turns on it.
let instance: KernelExports | null = null;
let owner: SimdScanner | null = null;

function kernel(): KernelExports {
	instance ??= new WebAssembly.Instance(new WebAssembly.Module(SHA256D_SIMD_WASM), {}).exports as unknown as KernelExports;
	return instance;
}

/** Nonces per call into the module: its counts are u32 and its return value reads back as i32. */
const MAX_PASS = 2 ** 30;

export class SimdScanner {
	private readonly header: Uint8Array;
	private readonly view: DataView;
	private readonly job: number[];
	private readonly k = kernel();

	constructor(
		header: Uint8Array,
		readonly target: bigint,
	) {
		if (header.length !== 80) throw new RangeError('header must be 80 bytes');
		this.header = header.slice();
		this.view = new DataView(this.header.buffer);
		const mid = Array.from(midstate(header), x => x >>> 0);
		const v = this.view;
		this.job = [...mid, v.getUint32(64), v.getUint32(68), v.getUint32(72), targetTopWord(target)];
	}

	private load(): KernelExports {
		if (owner !== this) {
			const j = this.job;
			this.k.setJob(j[0]!, j[1]!, j[2]!, j[3]!, j[4]!, j[5]!, j[6]!, j[7]!, j[8]!, j[9]!, j[10]!, j[11]!);
			owner = this;
		}
		return this.k;
	}

	/**
	 * Tries nonces [from, from + count) (wrapping at 2^32) and returns the first whose hash,
	 * by @noble/hashes, is at or below the target, or -1.
	 */
	scan(from: number, count: number): number {
		return this.eachCandidate(from, count, nonce => this.meetsTarget(nonce));
	}

	/** Every nonce in [from, from + count) that passes the kernel's quick check, in order. */
	candidates(from: number, count: number): number[] {
		const out: number[] = [];
		this.eachCandidate(from, count, nonce => void out.push(nonce));
		return out;
	}

	/**
	 * Runs the kernel over [from, from + count) and hands `stop` each candidate in nonce order;
	 * returns the first candidate `stop` says true to, or -1.
	 */
	private eachCandidate(from: number, count: number, stop: (nonce: number) => boolean | void): number {
		const k = this.load();
		let done = 0;
		while (done < count) {
			done += k.scan((from + done) >>> 0, Math.min(count - done, MAX_PASS));
			for (let i = 0, n = k.candidateCount(); i < n; i++) {
				const nonce = k.candidate(i) >>> 0;
				if (stop(nonce)) return nonce;
			}
		}
		return -1;
	}

	/** Debug: the kernel's own full double SHA-256 of the header with `nonce`, in internal byte order. */
	digest(nonce: number): Uint8Array {
		return this.digestLanes(nonce)[0]!;
	}

	/** Debug: the full digests of lanes 0-3 of one pass starting at `base`. */
	digestLanes(base: number): Uint8Array[] {
		const k = this.load();
		k.digestFour(base >>> 0);
		return [0, 1, 2, 3].map(lane => {
			const bytes = new Uint8Array(32);
			const view = new DataView(bytes.buffer);
			for (let word = 0; word < 8; word++) view.setUint32(word * 4, k.digestWord(lane, word) >>> 0);
			return bytes;
		});
	}

	/** The hash of record: @noble/hashes' sha256d of the header with this nonce, against the full target. */
	private meetsTarget(nonce: number): boolean {
		this.view.setUint32(76, nonce, true);
		return hashToBigInt(sha256d(this.header)) <= this.target;
	}
}
