/**
 * Headers presync, after Bitcoin Core's HeadersSyncState (headerssync.cpp): a peer's chain whose
 * work stays below the anti-DoS threshold is checked without storing a single header of it.
 *
 * PRESYNC: the peer's headers are validated one by one (proof of work, the difficulty rule, the
 * median-time rule, the future-time limit) keeping only a few numbers, plus one salted bit for
 * every COMMITMENT_PERIOD-th header. Once the branch's work reaches the threshold, REDOWNLOAD asks
 * for the same headers again from the fork point and checks each against the commitments; they are
 * handed back to be stored once enough work is redownloaded (or the buffer is full: a fake second
 * chain would then have had to guess every committed bit so far). A low-work chain therefore costs
 * the node a few hundred bytes per peer, however long it is.
 */
import {sha256} from '../crypto/hash.js';
import {equalBytes} from '../encoding/hex.js';
import {VerifyError} from '../errors.js';
import type {NetworkParams} from '../consensus/networks.js';
import {blockWork, checkProofOfWork} from '../consensus/pow.js';
import {MEDIAN_TIME_SPAN, medianTime} from '../consensus/rules.js';
import {nextBitsFromTip} from '../consensus/asert.js';
import type {Header} from '../primitives/header.js';

/** Core's numbers: about 23 commitments over a full buffer, so a fake redownload is caught (2^-23). */
export const COMMITMENT_PERIOD = 624;
export const REDOWNLOAD_BUFFER_SIZE = 14_441;

/** What the presync needs of the header it starts from (the last one we have of the peer's chain). */
export interface PresyncStart {
	readonly hash: Uint8Array;
	readonly height: number;
	readonly chainwork: bigint;
	readonly time: number;
	readonly bits: number;
	/** Times of the start and its ancestors, newest first (at most 11): the median-time rule. */
	readonly recentTimes: readonly number[];
	/** Block 1 of the start's branch (the difficulty anchor), or null when the start is genesis. */
	readonly anchor: {readonly time: number; readonly bits: number} | null;
}

export interface PresyncOptions {
	readonly network: NetworkParams;
	readonly start: PresyncStart;
	/** Work the branch must reach before any of it is stored. */
	readonly minimumWork: bigint;
	/** Seconds since the epoch. */
	readonly now: number;
	/** 16 random bytes: the commitments' salt (a peer cannot know which bit of its chain is kept). */
	readonly salt: Uint8Array;
	/** Uniform in [0, 1): which height in each period is committed to. */
	readonly random: () => number;
	readonly period?: number;
	readonly bufferSize?: number;
}

export type PresyncPhase = 'presync' | 'redownload' | 'final';

/** Why a presync ended early; typed so callers decide on the code, never on the words. */
export type PresyncAbort = 'non-continuous' | 'incomplete' | 'too-many-commitments' | 'commitment-mismatch' | 'commitment-overrun' | 'time-too-new';

export interface PresyncResult {
	/** Headers checked against the commitments, in order, to be stored now. */
	readonly headers: Header[];
	/** Ask the peer for more (with `locatorHashes()`). */
	readonly requestMore: boolean;
	/** Set when the presync ended without success. */
	readonly aborted?: {readonly code: PresyncAbort; readonly message: string};
}

interface Tail {
	hash: Uint8Array;
	height: number;
	chainwork: bigint;
	time: number;
	bits: number;
	/** Newest first, at most 11. */
	times: number[];
	anchor: {time: number; bits: number} | null;
}

export class HeadersPresync {
	phase: PresyncPhase = 'presync';
	private readonly net: NetworkParams;
	private readonly start: PresyncStart;
	readonly minimumWork: bigint;
	private readonly now: number;
	private readonly salt: Uint8Array;
	private readonly period: number;
	private readonly offset: number;
	private readonly bufferSize: number;
	/** Headers the MTP rule allows from the start until our clock's limit, over the period. */
	private readonly maxCommitments: number;

	/** The committed bits, one per period, packed. */
	private bits = new Uint8Array(64);
	/** Bits committed by the presync. */
	private committed = 0;
	/** Of those, how many the redownload has checked (the first `consumed`). */
	private consumed = 0;
	private checked = 0;
	private presync: Tail;
	private redownload: Tail;
	private buffer: Header[] = [];
	private processAll = false;

	constructor(options: PresyncOptions) {
		this.net = options.network;
		this.start = options.start;
		this.minimumWork = options.minimumWork;
		this.now = options.now;
		this.salt = options.salt;
		this.period = options.period ?? COMMITMENT_PERIOD;
		this.bufferSize = options.bufferSize ?? REDOWNLOAD_BUFFER_SIZE;
		this.offset = Math.floor(options.random() * this.period);
		// A chain can gain at most 6 headers a second and still pass the median-time rule.
		const medianStart = medianTime(options.start.recentTimes);
		const seconds = Math.max(0, this.now + this.net.maxFutureBlockTime - medianStart);
		this.maxCommitments = Math.ceil((6 * seconds) / this.period) + 1;
		this.presync = this.tailAtStart();
		this.redownload = this.tailAtStart();
	}

	/** Height the presync has checked up to (for progress lines). */
	get presyncHeight(): number {
		return this.presync.height;
	}

	/** Bytes this state holds (commitments and the redownload buffer), for the bounded-memory tests. */
	get footprint(): number {
		return this.bits.length + this.buffer.length * 200;
	}

	/** Commitments still to be checked. */
	get commitments(): number {
		return this.committed - this.consumed;
	}

	/** The getheaders locator for the next request: where we are, then the start's own locator. */
	nextLocatorHead(): Uint8Array {
		return this.phase === 'redownload' ? this.redownload.hash : this.presync.hash;
	}

	/**
	 * Takes one headers message of the peer. `full`: it held the most a message may, so the
	 * peer has more. Throws a VerifyError for a header that breaks a rule (its sender is punished);
	 * returns an abort for a chain that is merely not the one announced, or ends too soon.
	 */
	process(headers: readonly Header[], full: boolean): PresyncResult {
		if (this.phase === 'final' || headers.length === 0) return {headers: [], requestMore: false};
		if (this.phase === 'presync') {
			const tail = this.presync;
			if (!equalBytes(headers[0]!.prevHash, tail.hash)) return this.abort('non-continuous', 'headers that do not continue the presync');
			for (const header of headers) {
				this.validate(tail, header);
				if (tail.height % this.period === this.offset) {
					if (this.committed >= this.maxCommitments) return this.abort('too-many-commitments', `more headers than time allows (over ${this.maxCommitments * this.period})`);
					this.commit(this.commitBit(tail.hash));
				}
				this.checked++;
			}
			if (tail.chainwork >= this.minimumWork) {
				// Enough work: fetch it all again from the start and keep it this time.
				this.phase = 'redownload';
				return {headers: [], requestMore: true};
			}
			if (!full) return this.abort('incomplete', `the branch ends at height ${tail.height} with too little work`);
			return {headers: [], requestMore: true};
		}

		// Redownload.
		const tail = this.redownload;
		if (!equalBytes(headers[0]!.prevHash, tail.hash)) return this.abort('non-continuous', 'redownloaded headers that do not continue');
		let next = 0;
		for (const header of headers) {
			this.validate(tail, header);
			if (tail.chainwork >= this.minimumWork) this.processAll = true;
			// Past the presynced height nothing was committed: only a branch already at the
			// threshold may go on (the presync's own last message may have reached past it).
			if (tail.height > this.presync.height && !this.processAll) return this.abort('commitment-overrun', 'the redownload goes past the presync without its work');
			if (tail.height % this.period === this.offset && tail.height <= this.presync.height) {
				if (next >= this.commitments) return this.abort('commitment-overrun', 'the redownload is longer than the presync');
				if (this.bitAt(next++) !== this.commitBit(tail.hash)) return this.abort('commitment-mismatch', `the redownloaded header at height ${tail.height} is not the one presynced`);
			}
			this.buffer.push(header);
		}
		this.consume(next);
		const ready: Header[] = [];
		while (this.buffer.length > this.bufferSize || (this.processAll && this.buffer.length > 0)) ready.push(this.buffer.shift()!);
		if (this.processAll && this.buffer.length === 0) {
			this.phase = 'final';
			return {headers: ready, requestMore: full};
		}
		if (!full) {
			const result = this.abort('incomplete', `the redownload ends at height ${tail.height} with too little work`);
			return {...result, headers: ready};
		}
		return {headers: ready, requestMore: true};
	}

	private tailAtStart(): Tail {
		const s = this.start;
		return {hash: s.hash, height: s.height, chainwork: s.chainwork, time: s.time, bits: s.bits, times: [...s.recentTimes].slice(0, MEDIAN_TIME_SPAN), anchor: s.anchor};
	}

	/** The checks Chain.addHeader makes, from the tail alone; advances the tail. */
	private validate(tail: Tail, header: Header): void {
		if (!equalBytes(header.prevHash, tail.hash)) throw new VerifyError('bad-prevblk', 20, 'header', 'non-continuous headers');
		if (!checkProofOfWork(header.hash(), header.bits, this.net.powLimit)) throw new VerifyError('high-hash', 50, 'header', `header ${header.hashHex()}: proof of work failed`);
		const required = nextBitsFromTip(this.net, {height: tail.height, time: tail.time, bits: tail.bits}, tail.anchor);
		if (required !== null ? header.bits !== required : blockWork(header.bits) === 0n) throw new VerifyError('bad-diffbits', 100, 'header', `header ${header.hashHex()}: incorrect proof of work`);
		if (header.time <= medianTime(tail.times)) throw new VerifyError('time-too-old', 100, 'header', `header ${header.hashHex()}: block time at or before median time past`);
		if (header.time > this.now + this.net.maxFutureBlockTime) throw new VerifyError('time-too-new', 0, 'header', `header ${header.hashHex()}: block time too far ahead`);
		tail.hash = header.hash();
		tail.height++;
		tail.chainwork += blockWork(header.bits);
		tail.time = header.time;
		tail.bits = header.bits;
		tail.times.unshift(header.time);
		if (tail.times.length > MEDIAN_TIME_SPAN) tail.times.pop();
		if (tail.height === 1) tail.anchor = {time: header.time, bits: header.bits};
	}

	private commitBit(hash: Uint8Array): number {
		const data = new Uint8Array(this.salt.length + 32);
		data.set(this.salt);
		data.set(hash, this.salt.length);
		return sha256(data)[0]! & 1;
	}

	private commit(bit: number): void {
		if (this.committed >> 3 >= this.bits.length) {
			const grown = new Uint8Array(this.bits.length * 2);
			grown.set(this.bits);
			this.bits = grown;
		}
		if (bit) this.bits[this.committed >> 3]! |= 1 << (this.committed & 7);
		this.committed++;
	}

	private bitAt(i: number): number {
		const at = this.consumed + i;
		return (this.bits[at >> 3]! >> (at & 7)) & 1;
	}

	private consume(n: number): void {
		this.consumed += n;
	}

	private abort(code: PresyncAbort, message: string): PresyncResult {
		this.phase = 'final';
		this.buffer = [];
		return {headers: [], requestMore: false, aborted: {code, message}};
	}
}
