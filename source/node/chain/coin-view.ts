import {Coin} from '../primitives/coin.js';
import {Reader} from '../encoding/reader.js';
import {Writer} from '../encoding/writer.js';
import type {OutPoint} from '../primitives/tx.js';

/**
 * The UTXO set as a block being connected sees it: coins read from the database, overlaid with
 * the outputs earlier transactions of the same block created and the ones they spent.
 */
export class CoinView {
	private readonly changes = new Map<string, Coin | null>();
	/** Database reads started by prefetch, by outpoint key. */
	private readonly read = new Map<string, Promise<Coin | null>>();

	constructor(
		private readonly load: (prevout: OutPoint) => Promise<Coin | null>,
		private readonly loadMany: (prevouts: readonly OutPoint[]) => Promise<(Coin | null)[]>,
	) {}

	/**
	 * Starts reading every coin a block spends at once, in one LevelDB call (one trip to LevelDB's thread for the block, where a read per input cost a native call
	 * and a promise each: the reads were a third of connecting a block once signature checks got
	 * fast). get() still answers from the block's own changes first.
	 */
	prefetch(prevouts: readonly OutPoint[]): void {
		const fresh: OutPoint[] = [];
		const keys = new Set<string>();
		for (const prevout of prevouts) {
			const key = prevout.key();
			if (!this.read.has(key) && !keys.has(key)) {
				keys.add(key);
				fresh.push(prevout);
			}
		}
		if (fresh.length === 0) return;
		const all = this.loadMany(fresh);
		fresh.forEach((prevout, i) => this.remember(prevout.key(), all.then(coins => coins[i]!)));
	}

	private remember(key: string, pending: Promise<Coin | null>): void {
		pending.catch(() => undefined); // a failed read is reported by the get() that awaits it
		this.read.set(key, pending);
	}

	async get(prevout: OutPoint): Promise<Coin | null> {
		const key = prevout.key();
		if (this.changes.has(key)) return this.changes.get(key)!;
		return this.read.get(key) ?? this.load(prevout);
	}

	spend(prevout: OutPoint): void {
		this.changes.set(prevout.key(), null);
	}

	add(prevout: OutPoint, coin: Coin): void {
		this.changes.set(prevout.key(), coin);
	}
}

/** Undo data: the coins a block spent, in the order its inputs spent them. */
export function encodeUndo(coins: readonly Coin[]): Uint8Array {
	const w = new Writer(64 * coins.length + 8).varint(coins.length);
	for (const coin of coins) w.varBytes(coin.toRaw());
	return w.finish();
}

export function decodeUndo(data: Uint8Array): Coin[] {
	const r = new Reader(data);
	const n = r.count(15);
	const coins: Coin[] = [];
	for (let i = 0; i < n; i++) coins.push(Coin.fromRaw(r.varBytes()));
	r.end();
	return coins;
}
