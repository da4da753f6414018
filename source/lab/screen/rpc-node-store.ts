/**
 * Node k's snapshot for the app's panes, read over its JSON-RPC as any client could (one batch a
 * second, each block of the chain list once), its log from its debug.log, and its wire from the
 * lab's relays on its links. What RPC does not tell is left out, never made up.
 */
import {open} from 'node:fs/promises';
import {join} from 'node:path';
import {minesOnDemand, networkByName, type NetworkParams} from '../../node/consensus/networks.js';
import type {BlockRow, LogLine, MempoolRow, NotStakingReason, PeerInfo, Snapshot, TipRow} from '../../store/snapshot.js';
import {feeRateStats} from '../../store/store.js';
import {LinkWire} from '../link-wire.js';
import type {Lab} from '../lab.js';
import {rpcBatch, type Answer} from '../rpc-client.js';

const DEFAULT_WINDOW = 60;
const LOG_LINES = 200;
/** The end of debug.log read each poll: enough for LOG_LINES lines. */
const LOG_TAIL_BYTES = 64 * 1024;

/** Coins in JSON (8 decimals) to satoshis. */
export const sats = (coins: unknown): bigint => BigInt(Math.round(Number(coins ?? 0) * 1e8));

export interface BlockJson {
	hash: string;
	height: number;
	time: number;
	nTx: number;
	size: number;
	confirmations: number;
	tx: {txid: string; size: number; vin: {coinbase?: string; txid?: string; vout?: number}[]; vout: {value: number; n: number; scriptPubKey: {address?: string; type?: string}}[]}[];
}

export class RpcNodeStore {
	private snapshot: Snapshot;
	private readonly listeners = new Set<() => void>();
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	private window: {top: number | null; count: number} = {top: null, count: DEFAULT_WINDOW};
	/** Block rows by hash: a block never changes, only which one is at a height. */
	private readonly rows = new Map<string, BlockRow>();
	private readonly net: NetworkParams;
	private own: LogLine[] = [];
	private wire: LinkWire | null = null;

	constructor(
		readonly lab: Lab,
		readonly index: number,
		private readonly pollMs = 1000,
	) {
		const node = lab.nodes[index]!;
		this.net = networkByName(lab.options.network);
		this.snapshot = {
			network: this.net.name,
			datadir: node.datadir,
			port: node.spec.port,
			regtest: minesOnDemand(this.net),
			height: 0,
			tip: {hash: '', time: 0},
			sync: {headers: 0, blocks: 0, rate: 0, eta: 0, synced: true},
			peers: [],
			blocks: [],
			tips: [],
			mempool: {count: 0, bytes: 0, usage: 0, maxBytes: 0, minRate: 0, medianRate: 0, maxRate: 0, newest: []},
			miner: {running: false, threads: 0, kernel: 'js', hashes: 0, rate: 0, height: 0, bits: 0, difficulty: 1, blocksFound: 0, expectedSeconds: Infinity, pacedSeconds: null, history: []},
			stake: null,
			verifier: 'not known over RPC',
			wallet: {addresses: [], encrypted: false, locked: false, path: `${node.datadir}: over RPC, spendable coins only (immature ones are not listed)`},
			bpm: [],
			log: [],
			reorgs: [],
			payments: [],
			wire: null,
			now: Math.floor(Date.now() / 1000),
		};
	}

	/**
	 * The wire inspector over node k's links: the lab's relays see every message it sends and gets
	 * (the node's own tap is in its process, out of an RPC client's reach), so it watches them all
	 * whichever peer is asked for.
	 */
	openWire(): void {
		if (this.wire || this.closed) return;
		const wire = new LinkWire(() => this.emit());
		for (const [key, link] of this.lab.links) {
			const [a, b] = key.split('-').map(Number) as [number, number];
			if (a !== this.index && b !== this.index) continue;
			wire.watch(link, this.lab.nodes[a === this.index ? b : a]?.name ?? '?', a !== this.index);
		}
		this.wire = wire;
		this.set({wire: {peer: null, rows: [], seen: 0}});
	}

	closeWire(): void {
		if (!this.wire) return;
		this.wire.stop();
		this.wire = null;
		this.set({wire: null});
	}

	get port(): number {
		return this.lab.nodes[this.index]!.spec.rpcPort;
	}

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getSnapshot = (): Snapshot => this.snapshot;

	/** The app's redraw pacing has nothing to slow down here: polls come once a second. */
	pace(): void {}

	start(): void {
		const loop = async () => {
			if (this.closed) return;
			await this.poll().catch(error => this.log(`RPC: ${(error as Error).message}`));
			if (!this.closed) this.timer = setTimeout(loop, this.pollMs);
		};
		void loop();
	}

	close(): void {
		this.closeWire();
		this.closed = true;
		clearTimeout(this.timer);
	}

	showBlocks(top: number | null, count: number): void {
		this.window = {top, count};
		void this.loadBlocks(this.snapshot.height).then(
			() => this.emit(),
			(error: Error) => this.log(`reading blocks: ${error.message}`),
		);
	}

	/** A line of the screen's own (an action that failed), among the node's lines by time. */
	log(text: string): void {
		// Ids above any file offset: the node's lines are numbered by where they start in debug.log.
		this.own = [...this.own, {seq: 2 ** 50 + this.own.length, time: Math.floor(Date.now() / 1000), text}].slice(-20);
		this.set({log: [...this.snapshot.log, this.own.at(-1)!]});
	}

	private set(patch: Partial<Snapshot>): void {
		this.snapshot = {...this.snapshot, ...patch, now: Math.floor(Date.now() / 1000)};
		this.emit();
	}

	private emit(): void {
		if (this.wire?.ring.dirty) this.snapshot = {...this.snapshot, wire: {peer: null, rows: this.wire.ring.rows(), seen: this.wire.ring.seen}};
		for (const l of this.listeners) l();
	}

	private async poll(): Promise<void> {
		const stake = this.net.stake !== undefined;
		const calls: [string, ...unknown[]][] = [['getblockchaininfo'], ['getpeerinfo'], ['getchaintips'], ['getmempoolinfo'], ['getrawmempool', true], ['getmininginfo'], ['listunspent', 0, 9_999_999, [], true], ['listbpm']];
		if (stake) calls.push(['getstakinginfo']);
		const a = await rpcBatch(this.port, calls, 10_000);
		const get = <T,>(i: number): T | null => (a[i]?.ok ? ((a[i] as Answer & {ok: true}).result as T) : null);
		const info = get<{blocks: number; headers: number; bestblockhash: string; time: number}>(0);
		if (!info) throw new Error((a[0] as {error?: string}).error ?? 'no answer');
		const patch: {-readonly [K in keyof Snapshot]?: Snapshot[K]} = {
			height: info.blocks,
			tip: {hash: info.bestblockhash, time: info.time},
			sync: {headers: info.headers, blocks: info.blocks, rate: 0, eta: info.headers > info.blocks ? Infinity : 0, synced: info.headers <= info.blocks},
			peers: (get<PeerJson[]>(1) ?? []).map(peerInfo),
			tips: (get<{height: number; hash: string; branchlen: number; status: TipRow['status']}[]>(2) ?? []).map(t => ({height: t.height, hash: t.hash, branchLength: t.branchlen, status: t.status})),
			mempool: mempoolView(get(3), get(4)),
			miner: minerView(get(5), this.snapshot.miner.history),
			wallet: walletView(get(6), this.snapshot.wallet.path),
			bpm: (get<{address: string; bpm: number; height: number; time: number; confirmations: number; txid: string}[]>(7) ?? []).map(r => ({...r})),
			log: [...(await this.nodeLog()), ...this.own].sort((x, y) => x.time - y.time),
		};
		if (stake) patch.stake = stakeView(get(8), this.net);
		this.snapshot = {...this.snapshot, ...patch};
		await this.loadBlocks(info.blocks);
		this.set({});
	}

	/** The node's own log: the last lines of its debug.log, each with the time it was written. */
	private async nodeLog(): Promise<LogLine[]> {
		const path = join(this.lab.nodes[this.index]!.datadir, 'debug.log');
		let text: string;
		let start = 0;
		try {
			const file = await open(path, 'r');
			try {
				const {size} = await file.stat();
				start = Math.max(0, size - LOG_TAIL_BYTES);
				const {buffer, bytesRead} = await file.read(Buffer.alloc(size - start), 0, size - start, start);
				text = buffer.subarray(0, bytesRead).toString('utf8');
			} finally {
				await file.close();
			}
		} catch (error) {
			return [{seq: 1, time: Math.floor(Date.now() / 1000), text: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`}];
		}
		// The first line may be cut by the tail: only whole lines that start with their time count.
		// A line's id is where it starts in the file: the log list keeps its place as lines come.
		const lines: LogLine[] = [];
		let at = start;
		for (const line of text.split('\n')) {
			const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/.exec(line);
			if (m) lines.push({seq: at, time: Math.floor(Date.parse(m[1]!) / 1000), text: m[2]!});
			at += Buffer.byteLength(line) + 1;
		}
		return lines.slice(-LOG_LINES);
	}

	/** The chain list's window, newest first: each block read once (getblock), then kept by hash. */
	private async loadBlocks(height: number): Promise<void> {
		const top = Math.min(this.window.top ?? height, height);
		const heights: number[] = [];
		for (let h = top; h >= 0 && heights.length < this.window.count; h--) heights.push(h);
		const hashes = await rpcBatch(
			this.port,
			heights.map(h => ['getblockhash', h] as const),
		);
		const wanted = hashes.flatMap(x => (x.ok && !this.rows.has(x.result as string) ? [x.result as string] : []));
		if (wanted.length > 0) {
			const blocks = await rpcBatch(
				this.port,
				wanted.map(h => ['getblock', h, 2] as const),
			);
			for (const b of blocks) if (b.ok) this.rows.set((b.result as BlockJson).hash, blockRow(b.result as BlockJson));
		}
		this.snapshot = {...this.snapshot, blocks: hashes.flatMap(x => (x.ok && this.rows.has(x.result as string) ? [this.rows.get(x.result as string)!] : []))};
	}
}

interface PeerJson {
	id: number;
	addr: string;
	inbound: boolean;
	subver: string;
	version: number;
	startingheight: number;
	synced_headers: number;
	synced_blocks: number;
	pingtime?: number;
	bytessent: number;
	bytesrecv: number;
	bytessent_per_msg?: Record<string, number>;
	bytesrecv_per_msg?: Record<string, number>;
	conntime: number;
	banscore: number;
}

function peerInfo(p: PeerJson): PeerInfo {
	return {
		id: p.id,
		address: p.addr,
		direction: p.inbound ? 'inbound' : 'outbound',
		agent: p.subver,
		version: p.version,
		height: Math.max(p.startingheight, p.synced_blocks),
		startHeight: p.startingheight,
		syncedHeaders: p.synced_headers,
		syncedBlocks: p.synced_blocks,
		pingMs: p.pingtime === undefined ? null : Math.round(p.pingtime * 1000),
		bytesIn: p.bytesrecv,
		bytesOut: p.bytessent,
		// Over RPC Core gives bytes per message, not counts.
		messagesIn: {},
		messagesOut: {},
		connectedAt: p.conntime,
		banScore: p.banscore,
		inflight: 0,
	};
}

function mempoolView(info: {size: number; bytes: number; usage: number; maxmempool: number} | null, entries: Record<string, {size: number; time: number; fees: {base: number}}> | null) {
	const rows: MempoolRow[] = Object.entries(entries ?? {}).map(([txid, e]) => {
		const fee = sats(e.fees.base);
		return {txid, size: e.size, fee, feeRate: Number(fee) / Math.max(1, e.size), time: e.time};
	});
	return {
		count: info?.size ?? rows.length,
		bytes: info?.bytes ?? 0,
		usage: info?.usage ?? 0,
		maxBytes: info?.maxmempool ?? 0,
		...feeRateStats(Float64Array.from(rows, r => r.feeRate)),
		newest: rows.sort((x, y) => y.time - x.time).slice(0, 20),
	};
}

function minerView(m: {generate: boolean; genproclimit: number; localhashps: number; kernel: Snapshot['miner']['kernel']; blocks: number; difficulty: number} | null, history: readonly number[]): Snapshot['miner'] {
	const rate = m?.localhashps ?? 0;
	return {
		running: m?.generate ?? false,
		threads: m?.genproclimit ?? 0,
		kernel: m?.kernel ?? 'js',
		hashes: 0,
		rate,
		height: (m?.blocks ?? 0) + 1,
		bits: 0,
		difficulty: m?.difficulty ?? 1,
		blocksFound: 0,
		expectedSeconds: Infinity,
		pacedSeconds: null,
		history: [...history, rate].slice(-60),
	};
}

function walletView(coins: {address: string; label?: string; amount: number; confirmations: number}[] | null, path: string): Snapshot['wallet'] {
	// Spendable coins by address: immature coinbase outputs are not listed over RPC (as in Core).
	const by = new Map<string, {label: string; confirmed: bigint; unconfirmed: bigint}>();
	for (const c of coins ?? []) {
		const row = by.get(c.address) ?? {label: c.label ?? '', confirmed: 0n, unconfirmed: 0n};
		if (c.confirmations > 0) row.confirmed += sats(c.amount);
		else row.unconfirmed += sats(c.amount);
		by.set(c.address, row);
	}
	// Whether the wallet is locked is not known over RPC: an action that needs the key says so (-13).
	return {
		addresses: [...by].map(([address, r]) => ({address, label: r.label, hash: new Uint8Array(20), publicKey: new Uint8Array(33), confirmed: r.confirmed, unconfirmed: r.unconfirmed, immature: 0n})),
		encrypted: false,
		locked: false,
		path,
	};
}

function stakeView(s: {enabled: boolean; staking: boolean; reason?: NotStakingReason | null; weight: number; netstakeweight: number; expectedtime: number; blocks_won: number; blocks_expected: number; slots_tried: number; coins?: number; chance_per_slot?: number; height?: number; bits?: number} | null, net: NetworkParams): Snapshot['stake'] {
	if (!s) return null;
	return {
		enabled: s.enabled,
		staking: s.staking,
		reason: s.reason ?? null,
		coins: s.coins ?? 0,
		weight: BigInt(Math.round(s.weight)),
		netWeight: BigInt(Math.round(s.netstakeweight)),
		chancePerSlot: s.chance_per_slot ?? 0,
		expectedSeconds: s.expectedtime > 0 ? s.expectedtime : null,
		won: s.blocks_won,
		expected: s.blocks_expected,
		slotsTried: s.slots_tried,
		lastTries: [],
		height: s.height ?? 0,
		bits: s.bits ?? 0,
		slot: net.stake!.slot,
		powBlocks: net.stake!.powBlocks,
	};
}

function blockRow(b: BlockJson): BlockRow {
	return {height: b.height, hash: b.hash, time: b.time, txs: b.nTx, size: b.size, miner: b.tx[0]?.vout[0]?.scriptPubKey.address ?? ''};
}

