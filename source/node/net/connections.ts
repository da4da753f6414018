/**
 * The connection manager: listening, dialling, keeping outbound slots filled from the address
 * manager, refusing banned and surplus inbound peers, and noticing when we dialled ourselves.
 * After btcd's connmgr.
 */
import {createServer, connect, type Server, type Socket} from 'node:net';
import {randomBytes} from 'node:crypto';
import {networkInterfaces} from 'node:os';
import type {NetworkParams} from '../consensus/networks.js';
import {AddrMan, addressKey} from './addrman.js';
import {SERVICES, type Message} from './messages.js';
import {Peer, PeerClosedError, type PeerTap, type PeerTimeouts} from './peer.js';

export interface ConnectionOptions {
	readonly network: NetworkParams;
	readonly port: number;
	readonly host?: string;
	readonly maxOutbound: number;
	/** Dial only manual addresses (--connect): gossip never picks a peer. */
	readonly manualOnly?: boolean;
	readonly maxInbound: number;
	readonly agent: string;
	readonly banSeconds: number;
	readonly timeouts?: Partial<PeerTimeouts>;
	readonly now: () => number;
	/** Our height, for version messages. */
	readonly height: () => number;
}

/** What the pool does with a connection's events. */
export interface ConnectionHooks {
	attached(peer: Peer): void;
	ready(peer: Peer): void;
	message(peer: Peer, msg: Message): Promise<void>;
	drain(peer: Peer): void;
	closed(peer: Peer, reason: string): void;
	ban(address: string, reason: string): void;
	log(line: string): void;
	listening(port: number): void;
}

/**
 * The one host:port parser (--peer, --connect, clone, config, the screen's form, setban). With
 * `defaultPort` the port may be left out (setban's "host" or "[v6]"), and then a bare IPv6 address
 * ("::1", which can carry no port) is read whole; without it a port is required.
 */
export function parseHostPort(text: string, options: {readonly defaultPort?: number} = {}): {host: string; port: number} {
	const t = text.trim();
	const optional = options.defaultPort !== undefined;
	const m = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$|^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(t);
	const bareV6 = optional && !m && /^[0-9a-fA-F.]*:[0-9a-fA-F.]*:[0-9a-fA-F:.]*$/.test(t) ? t : null;
	const given = m?.[2] ?? m?.[4];
	const port = given === undefined ? options.defaultPort : Number(given);
	if ((!m && !bareV6) || port === undefined || (given !== undefined && !(port >= 1 && port <= 65535))) throw new Error(`"${text}" is not host:port`);
	return {host: bareV6 ?? (m![1] ?? m![3])!, port};
}

/** Why the P2P listener could not start; the CLI decides by `code`, never by the message. */
export class ListenError extends Error {
	override readonly name = 'ListenError';
	constructor(
		readonly code: 'port-in-use' | 'listen-failed',
		readonly port: number,
		message: string,
	) {
		super(message);
	}
}

export class ConnectionManager {
	addrman!: AddrMan;
	readonly peers = new Map<number, Peer>();
	private server: Server | null = null;
	listenPort = 0;
	private readonly dialing = new Set<string>();
	/** Our version nonces, and the connection each was sent on. */
	private readonly nonces = new Map<bigint, Peer>();
	/** Addresses that turned out to be this node. */
	private readonly selfAddresses = new Set<string>();
	/** IPs of this machine and those peers see us at: with our listening port, our own address. */
	private readonly ownHosts = new Set<string>(['127.0.0.1', '::1', '0:0:0:0:0:0:0:1']);
	/** Sockets being dialled, so stop() can end them too. */
	private readonly dialSockets = new Set<Socket>();
	/** Peers dialled without telling them where we listen (see dial). */
	private readonly quietPeers = new WeakSet<Peer>();
	private stopped = false;
	/** The wire tap a new peer starts with (the pool's, while someone watches every peer). */
	tapNew: () => PeerTap | null = () => null;

	constructor(
		private readonly options: ConnectionOptions,
		private readonly hooks: ConnectionHooks,
	) {}

	listen(): Promise<void> {
		const {port, host} = this.options;
		return new Promise((resolve, reject) => {
			const server = createServer(socket => this.onInbound(socket));
			server.once('error', error => {
				const code = (error as NodeJS.ErrnoException).code;
				reject(
					code === 'EADDRINUSE'
						? new ListenError('port-in-use', port, `port ${port} is already in use (another node on this port?)`)
						: new ListenError('listen-failed', port, `cannot listen on port ${port}: ${error.message}`),
				);
			});
			server.listen(port, host ?? '0.0.0.0', () => {
				server.removeAllListeners('error');
				server.on('error', error => this.hooks.log(`listener error: ${error.message}`));
				this.server = server;
				const address = server.address();
				this.listenPort = typeof address === 'object' && address ? address.port : port;
				this.selfAddresses.add(addressKey('127.0.0.1', this.listenPort));
				for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) this.ownHosts.add(i.address.replace(/^::ffff:/, ''));
				if (host) this.ownHosts.add(host);
				for (const own of this.ownHosts) this.addrman.remove(own, this.listenPort);
				this.hooks.listening(this.listenPort);
				resolve();
			});
		});
	}

	async stop(): Promise<void> {
		this.stopped = true;
		for (const peer of this.peers.values()) peer.close('shutting down');
		for (const socket of this.dialSockets) socket.destroy();
		this.dialSockets.clear();
		await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	counts(): {inbound: number; outbound: number} {
		let inbound = 0;
		let outbound = 0;
		for (const peer of this.peers.values()) {
			if (peer.outbound) outbound++;
			else inbound++;
		}
		return {inbound, outbound};
	}

	/**
	 * Whether dialling the address would be pointless: we are dialling it, it is us, or we have a
	 * connection to it. An inbound peer that listens there counts, except for a manual address
	 * (--peer, addnode): that one we dial ourselves whoever dialled whom, as Core dials its added
	 * nodes, since an outbound connection is where a node asks for addresses (getaddr goes to the
	 * peers we dial only) and tells its own. Without it a node whose --peer came up after it and
	 * dialled it first never made a connection of its own: on a LAN started all at once it heard of
	 * nobody else and nobody of it.
	 */
	private isConnectedTo(host: string, port: number, manual: boolean): boolean {
		const key = addressKey(host, port);
		if (this.dialing.has(key) || this.selfAddresses.has(key)) return true;
		for (const peer of this.peers.values()) {
			if (peer.outbound && peer.host === host && peer.port === port) return true;
			if (!manual && !peer.outbound && peer.host === host && peer.listenPort === port) return true;
		}
		return false;
	}

	/** Whether host:port is this node's own listening address (never stored, never passed on). */
	isOwnAddress(host: string, port: number): boolean {
		return this.selfAddresses.has(addressKey(host, port)) || (port === this.listenPort && this.ownHosts.has(host));
	}

	isQuiet(peer: Peer): boolean {
		return this.quietPeers.has(peer);
	}

	/** The peer may now learn where we listen; true if it was quiet until now. */
	unquiet(peer: Peer): boolean {
		return this.quietPeers.delete(peer);
	}

	/** The IP a peer we chose sees us at is ours too (an inbound peer's word is not taken: it could name an honest node's IP to make us forget it). */
	learnOwnHost(peer: Peer): void {
		const seen = peer.theySeeUs;
		if (!peer.outbound || !seen || seen === '0.0.0.0' || seen === '0:0:0:0:0:0:0:0' || this.ownHosts.has(seen)) return;
		this.ownHosts.add(seen);
		if (this.listenPort) this.addrman.remove(seen, this.listenPort);
	}

	fillOutbound(): void {
		if (this.stopped) return;
		let {outbound} = this.counts();
		outbound += this.dialing.size;
		for (let tries = 0; outbound < this.options.maxOutbound && tries < 16; tries++) {
			const next = this.addrman.select(a => this.isConnectedTo(a.host, a.port, a.manual), {manualOnly: this.options.manualOnly ?? false});
			if (!next) break;
			this.dial(next.host, next.port).catch((error: Error) => this.hooks.log(error.message));
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
					reject(new PeerClosedError(reason, peer.closeCode ?? 'local'));
				});
			});
		});
	}

	private onInbound(socket: Socket): void {
		const host = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
		if (this.stopped || this.addrman.isBanned(host, socket.remotePort ?? 0) || this.counts().inbound >= this.options.maxInbound) {
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
			network: this.options.network,
			nonce,
			isOurNonce: n => {
				const dialler = this.nonces.get(n);
				if (!dialler) return false;
				// We dialled ourselves: both ends go, and that address is never dialled again.
				this.selfAddresses.add(addressKey(dialler.host, dialler.port));
				this.addrman.remove(dialler.host, dialler.port);
				dialler.close('connected to ourselves', 'self');
				return true;
			},
			listen: {services: SERVICES, host: '0.0.0.0', port: quiet ? 0 : this.listenPort},
			agent: this.options.agent,
			height: this.options.height,
			...(this.options.timeouts ? {timeouts: this.options.timeouts} : {}),
			now: this.options.now,
			tap: this.tapNew(),
		});
		this.nonces.set(nonce, peer);
		this.peers.set(peer.id, peer);
		if (quiet) this.quietPeers.add(peer);
		this.hooks.attached(peer);
		peer.on('ready', () => {
			// On loopback or private addresses a ban names the port the peer says it listens on,
			// known only now.
			if (!peer.outbound && this.addrman.isBannedInbound(peer.host, peer.listenPort)) return peer.close('banned', 'banned');
			this.hooks.ready(peer);
		});
		peer.on('message', msg => void this.hooks.message(peer, msg).catch(error => this.hooks.log(`error handling ${msg.type} from ${peer.address}: ${(error as Error).message}`)));
		peer.on('misbehave', (score, reason) => {
			if (peer.banScore >= 100 && peer.banScore - score < 100) {
				const port = peer.outbound ? peer.port : peer.listenPort || peer.port;
				this.addrman.ban(peer.host, port, this.options.banSeconds, {claimedPort: !peer.outbound});
				this.hooks.ban(addressKey(peer.host, port), reason);
			}
			this.hooks.log(`peer ${peer.address} misbehaving (+${score}, now ${peer.banScore}): ${reason}`);
		});
		peer.on('drain', () => this.hooks.drain(peer));
		peer.on('close', reason => {
			this.nonces.delete(nonce);
			this.peers.delete(peer.id);
			this.hooks.closed(peer, reason);
		});
		return peer;
	}
}
