/**
 * A link between two nodes of the lab: a small relay on 127.0.0.1. Node A dials the link's port as
 * if it were node B; each such connection is paired with a fresh connection to B, and every whole
 * message is forwarded, byte for byte, under conditions that can change live: latency and jitter
 * (never reordering a direction), a bandwidth limit, dropped messages, and a cut.
 *
 * Dropping a message breaks a real protocol conversation (a lost `block` or `pong` is never resent
 * on the same connection): that is the point, it shows how the nodes cope. A cut closes the
 * connections, which is what the nodes would conclude after their ping timeout on a silent link.
 *
 * Clock, timers and randomness are injected, so tests can replay a schedule exactly.
 */
import net from 'node:net';
import {MessageStream, StreamError} from './message-stream.js';

export interface LinkConditions {
	/** Added to every message's delivery. */
	readonly latencyMs: number;
	/** Up to this much more, uniformly at random, per message; order is still kept. */
	readonly jitterMs: number;
	/** Bytes per second a direction carries; 0 or Infinity for no limit. */
	readonly bandwidthBytesPerSec: number;
	/** Probability that a whole message is dropped, 0 to 1. */
	readonly dropRate: number;
}

/** toTarget: from the dialling node to the target; fromTarget: the answers. */
export type Direction = 'toTarget' | 'fromTarget';

export interface DirectionStats {
	messages: number;
	bytes: number;
	droppedMessages: number;
	droppedBytes: number;
	/** Waiting for their delivery time, across current connections. */
	queuedMessages: number;
	queuedBytes: number;
}

export interface LinkStats {
	readonly toTarget: DirectionStats;
	readonly fromTarget: DirectionStats;
	/** Connections currently relayed. */
	readonly pairs: number;
	readonly cut: boolean;
}

/** One message written on: when it came in and when it went out, on the injected clock. */
export interface Delivery {
	readonly direction: Direction;
	readonly bytes: Buffer;
	readonly arrivedAt: number;
	readonly deliveredAt: number;
}

/**
 * One whole message seen by a tap (the wire inspector): relayed on, or dropped by the link's
 * conditions. `bytes` is the message the link holds, envelope and payload: never change it.
 */
export interface LinkWireRecord {
	/** When it was written on (or dropped), on the link's clock (milliseconds). */
	readonly time: number;
	/** toTarget: a→b, the dialling node to the target; fromTarget: b→a. */
	readonly direction: Direction;
	readonly bytes: Buffer;
	readonly dropped: boolean;
}

export type LinkWireListener = (record: LinkWireRecord) => void;

/** Runs `fn` after `ms`; returns a cancel. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

export interface LinkOptions {
	readonly listenHost?: string;
	readonly listenPort?: number;
	readonly targetHost: string;
	readonly targetPort: number;
	/** Uniform in [0, 1): one draw per message for the drop (if dropRate > 0), then one for jitter (if jitterMs > 0). */
	readonly random?: () => number;
	/** Milliseconds. */
	readonly now?: () => number;
	readonly setTimer?: SetTimer;
	/** The network's magic; without it, each connection's first header fixes it. */
	readonly magic?: Uint8Array;
	readonly maxPayload?: number;
	readonly conditions?: Partial<LinkConditions>;
	readonly log?: (line: string) => void;
	readonly onDeliver?: (delivery: Delivery) => void;
	/** A direction holding more than this waiting to be delivered stops reading its source. */
	readonly queueLimitBytes?: number;
}

const QUEUE_LIMIT = 1 << 20;

const realTimer: SetTimer = (fn, ms) => {
	const t = setTimeout(fn, Math.max(0, ms));
	return () => clearTimeout(t);
};

function emptyStats(): DirectionStats {
	return {messages: 0, bytes: 0, droppedMessages: 0, droppedBytes: 0, queuedMessages: 0, queuedBytes: 0};
}

interface Queued {
	readonly bytes: Buffer;
	readonly arrivedAt: number;
	readonly deliverAt: number;
}

/** One direction of one connection: its own queue, so directions never wait on each other. */
class Lane {
	private readonly queue: Queued[] = [];
	queuedBytes = 0;
	/** When the direction is free to start sending the next message (bandwidth). */
	private freeAt = -Infinity;
	/** The last message's delivery time: nothing may be delivered before it (no reordering). */
	private lastDeliverAt = -Infinity;
	private cancelTimer: (() => void) | undefined;
	/** The destination's write buffer is full: wait for 'drain'. */
	private blocked = false;
	private readonly stream: MessageStream;

	constructor(
		private readonly link: Link,
		private readonly pair: Pair,
		readonly direction: Direction,
		private readonly from: net.Socket,
		private readonly to: net.Socket,
	) {
		this.stream = new MessageStream({...(link.options.magic ? {magic: link.options.magic} : {}), ...(link.options.maxPayload !== undefined ? {maxPayload: link.options.maxPayload} : {})});
		from.on('data', (chunk: Buffer) => this.onData(chunk));
		to.on('drain', () => {
			this.blocked = false;
			this.pump();
		});
	}

	get queuedMessages(): number {
		return this.queue.length;
	}

	private onData(chunk: Buffer): void {
		if (this.pair.closed) return;
		let messages: Buffer[];
		try {
			messages = this.stream.feed(chunk);
		} catch (error) {
			if (!(error instanceof StreamError)) throw error;
			// The stream cannot be split any further: the only faithful thing left is to hang up.
			this.pair.close(`${this.direction}: ${error.message}`);
			return;
		}
		for (const message of messages) this.admit(message);
		this.pump();
	}

	private admit(bytes: Buffer): void {
		const link = this.link;
		const c = link.conditions;
		const stats = link.statsOf(this.direction);
		if (c.dropRate > 0 && link.random() < c.dropRate) {
			stats.droppedMessages++;
			stats.droppedBytes += bytes.length;
			if (link.wire !== null) link.wire({time: link.now(), direction: this.direction, bytes, dropped: true});
			return;
		}
		const arrivedAt = link.now();
		// Serialisation first (the message occupies the direction), then propagation.
		const sendMs = c.bandwidthBytesPerSec > 0 && Number.isFinite(c.bandwidthBytesPerSec) ? (bytes.length * 1000) / c.bandwidthBytesPerSec : 0;
		const sentAt = Math.max(arrivedAt, this.freeAt) + sendMs;
		this.freeAt = sentAt;
		const jitter = c.jitterMs > 0 ? c.jitterMs * link.random() : 0;
		const deliverAt = Math.max(sentAt + c.latencyMs + jitter, this.lastDeliverAt);
		this.lastDeliverAt = deliverAt;
		this.queue.push({bytes, arrivedAt, deliverAt});
		this.queuedBytes += bytes.length;
		// Bounded memory: a sender faster than the link waits in its own kernel buffers, not ours.
		if (this.queuedBytes > link.queueLimit) this.from.pause();
	}

	/** Writes every message that is due, then sleeps until the next one is. */
	pump(): void {
		if (this.pair.closed || this.blocked) return;
		this.cancelTimer?.();
		this.cancelTimer = undefined;
		const link = this.link;
		for (;;) {
			const head = this.queue[0];
			if (head === undefined) break;
			const now = link.now();
			if (head.deliverAt > now) {
				this.cancelTimer = link.setTimer(() => {
					this.cancelTimer = undefined;
					this.pump();
				}, head.deliverAt - now);
				break;
			}
			this.queue.shift();
			this.queuedBytes -= head.bytes.length;
			const stats = link.statsOf(this.direction);
			stats.messages++;
			stats.bytes += head.bytes.length;
			const flushed = this.to.write(head.bytes);
			link.options.onDeliver?.({direction: this.direction, bytes: head.bytes, arrivedAt: head.arrivedAt, deliveredAt: now});
			if (link.wire !== null) link.wire({time: now, direction: this.direction, bytes: head.bytes, dropped: false});
			if (!flushed) {
				// Back-pressure: stop reading the source until the destination drains.
				this.blocked = true;
				this.from.pause();
				return;
			}
		}
		if (this.queuedBytes <= link.queueLimit && this.from.isPaused()) this.from.resume();
	}

	stop(): void {
		this.cancelTimer?.();
		this.cancelTimer = undefined;
		this.queue.length = 0;
		this.queuedBytes = 0;
	}
}

/** An inbound connection and the outbound one it was paired with. */
class Pair {
	closed = false;
	readonly lanes: readonly [Lane, Lane];

	constructor(
		private readonly link: Link,
		readonly inbound: net.Socket,
		readonly outbound: net.Socket,
	) {
		this.lanes = [new Lane(link, this, 'toTarget', inbound, outbound), new Lane(link, this, 'fromTarget', outbound, inbound)];
		// Either side gone (or failing) ends both: a link is one connection to the nodes.
		for (const [socket, name] of [
			[inbound, 'inbound'],
			[outbound, 'outbound'],
		] as const) {
			socket.on('error', error => this.close(`${name} error: ${error.message}`));
			socket.on('close', () => this.close(`${name} closed`));
		}
	}

	close(reason: string): void {
		if (this.closed) return;
		this.closed = true;
		for (const lane of this.lanes) lane.stop();
		this.inbound.destroy();
		this.outbound.destroy();
		this.link.forget(this, reason);
	}
}

export class Link {
	readonly random: () => number;
	readonly now: () => number;
	readonly setTimer: SetTimer;
	readonly queueLimit: number;
	private current: LinkConditions;
	private readonly pairs = new Set<Pair>();
	private readonly totals = {toTarget: emptyStats(), fromTarget: emptyStats()};
	private isCut = false;
	private closed = false;
	private readonly taps = new Set<LinkWireListener>();
	/** @internal The taps' dispatcher, null while nobody listens (one check a message). */
	wire: LinkWireListener | null = null;

	private constructor(
		readonly options: LinkOptions,
		private readonly server: net.Server,
	) {
		this.random = options.random ?? Math.random;
		this.now = options.now ?? Date.now;
		this.setTimer = options.setTimer ?? realTimer;
		this.queueLimit = options.queueLimitBytes ?? QUEUE_LIMIT;
		this.current = {latencyMs: 0, jitterMs: 0, bandwidthBytesPerSec: 0, dropRate: 0};
		if (options.conditions) this.set(options.conditions);
		server.on('connection', socket => this.accept(socket));
	}

	static async open(options: LinkOptions): Promise<Link> {
		const server = net.createServer({noDelay: true});
		const link = new Link(options, server);
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(options.listenPort ?? 0, options.listenHost ?? '127.0.0.1', () => {
				server.off('error', reject);
				resolve();
			});
		});
		server.on('error', error => link.log(`listener error: ${error.message}`));
		return link;
	}

	get port(): number {
		const address = this.server.address();
		return typeof address === 'object' && address !== null ? address.port : 0;
	}

	get conditions(): LinkConditions {
		return this.current;
	}

	/** Changes conditions from now on; messages already queued keep their delivery times. */
	set(conditions: Partial<LinkConditions>): void {
		const next = {...this.current, ...conditions};
		for (const [name, value] of Object.entries(next)) {
			if (!(value >= 0)) throw new RangeError(`${name} must be a number >= 0, got ${value}`);
		}
		if (next.dropRate > 1) throw new RangeError(`dropRate must be at most 1, got ${next.dropRate}`);
		this.current = next;
	}

	/**
	 * The wire inspector: `listener` sees every message the link writes on, in either direction,
	 * and every one its conditions drop. Returns the untap; untapped, a message costs one check.
	 */
	tap(listener: LinkWireListener): () => void {
		const entry: LinkWireListener = record => listener(record);
		this.taps.add(entry);
		this.wire = record => {
			for (const t of this.taps) t(record);
		};
		return () => {
			this.taps.delete(entry);
			if (this.taps.size === 0) this.wire = null;
		};
	}

	/** Closes every relayed connection and refuses new ones until restore(). */
	cut(): void {
		this.isCut = true;
		for (const pair of [...this.pairs]) pair.close('cut');
	}

	restore(): void {
		this.isCut = false;
	}

	get isCutNow(): boolean {
		return this.isCut;
	}

	stats(): LinkStats {
		const out = {toTarget: {...this.totals.toTarget}, fromTarget: {...this.totals.fromTarget}};
		for (const pair of this.pairs) {
			for (const lane of pair.lanes) {
				out[lane.direction].queuedMessages += lane.queuedMessages;
				out[lane.direction].queuedBytes += lane.queuedBytes;
			}
		}
		return {...out, pairs: this.pairs.size, cut: this.isCut};
	}

	/** Closes the listener and every connection; resolves once the listener is closed. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const pair of [...this.pairs]) pair.close('link closed');
		await new Promise<void>(resolve => this.server.close(() => resolve()));
	}

	/** @internal */
	statsOf(direction: Direction): DirectionStats {
		return this.totals[direction];
	}

	/** @internal */
	forget(pair: Pair, reason: string): void {
		if (this.pairs.delete(pair)) this.log(`connection closed: ${reason}`);
	}

	private log(line: string): void {
		this.options.log?.(line);
	}

	private accept(inbound: net.Socket): void {
		if (this.isCut || this.closed) {
			// A cut link: the dialler sees its connection fail at once.
			inbound.destroy();
			this.log('connection refused: link is cut');
			return;
		}
		inbound.setNoDelay(true);
		const outbound = net.connect({host: this.options.targetHost, port: this.options.targetPort, noDelay: true});
		this.pairs.add(new Pair(this, inbound, outbound));
	}
}
