/**
 * The peer pool: listening and dialling, headers-first sync with a bounded parallel block
 * download, block and transaction relay, address gossip, bans, and cloning a chain from a host.
 * After bcoin's net/pool.js and Bitcoin Core's net_processing.
 */
import {EventEmitter} from 'node:events';
import {createServer, connect, type Server, type Socket} from 'node:net';
import {performance} from 'node:perf_hooks';
import {randomBytes} from 'node:crypto';
import {networkInterfaces} from 'node:os';
import type {Chain} from '../chain/chain.js';
import type {ChainEntry} from '../chain/entry.js';
import type {NetworkParams} from '../consensus/networks.js';
import {VerifyError} from '../errors.js';
import {equalBytes, hashToHex} from '../encoding/hex.js';
import type {Mempool} from '../mempool/mempool.js';
import type {Block} from '../primitives/block.js';
import type {Header} from '../primitives/header.js';
import type {Transaction} from '../primitives/tx.js';
import {AddrMan, addressKey} from './addrman.js';
import {InvType, LIMITS, PROTOCOL_VERSION, SERVICES, type InvItem, type Message} from './messages.js';
import {Peer, type PeerTimeouts} from './peer.js';

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

export interface SyncStatus {
	readonly headers: number;
	readonly blocks: number;
	/** Blocks connected per second over the last few seconds. */
	readonly rate: number;
	/** Seconds to catch up at that rate (0 when synced, Infinity when unknown). */
	readonly eta: number;
	readonly synced: boolean;
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
}

export type CloneOutcome = 'adopted' | 'already-have' | 'less-work' | 'unreachable' | 'other-network' | 'invalid' | 'stalled' | 'cancelled';

export interface CloneOptions {
	/** Give up when the host sends nothing new for this long (at most and by default 60 s). */
	readonly timeoutMs?: number;
	/** Sync status, about every 100 ms while the clone runs. */
	readonly onProgress?: (s: SyncStatus) => void;
	/**
	 * Aborting cancels the clone: it resolves at once with 'cancelled', the host is disconnected
	 * if it was dialled for the clone, and nothing of its chain that would replace ours is adopted.
	 */
	readonly signal?: AbortSignal;
}

export interface CloneResult {
	readonly outcome: CloneOutcome;
	readonly message: string;
	readonly height: number;
	readonly tip: string;
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

interface PeerState {
	/** The best header we know this peer has. */
	best: ChainEntry | null;
	/** The best header it sent in headers messages (synced_headers). */
	bestHeaders: ChainEntry | null;
	/** The best block it announced (inv or headers) or sent (synced_blocks). */
	bestBlock: ChainEntry | null;
	readonly inflight: Set<string>;
	unconnecting: number;
	answeredGetaddr: boolean;
	/** Core's addr token bucket: addresses it may still send us, refilled at ADDR_RATE per second. */
	addrTokens: number;
	addrTokenTime: number;
	addrProcessed: number;
	addrRateLimited: number;
	/** Requests held back while the peer was not reading. */
	readonly backlog: InvItem[];
	stalls: number;
	/** Its last headers reply was short: it has no more to give. */
	headersDone: boolean;
	/** Blocks it said it does not have, or stalled on: never asked of it again. */
	readonly refused: Set<string>;
	/** Transactions asked of it and not yet delivered. */
	txRequests: number;
	/** Transactions from it waiting for, or in, validation. */
	txValidating: number;
	/** Its headers messages, handled one after the other (see onMessage). */
	headersWork: Promise<void>;
}

const MAX_INFLIGHT_PER_PEER = 16;
/**
 * Transactions of one peer in flight at once: asked for and not yet delivered, or delivered and
 * not yet validated (Core's MAX_PEER_TX_REQUEST_IN_FLIGHT). Announcements beyond it are not
 * fetched and unrequested transactions beyond it are dropped, so a peer offering more than
 * signature checks can take never grows a queue here. And how long a peer has to deliver one.
 */
const MAX_TX_IN_FLIGHT_PER_PEER = 100;
const TX_REQUEST_TIMEOUT_MS = 60_000;
const DOWNLOAD_WINDOW = 1024;
const MAX_UNCONNECTING = 10;
const RATE_WINDOW_MS = 10_000;
/** Core's addr rate limit: 0.1 address a second, a bucket of 1,000 at most (more only after our getaddr). */
const ADDR_RATE = 0.1;
const MAX_ADDR_TOKENS = 1000;
/** A getaddr answer: at most 23% of what we know and 1,000 (Core), but never fewer than 10 if known. */
const GETADDR_PCT = 23;
const GETADDR_FLOOR = 10;

export function parseHostPort(text: string): {host: string; port: number} {
	const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$|^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(text.trim());
	const port = Number(m?.[2] ?? m?.[4]);
	if (!m || !(port >= 1 && port <= 65535)) throw new Error(`"${text}" is not host:port`);
	return {host: (m[1] ?? m[3])!, port};
}

export class Pool extends EventEmitter<PoolEvents> {
	readonly chain: Chain;
	readonly network: NetworkParams;
	private readonly mempool: Mempool | undefined;
	private readonly options: PoolOptions;
	private readonly maxOutbound: number;
	private readonly maxInbound: number;
	private readonly agent: string;
	private readonly stallMs: number;
	private readonly banSeconds: number;
	private readonly now: () => number;

	addrman!: AddrMan;
	private server: Server | null = null;
	private listenPort = 0;
	private readonly peers = new Map<number, Peer>();
	private readonly state = new Map<Peer, PeerState>();
	private readonly dialing = new Set<string>();
	/** Our version nonces, and the connection each was sent on. */
	private readonly nonces = new Map<bigint, Peer>();
	/** Addresses that turned out to be this node. */
	private readonly selfAddresses = new Set<string>();
	/** IPs of this machine and those peers see us at: with our listening port, our own address. */
	private readonly ownHosts = new Set<string>(['127.0.0.1', '::1', '0:0:0:0:0:0:0:1']);
	/** Block hash -> who we asked and when. */
	private readonly inflight = new Map<string, {peer: Peer; since: number}>();
	/** Transactions asked for: of whom and when (forgotten on delivery, notfound, close or timeout). */
	private readonly requestedTx = new Map<string, {peer: Peer; since: number; others: Peer[]}>();
	/** Sockets being dialled, so stop() can end them too. */
	private readonly dialSockets = new Set<Socket>();
	private connectTimer: NodeJS.Timeout | undefined;
	private stallTimer: NodeJS.Timeout | undefined;
	private connectedTimes: number[] = [];
	private stopped = false;
	/** Download paths (from the fork with our chain) by target header, cached. */
	private readonly paths = new Map<ChainEntry, ChainEntry[]>();
	/** The best header each closed peer had shown (clone() reads it after a hang-up). */
	private readonly lastBest = new WeakMap<Peer, ChainEntry | null>();
	/** Peer that clone() prefers for downloads. */
	private preferred: Peer | null = null;
	/** Peers dialled without telling them where we listen (see dial). */
	private readonly quiet = new WeakSet<Peer>();

	constructor(options: PoolOptions) {
		super();
		this.options = options;
		this.chain = options.chain;
		this.network = options.chain.network;
		this.mempool = options.mempool;
		this.maxOutbound = options.maxOutbound ?? 8;
		this.maxInbound = options.maxInbound ?? 32;
		this.agent = options.agent ?? '/chain-tui:0.1.0/';
		this.stallMs = options.stallMs ?? 10_000;
		this.banSeconds = options.banSeconds ?? 24 * 3600;
		this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
		this.chain.on('connect', (entry, block) => this.onConnect(entry, block));
		this.mempool?.on('tx', entry => this.announceTx(entry.tx));
	}

	get port(): number {
		return this.listenPort;
	}

	async start(): Promise<void> {
		this.addrman = await AddrMan.open(this.options.addrPath ?? null, this.now, {...(this.options.random ? {random: this.options.random} : {}), log: message => this.emit('log', message)});
		for (const text of this.options.peers ?? []) {
			const {host, port} = parseHostPort(text);
			this.addrman.add(host, port, {manual: true});
		}
		if (this.options.listen ?? true) await this.listen();
		this.connectTimer = setInterval(() => this.fillOutbound(), this.options.connectIntervalMs ?? 1000);
		this.stallTimer = setInterval(() => this.checkStalls(), Math.max(250, Math.floor(this.stallMs / 4)));
		this.stallTimer.unref();
		this.fillOutbound();
	}

	private listen(): Promise<void> {
		return new Promise((resolve, reject) => {
			const server = createServer(socket => this.onInbound(socket));
			server.once('error', error => {
				const code = (error as NodeJS.ErrnoException).code;
				reject(new Error(code === 'EADDRINUSE' ? `port ${this.options.port} is already in use (another node on this port?)` : `cannot listen on port ${this.options.port}: ${error.message}`));
			});
			server.listen(this.options.port, this.options.host ?? '0.0.0.0', () => {
				server.removeAllListeners('error');
				server.on('error', error => this.emit('log', `listener error: ${error.message}`));
				this.server = server;
				const address = server.address();
				this.listenPort = typeof address === 'object' && address ? address.port : this.options.port;
				this.selfAddresses.add(addressKey('127.0.0.1', this.listenPort));
				for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) this.ownHosts.add(i.address.replace(/^::ffff:/, ''));
				if (this.options.host) this.ownHosts.add(this.options.host);
				for (const host of this.ownHosts) this.addrman.remove(host, this.listenPort);
				this.emit('listening', this.listenPort);
				resolve();
			});
		});
	}

	async stop(): Promise<void> {
		this.stopped = true;
		clearInterval(this.connectTimer);
		clearInterval(this.stallTimer);
		for (const peer of this.peers.values()) peer.close('shutting down');
		for (const socket of this.dialSockets) socket.destroy();
		this.dialSockets.clear();
		await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
		await this.addrman?.flush();
	}

	// ---------------------------------------------------------------- connections

	private counts(): {inbound: number; outbound: number} {
		let inbound = 0;
		let outbound = 0;
		for (const peer of this.peers.values()) {
			if (peer.outbound) outbound++;
			else inbound++;
		}
		return {inbound, outbound};
	}

	private isConnectedTo(host: string, port: number): boolean {
		const key = addressKey(host, port);
		if (this.dialing.has(key) || this.selfAddresses.has(key)) return true;
		for (const peer of this.peers.values()) {
			if (peer.outbound && peer.host === host && peer.port === port) return true;
			if (!peer.outbound && peer.host === host && peer.listenPort === port) return true;
		}
		return false;
	}

	private fillOutbound(): void {
		if (this.stopped) return;
		let {outbound} = this.counts();
		outbound += this.dialing.size;
		for (let tries = 0; outbound < this.maxOutbound && tries < 16; tries++) {
			const next = this.addrman.select(a => this.isConnectedTo(a.host, a.port));
			if (!next) break;
			this.dial(next.host, next.port).catch((error: Error) => this.emit('log', error.message));
			outbound++;
		}
	}

	/**
	 * Opens an outbound connection; resolves with the peer once it is ready, or rejects. Aborting
	 * `signal` before then ends the attempt at once (the socket, or the peer mid-handshake).
	 * `quiet`: the peer is not told where we listen (neither in our version nor by addr), so it
	 * does not dial us back on its own (a clone's host, until the clone is through).
	 */
	dial(host: string, port: number, options: {signal?: AbortSignal; quiet?: boolean} = {}): Promise<Peer> {
		const {signal} = options;
		const key = addressKey(host, port);
		if (signal?.aborted) return Promise.reject(new Error(`connecting to ${key} cancelled`));
		this.addrman.attempt(host, port);
		this.dialing.add(key);
		return new Promise((resolve, reject) => {
			const socket = connect({host, port});
			this.dialSockets.add(socket);
			let settled = false;
			let attached: Peer | null = null;
			const onAbort = () => {
				if (attached) attached.close(`connecting to ${key} cancelled`);
				else fail(`connecting to ${key} cancelled`);
			};
			signal?.addEventListener('abort', onAbort, {once: true});
			const fail = (message: string) => {
				if (settled) return;
				settled = true;
				signal?.removeEventListener('abort', onAbort);
				this.dialing.delete(key);
				this.dialSockets.delete(socket);
				socket.destroy();
				reject(new Error(message));
			};
			socket.setTimeout(5000, () => fail(`no answer from ${key} within 5 s`));
			socket.once('error', error => fail(`cannot connect to ${key}: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
			const onEarlyClose = () => fail(`connection to ${key} closed before it opened`);
			socket.once('close', onEarlyClose);
			socket.once('connect', () => {
				socket.setTimeout(0);
				socket.removeAllListeners('error');
				socket.off('close', onEarlyClose);
				this.dialing.delete(key);
				this.dialSockets.delete(socket);
				if (this.stopped) return fail('the node is shutting down');
				settled = true;
				const peer = this.attach(socket, true, options.quiet ?? false);
				attached = peer;
				peer.once('ready', () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(peer);
				});
				peer.once('close', reason => {
					signal?.removeEventListener('abort', onAbort);
					reject(new Error(reason));
				});
			});
		});
	}

	private onInbound(socket: Socket): void {
		const host = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
		if (this.stopped || this.addrman.isBanned(host, socket.remotePort ?? 0) || this.counts().inbound >= this.maxInbound) {
			socket.destroy();
			return;
		}
		this.attach(socket, false);
	}

	private attach(socket: Socket, outbound: boolean, quiet = false): Peer {
		const nonce = randomBytes(8).readBigUInt64LE();
		const peer: Peer = new Peer({
			socket,
			outbound,
			network: this.network,
			nonce,
			isOurNonce: n => {
				const dialler = this.nonces.get(n);
				if (!dialler) return false;
				// We dialled ourselves: both ends go, and that address is never dialled again.
				this.selfAddresses.add(addressKey(dialler.host, dialler.port));
				this.addrman.remove(dialler.host, dialler.port);
				dialler.close('connected to ourselves');
				return true;
			},
			listen: {services: SERVICES, host: '0.0.0.0', port: quiet ? 0 : this.listenPort},
			agent: this.agent,
			height: () => this.chain.height,
			...(this.options.timeouts ? {timeouts: this.options.timeouts} : {}),
			now: this.now,
		});
		this.nonces.set(nonce, peer);
		this.peers.set(peer.id, peer);
		if (quiet) this.quiet.add(peer);
		this.state.set(peer, {best: null, bestHeaders: null, bestBlock: null, inflight: new Set(), unconnecting: 0, answeredGetaddr: false, addrTokens: 1, addrTokenTime: this.now(), addrProcessed: 0, addrRateLimited: 0, backlog: [], stalls: 0, headersDone: false, refused: new Set(), txRequests: 0, txValidating: 0, headersWork: Promise.resolve()});
		peer.on('ready', () => this.onReady(peer));
		peer.on('message', msg => void this.onMessage(peer, msg).catch(error => this.emit('log', `error handling ${msg.type} from ${peer.address}: ${(error as Error).message}`)));
		peer.on('misbehave', (score, reason) => {
			if (peer.banScore >= 100 && peer.banScore - score < 100) {
				const port = peer.outbound ? peer.port : peer.listenPort || peer.port;
				this.addrman.ban(peer.host, port, this.banSeconds, {claimedPort: !peer.outbound});
				this.emit('ban', addressKey(peer.host, port), reason);
			}
			this.emit('log', `peer ${peer.address} misbehaving (+${score}, now ${peer.banScore}): ${reason}`);
		});
		peer.on('drain', () => void this.serveBacklog(peer).catch(error => this.emit('log', `serving ${peer.address}: ${(error as Error).message}`)));
		peer.on('close', reason => this.onClose(peer, nonce, reason));
		return peer;
	}

	private onClose(peer: Peer, nonce: bigint, reason: string): void {
		this.nonces.delete(nonce);
		this.peers.delete(peer.id);
		const st = this.state.get(peer);
		this.lastBest.set(peer, st?.best ?? null);
		this.state.delete(peer);
		for (const hex of st?.inflight ?? []) this.inflight.delete(hex);
		for (const [txid, request] of this.requestedTx) {
			if (request.peer === peer) this.forgetTxRequest(txid, true);
			else request.others = request.others.filter(p => p !== peer);
		}
		if (this.preferred === peer) this.preferred = null;
		this.emit('peer-close', peer, reason);
		if (!this.stopped) this.scheduleDownloads();
	}

	private onReady(peer: Peer): void {
		// On loopback or private addresses a ban names the port the peer says it listens on,
		// known only now.
		if (!peer.outbound && this.addrman.isBannedInbound(peer.host, peer.listenPort)) return peer.close('banned');
		peer.bestHeight = Math.max(peer.bestHeight, peer.startHeight);
		if (peer.outbound) {
			this.addrman.good(peer.host, peer.port);
			peer.send({type: 'getaddr'});
			// Its answer may be up to 1,000 addresses (Core adds MAX_ADDR_TO_SEND to the bucket).
			const st = this.state.get(peer);
			if (st) st.addrTokens += LIMITS.addr;
			if (!this.quiet.has(peer)) this.advertiseSelf(peer);
		} else if (peer.listenPort > 0 && !this.isOwnAddress(peer.host, peer.listenPort)) {
			// An inbound peer's listening address: its IP and the port it says it listens on.
			this.addrman.add(peer.host, peer.listenPort, {services: peer.services, source: peer.host});
		}
		// The IP a peer we chose sees us at is ours too (an inbound peer's word is not taken: it
		// could name an honest node's IP to make us forget it).
		if (peer.outbound && peer.theySeeUs && peer.theySeeUs !== '0.0.0.0' && peer.theySeeUs !== '0:0:0:0:0:0:0:0' && !this.ownHosts.has(peer.theySeeUs)) {
			this.ownHosts.add(peer.theySeeUs);
			if (this.listenPort) this.addrman.remove(peer.theySeeUs, this.listenPort);
		}
		peer.send({type: 'sendheaders'});
		// From the parent of our best header (as Core): the reply is never empty if the peer has
		// that header, so we always learn how far it goes.
		const best = this.chain.bestHeader;
		this.sendGetheaders(peer, best.prev ?? best);
		if (this.mempool && peer.outbound) peer.send({type: 'mempool'});
		this.emit('peer', peer);
	}

	/** Tells an outbound peer where we listen: the IP it sees us at, and our listening port. */
	private advertiseSelf(peer: Peer): void {
		if (this.server && peer.ready && peer.theySeeUs && peer.theySeeUs !== '0.0.0.0' && peer.theySeeUs !== '0:0:0:0:0:0:0:0') {
			peer.send({type: 'addr', addrs: [{time: this.now(), services: SERVICES, host: peer.theySeeUs, port: this.listenPort}]});
		}
	}

	// ---------------------------------------------------------------- messages

	private async onMessage(peer: Peer, msg: Message): Promise<void> {
		switch (msg.type) {
			case 'headers': {
				// One message after the other per peer: a flood of headers queues behind itself,
				// not ahead of every other peer's headers and blocks in the chain's lock.
				const st = this.state.get(peer);
				if (!st) return;
				const work = st.headersWork.then(() => this.onHeaders(peer, msg.headers));
				st.headersWork = work.catch(() => undefined);
				return work;
			}
			case 'getheaders': {
				const headers = this.chain.getHeadersAfter(msg.locator, equalBytes(msg.stop, new Uint8Array(32)) ? undefined : msg.stop, LIMITS.headers);
				peer.send({type: 'headers', headers});
				return;
			}
			case 'inv':
				return this.onInv(peer, msg.items);
			case 'getdata':
				return this.onGetdata(peer, msg.items);
			case 'block':
				return this.onBlock(peer, msg.block);
			case 'tx':
				return this.onTx(peer, msg.tx);
			case 'notfound': {
				const st = this.state.get(peer);
				for (const item of msg.items) {
					const hex = hashToHex(item.hash);
					if (this.requestedTx.get(hex)?.peer === peer) this.forgetTxRequest(hex, true);
					if (this.inflight.get(hex)?.peer === peer) {
						this.cancelInflight(hex);
						st?.refused.add(hex); // never asked of this peer again
					}
				}
				this.scheduleDownloads();
				return;
			}
			case 'mempool': {
				const ids = (this.mempool?.all() ?? []).map(e => e.tx.hash());
				for (let i = 0; i < ids.length; i += LIMITS.inv) {
					peer.send({type: 'inv', items: ids.slice(i, i + LIMITS.inv).map(hash => ({type: InvType.TX, hash}))});
				}
				for (const id of ids) peer.remember(hashToHex(id));
				return;
			}
			case 'getaddr': {
				const st = this.state.get(peer);
				if (!st || st.answeredGetaddr) return;
				st.answeredGetaddr = true;
				const known = this.addrman.size;
				const count = Math.min(LIMITS.addr, Math.max(Math.floor((known * GETADDR_PCT) / 100), Math.min(known, GETADDR_FLOOR)));
				const addrs = this.addrman
					.sample(count)
					.filter(a => !this.isOwnAddress(a.host, a.port))
					.map(a => ({time: a.lastSeen, services: a.services, host: a.host, port: a.port}));
				peer.send({type: 'addr', addrs});
				return;
			}
			case 'addr':
				return this.onAddr(peer, msg.addrs);
			default:
				return;
		}
	}

	private sendGetheaders(peer: Peer, from: ChainEntry, stop?: Uint8Array): void {
		peer.send({type: 'getheaders', version: PROTOCOL_VERSION, locator: this.chain.getLocator(from), stop: stop ?? new Uint8Array(32)});
	}

	private async onHeaders(peer: Peer, headers: readonly Header[]): Promise<void> {
		const st = this.state.get(peer);
		if (!st) return;
		if (headers.length === 0) {
			st.headersDone = true;
			return;
		}
		const first = headers[0]!;
		if (first.prevHash.every(b => b === 0) && !equalBytes(first.hash(), this.network.genesis.hash())) {
			return peer.close('another genesis block');
		}
		if (!this.chain.getEntry(first.prevHash)) {
			// Perhaps it is simply ahead of us: ask again from what we have; punish only a habit.
			if (++st.unconnecting > MAX_UNCONNECTING) peer.misbehave(20, `${st.unconnecting} headers messages that do not connect`);
			this.sendGetheaders(peer, this.chain.bestHeader);
			return;
		}
		for (let i = 1; i < headers.length; i++) {
			if (!equalBytes(headers[i]!.prevHash, headers[i - 1]!.hash())) return peer.misbehave(20, 'non-continuous headers');
		}
		st.unconnecting = 0;
		let last: ChainEntry | null = null;
		for (const header of headers) {
			try {
				last = await this.chain.addHeader(header);
			} catch (error) {
				if (!(error instanceof VerifyError)) throw error;
				peer.misbehave(error.score, `header ${header.hashHex()}: ${error.message}`);
				break;
			}
		}
		if (last) {
			this.notePeer(peer, last, true);
			if (headers.length === LIMITS.headers) this.sendGetheaders(peer, last);
		}
		st.headersDone = headers.length < LIMITS.headers;
		this.emitSync();
		this.scheduleDownloads();
	}

	/**
	 * Records a block a peer showed it has (in headers when `viaHeaders`, else by inv or by sending
	 * it) and emits 'peer-update' when one of the heights it shows moves.
	 */
	private notePeer(peer: Peer, entry: ChainEntry, viaHeaders: boolean): void {
		const st = this.state.get(peer);
		if (!st) return;
		if (!st.best || entry.chainwork > st.best.chainwork) st.best = entry;
		if (viaHeaders && (!st.bestHeaders || entry.chainwork > st.bestHeaders.chainwork)) st.bestHeaders = entry;
		if (!st.bestBlock || entry.chainwork > st.bestBlock.chainwork) st.bestBlock = entry;
		const headers = st.bestHeaders?.height ?? -1;
		const blocks = st.bestBlock?.height ?? -1;
		const height = Math.max(peer.bestHeight, headers, blocks);
		if (headers === peer.syncedHeaders && blocks === peer.syncedBlocks && height === peer.bestHeight) return;
		peer.syncedHeaders = headers;
		peer.syncedBlocks = blocks;
		peer.bestHeight = height;
		this.emit('peer-update', peer);
	}

	private onInv(peer: Peer, items: readonly InvItem[]): void {
		const wantTx: InvItem[] = [];
		let unknownBlock: Uint8Array | null = null;
		for (const item of items) {
			const hex = hashToHex(item.hash);
			peer.remember(hex);
			if (item.type === InvType.BLOCK) {
				const entry = this.chain.getEntry(item.hash);
				if (entry) this.notePeer(peer, entry, false);
				else unknownBlock = item.hash;
			} else if (item.type === InvType.TX && this.mempool) {
				const st = this.state.get(peer);
				const pending = this.requestedTx.get(hex);
				// Asked of someone else already: remember this announcer in case that one fails.
				if (pending && pending.peer !== peer && pending.others.length < 8 && !pending.others.includes(peer)) pending.others.push(peer);
				if (st && !this.mempool.has(hex) && !pending && st.txRequests + st.txValidating < MAX_TX_IN_FLIGHT_PER_PEER) {
					this.requestedTx.set(hex, {peer, since: performance.now(), others: []});
					st.txRequests++;
					wantTx.push(item);
				}
			}
		}
		// Unknown blocks: fetch their headers first (headers-first even for announcements).
		if (unknownBlock) this.sendGetheaders(peer, this.chain.bestHeader, unknownBlock);
		if (wantTx.length > 0) peer.send({type: 'getdata', items: wantTx});
		this.scheduleDownloads();
	}

	private async onGetdata(peer: Peer, items: readonly InvItem[]): Promise<void> {
		const st = this.state.get(peer);
		if (!st) return;
		st.backlog.push(...items);
		if (st.backlog.length > LIMITS.inv * 2) {
			st.backlog.length = 0;
			return peer.misbehave(50, 'asks for far more than it reads');
		}
		await this.serveBacklog(peer);
	}

	/** Serves held requests while the peer keeps reading (back-pressure at 10 MB queued). */
	private async serveBacklog(peer: Peer): Promise<void> {
		const st = this.state.get(peer);
		if (!st) return;
		const missing: InvItem[] = [];
		while (st.backlog.length > 0 && !peer.congested && !peer.isClosed) {
			const item = st.backlog.shift()!;
			if (item.type === InvType.BLOCK) {
				const block = await this.chain.getBlock(item.hash);
				if (block) {
					peer.send({type: 'block', block});
					peer.remember(block.hashHex());
				} else missing.push(item);
			} else if (item.type === InvType.TX) {
				const entry = this.mempool?.get(hashToHex(item.hash));
				if (entry) peer.send({type: 'tx', tx: entry.tx});
				else missing.push(item);
			}
		}
		if (missing.length > 0) peer.send({type: 'notfound', items: missing});
	}

	private async onBlock(peer: Peer, block: Block): Promise<void> {
		const hex = block.hashHex();
		const requested = this.inflight.get(hex)?.peer === peer;
		peer.remember(hex);
		try {
			const result = await this.chain.add(block, {requested});
			const entry = result.entry ?? this.chain.getEntry(hex);
			if (entry) this.notePeer(peer, entry, false);
		} catch (error) {
			if (!(error instanceof VerifyError)) throw error;
			peer.misbehave(error.score, `block ${hex}: ${error.message}`);
		} finally {
			// Only now: until the chain has it, it must not look like a block nobody fetches.
			if (requested) {
				this.cancelInflight(hex);
				const st = this.state.get(peer);
				if (st) st.stalls = Math.max(0, st.stalls - 1); // delivering earns back a stall
			}
		}
		this.scheduleDownloads();
	}

	/** Forgets a transaction request; if it failed, asks the next peer that announced it. */
	private forgetTxRequest(txid: string, failed = false): void {
		const request = this.requestedTx.get(txid);
		if (!request) return;
		this.requestedTx.delete(txid);
		const st = this.state.get(request.peer);
		if (st) st.txRequests = Math.max(0, st.txRequests - 1);
		if (!failed || this.mempool?.has(txid)) return;
		const next = request.others.find(p => {
			const other = this.state.get(p);
			return p.ready && other !== undefined && other.txRequests + other.txValidating < MAX_TX_IN_FLIGHT_PER_PEER;
		});
		if (!next) return;
		this.requestedTx.set(txid, {peer: next, since: performance.now(), others: request.others.filter(p => p !== next)});
		this.state.get(next)!.txRequests++;
		next.send({type: 'getdata', items: [{type: InvType.TX, hash: Uint8Array.from(Buffer.from(txid, 'hex').reverse())}]});
	}

	private async onTx(peer: Peer, tx: Transaction): Promise<void> {
		const txid = tx.txid();
		const st = this.state.get(peer);
		const requested = this.requestedTx.get(txid)?.peer === peer;
		this.forgetTxRequest(txid);
		peer.remember(txid);
		if (!this.mempool || !st) return;
		// Unasked-for, with its quota already in validation: dropped, not queued.
		if (!requested && st.txValidating >= MAX_TX_IN_FLIGHT_PER_PEER) return;
		st.txValidating++;
		try {
			const result = await this.mempool.add(tx);
			if (result.status === 'orphan') {
				const room = MAX_TX_IN_FLIGHT_PER_PEER - st.txRequests - st.txValidating + 1;
				const parents = result.missing.filter(p => !this.requestedTx.has(p)).slice(0, Math.max(0, room));
				for (const p of parents) this.requestedTx.set(p, {peer, since: performance.now(), others: []});
				st.txRequests += parents.length;
				if (parents.length > 0) peer.send({type: 'getdata', items: parents.map(p => ({type: InvType.TX, hash: Uint8Array.from(Buffer.from(p, 'hex').reverse())}))});
			}
		} catch (error) {
			if (!(error instanceof VerifyError)) throw error;
			peer.misbehave(error.score, `tx ${txid}: ${error.message}`);
		} finally {
			st.txValidating--;
		}
	}

	/** Whether host:port is this node's own listening address (never stored, never passed on). */
	private isOwnAddress(host: string, port: number): boolean {
		return this.selfAddresses.has(addressKey(host, port)) || (port === this.listenPort && this.ownHosts.has(host));
	}

	/**
	 * Addresses a peer sent: taken in random order under its token bucket (Core: 0.1 a second,
	 * starting with one, plus 1,000 for each getaddr we sent it); the rest are dropped and counted.
	 * Each is filed under the peer's IP as its source (see AddrMan).
	 */
	private onAddr(peer: Peer, addrs: readonly {time: number; services: bigint; host: string; port: number}[]): void {
		const st = this.state.get(peer);
		if (!st) return;
		const now = this.now();
		if (st.addrTokens < MAX_ADDR_TOKENS) st.addrTokens = Math.min(MAX_ADDR_TOKENS, st.addrTokens + Math.max(0, now - st.addrTokenTime) * ADDR_RATE);
		st.addrTokenTime = now;
		const random = this.options.random ?? Math.random;
		const order = [...addrs];
		for (let i = order.length - 1; i > 0; i--) {
			const j = Math.floor(random() * (i + 1));
			[order[i], order[j]] = [order[j]!, order[i]!];
		}
		const fresh: typeof addrs[number][] = [];
		for (const a of order) {
			if (st.addrTokens < 1) {
				st.addrRateLimited++;
				continue;
			}
			st.addrTokens--;
			st.addrProcessed++;
			if (this.isOwnAddress(a.host, a.port)) continue;
			if (this.addrman.add(a.host, a.port, {services: a.services, time: a.time, source: peer.host}) && a.time > now - 600) fresh.push(a);
		}
		// Pass a few fresh ones on to two other peers, so a new node becomes known.
		if (fresh.length > 0 && addrs.length <= 10) {
			const others = [...this.peers.values()].filter(p => p !== peer && p.ready).sort(() => random() - 0.5).slice(0, 2);
			for (const other of others) other.send({type: 'addr', addrs: fresh});
		}
	}

	// ---------------------------------------------------------------- download

	/** The path from the fork with our chain to the best header: what sync downloads first. */
	private downloadPath(): ChainEntry[] {
		return this.pathTo(this.chain.bestHeader);
	}

	/** The entries from the fork with our chain up to `target` (cached), or none if it has no more work. */
	private pathTo(target: ChainEntry): ChainEntry[] {
		const tip = this.chain.tip;
		if (target.chainwork <= tip.chainwork) return []; // never download a chain with no more work
		const cached = this.paths.get(target);
		if (cached && cached.length > 0 && this.chain.isMain(cached[0]!.prev!)) return cached;
		const fork = this.chain.findFork(tip, target);
		const entries: ChainEntry[] = [];
		for (let e: ChainEntry | null = target; e && e !== fork; e = e.prev) entries.push(e);
		entries.reverse();
		this.paths.set(target, entries);
		return entries;
	}

	private peerHas(peer: Peer, entry: ChainEntry): boolean {
		const st = this.state.get(peer);
		const best = st?.best;
		if (!best || best.height < entry.height || st.refused.has(entry.hashHex)) return false;
		return this.chain.getAncestor(best, entry.height) === entry;
	}

	/**
	 * Asks peers for the next blocks, 16 in flight per peer: on the best header chain first, then
	 * toward each peer's own best block with more work than our tip (as Core's
	 * FindNextBlocksToDownload), so blocks a connected peer has still come when the best header
	 * is one no connected peer can serve (its peer went, or a clone was cancelled).
	 */
	private scheduleDownloads(): void {
		if (this.stopped) return;
		const tip = this.chain.tip;
		const targets: ChainEntry[] = [];
		const bestHeader = this.chain.bestHeader;
		if (bestHeader.chainwork > tip.chainwork) targets.push(bestHeader);
		for (const peer of this.peers.values()) {
			const best = this.state.get(peer)?.best;
			if (peer.ready && best && !best.failed && best.chainwork > tip.chainwork && !targets.includes(best)) targets.push(best);
		}
		if (targets.length === 0) return; // nothing to download: the usual case once synced
		targets.sort((a, b) => (b.chainwork > a.chainwork ? 1 : b.chainwork < a.chainwork ? -1 : 0));
		for (const cached of this.paths.keys()) if (!targets.includes(cached)) this.paths.delete(cached);
		const ready = [...this.peers.values()].filter(p => p.ready && (this.state.get(p)?.inflight.size ?? 0) < MAX_INFLIGHT_PER_PEER);
		if (ready.length === 0) return;
		if (this.preferred && ready.includes(this.preferred)) ready.unshift(...ready.splice(ready.indexOf(this.preferred), 1));
		const requests = new Map<Peer, InvItem[]>();
		for (const target of targets) {
			const path = this.pathTo(target);
			if (path.length === 0) continue;
			// Skip what is already stored (the chain may be waiting on one missing block).
			let start = 0;
			while (start < path.length && path[start]!.hasData) start++;
			const end = Math.min(path.length, start + DOWNLOAD_WINDOW);
			for (let i = start; i < end; i++) {
				const entry = path[i]!;
				if (entry.hasData || this.inflight.has(entry.hashHex)) continue;
				const peer = ready.find(p => this.state.get(p)!.inflight.size < MAX_INFLIGHT_PER_PEER && this.peerHas(p, entry));
				if (!peer) continue;
				this.inflight.set(entry.hashHex, {peer, since: performance.now()});
				this.state.get(peer)!.inflight.add(entry.hashHex);
				const list = requests.get(peer) ?? [];
				list.push({type: InvType.BLOCK, hash: entry.hash});
				requests.set(peer, list);
			}
		}
		for (const [peer, items] of requests) peer.send({type: 'getdata', items});
	}

	private cancelInflight(hex: string): void {
		const flight = this.inflight.get(hex);
		if (!flight) return;
		this.inflight.delete(hex);
		this.state.get(flight.peer)?.inflight.delete(hex);
	}

	/** A block asked for too long ago goes to another peer; a peer that keeps stalling goes. */
	private checkStalls(): void {
		const now = performance.now();
		let changed = false;
		for (const [hex, flight] of this.inflight) {
			if (now - flight.since < this.stallMs) continue;
			this.cancelInflight(hex);
			changed = true;
			const st = this.state.get(flight.peer);
			st?.refused.add(hex); // someone else gets it
			if (st && ++st.stalls >= 3) flight.peer.close('stalled the block download');
			else this.emit('log', `block ${hex} from ${flight.peer.address} stalled; asking elsewhere`);
		}
		for (const [txid, request] of this.requestedTx) {
			if (now - request.since >= (this.options.txRequestMs ?? TX_REQUEST_TIMEOUT_MS)) this.forgetTxRequest(txid, true);
		}
		if (changed) this.scheduleDownloads();
	}

	// ---------------------------------------------------------------- relay

	private onConnect(entry: ChainEntry, block: Block): void {
		this.connectedTimes.push(performance.now());
		this.emitSync();
		// While catching up, announcing every block would only echo the past. (Headers that no
		// connected peer can serve, as a cancelled clone leaves, are not catching up.)
		if (this.catchingUp(entry)) return;
		for (const peer of this.peers.values()) {
			if (!peer.ready || peer.known.has(entry.hashHex)) continue;
			peer.remember(entry.hashHex);
			if (peer.prefersHeaders) peer.send({type: 'headers', headers: [block.header]});
			else peer.send({type: 'inv', items: [{type: InvType.BLOCK, hash: entry.hash}]});
		}
	}

	private catchingUp(entry: ChainEntry): boolean {
		const best = this.chain.bestHeader;
		if (best.height - entry.height <= 1) return false;
		// A block off the way to the best header (ours, or an honest peer's, while someone shows a
		// heavier branch it does not deliver) is news, not the past: announce it.
		if (this.chain.getAncestor(best, entry.height) !== entry) return false;
		for (const peer of this.peers.values()) if (peer.ready && this.peerHas(peer, best)) return true;
		return false;
	}

	private announceTx(tx: Transaction): void {
		const txid = tx.txid();
		for (const peer of this.peers.values()) {
			if (!peer.ready || !peer.relay || peer.known.has(txid)) continue;
			peer.remember(txid);
			peer.send({type: 'inv', items: [{type: InvType.TX, hash: tx.hash()}]});
		}
	}

	// ---------------------------------------------------------------- status

	syncStatus(): SyncStatus {
		const nowMs = performance.now();
		this.connectedTimes = this.connectedTimes.filter(t => t > nowMs - RATE_WINDOW_MS);
		const first = this.connectedTimes[0];
		const rate = first === undefined ? 0 : (this.connectedTimes.length * 1000) / Math.max(nowMs - first, 1000);
		const headers = this.chain.bestHeader.height;
		const blocks = this.chain.height;
		const left = Math.max(0, headers - blocks);
		return {headers, blocks, rate, eta: left === 0 ? 0 : rate > 0 ? left / rate : Infinity, synced: left === 0};
	}

	private emitSync(): void {
		this.emit('sync', this.syncStatus());
	}

	peerInfo(): PeerInfo[] {
		return [...this.peers.values()]
			.filter(p => p.ready)
			.map(p => ({
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
				inflight: this.state.get(p)?.inflight.size ?? 0,
				addrProcessed: this.state.get(p)?.addrProcessed ?? 0,
				addrRateLimited: this.state.get(p)?.addrRateLimited ?? 0,
			}));
	}

	get connectedPeers(): Peer[] {
		return [...this.peers.values()].filter(p => p.ready);
	}

	/** Connects to an address now (addnode); it is kept as a manual peer. */
	async addPeer(text: string): Promise<Peer> {
		const {host, port} = parseHostPort(text);
		this.addrman.add(host, port, {manual: true});
		return this.dial(host, port);
	}

	// ---------------------------------------------------------------- clone

	/**
	 * Downloads the chain of `host:port` headers-first, validating everything, and adopts it if it
	 * has more work (reorganising if needed). Resolves with the outcome; never throws for a
	 * peer's failings. `onProgress` gets sync status while it runs.
	 *
	 * A reorganisation onto the host's branch waits until the whole branch is stored (blocks that
	 * simply extend our chain connect as they come, as in normal sync). Cancelled through `signal`
	 * (or ended by an invalid block, or by shutdown), the part of that branch already stored is
	 * set aside: the first block after the fork is forgotten, so the rest can never take over by
	 * itself, not even after a restart, until some peer serves that block again in normal sync.
	 * Ended because the host stalled or went away, what it sent is kept and taken if it has more
	 * work than our chain, as normal sync would.
	 */
	async clone(text: string, options: CloneOptions = {}): Promise<CloneResult> {
		const result = (outcome: CloneOutcome, message: string): CloneResult => ({outcome, message, height: this.chain.height, tip: this.chain.tip.hashHex});
		let host: string;
		let port: number;
		try {
			({host, port} = parseHostPort(text));
		} catch (error) {
			return result('unreachable', (error as Error).message);
		}
		const {signal} = options;
		const startTip = this.chain.tip;
		const cancelled = (): CloneResult => {
			const kept = this.chain.isMain(startTip) ? this.chain.height - startTip.height : 0;
			const extended = kept > 0 ? ` beyond the ${kept} block${kept === 1 ? '' : 's'} that extended our chain` : '';
			return result('cancelled', `clone from ${host}:${port} cancelled: nothing adopted${extended}`);
		};
		if (signal?.aborted) return cancelled();
		let peer: Peer;
		const existing = [...this.peers.values()].find(p => p.ready && p.outbound && p.host === host && p.port === port);
		try {
			// Quiet: a host told where we listen would dial us back by itself, and a cancelled
			// clone would come back as normal sync. It learns it once the clone is through.
			peer = existing ?? (await this.dial(host, port, {...(signal ? {signal} : {}), quiet: true}));
		} catch (error) {
			if (signal?.aborted) return cancelled();
			const reason = (error as Error).message;
			if (/magic/.test(reason)) return result('other-network', `${host}:${port} is on another network (its messages carry another network magic)`);
			return result('unreachable', `${host}:${port} is unreachable: ${reason}`);
		}
		if (signal?.aborted) {
			if (!existing) peer.close(`clone from ${host}:${port} cancelled`);
			return cancelled();
		}
		let closeReason: string | null = peer.isClosed ? 'closed' : null;
		peer.once('close', reason => (closeReason = reason));
		this.preferred = peer;
		// Ask afresh from the parent of our best header: the answer shows where the host's chain
		// leaves ours (or that it is on another genesis: onHeaders hangs up then).
		const best = this.chain.bestHeader;
		this.sendGetheaders(peer, best.prev ?? best);
		const stallMs = Math.min(options.timeoutMs ?? 60_000, 60_000);
		let reorgDepth = 0;
		const onReorg = (info: {depth: number}) => (reorgDepth = Math.max(reorgDepth, info.depth));
		this.chain.on('reorganize', onReorg);
		const release = this.chain.holdReorganisations(this.cloneHold(peer));
		let outcome: CloneResult | null = null;
		try {
			outcome = await this.watchClone(peer, host, port, startTip, stallMs, () => reorgDepth, () => closeReason, options, result, cancelled);
			return outcome;
		} finally {
			this.chain.off('reorganize', onReorg);
			const kind = outcome?.outcome;
			if (kind === 'cancelled') {
				if (this.preferred === peer) this.preferred = null;
				if (!existing) peer.close(`clone from ${host}:${port} cancelled`);
			} else if (!existing && this.quiet.delete(peer)) {
				this.advertiseSelf(peer);
			}
			// Set the host's partial branch aside unless the clone ended in a way that keeps what
			// it validated (stalled, host gone: as normal sync would).
			const discard = kind === undefined || kind === 'cancelled' || kind === 'invalid' || this.stopped;
			await release(discard ? 'discard' : 'activate').catch((error: Error) => this.emit('log', `clone from ${host}:${port}: ${error.message}`));
		}
	}

	/**
	 * What a clone holds back: switching to a candidate that leaves our chain into the host's
	 * branch without holding all of it (every header it has shown, with every block stored).
	 * Memoised per tip, host tip and headers state, since the chain asks for each candidate on
	 * every block it adds.
	 */
	private cloneHold(peer: Peer): (candidate: ChainEntry) => boolean {
		let seen: {tip: ChainEntry; theirs: ChainEntry; done: boolean} | null = null;
		let root: ChainEntry | null = null;
		const memo = new Map<ChainEntry, boolean>();
		return candidate => {
			const st = this.state.get(peer);
			const theirs = st?.best ?? this.lastBest.get(peer) ?? null;
			if (!theirs) return false;
			const done = st?.headersDone ?? true; // gone: it will show no more
			const tip = this.chain.tip;
			if (!seen || seen.tip !== tip || seen.theirs !== theirs || seen.done !== done) {
				seen = {tip, theirs, done};
				memo.clear();
				const fork = this.chain.findFork(tip, theirs);
				// Their chain is ours, behind ours, or simply extends ours: nothing to hold.
				root = fork === theirs || fork === tip ? null : this.chain.getAncestor(theirs, fork.height + 1);
			}
			if (!root) return false;
			let held = memo.get(candidate);
			if (held === undefined) {
				const onBranch = candidate.height >= root.height && this.chain.getAncestor(candidate, root.height) === root;
				const whole = done && candidate.height >= theirs.height && this.chain.getAncestor(candidate, theirs.height) === theirs;
				held = onBranch && !whole;
				memo.set(candidate, held);
			}
			return held;
		};
	}

	private async watchClone(
		peer: Peer,
		host: string,
		port: number,
		startTip: ChainEntry,
		stallMs: number,
		reorgDepth: () => number,
		closed: () => string | null,
		options: CloneOptions,
		result: (outcome: CloneOutcome, message: string) => CloneResult,
		cancelled: () => CloneResult,
	): Promise<CloneResult> {
		const {signal} = options;
		let lastProgress = performance.now();
		let mark = '';
		for (;;) {
			await abortableSleep(100, signal);
			if (!signal?.aborted) options.onProgress?.(this.syncStatus());
			const st = this.state.get(peer);
			const theirs = st?.best ?? this.lastBest.get(peer) ?? null;
			// A broken rule first: the host may have been banned and dropped for it.
			if (theirs?.failed) return result('invalid', `${host}:${port} sent a chain that breaks the rules; nothing adopted from it`);
			const headersDone = st?.headersDone ?? false;
			// Finished, one way or the other, before an abort: that is the truth to tell.
			if (theirs && headersDone && this.chain.isMain(theirs)) {
				if (theirs.chainwork > startTip.chainwork) {
					const depth = reorgDepth();
					return result('adopted', `adopted ${host}:${port}'s chain: height ${this.chain.height}${depth > 0 ? `, after a reorganisation ${depth} block${depth === 1 ? '' : 's'} deep` : ''}`);
				}
				return result('already-have', `already had ${host}:${port}'s chain (height ${theirs.height})`);
			}
			if (signal?.aborted) return cancelled();
			const closeReason = closed();
			if (closeReason !== null) {
				if (/genesis|magic/.test(closeReason)) return result('other-network', `${host}:${port} is on another network (${closeReason})`);
				return result('unreachable', `${host}:${port} went away during the clone: ${closeReason}`);
			}
			if (headersDone && !theirs) {
				return result('less-work', `${host}:${port} has no blocks we lack (its height ${peer.bestHeight}, ours ${this.chain.height}): nothing replaced`);
			}
			if (theirs && headersDone && theirs.chainwork <= this.chain.tip.chainwork) {
				return result('less-work', `${host}:${port}'s chain (height ${theirs.height}) has less work than ours: nothing replaced`);
			}
			// Every block of their branch stored, but held while more headers were due: switch now.
			if (theirs && headersDone && theirs.chainData) await this.chain.activate();
			const now = `${this.chain.height}:${theirs?.height ?? -1}:${this.inflightFor(peer)}:${this.storedAhead()}`;
			if (now !== mark) {
				mark = now;
				lastProgress = performance.now();
			} else if (performance.now() - lastProgress > stallMs) {
				return result('stalled', `${host}:${port} stopped sending; kept everything validated so far`);
			}
		}
	}

	/** Blocks stored along the download path: progress while a reorganisation is held. */
	private storedAhead(): number {
		const path = this.downloadPath();
		let n = 0;
		while (n < path.length && path[n]!.hasData) n++;
		return n;
	}

	private inflightFor(peer: Peer): number {
		return this.state.get(peer)?.inflight.size ?? 0;
	}
}

/** Waits `ms`, or less if `signal` aborts meanwhile. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	return new Promise(resolve => {
		if (signal?.aborted) return resolve();
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};
		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, {once: true});
	});
}
