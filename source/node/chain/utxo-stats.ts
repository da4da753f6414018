import {hashToHex} from '../encoding/hex.js';
import {sha256} from '../crypto/hash.js';
import type {Chain} from './chain.js';

export interface UtxoSetInfo {
	readonly height: number;
	readonly bestblock: string;
	readonly txouts: number;
	readonly totalUnits: bigint;
	/** sha256 over every coin in key order: equal on two nodes with the same UTXO set. */
	readonly hash: string;
}

export async function utxoSetInfo(chain: Chain): Promise<UtxoSetInfo> {
	let txouts = 0;
	let total = 0n;
	const parts: Uint8Array[] = [];
	const tip = chain.tip;
	for await (const {prevout, coin} of chain.coins()) {
		txouts++;
		total += coin.value;
		const index = new Uint8Array(4);
		new DataView(index.buffer).setUint32(0, prevout.index, true);
		parts.push(prevout.txid, index, coin.toRaw());
	}
	return {height: tip.height, bestblock: tip.hashHex, txouts, totalUnits: total, hash: hashToHex(sha256(Buffer.concat(parts)))};
}
