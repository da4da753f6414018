/** gettxoutsetinfo's figures: the UTXO set's size, total, and a hash of it (or Core's MuHash). */
import {hashToHex} from '../encoding/hex.js';
import {Writer} from '../encoding/writer.js';
import {sha256} from '../crypto/hash.js';
import {MuHash3072} from '../crypto/muhash.js';
import type {Chain} from './chain.js';

export interface UtxoSetInfo {
	readonly height: number;
	readonly bestblock: string;
	readonly txouts: number;
	readonly totalUnits: bigint;
	/** sha256 over every coin in key order: equal on two nodes with the same UTXO set. */
	readonly hash: string;
	/** Core's MuHash3072 of the set, each coin as Core's TxOutSer; only when asked for. */
	readonly muhash?: string;
}

export async function utxoSetInfo(chain: Chain, options: {readonly muhash?: boolean} = {}): Promise<UtxoSetInfo> {
	let txouts = 0;
	let total = 0n;
	const parts: Uint8Array[] = [];
	const muhash = options.muhash ? new MuHash3072() : null;
	const tip = chain.tip;
	for await (const {prevout, coin} of chain.coins()) {
		txouts++;
		total += coin.value;
		const index = new Uint8Array(4);
		new DataView(index.buffer).setUint32(0, prevout.index, true);
		parts.push(prevout.txid, index, coin.toRaw());
		// Core's TxOutSer: the outpoint, height << 1 | coinbase, then the output (value, script).
		muhash?.insert(new Writer(53 + coin.script.length).bytes(prevout.txid).u32(prevout.index).u32(((coin.height << 1) | (coin.coinbase ? 1 : 0)) >>> 0).i64(coin.value).varBytes(coin.script).finish());
	}
	return {
		height: tip.height,
		bestblock: tip.hashHex,
		txouts,
		totalUnits: total,
		hash: hashToHex(sha256(Buffer.concat(parts))),
		...(muhash ? {muhash: hashToHex(muhash.finalize())} : {}),
	};
}
