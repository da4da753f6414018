/**
 * The mempool: transactions fully validated against the UTXO set plus the pool itself, so chains
 * of unconfirmed spends work. Policy after Bitcoin Core (min relay fee, dust, no conflicts, size
 * limit with eviction of the lowest fee-rate package, expiry, bounded orphans). Every change runs
 * under the chain's lock, so chain and mempool never interleave.
 */
import {EventEmitter} from 'node:events';
import {VerifyError} from '../errors.js';
import type {Chain} from '../chain/chain.js';
import {checkTransaction, checkTxInputs, isFinalTx} from '../consensus/rules.js';
import {Coin} from '../primitives/coin.js';
import type {Block} from '../primitives/block.js';
import {OutPoint, type Transaction} from '../primitives/tx.js';
import {nullData, p2pkhHash} from '../primitives/script.js';
import {prepareP2pkhCheck, type SigCheck} from '../primitives/sign.js';
import {hashToHex} from '../encoding/hex.js';
import {CachingVerifier, inlineVerifier, type SigVerifier} from '../verify/verifier.js';

/**
 * Memory an entry takes beyond its serialised bytes: the parsed transaction, its entry, the
 * indexes by txid and by spent outpoint. Measured: about 1,660-1,830 bytes of heap per entry for
 * transactions of 190-500 bytes (heapUsed after GC, 6,000-20,000 entries). The pool's bound is on
 * this estimate of memory, as Bitcoin Core's -maxmempool is, not on serialised bytes alone.
 */
export const ENTRY_OVERHEAD = 1_500;

/** Outputs below this many units are dust (Bitcoin Core's figure for P2PKH at its default rate). */
export const DUST_THRESHOLD = 546n;
/** Bitcoin Core's package limits: at most 25 transactions and 101 kB in a chain of unconfirmed ones. */
export const MAX_PACKAGE_COUNT = 25;
export const MAX_PACKAGE_SIZE = 101_000;

export type RemoveReason = 'block' | 'conflict' | 'expiry' | 'size-limit' | 'reorg';

let nextOrder = 0;

export class MempoolEntry {
	readonly txid: string;
	readonly size: number;
	/** Arrival order: parents always precede their children. */
	readonly order = nextOrder++;
	/** A 'tx' event was sent for it, so its removal is news too. */
	announced = false;
	/** Unconfirmed parents and children inside the pool. */
	readonly parents = new Set<MempoolEntry>();
	readonly children = new Set<MempoolEntry>();

	constructor(
		readonly tx: Transaction,
		readonly fee: bigint,
		/** When it entered the pool (seconds). */
		readonly time: number,
		/** Chain height when it entered. */
		readonly height: number,
	) {
		this.txid = tx.txid();
		this.size = tx.getSize();
	}

	/** Units per byte. */
	get feeRate(): number {
		return Number(this.fee) / this.size;
	}
}

export interface MempoolOptions {
	readonly chain: Chain;
	/** Share the chain's verifier (with its signature cache) so no signature is checked twice. */
	readonly verifier?: SigVerifier;
	/** Estimated memory held at most, bytes plus ENTRY_OVERHEAD each (Core's -maxmempool; default 50 MB). */
	readonly maxSize?: number;
	/** Units per byte (default 1). */
	readonly minRelayFeeRate?: bigint;
	/** Seconds a transaction may wait (default 72 h). */
	readonly expiry?: number;
	readonly maxOrphans?: number;
	/** Seconds an orphan may wait for its parents (default 20 min). */
	readonly orphanExpiry?: number;
	readonly now?: () => number;
}

export type AcceptResult = {readonly status: 'accepted'; readonly entry: MempoolEntry} | {readonly status: 'orphan'; readonly missing: readonly string[]};

export interface MempoolEvents {
	tx: [entry: MempoolEntry];
	remove: [entry: MempoolEntry, reason: RemoveReason];
	/** A transaction clashed with a pool entry: refused on arrival, or the entry lost to a block. */
	conflict: [tx: Transaction, existing: MempoolEntry];
	orphan: [tx: Transaction];
	/**
	 * Work the pool started on its own (after a block or a reorganisation) failed: logged with
	 * its context (bcoin's node.error), never an unhandled rejection that ends the process.
	 */
	failure: [context: string, error: Error];
}

interface Orphan {
	readonly tx: Transaction;
	readonly time: number;
	readonly parents: readonly string[];
}

/** Every entry reachable from `start` by following `next` (parents or children), once each. */
function reach(start: Iterable<MempoolEntry>, next: (e: MempoolEntry) => Iterable<MempoolEntry>): Set<MempoolEntry> {
	const out = new Set<MempoolEntry>();
	const stack = [...start];
	while (stack.length > 0) {
		const e = stack.pop()!;
		if (out.has(e)) continue;
		out.add(e);
		stack.push(...next(e));
	}
	return out;
}

export class Mempool extends EventEmitter<MempoolEvents> {
	readonly chain: Chain;
	private readonly verifier: SigVerifier;
	readonly maxSize: number;
	readonly minRelayFeeRate: bigint;
	private readonly expiry: number;
	private readonly maxOrphans: number;
	private readonly orphanExpiry: number;
	private readonly now: () => number;

	/** In arrival order, so parents always come before their children. */
	private readonly entries = new Map<string, MempoolEntry>();
	/** Outpoint key -> the pool entry spending it. */
	private readonly spent = new Map<string, MempoolEntry>();
	private bytes = 0;
	/**
	 * Core's mempool sequence (getrawmempool's mempool_sequence): one more for every transaction
	 * that enters or leaves the pool, starting at 1.
	 */
	sequence = 1;
	/** Fee rate of the last package evicted for space; newcomers must beat it while the pool is full. */
	private floor = 0;
	/** The clock reading of the last expiry pass. */
	private expiredAt = Number.NaN;
	private readonly orphans = new Map<string, Orphan>();
	private readonly orphansByParent = new Map<string, Set<string>>();
	/** Transactions of blocks a reorg took away, newest block first, until the reorg ends. */
	private disconnected: Transaction[][] = [];

	constructor(options: MempoolOptions) {
		super();
		this.chain = options.chain;
		this.verifier = options.verifier ?? inlineVerifier;
		this.maxSize = options.maxSize ?? 50_000_000;
		this.minRelayFeeRate = options.minRelayFeeRate ?? 1n;
		this.expiry = options.expiry ?? 72 * 3600;
		this.maxOrphans = options.maxOrphans ?? 100;
		this.orphanExpiry = options.orphanExpiry ?? 20 * 60;
		this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
		this.chain.on('connect', (_entry, block) => this.onConnect(block));
		this.chain.on('disconnect', (_entry, block) => this.disconnected.push(block.txs.filter(tx => !tx.isCoinbase())));
		// A reorg that fails part-way may end on the same tip: the returning transactions still
		// need re-adding, so both events schedule it.
		this.chain.on('tip', () => this.afterReorg());
		this.chain.on('reorganize', () => this.afterReorg());
	}

	// ---------------------------------------------------------------- queries

	get size(): number {
		return this.entries.size;
	}

	/** Total serialised bytes of the pool's transactions. */
	get totalBytes(): number {
		return this.bytes;
	}

	/** Estimated memory of the pool (getmempoolinfo's usage): what `maxSize` bounds. */
	get usage(): number {
		return this.bytes + this.entries.size * ENTRY_OVERHEAD;
	}

	get orphanCount(): number {
		return this.orphans.size;
	}

	has(txid: string): boolean {
		return this.entries.has(txid);
	}

	get(txid: string): MempoolEntry | undefined {
		return this.entries.get(txid);
	}

	hasOrphan(txid: string): boolean {
		return this.orphans.has(txid);
	}

	/** Every entry, oldest first (parents before children). */
	all(): MempoolEntry[] {
		return [...this.entries.values()];
	}

	/** The pool entry spending an outpoint, if any. */
	spender(prevout: OutPoint): MempoolEntry | undefined {
		return this.spent.get(prevout.key());
	}

	/** A coin as the next block would see it: the chain's or a pool output, unless the pool spends it. */
	async getCoin(prevout: OutPoint): Promise<Coin | null> {
		if (this.spent.has(prevout.key())) return null;
		const parent = this.entries.get(hashToHex(prevout.txid));
		if (parent) {
			const output = parent.tx.outputs[prevout.index];
			if (!output || nullData(output.script)) return null;
			return new Coin(output.value, output.script, this.chain.height + 1, false);
		}
		return this.chain.getCoin(prevout);
	}

	/** The entry's in-pool ancestors (for the miner's ancestor fee rate and package limits). */
	ancestors(entry: MempoolEntry): Set<MempoolEntry> {
		return reach(entry.parents, e => e.parents);
	}

	descendants(entry: MempoolEntry): Set<MempoolEntry> {
		return reach(entry.children, e => e.children);
	}

	// ---------------------------------------------------------------- adding

	/**
	 * Validates `tx` and adds it (or holds it as an orphan while parents are missing). Throws a
	 * VerifyError with the reason on rejection; nothing changes then.
	 */
	add(tx: Transaction): Promise<AcceptResult> {
		// Its signatures start checking now, in parallel with the transactions queued ahead of it
		// (one at a time under the lock left the other verifier threads idle); inside the lock the
		// full validation finds them in the signature cache.
		const warm = this.warmSignatures(tx);
		return this.chain.exclusive(async () => {
			await warm;
			this.expire();
			const result = await this.accept(tx, this.now());
			if (result.status === 'accepted') await this.acceptOrphansOf(result.entry.txid);
			return result;
		});
	}

	/**
	 * Checks the signatures against the coins as they look now, only to fill the signature cache
	 * (so only with a caching verifier); skips what the rules will refuse anyway (known, spent,
	 * missing or immature inputs, a fee too low). Never throws: validation under the lock decides.
	 */
	private async warmSignatures(tx: Transaction): Promise<void> {
		if (!(this.verifier instanceof CachingVerifier) || tx.isCoinbase() || this.entries.has(tx.txid())) return;
		try {
			const coins: Coin[] = [];
			for (const input of tx.inputs) {
				const coin = await this.getCoin(input.prevout);
				if (!coin) return;
				coins.push(coin);
			}
			this.checkFeeRate(checkTxInputs(tx, coins, this.chain.height + 1, this.chain.network), tx.getSize());
			await this.verifier.verify(this.signatureChecks(tx, coins));
		} catch {
			// a malformed or hostile transaction: the check under the lock says why
		}
	}

	private async accept(tx: Transaction, time: number, quiet = false): Promise<AcceptResult> {
		const net = this.chain.network;
		const txid = tx.txid();
		if (tx.isCoinbase()) throw new VerifyError('coinbase', 100, 'tx', 'a coinbase is only valid in a block');
		checkTransaction(tx, net);
		const maxSize = net.maxBlockSize - 1000;
		if (tx.getSize() > maxSize) throw new VerifyError('tx-size', 0, 'tx', `${tx.getSize()} bytes, at most ${maxSize}`);
		const height = this.chain.height + 1;
		if (!isFinalTx(tx, height, this.chain.medianTimePast(this.chain.tip))) throw new VerifyError('non-final', 0, 'tx');
		if (this.entries.has(txid)) throw new VerifyError('txn-already-in-mempool', 0, 'tx');
		this.removeOrphan(txid); // checked afresh: its parents may have arrived or been mined

		for (const input of tx.inputs) {
			const other = this.spent.get(input.prevout.key());
			if (other) {
				this.emit('conflict', tx, other);
				throw new VerifyError('txn-mempool-conflict', 0, 'tx', `spends ${input.prevout.key()}, already spent by ${other.txid}`);
			}
		}
		for (const output of tx.outputs) {
			if (p2pkhHash(output.script) && output.value < DUST_THRESHOLD) {
				throw new VerifyError('dust', 0, 'tx', `output of ${output.value} units is below ${DUST_THRESHOLD}`);
			}
		}

		const coins: (Coin | null)[] = [];
		const parents = new Set<MempoolEntry>();
		const missing = new Set<string>();
		for (const input of tx.inputs) {
			const parent = this.entries.get(hashToHex(input.prevout.txid));
			if (parent) parents.add(parent);
			const coin = await this.getCoin(input.prevout);
			if (!coin) missing.add(hashToHex(input.prevout.txid));
			coins.push(coin);
		}
		if (missing.size > 0) {
			// Already in the chain: its inputs are spent, so it is only ever looked up here. (With all
			// its coins unspent it cannot be: that saves a read of the tx index for every newcomer.)
			if (await this.chain.getTx(tx.hash())) throw new VerifyError('txn-already-known', 0, 'tx', 'already in the chain');
			// Hold it while a parent may still arrive; a parent already in the chain means the coin
			// it wants is spent.
			for (const parentTxid of missing) {
				if (this.entries.has(parentTxid) || (await this.chain.getTx(parentTxid))) {
					throw new VerifyError('bad-txns-inputs-missingorspent', 0, 'tx', `an output of ${parentTxid} it spends is already spent`);
				}
			}
			this.addOrphan(tx, [...missing], time);
			return {status: 'orphan', missing: [...missing]};
		}

		// Chains of unconfirmed transactions stay short, so every walk over them stays cheap.
		const ancestors = reach(parents, e => e.parents);
		let packageSize = tx.getSize();
		for (const a of ancestors) packageSize += a.size;
		if (ancestors.size + 1 > MAX_PACKAGE_COUNT || packageSize > MAX_PACKAGE_SIZE) {
			throw new VerifyError('too-long-mempool-chain', 0, 'tx', `${ancestors.size + 1} unconfirmed ancestors (incl. itself) or ${packageSize} bytes; at most ${MAX_PACKAGE_COUNT} and ${MAX_PACKAGE_SIZE}`);
		}
		for (const a of ancestors) {
			if (this.descendants(a).size + 2 > MAX_PACKAGE_COUNT) {
				throw new VerifyError('too-long-mempool-chain', 0, 'tx', `ancestor ${a.txid} would have more than ${MAX_PACKAGE_COUNT - 1} descendants`);
			}
		}

		const fee = checkTxInputs(tx, coins, height, net);
		this.checkFeeRate(fee, tx.getSize());
		if (!(await this.verifier.verify(this.signatureChecks(tx, coins)))) {
			throw new VerifyError('mandatory-script-verify-flag-failed', 100, 'tx', 'signature check failed');
		}
		const entry = new MempoolEntry(tx, fee, time, this.chain.height);
		this.insert(entry, parents);
		this.trimToSize();
		if (!this.entries.has(txid)) throw new VerifyError('mempool full', 0, 'tx', 'fee rate too low to displace what the pool holds');
		entry.announced = true;
		if (!quiet) this.emit('tx', entry);
		return {status: 'accepted', entry};
	}

	/** Refuses a fee under the relay minimum or, while the pool is full, not above its eviction floor. */
	private checkFeeRate(fee: bigint, size: number): void {
		const minFee = BigInt(size) * this.minRelayFeeRate;
		if (fee < minFee) throw new VerifyError('min relay fee not met', 0, 'tx', `fee ${fee} < ${minFee} (${this.minRelayFeeRate} per byte)`);
		if (this.floor > 0 && Number(fee) / size <= this.floor) {
			throw new VerifyError('mempool min fee not met', 0, 'tx', `the pool is full: it now needs more than ${this.floor.toFixed(2)} units per byte`);
		}
	}

	/** The signature check of each input (all P2PKH), given the coins it spends. */
	private signatureChecks(tx: Transaction, coins: readonly (Coin | null)[]): SigCheck[] {
		return tx.inputs.map((_, i) => {
			const prepared = prepareP2pkhCheck(tx, i, coins[i]!.script);
			if ('error' in prepared) throw new VerifyError('mandatory-script-verify-flag-failed', 100, 'tx', `${prepared.error} (input ${i})`, prepared.code);
			return prepared.check;
		});
	}

	private insert(entry: MempoolEntry, parents: Set<MempoolEntry>): void {
		this.entries.set(entry.txid, entry);
		this.sequence++;
		this.bytes += entry.size;
		for (const input of entry.tx.inputs) this.spent.set(input.prevout.key(), entry);
		for (const parent of parents) {
			entry.parents.add(parent);
			parent.children.add(entry);
		}
	}

	/** Takes one entry out (its children stay, now parentless in the pool). */
	private removeEntry(entry: MempoolEntry, reason: RemoveReason): void {
		if (!this.entries.delete(entry.txid)) return;
		this.sequence++;
		this.bytes -= entry.size;
		for (const input of entry.tx.inputs) {
			if (this.spent.get(input.prevout.key()) === entry) this.spent.delete(input.prevout.key());
		}
		for (const parent of entry.parents) parent.children.delete(entry);
		for (const child of entry.children) child.parents.delete(entry);
		if (entry.announced) this.emit('remove', entry, reason);
	}

	private removeWithDescendants(entry: MempoolEntry, reason: RemoveReason): void {
		const doomed = [entry, ...this.descendants(entry)];
		// Children first, so no entry is ever left spending a removed parent's outputs.
		for (const e of doomed.reverse()) this.removeEntry(e, reason);
	}

	/**
	 * Over the limit: evicts the lowest fee-rate packages (an entry with its descendants) until 2%
	 * under it, scoring every entry once per trim (package limits keep each score cheap), and
	 * raises the floor newcomers must beat. The floor goes once the pool is 90% full or less.
	 */
	private trimToSize(): void {
		if (this.usage <= this.maxSize) {
			if (this.usage <= this.maxSize * 0.9) this.floor = 0;
			return;
		}
		const scored = [...this.entries.values()].map(entry => {
			let fee = entry.fee;
			let size = entry.size;
			for (const d of this.descendants(entry)) {
				fee += d.fee;
				size += d.size;
			}
			return {entry, rate: Number(fee) / size};
		});
		scored.sort((a, b) => a.rate - b.rate);
		const goal = this.maxSize * 0.98;
		for (const {entry, rate} of scored) {
			if (this.usage <= goal) break;
			if (!this.entries.has(entry.txid)) continue;
			this.removeWithDescendants(entry, 'size-limit');
			this.floor = Math.max(this.floor, rate);
		}
	}

	/** Once per second of the clock at most: nothing can age in between, and the pool may be large. */
	private expire(): void {
		const now = this.now();
		if (now === this.expiredAt) return;
		this.expiredAt = now;
		for (const entry of [...this.entries.values()]) {
			if (this.entries.has(entry.txid) && entry.time < now - this.expiry) this.removeWithDescendants(entry, 'expiry');
		}
		for (const [txid, orphan] of this.orphans) {
			if (orphan.time < now - this.orphanExpiry) this.removeOrphan(txid);
		}
	}

	// ---------------------------------------------------------------- orphans

	private addOrphan(tx: Transaction, parents: string[], time: number): void {
		const txid = tx.txid();
		this.orphans.set(txid, {tx, time, parents});
		for (const parent of parents) {
			const set = this.orphansByParent.get(parent) ?? new Set<string>();
			set.add(txid);
			this.orphansByParent.set(parent, set);
		}
		while (this.orphans.size > this.maxOrphans) this.removeOrphan(this.orphans.keys().next().value as string);
		if (this.orphans.has(txid)) this.emit('orphan', tx);
	}

	private removeOrphan(txid: string): Orphan | undefined {
		const orphan = this.orphans.get(txid);
		if (!orphan) return undefined;
		this.orphans.delete(txid);
		for (const parent of orphan.parents) {
			const set = this.orphansByParent.get(parent);
			set?.delete(txid);
			if (set?.size === 0) this.orphansByParent.delete(parent);
		}
		return orphan;
	}

	/** Retries the orphans waiting on `txid`, then theirs (bounded by the orphan limit). */
	private async acceptOrphansOf(txid: string): Promise<void> {
		const queue = [txid];
		while (queue.length > 0) {
			const waiting = this.orphansByParent.get(queue.shift()!);
			if (!waiting) continue;
			for (const orphanId of [...waiting]) {
				const orphan = this.removeOrphan(orphanId);
				if (!orphan) continue;
				try {
					const result = await this.accept(orphan.tx, orphan.time);
					if (result.status === 'accepted') queue.push(orphanId);
				} catch (error) {
					if (!(error instanceof VerifyError)) throw error;
				}
			}
		}
	}

	// ---------------------------------------------------------------- the chain moves

	private onConnect(block: Block): void {
		const minedTxids: string[] = [];
		for (const tx of block.txs) {
			minedTxids.push(tx.txid());
			if (tx.isCoinbase()) continue;
			const mined = this.entries.get(tx.txid());
			if (mined) this.removeEntry(mined, 'block');
			this.removeOrphan(tx.txid());
			for (const input of tx.inputs) {
				const other = this.spent.get(input.prevout.key());
				if (other && other !== mined) {
					this.emit('conflict', tx, other);
					this.removeWithDescendants(other, 'conflict');
				}
			}
		}
		// Orphans waiting on a transaction that was mined (never seen loose) can enter now.
		if (minedTxids.some(id => this.orphansByParent.has(id))) {
			this.chain
				.exclusive(async () => {
					for (const id of minedTxids) await this.acceptOrphansOf(id);
				})
				.catch((error: Error) => this.emit('failure', `taking in orphans after block ${block.hashHex()}`, error));
		}
	}

	/**
	 * After a reorg: the disconnected blocks' transactions come back, then everything the pool
	 * held is checked again against the new chain (signatures come from the cache).
	 */
	private afterReorg(): void {
		if (this.disconnected.length === 0) return;
		const returning = this.disconnected.reverse().flat();
		this.disconnected = [];
		this.chain.exclusive(() => this.readd(returning)).catch((error: Error) => this.emit('failure', `putting ${returning.length} transactions back after a reorganisation`, error));
	}

	private async readd(returning: Transaction[]): Promise<void> {
		const held = [...this.entries.values()];
		for (const entry of held) {
			this.entries.delete(entry.txid);
			entry.parents.clear();
			entry.children.clear();
		}
		this.spent.clear();
		this.bytes = 0;
		const now = this.now();
		for (const tx of returning) {
			try {
				await this.accept(tx, now);
			} catch (error) {
				if (!(error instanceof VerifyError)) throw error;
			}
		}
		for (const entry of held) {
			try {
				const result = await this.accept(entry.tx, entry.time, true);
				if (result.status !== 'accepted') this.emit('remove', entry, 'reorg');
			} catch (error) {
				if (!(error instanceof VerifyError)) throw error;
				if (error.reason === 'txn-already-known') this.emit('remove', entry, 'block');
				else if (error.reason !== 'txn-already-in-mempool') this.emit('remove', entry, 'reorg');
			}
		}
	}
}
