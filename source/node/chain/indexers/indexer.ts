/**
 * Indexes beside the chain state (bcoin's indexers): each adds its writes for a block joining or
 * leaving the active chain to the chain's own batch, so a crash leaves an index exactly as
 * consistent as the coins. The chain knows them only through this interface.
 */
import type {Block} from '../../primitives/block.js';
import type {Coin} from '../../primitives/coin.js';
import type {BatchOp} from '../chain-db.js';
import type {ChainEntry} from '../entry.js';

/** A block as the indexes see it: where it is, and the coins each of its transactions spent. */
export interface IndexedBlock {
	readonly entry: ChainEntry;
	readonly height: number;
	readonly block: Block;
	/** Per transaction, the coins its inputs spent, in input order (none for the coinbase). */
	readonly spent: readonly (readonly Coin[])[];
}

export interface Indexer {
	/** Puts for `b` joining the active chain, in transaction order. */
	connect(b: IndexedBlock, ops: BatchOp[]): void;
	/** What connect wrote for `b`, undone, in reverse transaction order. */
	disconnect(b: IndexedBlock, ops: BatchOp[]): void;
}
