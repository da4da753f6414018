/**
 * Stand-ins for testing the pool's parts one at a time: a PoolContext over a real chain whose
 * peers and clock the test controls, and minimal peers that record what is sent to them.
 */
import type {Chain} from '../../source/node/chain/chain.js';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import type {Mempool} from '../../source/node/mempool/mempool.js';
import type {Message} from '../../source/node/net/messages.js';
import {HostMemory} from '../../source/node/net/host-memory.js';
import type {Peer} from '../../source/node/net/peer.js';
import {newPeerState, notePeerBlock, type PeerState} from '../../source/node/net/peer-state.js';
import type {PoolContext} from '../../source/node/net/pool-context.js';
import type {Block} from '../../source/node/primitives/block.js';
import {nextBlock} from './builder.js';

let nextFakeId = 1;

/** The message type(s) whose `type` can be T (inv, getdata and notfound share one shape). */
export type MessageOf<T extends Message['type']> = Message extends infer M ? (M extends {type: infer U} ? (T extends U ? M : never) : never) : never;

/** A peer stand-in with the fields the pool's parts read; it records what they do to it. */
export class FakePeer {
	readonly id = nextFakeId++;
	readonly host: string;
	readonly port: number;
	readonly sent: Message[] = [];
	readonly known = new Set<string>();
	readonly misbehaviour: {score: number; reason: string}[] = [];
	ready = true;
	outbound = true;
	prefersHeaders = false;
	relay = true;
	congested = false;
	isClosed = false;
	closeReason: string | null = null;
	banScore = 0;
	bestHeight = 0;
	syncedHeaders = -1;
	syncedBlocks = -1;
	theySeeUs: string | null = null;
	listenPort = 0;

	constructor(host = `198.51.100.${nextFakeId % 250}`, port = 19111) {
		this.host = host;
		this.port = port;
	}

	get address(): string {
		return `${this.host}:${this.port}`;
	}

	send(msg: Message): void {
		if (!this.isClosed) this.sent.push(msg);
	}

	remember(hash: string): void {
		this.known.add(hash);
	}

	misbehave(score: number, reason: string): void {
		if (score <= 0) return;
		this.banScore += score;
		this.misbehaviour.push({score, reason});
	}

	close(reason: string): void {
		if (this.isClosed) return;
		this.isClosed = true;
		this.ready = false;
		this.closeReason = reason;
	}

	/** The messages of one type sent to it so far. */
	of<T extends Message['type']>(type: T): MessageOf<T>[] {
		return this.sent.filter(m => m.type === type) as MessageOf<T>[];
	}

	get asPeer(): Peer {
		return this as unknown as Peer;
	}
}

export interface TestContext extends PoolContext {
	/** Connects a stand-in (or a real Peer): it gets a fresh record, seeded from its IP's, as the pool's `attached`. */
	add(peer: FakePeer | Peer): PeerState;
	/** Drops a peer and its record, as the pool's onClose. */
	remove(peer: FakePeer | Peer): void;
	/** The clock `now()` reads, in seconds; tests move it. */
	clock: number;
	readonly logs: string[];
	stopped: boolean;
}

function asPeer(peer: FakePeer | Peer): Peer {
	return peer instanceof FakePeer ? peer.asPeer : peer;
}

/** A PoolContext over a real chain (and mempool), with peers and a clock the test controls. */
export function testContext(options: {chain: Chain; mempool?: Mempool; clock?: number; random?: () => number}): TestContext {
	const peers = new Set<Peer>();
	const states = new Map<Peer, PeerState>();
	const ctx: TestContext = {
		chain: options.chain,
		network: options.chain.network,
		mempool: options.mempool,
		clock: options.clock ?? options.chain.tip.time,
		now: () => ctx.clock,
		random: options.random ?? Math.random,
		peers: () => peers.values(),
		state: peer => states.get(peer),
		hosts: new HostMemory(() => ctx.clock),
		notePeer(peer, entry, viaHeaders) {
			const st = states.get(peer);
			if (st) notePeerBlock(peer, st, entry, viaHeaders);
		},
		logs: [],
		log: line => void ctx.logs.push(line),
		stopped: false,
		add(peer) {
			const p = asPeer(peer);
			const st = ctx.hosts.seed(newPeerState(ctx.clock), p);
			peers.add(p);
			states.set(p, st);
			return st;
		},
		remove(peer) {
			const p = asPeer(peer);
			peers.delete(p);
			states.delete(p);
		},
	};
	return ctx;
}

/**
 * Stores `n` headers (no blocks) on top of `from`, each a valid next block of its parent;
 * `tag` makes siblings of other branches distinct. Returns the entries and their blocks.
 */
export async function headersOnly(chain: Chain, from: ChainEntry, n: number, tag = 0): Promise<{entries: ChainEntry[]; blocks: Block[]}> {
	const entries: ChainEntry[] = [];
	const blocks: Block[] = [];
	let at = from;
	for (let i = 0; i < n; i++) {
		const block = nextBlock(chain, at, {tag});
		at = await chain.addHeader(block.header);
		entries.push(at);
		blocks.push(block);
	}
	return {entries, blocks};
}
