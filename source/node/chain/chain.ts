/**
 * The block chain on LevelDB: validation, the block tree, the active chain, reorganisations by
 * most cumulative work, orphan blocks, and the queries the rest of the node needs.
 * After bcoin's lib/blockchain/chain.js and Bitcoin Core's validation.cpp.
 */
import {EventEmitter} from 'node:events';
import {DatadirError, StorageError, VerifyError} from '../errors.js';
import {Writer} from '../encoding/writer.js';
import {hashToHex, hexToHash, equalBytes} from '../encoding/hex.js';
import {Block} from '../primitives/block.js';
import {Coin} from '../primitives/coin.js';
import type {Header} from '../primitives/header.js';
import {OutPoint, Transaction} from '../primitives/tx.js';
import {nullData} from '../primitives/script.js';
import {prepareP2pkhCheck, type SigCheck} from '../primitives/sign.js';
import {inlineVerifier, type SigVerifier} from '../verify/verifier.js';
import type {NetworkParams} from '../consensus/networks.js';
import {COINSTAKE_INDEX, engineFor, minedModifier, ProofOfStake, type BitsInfo, type ConsensusEngine} from '../consensus/engine.js';
import {GENESIS_STAKE_MODIFIER} from '../consensus/kernel.js';
import {MEDIAN_TIME_SPAN, medianTime, checkBlockContext, checkBlockSanity, checkHeaderContext, checkTxInputs} from '../consensus/rules.js';
import {SerialQueue} from '../util/lock.js';
import {ChainDB, damaged, sealed, type BatchOp, type StorageOptions} from './chain-db.js';
import {unseal} from './checksum.js';
import {ChainEntry, Status} from './entry.js';
import {HeaderTable, RAW_ENTRY_SIZE} from './header-table.js';
import {Candidates} from './candidates.js';
import {CoinView, decodeUndo, encodeUndo} from './coin-view.js';
import {SCHEMA_VERSION, layout} from './layout.js';
import {AddressIndex, type AddressEvent} from './indexers/address-index.js';
import {BpmIndex, type BpmRecord} from './indexers/bpm-index.js';
import type {Indexer} from './indexers/indexer.js';
import {TxIndex} from './indexers/tx-index.js';

export interface ChainOptions {
	readonly network: NetworkParams;
	/** Folder of the chain's LevelDB. */
	readonly path: string;
	/** Seconds since the epoch; injected so tests are deterministic. */
	readonly now?: () => number;
	readonly verifier?: SigVerifier;
	readonly maxOrphans?: number;
	readonly maxOrphanBytes?: number;
	/** Rebuild the chain state (UTXO set, indexes) from the stored blocks. */
	readonly reindex?: boolean;
	/** Called once the datadir is locked and before the (possibly long) load: RPC starts there. */
	readonly onLocked?: () => Promise<void>;
	/** Free-space margin and statfs (tests inject both), and a test hook on writes. */
	readonly storage?: StorageOptions;
	/** Blocks at the tip read back and checked at start, with their undo data (Core's -checkblocks). */
	readonly checkBlocks?: number;
}

/** `too-little-work`: header kept, body dropped (an unrequested block on a weaker branch). */
export type AddStatus = 'connected' | 'side' | 'orphan' | 'duplicate' | 'too-little-work';

export interface AddResult {
	readonly status: AddStatus;
	readonly entry?: ChainEntry;
}

export interface ReorgInfo {
	readonly depth: number;
	readonly oldTip: ChainEntry;
	readonly newTip: ChainEntry;
	readonly fork: ChainEntry;
}

/** Blocks disconnected and connected at start to carry on work a crash cut short. */
export interface ResumeInfo {
	readonly from: ChainEntry;
	readonly to: ChainEntry;
	readonly disconnected: number;
	readonly connected: number;
}

/** Core's statuses, and 'too-deep': a branch forking deeper than a PoS network's reorg limit. */
export type TipStatus = 'active' | 'valid-fork' | 'valid-headers' | 'headers-only' | 'invalid' | 'too-deep';

export interface ChainTip {
	readonly entry: ChainEntry;
	readonly height: number;
	readonly hash: string;
	readonly branchLength: number;
	readonly status: TipStatus;
}

export interface TxLocation {
	readonly tx: Transaction;
	readonly entry: ChainEntry;
	readonly index: number;
	readonly confirmations: number;
}

export type {AddressEvent} from './indexers/address-index.js';
export type {BpmRecord} from './indexers/bpm-index.js';

export interface ChainEvents {
	connect: [entry: ChainEntry, block: Block];
	disconnect: [entry: ChainEntry, block: Block];
	reorganize: [info: ReorgInfo];
	tip: [entry: ChainEntry];
	invalid: [entry: ChainEntry, error: VerifyError];
	orphan: [block: Block];
	/** A branch with more work forks deeper than the PoS reorganisation limit: we stay on ours. */
	'too-deep': [tip: ChainEntry, fork: ChainEntry];
	/** A write failed (disk full or otherwise): the chain writes nothing more; the node must stop. */
	fatal: [error: StorageError];
}

const DEFAULT_MAX_ORPHANS = 100;
const DEFAULT_MAX_ORPHAN_BYTES = 20_000_000;
/** Bitcoin Core's -checkblocks default. */
const DEFAULT_CHECK_BLOCKS = 6;

function entryPut(entry: ChainEntry): BatchOp {
	return sealed(layout.e(entry.hash), entry.toRaw());
}

/** Stake modifiers kept in memory (each is read back from the database when needed again). */
const MODIFIER_CACHE = 512;
/** Staked headers of a branch that may wait for their blocks before more of it are taken. */
export const MAX_UNCHECKED_STAKED_HEADERS = 500;
/** Sizing of the duplicate-stake memory: it is trimmed to the reorganisation window past this. */
const STAKES_SEEN_PER_HEIGHT = 1000;

function bitsInfo(entry: ChainEntry): BitsInfo {
	return {height: entry.height, time: entry.time, bits: entry.bits};
}

function u32le(data: Uint8Array, offset: number): number {
	return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(offset, true);
}

export class Chain extends EventEmitter<ChainEvents> {
	readonly network: NetworkParams;
	/** Proof of work or of stake: what decides a header's and a block's own proof. */
	readonly engine: ConsensusEngine;
	private readonly now: () => number;
	private readonly verifier: SigVerifier;
	private readonly lock = new SerialQueue();
	private readonly maxOrphans: number;
	private readonly maxOrphanBytes: number;
	private readonly checkBlocks: number;

	/** Every known header, by hash (a compact table: header-table.ts). */
	private readonly table = new HeaderTable();
	/** The active chain by height. */
	private main: ChainEntry[] = [];
	/** Entries without children. */
	private readonly leaves = new Set<ChainEntry>();
	/**
	 * The valid header with the most work, kept as headers arrive: a headers message costs O(1)
	 * here, not a scan of every leaf (100k one-header forks made each message scan them all). Found
	 * again by a scan only when it turns out invalid (which costs its sender a ban), or after load.
	 */
	private best: ChainEntry | null = null;
	/** Entries with data all the way back to genesis that could become the tip. */
	private readonly candidates = new Candidates();
	/** Entries with data whose parent lacks chain data, by parent hash. */
	private readonly unlinked = new Map<string, ChainEntry[]>();
	/** Why an entry failed, for the caller that handed us the block. */
	private readonly failures = new Map<ChainEntry, VerifyError>();

	private readonly orphans = new Map<string, Block>();
	private readonly orphansByPrev = new Map<string, Set<string>>();
	private orphanBytes = 0;
	private nextSequence = 1;
	/** Reorganisations held back: candidates any of these returns true for are not switched to. */
	private readonly holds = new Set<(candidate: ChainEntry) => boolean>();
	/**
	 * What loading had to finish (a reorganisation or stored blocks a crash left unconnected), or
	 * null when the stored tip was already the best: the app logs it.
	 */
	private resumedAtLoad: ResumeInfo | null = null;
	/** Stake modifiers of recently connected blocks, by hash (proof-of-stake networks). */
	private readonly modifiers = new Map<string, Uint8Array>();
	/** Branch tips found forking deeper than the reorganisation limit (reported once each). */
	private readonly tooDeep = new Set<ChainEntry>();
	private deepForkAllowance = 0;
	/** Kernel ranks of recent staked blocks, for a tie between two blocks of one slot. */
	private readonly ranks = new Map<ChainEntry, bigint>();
	/** Kernel coin and height of each staked block seen recently: key `prevout@height`, value hash. */
	private readonly stakesSeen = new Map<string, string>();

	private readonly txIndex: TxIndex;
	private readonly addressIndex: AddressIndex;
	private readonly bpmIndex: BpmIndex;
	/** Every index kept beside the chain state, written in the same batches (indexers/). */
	private readonly indexers: readonly Indexer[];

	private constructor(
		private readonly db: ChainDB,
		options: ChainOptions,
	) {
		super();
		this.txIndex = new TxIndex(db);
		this.addressIndex = new AddressIndex(db);
		this.bpmIndex = new BpmIndex(db);
		this.indexers = [this.txIndex, this.addressIndex, this.bpmIndex];
		this.network = options.network;
		this.engine = engineFor(options.network);
		this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
		this.verifier = options.verifier ?? inlineVerifier;
		this.maxOrphans = options.maxOrphans ?? DEFAULT_MAX_ORPHANS;
		this.maxOrphanBytes = options.maxOrphanBytes ?? DEFAULT_MAX_ORPHAN_BYTES;
		this.checkBlocks = options.checkBlocks ?? DEFAULT_CHECK_BLOCKS;
	}

	/** Opens the chain at `options.path`, creating it with the genesis block if new. */
	static async open(options: ChainOptions): Promise<Chain> {
		// LevelDB's own repair first: it keeps what the tables still hold, so a damaged table file
		// stops neither the open nor the rebuild.
		if (options.reindex) await ChainDB.repair(options.path);
		const db = await ChainDB.open(options.path, options.storage);
		const chain = new Chain(db, options);
		db.onFatal = error => chain.emit('fatal', error);
		try {
			await options.onLocked?.();
			await chain.load(options.reindex ?? false);
		} catch (error) {
			await db.close();
			throw error;
		}
		return chain;
	}

	async close(): Promise<void> {
		await this.lock.run(() => this.db.close());
	}

	/** The write failure that stopped the chain (its 'fatal' event's error), or null. */
	get failure(): StorageError | null {
		return this.db.failed;
	}

	/** What opening had to carry on after a crash, if anything. */
	get resumed(): ResumeInfo | null {
		return this.resumedAtLoad;
	}

	/**
	 * Runs `job` under the chain's own lock, so that mempool changes and chain changes never
	 * interleave (DESIGN: one lock serialises both). `job` must not call add() or addHeader().
	 */
	exclusive<T>(job: () => Promise<T>): Promise<T> {
		return this.lock.run(job);
	}

	// ---------------------------------------------------------------- loading

	private async load(reindex: boolean): Promise<void> {
		const genesis = this.network.genesis;
		const path = this.db.path;
		const version = await this.db.get(layout.V);
		const reindexing = reindex || (await this.db.get(layout.X)) !== undefined;
		/** A version-1 datadir being rebuilt: its index records have no checksum yet. */
		let legacy = false;
		if (!version) {
			// Index entries without a version: records were lost (a damaged table), not a new database.
			if (!reindexing) for await (const _ of this.db.keys(layout.range('e'))) throw new StorageError('corrupt', damaged(path, 'the schema version record'));
			// Built in a scratch table: this chain's table fills from the database below.
			const entry = ChainEntry.genesis(new HeaderTable(), genesis.header, Status.HAVE_DATA | Status.VALID);
			await this.db.write([
				{type: 'put', key: layout.V, value: new Writer(4).u32(SCHEMA_VERSION).finish()},
				entryPut(entry),
				{type: 'put', key: layout.b(entry.hash), value: genesis.toRaw()},
				{type: 'put', key: layout.H(0), value: entry.hash},
				{type: 'put', key: layout.R, value: entry.hash},
			]);
		} else {
			const stored = u32le(version, 0);
			// Version 1: index entries without checksums. Version 2: sealed entries, but the address
			// and BPM index records unsealed; they are chain state, which the rebuild writes anew.
			if (stored === 1 && reindexing) legacy = true;
			else if (stored === 2 && reindexing) legacy = false;
			else if (stored < SCHEMA_VERSION) {
				throw new DatadirError(
					`the chain database at ${path} has schema version ${stored}; this chain-tui reads version ${SCHEMA_VERSION}: run once with --reindex to rebuild it, or delete ${path} and resync`,
				);
			} else if (stored !== SCHEMA_VERSION) {
				throw new DatadirError(
					`the chain database at ${path} has schema version ${stored}, made by a newer chain-tui; this one reads version ${SCHEMA_VERSION}: use the newer one, or delete ${path} and resync`,
				);
			}
		}

		// The marker first: a rebuild cut short (even while dropping damaged records) resumes.
		if (reindexing) await this.db.write([{type: 'put', key: layout.X, value: new Uint8Array(0)}]);
		const entries = await this.loadEntries(reindexing, legacy);
		const tipHash = await this.db.get(layout.R);
		const tip = tipHash ? this.table.get(tipHash) : undefined;
		if (reindexing) {
			await this.resetState(entries);
		} else {
			if (!tip) throw new StorageError('corrupt', damaged(path, 'the tip marker'));
			this.main = new Array(tip.height + 1);
			for (let e: ChainEntry | null = tip; e; e = e.prev) this.main[e.height] = e;
			await this.verifyRecent();
		}
		// The branch of the last tip keeps sequence 0, so it wins ties against side branches after
		// a restart or a reindex.
		const preferred = new Uint8Array(this.table.allocated);
		for (let e: ChainEntry | null = tip ?? null; e; e = e.prev) preferred[e.id] = 1;
		for (const entry of entries) this.linkChainData(entry, preferred);
		// Carries on a reorganisation cut short by a crash, or rebuilds after a reindex.
		const from = this.tip;
		let connected = 0;
		let disconnected = 0;
		const onConnect = () => connected++;
		const onDisconnect = () => disconnected++;
		this.on('connect', onConnect).on('disconnect', onDisconnect);
		try {
			await this.activateBestChain();
		} finally {
			this.off('connect', onConnect).off('disconnect', onDisconnect);
		}
		if (!reindexing && (connected > 0 || disconnected > 0)) this.resumedAtLoad = {from, to: this.tip, disconnected, connected};
		if (reindexing) await this.db.write([{type: 'del', key: layout.X}]);
	}

	/**
	 * Reads every index entry into the table and links the tree, without rehashing headers: a
	 * record's key holds its hash. Returns the entries by height (key order within a height).
	 */
	private async loadEntries(reindexing: boolean, legacy: boolean): Promise<ChainEntry[]> {
		const table = this.table;
		// Parents' hashes, by entry id, until linked: the table itself keeps links, not hashes.
		let prevs = new Uint8Array(32 << 12);
		const add = (key: Uint8Array, raw: Uint8Array) => {
			const entry = table.addRaw(raw, key.subarray(1));
			table.index(entry);
			const at = entry.id * 32;
			if (at + 32 > prevs.length) {
				const bigger = new Uint8Array(prevs.length * 2);
				bigger.set(prevs);
				prevs = bigger;
			}
			prevs.set(raw.subarray(4, 36), at);
		};
		if (reindexing) {
			for (const [key, raw] of await this.intactIndex(legacy)) add(key, raw);
		} else {
			for await (const batch of this.db.entryBatches(layout.range('e'))) {
				for (const [key, value] of batch) {
					const raw = key.length === 33 ? unseal(key, value) : null;
					if (raw?.length !== RAW_ENTRY_SIZE) throw new StorageError('corrupt', damaged(this.db.path, `the index entry of block ${hashToHex(key.subarray(1))}`));
					add(key, raw);
				}
			}
		}
		const genesisEntry = table.get(this.network.genesis.hash());
		if (!genesisEntry) {
			throw new DatadirError(`the chain database at ${this.db.path} belongs to another network (its genesis is not ${this.network.name}'s)`);
		}
		const count = table.allocated;
		// In id order, so each parent's children keep key order, as they always had.
		let maxHeight = 0;
		for (let id = 0; id < count; id++) {
			const entry = table.entry(id);
			const height = entry.height;
			if (height > maxHeight) maxHeight = height;
			if (height === 0) continue;
			const prev = table.get(prevs.subarray(id * 32, id * 32 + 32));
			if (!prev || prev.height !== height - 1) {
				throw new StorageError('corrupt', damaged(this.db.path, `the index (block ${entry.hashHex} has no parent)`));
			}
			entry.prev = prev;
		}
		// A counting sort by height (stable: key order within a height).
		const starts = new Int32Array(maxHeight + 2);
		for (let id = 0; id < count; id++) starts[table.entry(id).height + 1]!++;
		for (let h = 1; h < starts.length; h++) starts[h]! += starts[h - 1]!;
		const entries = new Array<ChainEntry>(count);
		for (let id = 0; id < count; id++) {
			const entry = table.entry(id);
			entries[starts[entry.height]!++] = entry;
			if (!table.hasChildren(id)) this.leaves.add(entry);
		}
		return entries;
	}

	/** Wipes the chain state and starts again from genesis, keeping every stored block. */
	private async resetState(entries: readonly ChainEntry[]): Promise<void> {
		await this.db.write([{type: 'put', key: layout.X, value: new Uint8Array(0)}]);
		for (const tag of layout.stateTags) await this.db.clear(layout.range(tag));
		// Every entry rewritten (a version-1 datadir's get their checksums here), with the version,
		// in one batch.
		const ops: BatchOp[] = [{type: 'put', key: layout.V, value: new Writer(4).u32(SCHEMA_VERSION).finish()}];
		for (const entry of entries) {
			if (entry.height > 0) entry.status &= ~(Status.VALID | Status.FAILED | Status.FAILED_CHILD);
			ops.push(entryPut(entry));
		}
		const genesis = this.table.get(this.network.genesis.hash())!;
		ops.push({type: 'put', key: layout.H(0), value: genesis.hash}, {type: 'put', key: layout.R, value: genesis.hash});
		await this.db.write(ops);
		this.main = [genesis];
	}

	/**
	 * --reindex: the index records that are whole and reach genesis through whole records, in key
	 * order. The others are deleted with their blocks: their headers and blocks come again from
	 * peers, as new ones do.
	 */
	private async intactIndex(legacy: boolean): Promise<[Uint8Array, Uint8Array][]> {
		const records: [Uint8Array, Uint8Array][] = [];
		const drop: BatchOp[] = [];
		const forget = (key: Uint8Array) => drop.push({type: 'del', key}, {type: 'del', key: layout.b(key.subarray(1))});
		for await (const batch of this.db.entryBatches(layout.range('e'))) {
			for (const [key, value] of batch) {
				let raw = key.length === 33 ? unseal(key, value) : null;
				if (!raw && legacy && key.length === 33 && value.length === RAW_ENTRY_SIZE) raw = value;
				if (raw?.length === RAW_ENTRY_SIZE) records.push([key, raw]);
				else forget(key);
			}
		}
		const genesisHex = this.network.genesis.hashHex();
		if (!records.some(([key]) => hashToHex(key.subarray(1)) === genesisHex)) {
			// Nothing deleted: another network's datadir, or one whose genesis record is lost.
			throw new DatadirError(`the chain database at ${this.db.path} belongs to another network or lost its genesis record (${this.network.name}'s): delete ${this.db.path} and resync`);
		}
		// Parents before children: by height (stored at bytes 80-84).
		const height = (i: number) => u32le(records[i]![1], 80);
		const order = records.map((_, i) => i).sort((a, b) => height(a) - height(b));
		const kept = new Map<string, number>();
		for (const i of order) {
			const [key, raw] = records[i]!;
			const hex = hashToHex(key.subarray(1));
			const h = height(i);
			if (h === 0 ? hex === genesisHex : kept.get(hashToHex(raw.subarray(4, 36))) === h - 1) kept.set(hex, h);
			else forget(key);
		}
		for (let i = 0; i < drop.length; i += 1000) await this.db.write(drop.slice(i, i + 1000));
		return records.filter(([key]) => kept.has(hashToHex(key.subarray(1))));
	}

	/**
	 * Bitcoin Core's VerifyDB at level 3 (its -checkblocks default of 6): the last blocks of the
	 * active chain read back and checked (hash, merkle root), and their undo data (checksum, one
	 * coin per input). A failure stops the start with a plain message.
	 */
	private async verifyRecent(): Promise<void> {
		for (let h = this.height; h > 0 && h > this.height - this.checkBlocks; h--) {
			const entry = this.main[h]!;
			const block = await this.getBlock(entry.hash);
			if (!block) throw new StorageError('corrupt', damaged(this.db.path, `block ${h} (missing)`));
			const undo = await this.readUndo(entry);
			let inputs = 0;
			for (const tx of block.txs.slice(1)) inputs += tx.inputs.length;
			if (undo.length !== inputs) throw new StorageError('corrupt', damaged(this.db.path, `the undo data of block ${h}`));
		}
	}

	/** The coins a block on the active chain spent, checksum checked. */
	private async readUndo(entry: ChainEntry): Promise<Coin[]> {
		const key = layout.u(entry.hash);
		const value = await this.db.get(key);
		const raw = value && unseal(key, value);
		try {
			if (raw) return decodeUndo(raw);
		} catch {
			// Whole by its checksum, yet undecodable: damaged all the same.
		}
		throw new StorageError('corrupt', damaged(this.db.path, `the undo data of block ${entry.height}`));
	}

	// ---------------------------------------------------------------- queries

	get tip(): ChainEntry {
		return this.main[this.main.length - 1]!;
	}

	get height(): number {
		return this.main.length - 1;
	}

	/** How many headers are known (every branch): grows with each new header. */
	get headerCount(): number {
		return this.table.size;
	}

	/** The valid header with the most work we know (possibly without its block yet). */
	get bestHeader(): ChainEntry {
		if (!this.best || this.best.failed) this.best = this.scanBestHeader();
		// The tip wins a tie, as it always has.
		return this.best.chainwork > this.tip.chainwork ? this.best : this.tip;
	}

	private scanBestHeader(): ChainEntry {
		let best = this.tip;
		for (const leaf of this.leaves) {
			if (!leaf.failed && leaf.chainwork > best.chainwork) best = leaf;
		}
		return best;
	}

	isMain(entry: ChainEntry): boolean {
		return this.main[entry.height] === entry;
	}

	getEntry(hash: Uint8Array | string): ChainEntry | undefined {
		if (typeof hash !== 'string') return this.table.get(hash);
		return /^[0-9a-fA-F]{64}$/.test(hash) ? this.table.get(hexToHash(hash)) : undefined;
	}

	getEntryByHeight(height: number): ChainEntry | undefined {
		return this.main[height];
	}

	hasBlock(hash: Uint8Array | string): boolean {
		const hex = typeof hash === 'string' ? hash : hashToHex(hash);
		return (this.getEntry(hash)?.hasData ?? false) || this.orphans.has(hex);
	}

	hasOrphan(hash: string): boolean {
		return this.orphans.has(hash);
	}

	get orphanCount(): number {
		return this.orphans.size;
	}

	/**
	 * A stored block, checked before it is handed out: its header must hash to its key and its
	 * transactions to its merkle root. A damaged one is never served: StorageError 'corrupt'.
	 */
	async getBlock(hash: Uint8Array | string): Promise<Block | null> {
		const key = typeof hash === 'string' ? hexToHash(hash) : hash;
		const raw = await this.db.get(layout.b(key));
		if (!raw) return null;
		let block: Block | null = null;
		try {
			block = Block.fromRaw(raw);
		} catch {
			block = null; // truncated or garbled bytes
		}
		if (!block || !equalBytes(block.hash(), key) || !equalBytes(block.computeMerkleRoot().root, block.header.merkleRoot)) {
			const entry = this.table.get(key);
			throw new StorageError('corrupt', damaged(this.db.path, entry ? `block ${entry.height}` : `block ${hashToHex(key)}`));
		}
		return block;
	}

	async getBlockByHeight(height: number): Promise<Block | null> {
		const entry = this.main[height];
		return entry ? this.getBlock(entry.hash) : null;
	}

	/** The ancestor of `entry` at `height` (walks the tree; O(1) on the active chain). */
	getAncestor(entry: ChainEntry, height: number): ChainEntry | null {
		if (height < 0 || height > entry.height) return null;
		if (this.isMain(entry)) return this.main[height]!;
		let e: ChainEntry | null = entry;
		while (e && e.height > height) {
			if (this.isMain(e)) return this.main[height]!;
			e = e.prev;
		}
		return e;
	}

	/** Median of the last 11 block times ending at `entry` (BIP113's median time past). */
	medianTimePast(entry: ChainEntry): number {
		return medianTime(this.recentTimes(entry));
	}

	/** The times of `entry` and its ancestors, newest first: the median-time-past window. */
	recentTimes(entry: ChainEntry): number[] {
		const times: number[] = [];
		for (let e: ChainEntry | null = entry; e && times.length < MEDIAN_TIME_SPAN; e = e.prev) times.push(e.time);
		return times;
	}

	/** The bits a block on top of `prev` must carry (GetNextWorkRequired). */
	requiredBits(prev: ChainEntry): number {
		// Main's anchor is block 1 of prev's branch, which the index remembers per entry (the same
		// rule a headers presync follows); a staked chain's is its first staked block.
		return this.engine.requiredBits(prev, height => {
			if (height === 1) {
				const one = prev.table.blockOne(prev.id);
				return one >= 0 ? bitsInfo(prev.table.entry(one)) : null;
			}
			const at = this.getAncestor(prev, height);
			return at && bitsInfo(at);
		});
	}

	/** Bitcoin's block locator: the last 10 blocks one by one, then doubling steps, genesis last. */
	getLocator(from: ChainEntry = this.tip): Uint8Array[] {
		const hashes: Uint8Array[] = [];
		let step = 1;
		let e: ChainEntry | null = from;
		while (e) {
			hashes.push(e.hash);
			if (e.height === 0) break;
			const height = Math.max(e.height - step, 0);
			e = this.getAncestor(e, height);
			if (hashes.length > 10) step *= 2;
		}
		return hashes;
	}

	/** Headers on the active chain after the first locator hash we have there (getheaders). */
	getHeadersAfter(locator: readonly Uint8Array[], stop?: Uint8Array, max = 2000): Header[] {
		let start = 0;
		for (const hash of locator) {
			const entry = this.getEntry(hash);
			if (entry && this.isMain(entry)) {
				start = entry.height + 1;
				break;
			}
		}
		const headers: Header[] = [];
		for (let h = start; h <= this.height && headers.length < max; h++) {
			const entry = this.main[h]!;
			headers.push(entry.header);
			if (stop && equalBytes(entry.hash, stop)) break;
		}
		return headers;
	}

	findFork(a: ChainEntry, b: ChainEntry): ChainEntry {
		let x: ChainEntry | null = a;
		let y: ChainEntry | null = b;
		while (x && y && x !== y) {
			if (x.height > y.height) x = x.prev;
			else if (y.height > x.height) y = y.prev;
			else {
				x = x.prev;
				y = y.prev;
			}
		}
		if (!x || !y) throw new Error('entries share no ancestor');
		return x;
	}

	/** Every leaf of the block tree plus the active tip, as Bitcoin Core's getchaintips. */
	getTips(): ChainTip[] {
		const tips = new Set(this.leaves);
		tips.add(this.tip);
		const out: ChainTip[] = [];
		for (const entry of tips) {
			const fork = this.findFork(this.tip, entry);
			let status: TipStatus;
			if (this.isMain(entry)) status = 'active';
			else if (entry.failed) status = 'invalid';
			else if (this.tooDeep.has(entry)) status = 'too-deep';
			else if (!entry.chainData) status = 'headers-only';
			else if (entry.status & Status.VALID) status = 'valid-fork';
			else status = 'valid-headers';
			out.push({entry, height: entry.height, hash: entry.hashHex, branchLength: entry.height - fork.height, status});
		}
		return out.sort((a, b) => b.height - a.height);
	}

	/** Coins by outpoint in one LevelDB call (null where missing or spent). */
	async getCoins(prevouts: readonly OutPoint[]): Promise<(Coin | null)[]> {
		const keys = prevouts.map(p => layout.c(p.txid, p.index));
		const values = await this.db.getMany(keys);
		return values.map((value, i) => (value ? this.readCoin(keys[i]!, value, prevouts[i]!) : null));
	}

	async getCoin(prevout: OutPoint): Promise<Coin | null> {
		const key = layout.c(prevout.txid, prevout.index);
		const value = await this.db.get(key);
		return value ? this.readCoin(key, value, prevout) : null;
	}

	private readCoin(key: Uint8Array, value: Uint8Array, prevout: OutPoint): Coin {
		const raw = unseal(key, value);
		try {
			if (raw) return Coin.fromRaw(raw);
		} catch {
			// Whole by its checksum, yet undecodable: damaged all the same.
		}
		throw new StorageError('corrupt', damaged(this.db.path, `the coin ${prevout.key()}`));
	}

	/** A confirmed transaction by txid (internal order or display hex). */
	async getTx(txid: Uint8Array | string): Promise<TxLocation | null> {
		const found = await this.txIndex.locate(typeof txid === 'string' ? hexToHash(txid) : txid);
		if (!found) return null;
		const entry = this.getEntry(found.block);
		const block = entry ? await this.getBlock(entry.hash) : null;
		const tx = block?.txs[found.index];
		if (!entry || !tx) return null;
		return {tx, entry, index: found.index, confirmations: this.height - entry.height + 1};
	}

	/** Unspent outputs paying to a P2PKH hash160. */
	async getAddressCoins(hash: Uint8Array): Promise<{prevout: OutPoint; coin: Coin}[]> {
		const out: {prevout: OutPoint; coin: Coin}[] = [];
		for (const prevout of await this.addressIndex.unspent(hash)) {
			const coin = await this.getCoin(prevout);
			if (coin) out.push({prevout, coin});
		}
		return out;
	}

	/** Everything an address received and spent on the active chain, oldest first. */
	getAddressHistory(hash: Uint8Array): Promise<AddressEvent[]> {
		return this.addressIndex.history(hash);
	}

	/** BPM readings on the active chain, oldest first; only one address's if given. */
	getBpmRecords(address?: Uint8Array): Promise<BpmRecord[]> {
		return this.bpmIndex.records(address);
	}

	/** Every coin of the UTXO set in key order (for gettxoutsetinfo and consistency checks). */
	async *coins(): AsyncGenerator<{prevout: OutPoint; coin: Coin}> {
		for await (const [key, value] of this.db.entries(layout.range('c'))) {
			const prevout = new OutPoint(key.slice(1, 33), new DataView(key.buffer, key.byteOffset).getUint32(33, false));
			yield {prevout, coin: this.readCoin(key, value, prevout)};
		}
	}

	// ---------------------------------------------------------------- adding

	/**
	 * Validates and stores a header without its block (headers-first sync). Returns its entry;
	 * throws a VerifyError for an invalid one or one whose parent we do not know.
	 */
	addHeader(header: Header): Promise<ChainEntry> {
		return this.lock.run(async () => {
			const known = this.table.get(header.hash());
			if (known) {
				if (known.failed) throw new VerifyError('duplicate-invalid', 100, 'header', 'header of a block known to be invalid');
				return known;
			}
			const entry = this.acceptHeader(header);
			await this.db.write([entryPut(entry)]);
			this.insertEntry(entry);
			return entry;
		});
	}

	/**
	 * Validates a block and adds it: extends or reorganises the active chain, or stores it aside.
	 * `requested`: we asked for it (sync), so it is stored even on a branch with less work.
	 */
	add(block: Block, options: {requested?: boolean} = {}): Promise<AddResult> {
		return this.lock.run(async () => {
			const result = await this.acceptBlock(block, options.requested ?? false);
			if (result.status === 'connected' || result.status === 'side') await this.connectOrphans(block.hashHex());
			return result;
		});
	}

	private acceptHeader(header: Header): ChainEntry {
		const prev = this.table.get(header.prevHash);
		this.engine.checkHeader(header, prev ? prev.height + 1 : null);
		if (!prev) throw new VerifyError('prev-blk-not-found', 0, 'header', 'parent header unknown');
		if (prev.failed) throw new VerifyError('bad-prevblk', 100, 'header', 'parent is invalid');
		this.engine.checkHeaderAt(header, prev.height + 1, prev.time);
		if (this.engine.kindAt(prev.height + 1) === 'stake') this.checkStakedHeaderPlace(prev);
		checkHeaderContext(
			header,
			{requiredBits: this.requiredBits(prev), medianTimePast: this.medianTimePast(prev), now: this.now()},
			this.network,
		);
		return ChainEntry.child(header, prev);
	}

	private insertEntry(entry: ChainEntry): void {
		this.table.index(entry); // links it into its parent's children too
		if (entry.prev) this.leaves.delete(entry.prev);
		this.leaves.add(entry);
		// Strictly more work: among equals the first seen stays, as the scan in insertion order had it.
		if (this.best && !entry.failed && entry.chainwork > this.best.chainwork) this.best = entry;
	}

	private async acceptBlock(block: Block, requested: boolean): Promise<AddResult> {
		const hex = block.hashHex();
		const known = this.table.get(block.hash());
		if (known?.failed) throw new VerifyError('duplicate-invalid', 100, 'block', 'block known to be invalid');
		if (known?.hasData || this.orphans.has(hex)) return {status: 'duplicate', ...(known ? {entry: known} : {})};

		const prev = this.table.get(block.header.prevHash);
		this.engine.checkHeader(block.header, prev ? prev.height + 1 : null);
		checkBlockSanity(block, this.network);
		if (!prev) {
			this.addOrphan(block);
			return {status: 'orphan'};
		}
		const entry = known ?? this.acceptHeader(block.header);
		try {
			checkBlockContext(block, entry.height, this.medianTimePast(prev));
			this.engine.checkBlockAt(block, entry.height);
			if (this.engine instanceof ProofOfStake && this.engine.kindAt(entry.height) === 'stake' && this.isMain(prev)) {
				await this.earlyKernel(this.engine, block, entry, prev);
			}
		} catch (error) {
			// The header commits to these transactions, so the header itself is now known bad.
			if (error instanceof VerifyError) {
				if (!known) this.insertEntry(entry);
				await this.markInvalid(entry, error);
				this.failures.delete(entry);
			}
			throw error;
		}

		if (this.engine.kindAt(entry.height) === 'stake') this.noteStake(block, entry);

		// Core's AcceptBlock: an unrequested block on a branch with less work than the tip costs a
		// peer nothing to make (old difficulty, time-warped windows), so its body is not stored.
		if (entry.chainwork < this.tip.chainwork && !requested) {
			if (!known) {
				await this.db.write([entryPut(entry)]);
				this.insertEntry(entry);
			}
			return {status: 'too-little-work', entry};
		}

		entry.status |= Status.HAVE_DATA;
		await this.db.write([
			{type: 'put', key: layout.b(entry.hash), value: block.toRaw()},
			entryPut(entry),
		]);
		if (!known) this.insertEntry(entry);
		this.linkChainData(entry);
		await this.activateBestChain(block);

		if (entry.failed) {
			const failure = this.failures.get(entry);
			this.failures.clear(); // only the caller's own block is reported; the rest are logged by 'invalid'
			throw failure ?? new VerifyError('bad-prevblk', 100, 'block', 'descends from an invalid block');
		}
		return {status: this.isMain(entry) ? 'connected' : 'side', entry};
	}

	/**
	 * Marks `entry` (and any waiting descendants) as having data back to genesis, numbering them
	 * in that order (entries marked in `preferred`, by id, keep 0).
	 */
	private linkChainData(entry: ChainEntry, preferred?: Uint8Array): void {
		if (entry.chainData || !entry.hasData) return;
		if (entry.prev && !entry.prev.chainData) {
			const key = entry.prev.hashHex;
			const list = this.unlinked.get(key) ?? [];
			if (!list.includes(entry)) list.push(entry);
			this.unlinked.set(key, list);
			return;
		}
		const queue = [entry];
		while (queue.length > 0) {
			const e = queue.shift()!;
			e.chainData = true;
			e.sequence = preferred?.[e.id] === 1 ? 0 : this.nextSequence++;
			if (this.network.stake) this.settleSlotTie(e);
			if (!e.failed) this.candidates.add(e);
			const children = this.unlinked.get(e.hashHex);
			if (children) {
				this.unlinked.delete(e.hashHex);
				queue.push(...children);
			}
		}
	}

	// ---------------------------------------------------------------- proof of stake

	/** The stake modifier after `entry` (connected once; zero for genesis). */
	async stakeModifier(entry: ChainEntry): Promise<Uint8Array> {
		if (entry.height === 0) return GENESIS_STAKE_MODIFIER;
		const hex = entry.hashHex;
		const cached = this.modifiers.get(hex);
		if (cached) return cached;
		const key = layout.m(entry.hash);
		const value = await this.db.get(key);
		const raw = value && unseal(key, value);
		if (!raw || raw.length !== 32) throw new StorageError('corrupt', damaged(this.db.path, `the stake modifier of block ${entry.height}`));
		this.rememberModifier(hex, raw);
		return raw;
	}

	private rememberModifier(hex: string, modifier: Uint8Array): void {
		this.modifiers.set(hex, modifier);
		// The staker and the next block want the newest few; older ones are read back on a reorg.
		if (this.modifiers.size > MODIFIER_CACHE) this.modifiers.delete(this.modifiers.keys().next().value!);
	}

	/**
	 * A staked header proves nothing by itself, so one is taken only where it could matter: its
	 * branch leaves the active chain within the reorganisation limit, and few enough headers of it
	 * wait for their blocks (the rest come once those blocks are fetched and checked).
	 */
	private checkStakedHeaderPlace(prev: ChainEntry): void {
		const stake = this.network.stake!;
		const {joins, unchecked} = this.joinsWithinReorgDepth(prev);
		if (!joins && this.deepForkAllowance === 0) {
			throw new VerifyError('bad-fork-too-deep', 0, 'header', `the branch leaves our chain more than ${stake.maxReorgDepth} blocks below the tip`);
		}
		if (unchecked >= MAX_UNCHECKED_STAKED_HEADERS) {
			throw new VerifyError('headers-ahead-of-blocks', 0, 'header', `${MAX_UNCHECKED_STAKED_HEADERS} staked headers of this branch already wait for their blocks`);
		}
	}

	/**
	 * A staked block on our active chain's blocks: its kernel is checked on arrival, from the coins
	 * we hold now (a coin old enough to stake there and unspent now was unspent at its parent), so
	 * a kernel over target is refused before it is stored, and its rank is known for a tie with a
	 * block of the same slot. A coin spent since (by our tip) leaves the check to the connect.
	 */
	private async earlyKernel(engine: ProofOfStake, block: Block, entry: ChainEntry, prev: ChainEntry): Promise<void> {
		const prevout = block.txs[COINSTAKE_INDEX]!.inputs[0]!.prevout;
		const coin = await this.getCoin(prevout);
		if (!coin || coin.height > prev.height) return;
		const prevModifier = await this.stakeModifier(prev);
		const {rank} = engine.checkKernel({block, height: entry.height, prevModifier, kernelCoin: coin, kernelCoinTime: this.main[coin.height]!.time});
		this.noteRank(entry, rank);
	}

	private noteRank(entry: ChainEntry, rank: bigint): void {
		this.ranks.set(entry, rank);
		if (this.ranks.size > 4 * MODIFIER_CACHE) {
			const floor = this.tip.height - (this.network.stake?.maxReorgDepth ?? 0);
			for (const [e] of this.ranks) if (e.height < floor) this.ranks.delete(e);
		}
	}

	/**
	 * Two staked blocks on one parent in one slot (two winners): the lower kernel rank takes the
	 * earlier place in arrival order (sequence), so every node settles on it, as if it had come
	 * first. Between different slots arrival order stands, so a staker gains nothing by sending,
	 * late, a sibling of a block it has already seen.
	 */
	private settleSlotTie(entry: ChainEntry): void {
		const rank = this.ranks.get(entry);
		const prev = entry.prev;
		if (rank === undefined || !prev) return;
		for (const sibling of prev.children) {
			if (sibling === entry || !sibling.chainData || sibling.failed || sibling.time !== entry.time) continue;
			const other = this.ranks.get(sibling);
			if (other === undefined || other <= rank || sibling.sequence > entry.sequence) continue;
			const earlier = sibling.sequence;
			sibling.sequence = entry.sequence;
			entry.sequence = earlier;
			if (this.candidates.has(sibling)) this.candidates.add(sibling); // its heap place follows its new sequence
		}
	}

	/**
	 * Core-like mapStakeSeen: one block per kernel coin and height; a second is refused. Only a
	 * block whose kernel and coinstake signature were checked (connected once, not failed) proves
	 * that the coin's owner staked at that height: anyone can name a coin in a coinstake, so a
	 * block not yet checked (or failed) must not make the owner's own block a duplicate.
	 */
	private noteStake(block: Block, entry: ChainEntry): void {
		const prevout = block.txs[COINSTAKE_INDEX]!.inputs[0]!.prevout;
		const key = `${prevout.key()}@${entry.height}`;
		const hex = entry.hashHex;
		const seen = this.stakesSeen.get(key);
		const seenEntry = seen === undefined || seen === hex ? undefined : this.getEntry(seen);
		if (seenEntry && !seenEntry.failed && seenEntry.status & Status.VALID) {
			throw new VerifyError('bad-stake-duplicate', 0, 'block', `the coin ${prevout.key()} already staked a block at height ${entry.height}`);
		}
		this.stakesSeen.set(key, hex);
		// Only heights a reorganisation can still reach matter.
		const floor = this.tip.height - (this.network.stake?.maxReorgDepth ?? 0) - 1;
		if (this.stakesSeen.size > 4 * STAKES_SEEN_PER_HEIGHT) {
			for (const [k] of this.stakesSeen) if (Number(k.slice(k.lastIndexOf('@') + 1)) < floor) this.stakesSeen.delete(k);
		}
	}

	// ---------------------------------------------------------------- orphans

	private addOrphan(block: Block): void {
		const hex = block.hashHex();
		const size = block.getSize();
		this.orphans.set(hex, block);
		this.orphanBytes += size;
		const prevHex = hashToHex(block.header.prevHash);
		const siblings = this.orphansByPrev.get(prevHex) ?? new Set<string>();
		siblings.add(hex);
		this.orphansByPrev.set(prevHex, siblings);
		// Drop the oldest while over either bound (Map keeps insertion order).
		while (this.orphans.size > this.maxOrphans || this.orphanBytes > this.maxOrphanBytes) {
			const oldest = this.orphans.keys().next().value as string;
			this.removeOrphan(oldest);
		}
		if (this.orphans.has(hex)) this.emit('orphan', block);
	}

	private removeOrphan(hex: string): Block | undefined {
		const block = this.orphans.get(hex);
		if (!block) return undefined;
		this.orphans.delete(hex);
		this.orphanBytes -= block.getSize();
		const prevHex = hashToHex(block.header.prevHash);
		const siblings = this.orphansByPrev.get(prevHex);
		siblings?.delete(hex);
		if (siblings?.size === 0) this.orphansByPrev.delete(prevHex);
		return block;
	}

	/** Adds the orphans waiting on `parent`, then theirs, and so on. */
	private async connectOrphans(parent: string): Promise<void> {
		const queue = [parent];
		while (queue.length > 0) {
			const waiting = this.orphansByPrev.get(queue.shift()!);
			if (!waiting) continue;
			for (const hex of [...waiting]) {
				const block = this.removeOrphan(hex);
				if (!block) continue;
				try {
					const result = await this.acceptBlock(block, false);
					if (result.status === 'connected' || result.status === 'side') queue.push(hex);
				} catch (error) {
					if (!(error instanceof VerifyError)) throw error;
					// An invalid orphan is dropped; the peer that sent it is long gone from this call.
				}
			}
		}
	}

	// ---------------------------------------------------------------- the active chain

	/**
	 * Holds back switching the tip to candidates `hold` returns true for (a clone keeps its host's
	 * branch from replacing ours until all of it is here); they stay candidates meanwhile. Memory
	 * only. Returns the release, which runs under the chain's lock after what is queued:
	 * 'activate' lets the chain take what it held, as if it never had been; 'discard' first
	 * forgets the stored body of the first block after the fork of every held branch, so what was
	 * stored after it cannot take over by itself (not even after a restart) until that block comes
	 * again, then activates the rest. Resolves with the number of bodies forgotten.
	 */
	holdReorganisations(hold: (candidate: ChainEntry) => boolean): (mode: 'activate' | 'discard') => Promise<number> {
		const own = (candidate: ChainEntry) => hold(candidate);
		this.holds.add(own);
		let released: Promise<number> | null = null;
		return mode =>
			(released ??= this.lock.run(async () => {
				let forgotten = 0;
				try {
					if (mode === 'discard') {
						const firsts = new Set<ChainEntry>();
						for (const entry of this.candidates.entries()) {
							if (entry.failed || this.isMain(entry) || !own(entry)) continue;
							const fork = this.findFork(this.tip, entry);
							firsts.add(this.getAncestor(entry, fork.height + 1)!);
						}
						for (const first of firsts) {
							await this.forgetBody(first);
							forgotten++;
						}
					}
				} finally {
					this.holds.delete(own);
				}
				await this.activateBestChain();
				this.failures.clear();
				return forgotten;
			}));
	}

	/** Switches to the best candidate now (after a hold no longer holds it back). */
	activate(): Promise<void> {
		return this.lock.run(async () => {
			await this.activateBestChain();
			this.failures.clear();
		});
	}

	/**
	 * Forgets the stored body of a block off the active chain: it becomes header-only, and every
	 * block stored after it waits for it again, as blocks stored out of order do.
	 */
	private async forgetBody(entry: ChainEntry): Promise<void> {
		if (this.isMain(entry) || !entry.hasData) return;
		entry.status &= ~Status.HAVE_DATA;
		await this.db.write([
			{type: 'del', key: layout.b(entry.hash)},
			entryPut(entry),
		]);
		const waiting = this.unlinked.get(entry.prev?.hashHex ?? '');
		if (waiting?.includes(entry)) waiting.splice(waiting.indexOf(entry), 1);
		entry.chainData = false;
		this.candidates.delete(entry);
		const queue = [entry];
		for (let i = 0; i < queue.length; i++) {
			const parent = queue[i]!;
			for (const child of parent.children) {
				if (!child.hasData) continue;
				if (child.chainData) {
					child.chainData = false;
					this.candidates.delete(child);
					queue.push(child);
				}
				const list = this.unlinked.get(parent.hashHex) ?? [];
				if (!list.includes(child)) list.push(child);
				this.unlinked.set(parent.hashHex, list);
			}
		}
	}

	private isHeld(entry: ChainEntry): boolean {
		for (const hold of this.holds) if (hold(entry)) return true;
		return this.network.stake !== undefined && this.forksTooDeep(entry);
	}

	/**
	 * Walks `entry`'s branch back to the active chain, no lower than the reorganisation limit below
	 * the tip (heights fall at each step, so the walk ends by then): whether it joins the active
	 * chain within the limit, and how many of its entries never connected.
	 */
	private joinsWithinReorgDepth(entry: ChainEntry): {joins: boolean; unchecked: number} {
		const floor = this.tip.height - this.network.stake!.maxReorgDepth;
		let unchecked = 0;
		let e: ChainEntry | null = entry;
		for (; e && !this.isMain(e); e = e.prev) {
			if (e.height <= floor) return {joins: false, unchecked};
			if (!(e.status & Status.VALID)) unchecked++;
		}
		return {joins: e !== null && e.height >= floor, unchecked};
	}

	/**
	 * Whether `entry`'s branch leaves the active chain deeper than a PoS network's reorganisation
	 * limit: such a branch is never adopted by itself (a clone, asked for by the user, may). Said
	 * once per branch tip in a 'too-deep' event.
	 */
	private forksTooDeep(entry: ChainEntry): boolean {
		if (this.deepForkAllowance > 0 || this.joinsWithinReorgDepth(entry).joins) return false;
		if (!this.tooDeep.has(entry)) {
			this.tooDeep.add(entry);
			this.emit('too-deep', entry, this.findFork(this.tip, entry));
		}
		return true;
	}

	/**
	 * Lets branches fork deeper than the reorganisation limit until the returned release is
	 * called: a clone from a host the user chose is the way back to a network left too far behind.
	 */
	allowDeepForks(): () => void {
		this.deepForkAllowance++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.deepForkAllowance--;
		};
	}

	/**
	 * The candidate with most work, ties to the lower sequence, skipping held ones; drops failed
	 * ones and those with less work than the tip (a disconnect puts entries back: disconnectTip).
	 */
	private bestCandidate(): ChainEntry | null {
		return this.candidates.best(this.tip.chainwork, this.holds.size > 0 || this.network.stake ? entry => this.isHeld(entry) : null);
	}

	/** Moves the tip to the candidate with most work, skipping branches that turn out invalid. */
	private async activateBestChain(known?: Block): Promise<void> {
		const start = this.tip;
		for (let attempt = 0; attempt < 10_000; attempt++) {
			const best = this.bestCandidate();
			const tip = this.tip;
			if (!best || best === tip) break;
			// Equal work: stay, unless the other arrived first (the way back after a failed reorg;
			// a slot tie's winner counts as first: settleSlotTie).
			if (best.chainwork === tip.chainwork && best.sequence >= tip.sequence) break;
			await this.reorganizeTo(best, known);
		}
		if (this.tip !== start) this.emit('tip', this.tip);
	}

	private async reorganizeTo(target: ChainEntry, known?: Block): Promise<void> {
		const oldTip = this.tip;
		const fork = this.findFork(oldTip, target);
		let depth = 0;
		while (this.tip !== fork) {
			await this.disconnectTip();
			depth++;
		}
		const path: ChainEntry[] = [];
		for (let e: ChainEntry | null = target; e && e !== fork; e = e.prev) path.push(e);
		path.reverse();
		for (const entry of path) {
			let block: Block | null;
			try {
				block = known && equalBytes(known.hash(), entry.hash) ? known : await this.getBlock(entry.hash);
			} catch (error) {
				if (!(error instanceof StorageError && error.code === 'corrupt')) throw error;
				block = null;
			}
			if (!block) {
				// Lost or damaged on disk (a --reindex after a repair meets these): forgotten, so it
				// is header-only again and sync fetches it from peers like any block it lacks.
				await this.forgetBody(entry);
				break;
			}
			try {
				await this.connectTip(entry, block);
			} catch (error) {
				if (!(error instanceof VerifyError)) throw error;
				await this.markInvalid(entry, error);
				break;
			}
		}
		if (depth > 0) this.emit('reorganize', {depth, oldTip, newTip: this.tip, fork});
	}

	private async markInvalid(entry: ChainEntry, error: VerifyError): Promise<void> {
		entry.status |= Status.FAILED;
		this.failures.set(entry, error);
		this.candidates.delete(entry);
		const ops: BatchOp[] = [entryPut(entry)];
		// Descendants, breadth first through the children lists: linear in their number.
		const queue = [...entry.children];
		for (let i = 0; i < queue.length; i++) {
			const other = queue[i]!;
			queue.push(...other.children);
			if (other.status & Status.FAILED_CHILD) continue;
			other.status |= Status.FAILED_CHILD;
			this.candidates.delete(other);
			ops.push(entryPut(other));
		}
		for (let i = 0; i < ops.length; i += 1000) await this.db.write(ops.slice(i, i + 1000));
		this.emit('invalid', entry, error);
	}

	/** Connects `block` on top of the tip in one batch: coins, undo, indexes, tip marker. */
	private async connectTip(entry: ChainEntry, block: Block): Promise<void> {
		const net = this.network;
		const height = entry.height;
		const staked = this.engine.kindAt(height) === 'stake';
		checkBlockContext(block, height, this.medianTimePast(entry.prev!));
		this.engine.checkBlockAt(block, height);
		const view = new CoinView(
			prevout => this.getCoin(prevout),
			prevouts => this.getCoins(prevouts),
		);
		view.prefetch(block.txs.flatMap(tx => (tx.isCoinbase() ? [] : tx.inputs.map(input => input.prevout))));
		const ops: BatchOp[] = [];
		const spent: Coin[] = [];
		/** The coins each transaction spent, for the indexes. */
		const spentByTx: Coin[][] = [];
		const checks: SigCheck[] = [];
		let fees = 0n;
		/** What a coinstake pays beyond what it spends. */
		let minted = 0n;

		for (let t = 0; t < block.txs.length; t++) {
			const tx = block.txs[t]!;
			const txid = tx.hash();
			if (!tx.isCoinbase()) {
				const coins: (Coin | null)[] = [];
				for (const input of tx.inputs) coins.push(await view.get(input.prevout));
				try {
					if (staked && t === COINSTAKE_INDEX) minted = -checkTxInputs(tx, coins, height, net, true);
					else fees += checkTxInputs(tx, coins, height, net);
				} catch (error) {
					if (error instanceof VerifyError) throw new VerifyError(error.reason, 100, 'block', `${error.message} in tx ${tx.txid()}`);
					throw error;
				}
				for (let i = 0; i < tx.inputs.length; i++) {
					const prevout = tx.inputs[i]!.prevout;
					const coin = coins[i]!;
					const prepared = prepareP2pkhCheck(tx, i, coin.script);
					if ('error' in prepared) {
						throw new VerifyError('mandatory-script-verify-flag-failed', 100, 'block', `${prepared.error} (tx ${tx.txid()} input ${i})`, prepared.code);
					}
					checks.push(prepared.check);
					view.spend(prevout);
					spent.push(coin);
					ops.push({type: 'del', key: layout.c(prevout.txid, prevout.index)});
				}
				spentByTx.push(coins as Coin[]);
			} else {
				spentByTx.push([]);
			}
			for (let n = 0; n < tx.outputs.length; n++) {
				const output = tx.outputs[n]!;
				if (nullData(output.script)) continue; // provably unspendable: never enters the UTXO set
				const coin = new Coin(output.value, output.script, height, this.engine.mintsAt(height, t));
				view.add(new OutPoint(txid, n), coin);
				ops.push(sealed(layout.c(txid, n), coin.toRaw()));
			}
		}

		this.engine.checkReward(block, height, fees, minted);
		let modifier: Uint8Array | null = null;
		if (this.engine instanceof ProofOfStake) {
			const prevModifier = await this.stakeModifier(entry.prev!);
			if (staked) {
				const kernelCoin = spentByTx[COINSTAKE_INDEX]![0]!;
				// The coin's block is on the active chain below this one: this block extends the tip.
				const kernelCoinTime = this.main[kernelCoin.height]!.time;
				const kernel = this.engine.checkKernel({block, height, prevModifier, kernelCoin, kernelCoinTime});
				modifier = kernel.modifier;
				this.noteRank(entry, kernel.rank);
			} else {
				modifier = minedModifier(prevModifier, entry.hash);
			}
			ops.push(sealed(layout.m(entry.hash), modifier));
		}
		if (!(await this.verifier.verify(checks))) {
			throw new VerifyError('mandatory-script-verify-flag-failed', 100, 'block', 'signature check failed');
		}

		entry.status |= Status.VALID;
		for (const indexer of this.indexers) indexer.connect({entry, height, block, spent: spentByTx}, ops);
		ops.push(
			sealed(layout.u(entry.hash), encodeUndo(spent)),
			entryPut(entry),
			{type: 'put', key: layout.H(height), value: entry.hash},
			{type: 'put', key: layout.R, value: entry.hash},
		);
		await this.db.write(ops);
		if (modifier) this.rememberModifier(entry.hashHex, modifier);
		this.main.push(entry);
		this.emit('connect', entry, block);
	}

	/** Disconnects the tip in one batch, restoring the coins it spent from its undo data. */
	private async disconnectTip(): Promise<void> {
		const entry = this.tip;
		if (entry.height === 0) throw new Error('cannot disconnect the genesis block');
		const block = await this.getBlock(entry.hash);
		if (!block) throw new StorageError('corrupt', damaged(this.db.path, `block ${entry.height} (missing)`));
		const undo = await this.readUndo(entry);
		const height = entry.height;
		const ops: BatchOp[] = [];
		// The undo data holds the spent coins in input order across the block: per transaction here.
		const spentByTx: Coin[][] = [];
		let u = 0;
		for (const tx of block.txs) {
			const coins = tx.isCoinbase() ? [] : tx.inputs.map(() => undo[u++]);
			if (coins.some(c => c === undefined)) throw new StorageError('corrupt', damaged(this.db.path, `the undo data of block ${height}`));
			spentByTx.push(coins as Coin[]);
		}
		for (let t = block.txs.length - 1; t >= 0; t--) {
			const tx = block.txs[t]!;
			const txid = tx.hash();
			for (let n = tx.outputs.length - 1; n >= 0; n--) {
				if (!nullData(tx.outputs[n]!.script)) ops.push({type: 'del', key: layout.c(txid, n)});
			}
			const coins = spentByTx[t]!;
			for (let i = coins.length - 1; i >= 0; i--) {
				const prevout = tx.inputs[i]!.prevout;
				ops.push(sealed(layout.c(prevout.txid, prevout.index), coins[i]!.toRaw()));
			}
		}
		for (const indexer of this.indexers) indexer.disconnect({entry, height, block, spent: spentByTx}, ops);
		const prev = entry.prev!;
		ops.push(
			{type: 'del', key: layout.u(entry.hash)},
			{type: 'del', key: layout.H(height)},
			{type: 'put', key: layout.R, value: prev.hash},
		);
		await this.db.write(ops);
		this.main.pop();
		// The old branch may have to come back if the new one fails.
		if (!entry.failed) this.candidates.add(entry);
		this.emit('disconnect', entry, block);
	}
}
