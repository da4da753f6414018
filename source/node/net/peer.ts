/**
 * One connection: the version handshake with its timeout, self-connection detection, pings and
 * latency, statistics per message type, misbehaviour score, and back-pressure on what we send.
 */
import {EventEmitter} from 'node:events';
import type {Socket} from 'node:net';
import {performance} from 'node:perf_hooks';
import type {NetworkParams} from '../consensus/networks.js';
import {encodeMessage} from './framer.js';
import {PROTOCOL_VERSION, SERVICES, type Message, type NetAddress} from './messages.js';
import {Parser, ProtocolError} from './parser.js';

export interface PeerTimeouts {
	/** No version and verack within this: disconnect (10 s). */
	readonly handshakeMs: number;
	/** A ping every this long once the handshake is done (30 s). */
	readonly pingIntervalMs: number;
	/** No matching pong within this: disconnect (2 min; --ping-timeout). */
	readonly pongTimeoutMs: number;
	/** Congested (over the send limit) and reading nothing for this long: disconnect (2 min). */
	readonly stuckMs: number;
	/** Bytes queued to a peer above which we stop serving it (10 MB). */
	readonly sendLimit: number;
}

/**
 * The ping timeout (--ping-timeout) and the ping interval that goes with it: a ping every quarter
 * of the timeout, so a peer that goes silent (a cable pulled, packets dropped: no reset ever comes)
 * is dropped between 1 and 1.25 timeouts after its last pong. The defaults are this of 2 min.
 */
export function pingTimeouts(pongTimeoutMs: number): Pick<PeerTimeouts, 'pingIntervalMs' | 'pongTimeoutMs'> {
	return {pingIntervalMs: pongTimeoutMs / 4, pongTimeoutMs};
}

export const DEFAULT_TIMEOUTS: PeerTimeouts = {handshakeMs: 10_000, ...pingTimeouts(120_000), stuckMs: 120_000, sendLimit: 10_000_000};

const BAN_SCORE = 100;
const KNOWN_LIMIT = 50_000;

export interface PeerOptions {
	readonly socket: Socket;
	readonly outbound: boolean;
	readonly network: NetworkParams;
	/** Our nonce for this connection (a version carrying any of ours means we dialled ourselves). */
	readonly nonce: bigint;
	readonly isOurNonce: (nonce: bigint) => boolean;
	/** The address we listen on, sent as version.from. */
	readonly listen: NetAddress;
	readonly agent: string;
	readonly height: () => number;
	readonly timeouts?: Partial<PeerTimeouts>;
	readonly now?: () => number;
	/** A tap from the start, so even our version is seen (see `Peer.tap`). */
	readonly tap?: PeerTap | null;
}

export type WireDirection = 'in' | 'out';

/**
 * Sees each whole framed message a peer reads or writes: the bytes the peer holds (the parser's
 * copy coming in, the framer's going out), never to be changed.
 */
export type PeerTap = (peer: Peer, direction: WireDirection, frame: Uint8Array) => void;

/**
 * Why a connection ended, where callers act on it (a clone tells "another network" apart from
 * "went away"): a typed code, so nothing decides by the words of the reason.
 */
export type CloseCode = 'wrong-magic' | 'other-genesis' | 'self' | 'banned' | 'misbehaving' | 'timeout' | 'remote' | 'local';

/** A connection that ended before it was ready; `code` says why. */
export class PeerClosedError extends Error {
	constructor(
		message: string,
		readonly code: CloseCode,
	) {
		super(message);
		this.name = 'PeerClosedError';
	}
}

export interface PeerEvents {
	ready: [];
	message: [msg: Message];
	/** Score added, reason; the pool bans at 100. */
	misbehave: [score: number, reason: string];
	close: [reason: string];
	/** The send queue emptied: requests held back by congestion can be served. */
	drain: [];
}

export interface PeerStats {
	bytesIn: number;
	bytesOut: number;
	/** Messages per command. */
	readonly messagesIn: Record<string, number>;
	readonly messagesOut: Record<string, number>;
	/** Bytes per command, header included (Core's getpeerinfo bytesrecv_per_msg / bytessent_per_msg). */
	readonly bytesInPerMsg: Record<string, number>;
	readonly bytesOutPerMsg: Record<string, number>;
}

let nextId = 1;

export class Peer extends EventEmitter<PeerEvents> {
	readonly id = nextId++;
	readonly host: string;
	readonly port: number;
	readonly outbound: boolean;
	readonly connectedAt: number;
	readonly stats: PeerStats = {bytesIn: 0, bytesOut: 0, messagesIn: {}, messagesOut: {}, bytesInPerMsg: {}, bytesOutPerMsg: {}};

	/** From their version message. */
	version = 0;
	agent = '';
	services = 0n;
	startHeight = 0;
	relay = true;
	/** The port they say they listen on (version.from), for an inbound peer. */
	listenPort = 0;
	/** How they see our address (version.recv). */
	theySeeUs: string | null = null;
	/** Best height we know they have: the most of startHeight, syncedHeaders and syncedBlocks. */
	bestHeight = 0;
	/**
	 * Height of the best header they sent us in headers messages, -1 before any (Core's
	 * synced_headers). Kept up to date by the pool.
	 */
	syncedHeaders = -1;
	/**
	 * Height of the best block we know they have: announced by inv (a block we know) or by
	 * headers, or sent to us; -1 before any (Core's synced_blocks). Kept up to date by the pool.
	 */
	syncedBlocks = -1;
	/** They sent sendheaders: announce blocks with headers, not inv. */
	prefersHeaders = false;
	banScore = 0;
	/** Last round-trip of a ping, ms. */
	latencyMs: number | null = null;
	/** Inventory (display-hex hashes) they have or we told them of: nothing is sent twice. */
	readonly known = new Set<string>();

	private readonly socket: Socket;
	private readonly parser: Parser;
	private readonly options: PeerOptions;
	private readonly timeouts: PeerTimeouts;
	private gotVersion = false;
	private gotVerack = false;
	private closed = false;
	/** Why it closed, once it has. */
	closeCode: CloseCode | null = null;
	private handshakeTimer: NodeJS.Timeout | undefined;
	private pingTimer: NodeJS.Timeout | undefined;
	private pendingPing: {nonce: bigint; sentAt: number} | null = null;
	private stuckTimer: NodeJS.Timeout | undefined;
	private wireTap: PeerTap | null = null;

	constructor(options: PeerOptions) {
		super();
		this.options = options;
		this.socket = options.socket;
		this.outbound = options.outbound;
		this.host = (options.socket.remoteAddress ?? '0.0.0.0').replace(/^::ffff:/, '');
		this.port = options.socket.remotePort ?? 0;
		this.connectedAt = (options.now ?? (() => Math.floor(Date.now() / 1000)))();
		this.timeouts = {...DEFAULT_TIMEOUTS, ...options.timeouts};
		this.parser = new Parser(options.network.magic);
		this.socket.setNoDelay(true);
		this.socket.on('data', data => this.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
		this.socket.on('close', () => this.close('connection closed by peer', 'remote'));
		this.socket.on('error', error => this.close(`socket error: ${error.message}`, 'remote'));
		this.socket.on('drain', () => {
			clearTimeout(this.stuckTimer);
			this.stuckTimer = undefined;
			// It reads again: so do we (see send()).
			if (!this.closed) this.socket.resume();
			this.emit('drain');
		});
		this.handshakeTimer = setTimeout(() => this.close('no version/verack within the handshake timeout', 'timeout'), this.timeouts.handshakeMs);
		if (options.tap) this.tap = options.tap;
		if (this.outbound) this.sendVersion();
	}

	/**
	 * The wire inspector's tap (set by the pool while someone watches this peer, see wire-tap.ts):
	 * null costs one check a message in each direction, nothing more.
	 */
	get tap(): PeerTap | null {
		return this.wireTap;
	}

	set tap(tap: PeerTap | null) {
		this.wireTap = tap;
		this.parser.tap = tap === null ? null : frame => tap(this, 'in', frame);
	}

	get address(): string {
		return `${this.host}:${this.port}`;
	}

	get ready(): boolean {
		return this.gotVersion && this.gotVerack && !this.closed;
	}

	get isClosed(): boolean {
		return this.closed;
	}

	/** Over the send limit: the pool stops serving this peer's requests until it reads. */
	get congested(): boolean {
		return this.socket.writableLength > this.timeouts.sendLimit;
	}

	remember(hash: string): void {
		if (this.known.size >= KNOWN_LIMIT) this.known.delete(this.known.values().next().value as string);
		this.known.add(hash);
	}

	send(msg: Message): void {
		if (this.closed) return;
		const bytes = encodeMessage(this.options.network.magic, msg);
		this.stats.bytesOut += bytes.length;
		this.stats.messagesOut[msg.type] = (this.stats.messagesOut[msg.type] ?? 0) + 1;
		this.stats.bytesOutPerMsg[msg.type] = (this.stats.bytesOutPerMsg[msg.type] ?? 0) + bytes.length;
		this.socket.write(bytes);
		if (this.wireTap !== null) this.wireTap(this, 'out', bytes);
		if (this.congested && !this.stuckTimer) {
			// Over the limit: read nothing more from it (so it cannot ask for more) until it drains
			// what we sent; if it never does, it goes.
			this.socket.pause();
			this.stuckTimer = setTimeout(() => {
				this.stuckTimer = undefined;
				if (this.congested) this.close('not reading what we send');
			}, this.timeouts.stuckMs);
			this.stuckTimer.unref();
		}
	}

	/** Adds to the misbehaviour score; the pool bans and disconnects at 100. */
	misbehave(score: number, reason: string): void {
		// Counted even after it hung up: leaving does not escape a ban.
		if (score <= 0) return;
		this.banScore += score;
		this.emit('misbehave', score, reason);
		if (this.banScore >= BAN_SCORE) this.close(`misbehaving (score ${this.banScore}): ${reason}`, 'misbehaving');
	}

	close(reason: string, code: CloseCode = 'local'): void {
		if (this.closed) return;
		this.closed = true;
		this.closeCode = code;
		clearTimeout(this.handshakeTimer);
		clearInterval(this.pingTimer);
		clearTimeout(this.stuckTimer);
		if (this.socket.writableLength > 0) {
			// Let what is queued (a last version or reject) go out, but never wait long.
			if (!this.socket.writableEnded) this.socket.end();
			setTimeout(() => this.socket.destroy(), 1000).unref();
		} else {
			this.socket.destroy();
		}
		this.emit('close', reason);
	}

	private sendVersion(): void {
		this.send({
			type: 'version',
			version: PROTOCOL_VERSION,
			services: SERVICES,
			time: BigInt(Math.floor(Date.now() / 1000)),
			recv: {services: 0n, host: this.host.includes(':') ? '::' : this.host, port: this.port},
			from: this.options.listen,
			nonce: this.options.nonce,
			agent: this.options.agent,
			height: this.options.height(),
			relay: true,
		});
	}

	private onData(data: Uint8Array): void {
		if (this.closed) return;
		this.stats.bytesIn += data.length;
		let results;
		try {
			results = this.parser.feed(data);
		} catch (error) {
			if (!(error instanceof ProtocolError)) throw error;
			// A dialler on another network learns why: our version, in our magic, before we go.
			if (!this.outbound && !this.gotVersion) this.sendVersion();
			this.misbehave(error.score, error.message);
			this.close(error.message, error.code === 'wrong-magic' ? 'wrong-magic' : 'misbehaving');
			return;
		}
		for (const result of results) {
			if (this.closed) return;
			// Unknown names share one counter, so a peer cannot grow the table; so do messages dropped
			// for their envelope (bad checksum or command name), as Core counts them under *other*.
			const dropped = result.kind === 'error' && (result.error.code === 'bad-checksum' || result.error.code === 'bad-command');
			const command = result.kind === 'message' ? result.message.type : result.kind === 'unknown' || dropped ? 'unknown' : result.command.replace(/[^a-z]/g, '').slice(0, 12) || 'unknown';
			this.stats.messagesIn[command] = (this.stats.messagesIn[command] ?? 0) + 1;
			this.stats.bytesInPerMsg[command] = (this.stats.bytesInPerMsg[command] ?? 0) + result.size;
			if (result.kind === 'error') this.misbehave(result.error.score, result.error.message);
			else if (result.kind === 'message') this.onMessage(result.message);
		}
	}

	private onMessage(msg: Message): void {
		if (msg.type === 'version') {
			// Core: "redundant version message", ignored and not scored.
			if (this.gotVersion) return;
			if (this.options.isOurNonce(msg.nonce)) return this.close('connected to ourselves', 'self');
			this.gotVersion = true;
			this.version = msg.version;
			this.agent = msg.agent.replace(/[^\x20-\x7e]/g, '?');
			this.services = msg.services;
			this.startHeight = msg.height;
			this.bestHeight = Math.max(this.bestHeight, msg.height);
			this.relay = msg.relay;
			this.listenPort = msg.from.port;
			this.theySeeUs = msg.recv.host;
			if (!this.outbound) this.sendVersion();
			this.send({type: 'verack'});
			this.checkReady();
			return;
		}
		if (!this.gotVersion) return this.misbehave(10, `${msg.type} before version`);
		if (msg.type === 'verack') {
			// Core: "ignoring redundant verack message", not scored.
			if (this.gotVerack) return;
			this.gotVerack = true;
			this.checkReady();
			return;
		}
		if (!this.gotVerack) return this.misbehave(10, `${msg.type} before verack`);
		if (msg.type === 'ping') return this.send({type: 'pong', nonce: msg.nonce});
		if (msg.type === 'pong') {
			if (this.pendingPing && msg.nonce === this.pendingPing.nonce) {
				this.latencyMs = performance.now() - this.pendingPing.sentAt;
				this.pendingPing = null;
			}
			return;
		}
		if (msg.type === 'sendheaders') {
			this.prefersHeaders = true;
			return;
		}
		this.emit('message', msg);
	}

	private checkReady(): void {
		if (!this.gotVersion || !this.gotVerack) return;
		clearTimeout(this.handshakeTimer);
		this.pingTimer = setInterval(() => this.ping(), this.timeouts.pingIntervalMs);
		this.pingTimer.unref();
		this.emit('ready');
	}

	/** Sends a ping; a ping still unanswered after the pong timeout disconnects. */
	ping(): void {
		if (this.pendingPing) {
			if (performance.now() - this.pendingPing.sentAt >= this.timeouts.pongTimeoutMs) this.close('no pong in time', 'timeout');
			return;
		}
		const nonce = BigInt(Math.floor(Math.random() * 2 ** 52));
		this.pendingPing = {nonce, sentAt: performance.now()};
		this.send({type: 'ping', nonce});
		const check = setTimeout(() => {
			if (this.pendingPing?.nonce === nonce) this.close('no pong in time', 'timeout');
		}, this.timeouts.pongTimeoutMs);
		check.unref();
	}
}
