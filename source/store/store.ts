/**
 * Folds the node's events into an immutable Snapshot and tells subscribers at most ~10 times a
 * second, however busy the node is (the useSyncExternalStore contract: subscribe/getSnapshot).
 * No React here: the screen reads the store through a hook.
 */
import {COINSTAKE_INDEX} from '../node/consensus/engine.js';
import {encodeAddress} from '../node/crypto/address.js';
import {toHex} from '../node/encoding/hex.js';
import {hash160} from '../node/crypto/hash.js';
import {minesOnDemand} from '../node/consensus/networks.js';
import type {FullNode} from '../node/node.js';
import type {Transaction} from '../node/primitives/tx.js';
import {classifyOutput, parseP2pkhScriptSig} from '../node/primitives/script.js';
import type {StakingStatus} from '../node/staking/staker.js';
import type {BlockRow, LogLine, MempoolView, PaymentRow, ReorgRow, Snapshot, StakeView} from './snapshot.js';
import {WireRing} from './wire.js';

/** Rows of the chain list read around what it shows (and kept, so scrolling back reads little). */
const DEFAULT_WINDOW = 60;
const BLOCK_CACHE = 2_000;
const KEPT_REORGS = 50;
const KEPT_PAYMENTS = 50;
/** However costly the frames, the screen shows news at least twice a second. */
const MAX_NOTIFY_MS = 500;
/** While transactions stream in, the wallet's balances are read again at most once a second. */
const WALLET_FROM_MEMPOOL_MS = 1000;
const LOG_LINES = 200;
const HISTORY = 60;

export interface StoreOptions {
	readonly node: FullNode;
	readonly datadir: string;
	readonly now?: () => number;
	/** Minimum milliseconds between notifications (default 100: at most 10 a second). */
	readonly notifyMs?: number;
	/** Milliseconds between polls of what changes without events: peers' pings and bytes (1 s). */
	readonly pollMs?: number;
}

export class NodeStore {
	private snapshot: Snapshot;
	private readonly listeners = new Set<() => void>();
	private notifyTimer: NodeJS.Timeout | undefined;
	private pollTimer: NodeJS.Timeout | undefined;
	private walletTimer: NodeJS.Timeout | undefined;
	private walletAgain = false;
	/** The pool changed since the last notification: its view is rebuilt once, when notifying. */
	private mempoolDirty = false;
	/** The number of known headers when the tips were last listed. */
	private tipsAtHeaders = -1;
	private pollsSinceTips = 0;
	private peersDirty = false;
	private readonly node: FullNode;
	private readonly now: () => number;
	/** The shortest time between notifications (100 ms: at most 10 redraws a second). */
	private readonly baseNotifyMs: number;
	/** The time between notifications now: longer while redraws are costly (see pace). */
	private notifyMs: number;
	private renderMs = 0;
	private readonly blockCache = new Map<string, BlockRow>();
	private refreshing = new Set<string>();
	/** The chain rows wanted: from `top` (null: the tip) down, `count` of them. */
	private blockWindow: {top: number | null; count: number} = {top: null, count: DEFAULT_WINDOW};
	private logSeq = 0;
	/** The wallet's P2PKH hashes (hex) and labels, to notice payments to it. */
	private walletHashes = new Map<string, {address: string; label: string}>();
	/** The wallet's public keys (hex): a transaction spending with one of them is ours, its outputs to us change. */
	private walletKeys = new Set<string>();

	private again = new Set<string>();
	private closed = false;
	/** The wire inspector, while its pane is open: the peer watched, its messages, the untap. */
	private wire: {readonly peer: number | null; readonly ring: WireRing; readonly untap: () => void} | null = null;

	constructor(options: StoreOptions) {
		this.node = options.node;
		this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
		this.baseNotifyMs = options.notifyMs ?? 100;
		this.notifyMs = this.baseNotifyMs;
		const {chain} = this.node;
		this.snapshot = {
			network: chain.network.name,
			datadir: options.datadir,
			port: this.node.pool?.port ?? 0,
			regtest: minesOnDemand(chain.network),
			height: chain.height,
			tip: {hash: chain.tip.hashHex, time: chain.tip.time},
			sync: this.node.pool?.syncStatus() ?? {headers: chain.height, blocks: chain.height, rate: 0, eta: 0, synced: true},
			peers: [],
			blocks: [],
			tips: [],
			mempool: this.mempoolView(),
			miner: {...this.node.miner.getStatus(), history: []},
			stake: this.node.staker ? this.stakeView(this.node.staker.status()) : null,
			verifier: this.node.verifier.backend?.name ?? 'noble',
			wallet: {addresses: [], encrypted: this.node.wallet.keystore.encrypted, locked: this.node.wallet.keystore.locked, path: this.node.wallet.keystore.path},
			bpm: [],
			log: [],
			reorgs: [],
			payments: [],
			wire: null,
			now: this.now(),
		};
		this.attach();
		this.refresh('blocks');
		this.refresh('wallet');
		this.refresh('bpm');
		this.refresh('stake');
		this.set({tips: this.tipRows()});
		this.pollTimer = setInterval(() => this.poll(), options.pollMs ?? 1000);
		this.pollTimer.unref();
	}

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getSnapshot = (): Snapshot => this.snapshot;

	/**
	 * How long the screen took to draw the last frame. Notifications are spaced to ten times that
	 * (a moving average), between the base interval and half a second: the screen then takes at
	 * most about a tenth of a core, leaving the rest to validation when the node is busy (a
	 * 1,000 tx/s load made frames cost 15-30 ms). Keys are not paced: they redraw at once.
	 */
	pace(renderMs: number): void {
		this.renderMs = this.renderMs === 0 ? renderMs : 0.8 * this.renderMs + 0.2 * renderMs;
		this.notifyMs = Math.min(MAX_NOTIFY_MS, Math.max(this.baseNotifyMs, Math.round(this.renderMs * 10)));
	}

	close(): void {
		this.closeWire();
		this.closed = true;
		clearInterval(this.pollTimer);
		clearTimeout(this.notifyTimer);
		clearTimeout(this.walletTimer);
	}

	/** Adds a line to the log pane. */
	log(text: string): void {
		const line: LogLine = {seq: ++this.logSeq, time: this.now(), text};
		this.set({log: [...this.snapshot.log.slice(-(LOG_LINES - 1)), line]});
	}

	private set(partial: Partial<Snapshot>): void {
		this.snapshot = {...this.snapshot, ...partial, now: this.now()};
		this.schedule();
	}

	/**
	 * One notification per notifyMs however many events came. The mempool's view (a sort of every
	 * fee rate) is rebuilt here, once, not per transaction: hundreds a second arrive under load.
	 */
	private schedule(): void {
		if (this.notifyTimer || this.closed) return;
		this.notifyTimer = setTimeout(() => {
			this.notifyTimer = undefined;
			if (this.peersDirty && this.node.pool) {
				this.peersDirty = false;
				this.snapshot = {...this.snapshot, peers: this.node.pool.peerInfo()};
			}
			if (this.wire?.ring.dirty) {
				const {peer, ring} = this.wire;
				this.snapshot = {...this.snapshot, wire: {peer, rows: ring.rows(), seen: ring.seen}};
			}
			if (this.mempoolDirty) {
				this.mempoolDirty = false;
				this.snapshot = {...this.snapshot, mempool: this.mempoolView(), now: this.now()};
			}
			for (const listener of this.listeners) listener();
		}, this.notifyMs);
		this.notifyTimer.unref();
	}

	/** Unconfirmed balances: read again now, then at most once a second while transactions stream in. */
	private walletFromMempool(): void {
		if (this.walletTimer) {
			this.walletAgain = true;
			return;
		}
		this.refresh('wallet');
		const tick = () => {
			this.walletTimer = undefined;
			if (!this.walletAgain || this.closed) return;
			this.walletAgain = false;
			this.refresh('wallet');
			this.walletTimer = setTimeout(tick, WALLET_FROM_MEMPOOL_MS);
			this.walletTimer.unref();
		};
		this.walletTimer = setTimeout(tick, WALLET_FROM_MEMPOOL_MS);
		this.walletTimer.unref();
	}

	private mempoolChanged(): void {
		this.mempoolDirty = true;
		this.schedule();
	}

	private attach(): void {
		const {chain, mempool, miner, pool} = this.node;
		const chainMoved = () => {
			this.set({height: chain.height, tip: {hash: chain.tip.hashHex, time: chain.tip.time}, tips: this.tipRows()});
			this.refresh('blocks');
			this.refresh('wallet');
			this.refresh('bpm');
		};
		chain.on('tip', chainMoved);
		chain.on('invalid', () => this.set({tips: this.tipRows()}));
		// The log pane has the reorganisation's line (from the node's log); the tips pane lists them.
		chain.on('reorganize', info => {
			const row: ReorgRow = {time: this.now(), depth: info.depth, forkHeight: info.fork.height, height: info.newTip.height, hash: info.newTip.hashHex};
			this.set({reorgs: [...this.snapshot.reorgs.slice(-(KEPT_REORGS - 1)), row]});
		});
		chain.on('connect', (entry, block) => {
			for (const tx of block.txs) if (!tx.isCoinbase()) this.notePayment(tx, entry.height);
		});
		mempool.on('tx', entry => {
			this.mempoolChanged();
			this.walletFromMempool();
			this.notePayment(entry.tx, null);
		});
		mempool.on('remove', () => this.mempoolChanged());
		miner.on('status', status => {
			const history = [...this.snapshot.miner.history, status.rate].slice(-HISTORY);
			this.set({miner: {...status, history}});
		});
		miner.on('block', () => this.set({miner: {...miner.getStatus(), history: this.snapshot.miner.history}}));
		// The staker says its status every slot it tries, and when it starts, stops or wins.
		this.node.staker?.on('status', status => this.set({stake: this.stakeView(status)}));
		pool?.on('sync', sync => this.set({sync}));
		pool?.on('peer', () => this.set({peers: pool.peerInfo()}));
		pool?.on('peer-close', () => this.set({peers: pool.peerInfo()}));
		// Heights announced by peers (headers, inv): read again when notifying, not per message.
		(pool as unknown as {on(event: string, listener: () => void): void} | null)?.on('peer-update', () => {
			this.peersDirty = true;
			this.schedule();
		});
		pool?.on('listening', port => this.set({port}));
	}

	private poll(): void {
		const {pool, miner, chain} = this.node;
		// Tips change with a new header (the tip's moves and invalid blocks come as events), and a
		// side branch's status as its blocks arrive: listing them walks every leaf to the active
		// chain, so not once a second among 100k one-header forks, but on a new header or every 10 s.
		const headers = chain.headerCount;
		const due = headers !== this.tipsAtHeaders || ++this.pollsSinceTips >= 10;
		const tips = due ? {tips: this.tipRows()} : {};
		if (due) {
			this.tipsAtHeaders = headers;
			this.pollsSinceTips = 0;
		}
		this.set({
			...tips,
			height: chain.height,
			...(pool ? {peers: pool.peerInfo(), sync: pool.syncStatus()} : {}),
			...(miner.isRunning ? {} : {miner: {...miner.getStatus(), history: this.snapshot.miner.history}}),
		});
		// The chain moves and coins mature between the staker's reports (and it reports nothing while off).
		this.refresh('stake');
	}

	private stakeView(status: StakingStatus): StakeView {
		const stake = this.node.chain.network.stake!;
		return {...status, slot: stake.slot, powBlocks: stake.powBlocks};
	}

	/** The staker's status now, with the wallet's stakeable coins while it is not trying (Staker.preview). */
	private async loadStake(): Promise<void> {
		const staker = this.node.staker;
		if (!staker) return;
		const status = await staker.preview();
		// A report that came in while the wallet was read is newer: keep it.
		if (status.reason !== null && staker.status().reason === null) return;
		this.set({stake: this.stakeView(status)});
	}

	/** Runs one async refresh of a part at a time; a request while one runs queues one more. */
	private refresh(part: 'blocks' | 'wallet' | 'bpm' | 'stake'): void {
		if (this.closed) return;
		if (this.refreshing.has(part)) {
			this.again.add(part);
			return;
		}
		this.refreshing.add(part);
		const job = part === 'blocks' ? this.loadBlocks() : part === 'wallet' ? this.loadWallet() : part === 'bpm' ? this.loadBpm() : this.loadStake();
		void job
			.catch(error => this.log(`screen: could not read ${part}: ${(error as Error).message}`))
			.finally(() => {
				this.refreshing.delete(part);
				if (this.again.delete(part)) this.refresh(part);
			});
	}

	/**
	 * The chain list asks for the rows it shows (and some around them): from height `top` down
	 * (null: from the tip, following it), `count` rows. Rows come from the database as needed.
	 */
	showBlocks(top: number | null, count: number): void {
		const want = {top, count: Math.max(1, Math.min(count, 1_000))};
		if (want.top === this.blockWindow.top && want.count === this.blockWindow.count) return;
		this.blockWindow = want;
		this.refresh('blocks');
	}

	private async loadBlocks(): Promise<void> {
		const {chain} = this.node;
		const rows: BlockRow[] = [];
		const version = chain.network.addressVersion;
		const top = Math.min(this.blockWindow.top ?? chain.height, chain.height);
		for (let h = top; h >= 0 && rows.length < this.blockWindow.count; h--) {
			const entry = chain.getEntryByHeight(h);
			if (!entry) break;
			let row = this.blockCache.get(entry.hashHex);
			if (!row) {
				const block = await chain.getBlock(entry.hash);
				if (!block) continue;
				// Who made it: the miner the coinbase pays, or the staker the coinstake pays back.
				const payout = chain.engine.kindAt(h) === 'stake' ? block.txs[COINSTAKE_INDEX]?.outputs[1] : block.txs[0]?.outputs[0];
				const paid = payout ? classifyOutput(payout.script) : null;
				row = {height: h, hash: entry.hashHex, time: entry.time, txs: block.txs.length, size: block.getSize(), miner: paid?.type === 'p2pkh' ? encodeAddress(paid.hash, version) : ''};
				this.blockCache.set(entry.hashHex, row);
				if (this.blockCache.size > BLOCK_CACHE) this.blockCache.delete(this.blockCache.keys().next().value as string);
			}
			rows.push(row);
		}
		this.set({blocks: rows});
	}

	/** The wallet's keys as of now (read again only when their number changed: a new address). */
	private knowKeys(): void {
		const keys = this.node.wallet.keystore.keys();
		if (keys.length === this.walletKeys.size) return;
		const version = this.node.chain.network.addressVersion;
		this.walletKeys = new Set(keys.map(k => toHex(k.publicKey)));
		this.walletHashes = new Map(
			keys.map(k => {
				const hash = hash160(k.publicKey);
				return [toHex(hash), {address: encodeAddress(hash, version), label: k.label}];
			}),
		);
	}

	/** A transaction paying one of our addresses, spending none of our coins: a payment. */
	private notePayment(tx: Transaction, height: number | null): void {
		this.knowKeys();
		if (this.walletHashes.size === 0) return;
		const txid = tx.txid();
		// Spent by one of our keys (this screen, the RPC, another node sharing the wallet): not a payment to us.
		for (const input of tx.inputs) {
			const spend = parseP2pkhScriptSig(input.script);
			if (spend && this.walletKeys.has(toHex(spend.publicKey))) return;
		}
		const known = this.snapshot.payments.find(p => p.txid === txid);
		if (known) {
			if (height !== null) this.set({payments: this.snapshot.payments.map(p => (p.txid === txid ? {...p, height} : p))});
			return;
		}
		const found: PaymentRow[] = [];
		for (const output of tx.outputs) {
			const c = classifyOutput(output.script);
			const ours = c.type === 'p2pkh' ? this.walletHashes.get(toHex(c.hash)) : undefined;
			if (ours) found.push({time: this.now(), txid, address: ours.address, label: ours.label, amount: output.value, height});
		}
		if (found.length === 0) return;
		this.set({payments: [...this.snapshot.payments, ...found].slice(-KEPT_PAYMENTS)});
	}

	private async loadWallet(): Promise<void> {
		const {wallet} = this.node;
		const addresses = await wallet.addresses();
		this.set({wallet: {addresses, encrypted: wallet.keystore.encrypted, locked: wallet.keystore.locked, path: wallet.keystore.path}});
	}

	private async loadBpm(): Promise<void> {
		this.set({bpm: await this.node.wallet.bpmReadings()});
	}

	/**
	 * The wire inspector's pane is showing, watching one peer (by id) or every peer (null): taps
	 * the pool, keeping the newest WIRE_ROWS messages. Nothing if it already watches that peer.
	 */
	openWire(peer: number | null): void {
		const pool = this.node.pool;
		if (this.closed || !pool || (this.wire && this.wire.peer === peer)) return;
		this.closeWire();
		const ring = new WireRing();
		const untap = pool.tap(peer, record => {
			ring.add({time: record.time, direction: record.direction, peer: record.peer, command: record.command, size: record.size, bytes: record.bytes});
			this.schedule();
		});
		this.wire = {peer, ring, untap};
		this.set({wire: {peer, rows: [], seen: 0}});
	}

	/** The pane closed: the tap goes, and with it the messages kept. */
	closeWire(): void {
		if (!this.wire) return;
		this.wire.untap();
		this.wire = null;
		this.set({wire: null});
	}

	/** Asks for a wallet refresh now (after an action). */
	walletChanged(): void {
		this.refresh('wallet');
	}

	private tipRows() {
		return this.node.chain.getTips().map(t => ({height: t.height, hash: t.hash, branchLength: t.branchLength, status: t.status}));
	}

	private mempoolView(): MempoolView {
		const {mempool} = this.node;
		const entries = mempool.all();
		return {
			count: entries.length,
			bytes: mempool.totalBytes,
			usage: mempool.usage,
			maxBytes: mempool.maxSize,
			...feeRateStats(Float64Array.from(entries, e => e.feeRate)),
			newest: entries
				.slice(-20)
				.reverse()
				.map(e => ({txid: e.txid, size: e.size, fee: e.fee, feeRate: e.feeRate, time: e.time})),
		};
	}
}

/**
 * The mempool's lowest, median and highest fee rates (0 when empty). A typed array (sorted here, in
 * place) sorts numbers natively: several times faster on a pool of tens of thousands.
 */
export function feeRateStats(feeRates: Float64Array): Pick<MempoolView, 'minRate' | 'medianRate' | 'maxRate'> {
	const rates = feeRates.sort();
	return {minRate: rates[0] ?? 0, medianRate: rates[Math.floor(rates.length / 2)] ?? 0, maxRate: rates[rates.length - 1] ?? 0};
}
