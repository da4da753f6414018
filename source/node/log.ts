/**
 * The node's log: one human-readable line per event, appended to <datadir>/debug.log (rotated
 * at about 10 MB to debug.log.1) and, when headless, printed to stdout (while stdout takes it).
 * Never over the screen.
 */
import {appendFileSync, mkdirSync, renameSync, statSync} from 'node:fs';
import {dirname} from 'node:path';
import type {FullNode} from './node.js';
import {formatAmount} from './wallet/amount.js';
import type {RemoveReason} from './mempool/mempool.js';

const ROTATE_BYTES = 10_000_000;

/**
 * A standard stream written until it fails. A reader that went away (`chain-tui --headless | head
 * -1`: EPIPE) or a dead terminal must never end the node: the first error stops writing there and
 * is reported once through `onClose` (with its errno code); debug.log goes on.
 */
export class StdStream {
	private failure: string | null = null;
	/** Told once, with the errno code, when writing stops. */
	onClose: ((code: string) => void) | undefined;

	constructor(private readonly stream: NodeJS.WriteStream) {
		// Kept for good: a destroyed stream may report again, and an unhandled 'error' kills the process.
		stream.on('error', (error: NodeJS.ErrnoException) => this.fail(error.code ?? error.message));
	}

	/** Why writing stopped (an errno code such as EPIPE), or null while it goes on. */
	get closed(): string | null {
		return this.failure;
	}

	write(text: string): void {
		if (this.failure !== null) return;
		if (this.stream.destroyed) return this.fail('closed');
		try {
			this.stream.write(text);
		} catch (error) {
			this.fail((error as NodeJS.ErrnoException).code ?? 'write failed');
		}
	}

	private fail(code: string): void {
		if (this.failure !== null) return;
		this.failure = code;
		this.onClose?.(code);
	}
}

export class DebugLog {
	private size: number;
	/** The errno code of the last failed append, so a failure is noted once, not per line. */
	private failing: string | null = null;

	constructor(
		readonly path: string,
		private readonly echo?: (line: string) => void,
	) {
		mkdirSync(dirname(path), {recursive: true});
		try {
			this.size = statSync(path).size;
		} catch {
			this.size = 0;
		}
	}

	write(line: string): void {
		const text = `${new Date().toISOString()} ${line}\n`;
		this.echo?.(line);
		if (this.size + text.length > ROTATE_BYTES) {
			try {
				renameSync(this.path, `${this.path}.1`);
			} catch {
				// nothing to rotate yet
			}
			this.size = 0;
		}
		// A log that cannot be written (disk full, file replaced) must not take the node down:
		// the line is lost, the next one tries again.
		try {
			appendFileSync(this.path, text);
			this.size += text.length;
			this.failing = null;
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code ?? 'error';
			if (this.failing !== code) this.echo?.(`cannot write ${this.path} (${code}): lines are lost until it can`);
			this.failing = code;
		}
	}
}

const REMOVED: Record<Exclude<RemoveReason, 'block'>, string> = {
	'size-limit': 'evicted, the mempool is full (lowest fee rate first)',
	expiry: 'expired (72 h in the mempool)',
	conflict: 'a block spent the same coins',
	reorg: 'no longer valid after a reorganisation',
};

/** One event: a type, a human-readable line, and its fields (for --json-log). */
export type LogSink = (text: string, event: {readonly type: string} & Readonly<Record<string, unknown>>) => void;

/** Turns the node's events into log lines (and, for --json-log, objects). */
export function logNodeEvents(node: FullNode, log: LogSink): void {
	const short = (hash: string) => `${hash.slice(0, 16)}…`;
	node.on('log', line => log(line, {type: 'message', message: line}));
	// One line a block, saying so when our miner found it (no separate "mined" line).
	node.chain.on('connect', (entry, block) => {
		const mined = node.miner.minedHere(entry.hashHex);
		const size = block.getSize();
		log(`block ${entry.height} ${short(entry.hashHex)} ${block.txs.length} tx ${size} bytes${mined ? ', mined here' : ''}`, {type: 'block', height: entry.height, hash: entry.hashHex, txs: block.txs.length, size, mined});
	});
	node.chain.on('reorganize', info =>
		log(`reorganize: ${info.depth} block(s) replaced at height ${info.fork.height}; new tip ${info.newTip.height} ${short(info.newTip.hashHex)}`, {
			type: 'reorganize',
			depth: info.depth,
			fork: info.fork.height,
			height: info.newTip.height,
			hash: info.newTip.hashHex,
		}),
	);
	node.chain.on('invalid', (entry, error) => log(`invalid block ${entry.height} ${short(entry.hashHex)}: ${error.message}`, {type: 'invalid', height: entry.height, hash: entry.hashHex, reason: error.reason}));
	node.mempool.on('tx', entry =>
		log(`tx ${short(entry.txid)} accepted: ${entry.size} bytes, fee ${formatAmount(entry.fee)} (${entry.feeRate.toFixed(1)}/byte)`, {type: 'tx', txid: entry.txid, size: entry.size, fee: formatAmount(entry.fee), feeRate: entry.feeRate}),
	);
	// A block's transactions leave the pool with it (its line says so); other removals are news.
	node.mempool.on('remove', (entry, reason) => {
		if (reason === 'block') return;
		log(`tx ${short(entry.txid)} removed: ${REMOVED[reason]}`, {type: 'tx-removed', txid: entry.txid, reason});
	});
	const pool = node.pool;
	if (!pool) return;
	pool.on('listening', port => log(`listening on port ${port}`, {type: 'listening', port}));
	pool.on('peer', peer =>
		log(`peer ${peer.address} connected (${peer.outbound ? 'outbound' : 'inbound'}, ${peer.agent}, height ${peer.bestHeight})`, {type: 'peer', address: peer.address, direction: peer.outbound ? 'outbound' : 'inbound', agent: peer.agent, height: peer.bestHeight}),
	);
	pool.on('peer-close', (peer, reason) => log(`peer ${peer.address} disconnected: ${reason}`, {type: 'peer-close', address: peer.address, reason}));
	pool.on('ban', (address, reason) => log(`banned ${address} for 24 h: ${reason}`, {type: 'ban', address, reason}));
	let lastSync = 0;
	pool.on('sync', status => {
		if (status.synced || Date.now() - lastSync < 1000) return;
		lastSync = Date.now();
		const eta = Number.isFinite(status.eta) ? `, about ${Math.ceil(status.eta)} s left` : '';
		log(`sync: ${status.blocks} of ${status.headers} blocks (${status.rate.toFixed(1)} blocks/s${eta})`, {type: 'sync', blocks: status.blocks, headers: status.headers, rate: status.rate, eta: Number.isFinite(status.eta) ? status.eta : null});
	});
}
