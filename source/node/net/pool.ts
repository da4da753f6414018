/**
 * The peer pool: the node's face to the network. It owns the peers' records and hands each
 * message to the part that deals with it (btcd's lines, a file each):
 * - connections.ts: listening, dialling, outbound slots, bans at the door;
 * - header-sync.ts (+ headers-presync.ts): headers-first sync behind the anti-DoS threshold;
 * - block-download.ts: which blocks to ask of whom, stalls;
 * - tx-requests.ts: which transactions to ask of whom;
 * - relay.ts: announcing blocks and transactions, serving getdata;
 * - address-gossip.ts: addr and getaddr;
 * - clone.ts: cloning a chain from a host.
 * After bcoin's net/pool.js and Bitcoin Core's net_processing.
 */
import {EventEmitter} from 'node:events';
import type {Chain} from '../chain/chain.js';
import type {ChainEntry} from '../chain/entry.js';
import type {NetworkParams} from '../consensus/networks.js';
import {VerifyError} from '../errors.js';
import {hashToHex} from '../encoding/hex.js';
import type {Mempool} from '../mempool/mempool.js';
import type {Block} from '../primitives/block.js';
import {AddrMan} from './addrman.js';
import {AddressGossip} from './address-gossip.js';
import {BlockDownloader} from './block-download.js';
import {Cloner, type CloneOptions, type CloneResult} from './clone.js';
import {ConnectionManager, parseHostPort} from './connections.js';

/** `--connect 0`: connect-only, to nobody (Core's -connect=0). */
export const CONNECT_NONE = '0';
import {HeaderSync} from './header-sync.js';
import {HostMemory} from './host-memory.js';
import {InvType, type InvItem, type Message} from './messages.js';
import type {Peer, PeerTimeouts} from './peer.js';
import {newPeerState, notePeerBlock, type PeerState} from './peer-state.js';
import type {PoolContext} from './pool-context.js';
import {Relay} from './relay.js';
import {SyncRate, type SyncStatus} from './sync-status.js';
import {TX_REQUEST_TIMEOUT_MS, TxRequests} from './tx-requests.js';
import {WireTaps, type WireListener} from './wire-tap.js';

export {parseHostPort};
export type {SyncStatus};
export type {CloneOutcome, CloneOptions, CloneResult} from './clone.js';
export type {WireDirection, WireListener, WireRecord} from './wire-tap.js';

export interface PoolOptions {
	readonly chain: Chain;
	readonly mempool?: Mempool;
	/** Port to listen on (0: any free one, for tests). */
	readonly port: number;
	/** Interface to listen on (default all). */
	readonly host?: string;
	readonly listen?: boolean;
	/** host:port peers to keep connected to (--peer). */
	readonly peers?: readonly string[];
	/**
	 * --connect (Core's -connect): dial only these and `peers`, never an address learned from
	 * gossip; `0` alone (Core's -connect=0): no automatic outbound connections at all. Inbound
	 * connections are still taken.
	 */
	readonly connect?: readonly string[];
	/** Where peers.json (addresses and bans) lives; null keeps them in memory. */
	readonly addrPath?: string | null;
	readonly maxOutbound?: number;
	readonly maxInbound?: number;
	readonly agent?: string;
	readonly timeouts?: Partial<PeerTimeouts>;
	/** Milliseconds between tries to fill outbound slots (default 1 s). */
	readonly connectIntervalMs?: number;
	/** A requested block not delivered in this long is asked of another peer (default 10 s). */
	readonly stallMs?: number;
	readonly banSeconds?: number;
	/** A transaction asked for and not delivered in this long is asked of another peer (60 s). */
	readonly txRequestMs?: number;
	readonly now?: () => number;
	/** Uniform in [0, 1): the address manager's key and choices, addr order (tests pass a seeded one). */
	readonly random?: () => number;
}

export interface PeerInfo {
	readonly id: number;
	readonly address: string;
	readonly direction: 'inbound' | 'outbound';
	readonly agent: string;
	readonly version: number;
	/** The best height we know the peer has: its version's start height or anything since. */
	readonly height: number;
	/** The height its version message gave. */
	readonly startHeight: number;
	/** Height of the best header it sent us in headers messages; -1 before any (Core's synced_headers). */
	readonly syncedHeaders: number;
	/**
	 * Height of the best block we know it has (announced by inv or headers, or sent to us); -1
	 * before any (Core's synced_blocks).
	 */
	readonly syncedBlocks: number;
	readonly pingMs: number | null;
	readonly bytesIn: number;
	readonly bytesOut: number;
	readonly messagesIn: Readonly<Record<string, number>>;
	readonly messagesOut: Readonly<Record<string, number>>;
	readonly connectedAt: number;
	readonly banScore: number;
	readonly inflight: number;
	/** Addresses from its addr messages taken in, and dropped over its rate limit (Core's addr_processed, addr_rate_limited). */
	readonly addrProcessed?: number;
	readonly addrRateLimited?: number;
	/** Height a headers presync with it has checked up to, while one runs (Core's presync_height). */
	readonly presyncHeight?: number;
}

export interface PoolEvents {
	listening: [port: number];
	peer: [peer: Peer];
	'peer-close': [peer: Peer, reason: string];
	/** A peer's height, syncedHeaders or syncedBlocks changed (not throttled). */
	'peer-update': [peer: Peer];
	ban: [address: string, reason: string];
	sync: [status: SyncStatus];
	log: [line: string];
}

export class Pool extends EventEmitter<PoolEvents> {
	readonly chain: Chain;
	readonly network: NetworkParams;
	private readonly options: PoolOptions;
	private readonly ctx: PoolContext;
	private readonly conn: ConnectionManager;
	private readonly headers: HeaderSync;
	private readonly downloader: BlockDownloader;
	private readonly txs: TxRequests;
	private readonly relay: Relay;
	private readonly gossip: AddressGossip;
	private readonly cloner: Cloner;
	private readonly taps: WireTaps;
	private readonly state = new Map<Peer, PeerState>();
	/** The best header each closed peer had shown (clone() reads it after a hang-up). */
	private readonly lastBest = new WeakMap<Peer, ChainEntry | null>();
	private readonly rate = new SyncRate();
	private connectTimer: NodeJS.Timeout | undefined;
	private stallTimer: NodeJS.Timeout | undefined;
	private stopped = false;

	constructor(options: PoolOptions) {
		super();
		this.options = options;
		this.chain = options.chain;
		this.network = options.chain.network;
		const now = options.now ?? (() => Math.floor(Date.now() / 1000));
		const pool = this;
		this.ctx = {
			chain: this.chain,
			network: this.network,
			mempool: options.mempool,
			now,
			random: options.random ?? Math.random,
			peers: () => this.conn.peers.values(),
			state: peer => this.state.get(peer),
			hosts: new HostMemory(now),
			notePeer: (peer, entry, viaHeaders) => this.notePeer(peer, entry, viaHeaders),
			log: line => this.emit('log', line),
			get stopped() {
				return pool.stopped;
			},
		};
		this.conn = new ConnectionManager(
			{
				network: this.network,
				port: options.port,
				...(options.host ? {host: options.host} : {}),
				manualOnly: (options.connect?.length ?? 0) > 0,
				maxOutbound: options.maxOutbound ?? 8,
				maxInbound: options.maxInbound ?? 32,
				agent: options.agent ?? '/chain-tui:0.1.0/',
				banSeconds: options.banSeconds ?? 24 * 3600,
				...(options.timeouts ? {timeouts: options.timeouts} : {}),
				now,
				height: () => this.chain.height,
			},
			{
				attached: peer => this.state.set(peer, newPeerState(now())),
				ready: peer => this.onReady(peer),
				message: (peer, msg) => this.onMessage(peer, msg),
				drain: peer => void this.relay.serveBacklog(peer).catch(error => this.emit('log', `serving ${peer.address}: ${(error as Error).message}`)),
				closed: (peer, reason) => this.onClose(peer, reason),
				ban: (address, reason) => this.emit('ban', address, reason),
				log: line => this.emit('log', line),
				listening: port => this.emit('listening', port),
			},
		);
		this.taps = new WireTaps(() => this.conn.peers.values());
		this.conn.tapNew = () => this.taps.forNewPeer;
		this.downloader = new BlockDownloader(this.ctx, options.stallMs ?? 10_000);
		this.headers = new HeaderSync(this.ctx, {
			stored: () => {
				this.emitSync();
				this.downloader.schedule();
			},
		});
		this.txs = new TxRequests(this.ctx, options.txRequestMs ?? TX_REQUEST_TIMEOUT_MS);
		this.relay = new Relay(this.ctx);
		this.gossip = new AddressGossip(this.ctx, {
			get addrman() {
				return pool.conn.addrman;
			},
			get listenPort() {
				return pool.conn.listenPort;
			},
			isOwnAddress: (host, port) => this.conn.isOwnAddress(host, port),
		});
		this.cloner = new Cloner(this.ctx, {conn: this.conn, headers: this.headers, downloader: this.downloader, gossip: this.gossip, lastBest: this.lastBest, syncStatus: () => this.syncStatus()});
		this.chain.on('connect', (entry, block) => this.onConnect(entry, block));
		options.mempool?.on('tx', entry => this.relay.announceTx(entry.tx));
	}

	get port(): number {
		return this.conn.listenPort;
	}

	get addrman(): AddrMan {
		return this.conn.addrman;
	}

	async start(): Promise<void> {
		this.conn.addrman = await AddrMan.open(this.options.addrPath ?? null, this.ctx.now, {...(this.options.random ? {random: this.options.random} : {}), log: message => this.emit('log', message)});
		for (const text of [...(this.options.peers ?? []), ...(this.options.connect ?? []).filter(c => c !== CONNECT_NONE)]) {
			const {host, port} = parseHostPort(text);
			this.conn.addrman.add(host, port, {manual: true});
		}
		if (this.options.listen ?? true) await this.conn.listen();
		this.connectTimer = setInterval(() => this.conn.fillOutbound(), this.options.connectIntervalMs ?? 1000);
		const stallMs = this.options.stallMs ?? 10_000;
		this.stallTimer = setInterval(() => this.checkTimeouts(), Math.max(250, Math.floor(stallMs / 4)));
		this.stallTimer.unref();
		this.conn.fillOutbound();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		clearInterval(this.connectTimer);
		clearInterval(this.stallTimer);
		await this.conn.stop();
		await this.conn.addrman?.flush();
	}

	/** Fills free outbound slots now, as the connect timer does each interval. */
	fillOutbound(): void {
		this.conn.fillOutbound();
	}

	/** Opens an outbound connection (see ConnectionManager.dial). */
	dial(host: string, port: number, options: {signal?: AbortSignal; quiet?: boolean} = {}): Promise<Peer> {
		return this.conn.dial(host, port, options);
	}

	/** Connects to an address now (addnode); it is kept as a manual peer. */
	async addPeer(text: string): Promise<Peer> {
		const {host, port} = parseHostPort(text);
		this.conn.addrman.add(host, port, {manual: true});
		return this.conn.dial(host, port);
	}

	/** Downloads the chain of `host:port` and adopts it if it has more work (see Cloner). */
	clone(text: string, options: CloneOptions = {}): Promise<CloneResult> {
		return this.cloner.run(text, options);
	}

	/**
	 * The wire inspector: `listener` sees every whole message to and from one peer (by id) or,
	 * with null, every peer, those connecting later included. Returns the untap. Untapped peers
	 * pay one null check a message (see wire-tap.ts).
	 */
	tap(peer: number | null, listener: WireListener): () => void {
		return this.taps.add(peer, listener);
	}

	/** Core's IsInitialBlockDownload: the tip's work and age, latched once false. */
	get initialDownload(): boolean {
		return this.relay.initialDownload();
	}

	/** The anti-DoS work threshold: a chain with less work is never stored. */
	get headersThreshold(): bigint {
		return this.headers.threshold();
	}

	// ---------------------------------------------------------------- peers

	private onClose(peer: Peer, reason: string): void {
		const st = this.state.get(peer);
		this.lastBest.set(peer, st?.best ?? null);
		this.state.delete(peer);
		this.downloader.peerClosed(peer, st?.inflight ?? []);
		this.txs.peerClosed(peer);
		this.emit('peer-close', peer, reason);
		if (!this.stopped) this.downloader.schedule();
	}

	private onReady(peer: Peer): void {
		peer.bestHeight = Math.max(peer.bestHeight, peer.startHeight);
		// What its IP did on earlier connections (its listening port is known only now).
		const st = this.state.get(peer);
		if (st) this.ctx.hosts.seed(st, peer);
		if (peer.outbound) {
			this.conn.addrman.good(peer.host, peer.port);
			this.gossip.askedForAddresses(peer);
			if (!this.conn.isQuiet(peer)) this.gossip.advertiseSelf(peer);
		} else if (peer.listenPort > 0 && !this.conn.isOwnAddress(peer.host, peer.listenPort)) {
			// An inbound peer's listening address: its IP and the port it says it listens on.
			this.conn.addrman.add(peer.host, peer.listenPort, {services: peer.services, source: peer.host});
		}
		this.conn.learnOwnHost(peer);
		peer.send({type: 'sendheaders'});
		// From the parent of our best header (as Core): the reply is never empty if the peer has
		// that header, so we always learn how far it goes.
		const best = this.chain.bestHeader;
		this.headers.request(peer, best.prev ?? best);
		if (this.options.mempool && peer.outbound) peer.send({type: 'mempool'});
		this.emit('peer', peer);
	}

	private notePeer(peer: Peer, entry: ChainEntry, viaHeaders: boolean): void {
		const st = this.state.get(peer);
		if (st && notePeerBlock(peer, st, entry, viaHeaders)) this.emit('peer-update', peer);
	}

	// ---------------------------------------------------------------- messages

	private async onMessage(peer: Peer, msg: Message): Promise<void> {
		switch (msg.type) {
			case 'headers':
				return this.headers.enqueue(peer, msg.headers);
			case 'getheaders':
				return this.headers.serve(peer, msg.locator, msg.stop);
			case 'inv':
				return this.onInv(peer, msg.items);
			case 'getdata':
				return this.relay.getdata(peer, msg.items);
			case 'block':
				return this.onBlock(peer, msg.block);
			case 'tx':
				return this.txs.received(peer, msg.tx);
			case 'notfound':
				for (const item of msg.items) {
					const hex = hashToHex(item.hash);
					if (item.type === InvType.TX) this.txs.notFound(peer, hex);
					else this.downloader.notFound(peer, hex);
				}
				this.downloader.schedule();
				return;
			case 'mempool':
				return this.relay.serveMempool(peer);
			case 'getaddr':
				return this.gossip.getaddr(peer);
			case 'addr':
				return this.gossip.addr(peer, msg.addrs);
			default:
				return;
		}
	}

	private onInv(peer: Peer, items: readonly InvItem[]): void {
		let unknownBlock = false;
		const txs: InvItem[] = [];
		for (const item of items) {
			peer.remember(hashToHex(item.hash));
			if (item.type === InvType.BLOCK) {
				const entry = this.chain.getEntry(item.hash);
				if (entry) this.notePeer(peer, entry, false);
				else unknownBlock = true;
			} else if (item.type === InvType.TX) txs.push(item);
		}
		// Unknown blocks: fetch their headers first (headers-first even for announcements), with no
		// stop hash, as Core: the answer holds every header after ours, so the blocks announced
		// while that getheaders was out (one at a time) come with it.
		if (unknownBlock) this.headers.request(peer, this.chain.bestHeader);
		const want = this.txs.announced(peer, txs);
		if (want.length > 0) peer.send({type: 'getdata', items: want});
		this.downloader.schedule();
	}

	private async onBlock(peer: Peer, block: Block): Promise<void> {
		const hex = block.hashHex();
		const requested = this.downloader.requestedOf(hex, peer);
		peer.remember(hex);
		// Core's min_pow_checked: an unasked-for block whose chain stays under the anti-DoS
		// threshold is not worth even storing its header.
		if (!requested && this.headers.belowThreshold(block.header)) return;
		if (requested) this.downloader.arrived(hex);
		try {
			const result = await this.chain.add(block, {requested});
			const entry = result.entry ?? this.chain.getEntry(hex);
			if (entry) this.notePeer(peer, entry, false);
		} catch (error) {
			if (!(error instanceof VerifyError)) throw error;
			peer.misbehave(error.score, `block ${hex}: ${error.message}`);
		} finally {
			// Only now: until the chain has it, it must not look like a block nobody fetches.
			if (requested) this.downloader.delivered(peer, hex);
		}
		this.downloader.schedule();
	}

	private checkTimeouts(): void {
		if (this.downloader.checkStalls()) this.downloader.schedule();
		this.txs.checkTimeouts();
	}

	private onConnect(entry: ChainEntry, block: Block): void {
		this.rate.connected();
		this.emitSync();
		this.relay.blockConnected(entry, block);
		if (this.network.stake) this.headers.resumePaused();
	}

	// ---------------------------------------------------------------- status

	syncStatus(): SyncStatus {
		return this.rate.status(this.downloader.liveTarget().height, this.chain.height);
	}

	private emitSync(): void {
		this.emit('sync', this.syncStatus());
	}

	peerInfo(): PeerInfo[] {
		return this.connectedPeers.map(p => {
			const st = this.state.get(p);
			return {
				id: p.id,
				address: p.outbound || !p.listenPort ? p.address : `${p.address} (listens on ${p.listenPort})`,
				direction: p.outbound ? 'outbound' : 'inbound',
				agent: p.agent,
				version: p.version,
				height: p.bestHeight,
				startHeight: p.startHeight,
				syncedHeaders: p.syncedHeaders,
				syncedBlocks: p.syncedBlocks,
				pingMs: p.latencyMs,
				bytesIn: p.stats.bytesIn,
				bytesOut: p.stats.bytesOut,
				messagesIn: {...p.stats.messagesIn},
				messagesOut: {...p.stats.messagesOut},
				connectedAt: p.connectedAt,
				banScore: p.banScore,
				inflight: st?.inflight.size ?? 0,
				addrProcessed: st?.addrProcessed ?? 0,
				addrRateLimited: st?.addrRateLimited ?? 0,
				...(st?.presync ? {presyncHeight: st.presync.state.presyncHeight} : {}),
			};
		});
	}

	get connectedPeers(): Peer[] {
		return [...this.conn.peers.values()].filter(p => p.ready);
	}
}
