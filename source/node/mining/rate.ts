/**
 * Hash rates: the network's, estimated from block times and work (Bitcoin Core's
 * GetNetworkHashPS), and the time a given rate takes to find a block.
 */
import type {ChainEntry} from '../chain/entry.js';
import type {NetworkParams} from '../consensus/networks.js';
import {blockWork} from '../consensus/pow.js';

/**
 * Seconds a miner hashing at `hashesPerSecond` expects to need for one block at `bits`: the work
 * of a block, 2^256 / (target + 1), over the rate. Infinity when the rate is 0 (or not a number).
 */
export function expectedSecondsToBlock(bits: number, hashesPerSecond: number): number {
	if (!(hashesPerSecond > 0)) return Infinity;
	return Number(blockWork(bits)) / hashesPerSecond;
}

export type HashrateParams = Pick<NetworkParams, 'retarget' | 'halfLife' | 'targetSpacing'>;

/**
 * Blocks getnetworkhashps's -1 ("since the last difficulty change") stands for. Without a retarget
 * the difficulty never changed: the whole chain. ASERT changes it every block, so one block would
 * say nothing; a half-life of blocks is the span the difficulty itself answers to.
 */
export function lookupForMinusOne(net: HashrateParams): number {
	switch (net.retarget) {
		case 'none':
			return Infinity;
		case 'asert':
			return Math.max(1, Math.round(net.halfLife / net.targetSpacing));
	}
}

/**
 * The network's hashes per second over the `lookup` blocks before `at` (Core's
 * GetNetworkHashPS): the work between the window's first and last block over the spread of their
 * times (latest minus earliest in the window, as block times need not increase). `lookup` -1
 * means the blocks since the last difficulty change, as Core, where that says something (see
 * lookupForMinusOne); larger than the chain, the whole chain.
 *
 * Unlike Core, the genesis block never enters the window: its time is fixed when a network is
 * defined, often days before block 1, and would make the rate look hundreds of times lower. With
 * fewer than two blocks after genesis there is no window: 0.
 */
export function networkHashesPerSecond(at: ChainEntry, lookup: number, net: HashrateParams): number {
	let n = lookup === -1 ? lookupForMinusOne(net) : lookup;
	// The window's first block is block 1 at the earliest.
	n = Math.min(n, at.height - 1);
	if (!(n >= 1)) return 0;
	let first = at;
	let minTime = at.time;
	let maxTime = at.time;
	for (let i = 0; i < n && first.prev; i++) {
		first = first.prev;
		minTime = Math.min(minTime, first.time);
		maxTime = Math.max(maxTime, first.time);
	}
	if (maxTime === minTime) return 0;
	return Number(at.chainwork - first.chainwork) / (maxTime - minTime);
}
