/** gettxoutsetinfo's figures: the UTXO set's size, total, and a hash of it (or Core's MuHash). */
import {createHash} from 'node:crypto';
import {hashToHex} from '../encoding/hex.js';
import {Writer} from '../encoding/writer.js';
import {MuHash3072} from '../crypto/muhash.js';
import type {Chain} from './chain.js';

export interface UtxoSetInfo {
	readonly height: number;
	readonly bestblock: string;
	readonly txouts: number;
	readonly totalUnits: bigint;
	/** hash_serialized_3: sha256 over every coin in key order, equal on two nodes with the same UTXO set. */
	readonly hash?: string;
	/** Core's MuHash3072 of the set, each coin as Core's TxOutSer. */
	readonly muhash?: string;
}

export type UtxoHashType = 'hash_serialized_3' | 'muhash' | 'none';

/** The set's figures, with the one hash asked for (none: nothing hashed). */
export async function utxoSetInfo(chain: Chain, options: {readonly hashType?: UtxoHashType} = {}): Promise<UtxoSetInfo> {
	const hashType = options.hashType ?? 'hash_serialized_3';
	let txouts = 0;
	let total = 0n;
	// Fed coin by coin: the set is never held in memory whole.
	const serialized = hashType === 'hash_serialized_3' ? createHash('sha256') : null;
	const muhash = hashType === 'muhash' ? new MuHash3072() : null;
	const tip = chain.tip;
	for await (const {prevout, coin} of chain.coins()) {
		txouts++;
		total += coin.value;
		if (serialized) {
			const index = new Uint8Array(4);
			new DataView(index.buffer).setUint32(0, prevout.index, true);
			serialized.update(prevout.txid).update(index).update(coin.toRaw());
		}
		// Core's TxOutSer: the outpoint, height << 1 | coinbase, then the output (value, script).
		muhash?.insert(new Writer(53 + coin.script.length).bytes(prevout.txid).u32(prevout.index).u32(((coin.height << 1) | (coin.coinbase ? 1 : 0)) >>> 0).i64(coin.value).varBytes(coin.script).finish());
	}
	return {
		height: tip.height,
		bestblock: tip.hashHex,
		txouts,
		totalUnits: total,
		...(serialized ? {hash: hashToHex(new Uint8Array(serialized.digest()))} : {}),
		...(muhash ? {muhash: hashToHex(muhash.finalize())} : {}),
	};
}
