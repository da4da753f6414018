/**
 * Block templates: a coinbase (BIP34 height, extra nonce, subsidy plus fees to the payout script)
 * and mempool transactions chosen by ancestor fee rate within the block size limit.
 */
import type {Chain} from '../chain/chain.js';
import type {ChainEntry} from '../chain/entry.js';
import {subsidyAt} from '../consensus/networks.js';
import type {Mempool, MempoolEntry} from '../mempool/mempool.js';
import {Block} from '../primitives/block.js';
import {Header} from '../primitives/header.js';
import {merkleRoot} from '../primitives/merkle.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../primitives/tx.js';
import {pushData, pushInt} from '../primitives/script.js';
import {concatBytes} from '../encoding/hex.js';
import {varintSize} from '../encoding/writer.js';

/** Bytes kept free for the header, the tx count and the coinbase. */
const RESERVED = 80 + 5 + 200;
const TAG = new TextEncoder().encode('/chain-tui/');

export interface BlockTemplate {
	readonly prev: ChainEntry;
	readonly height: number;
	readonly bits: number;
	readonly minTime: number;
	readonly txs: readonly Transaction[];
	readonly fees: bigint;
	readonly payout: Uint8Array;
}

/**
 * Chooses transactions by ancestor fee rate: each entry is scored with its unconfirmed ancestors
 * once (package limits keep that cheap), then packages are taken best first while they fit,
 * parents always before children. O(n log n), not Core's re-scoring after each pick.
 */
export function selectTransactions(mempool: Mempool | undefined, space: number): {txs: Transaction[]; fees: bigint} {
	const txs: Transaction[] = [];
	let fees = 0n;
	if (!mempool) return {txs, fees};
	const scored = mempool.all().map(entry => {
		const ancestors = mempool.ancestors(entry);
		let fee = entry.fee;
		let size = entry.size;
		for (const a of ancestors) {
			fee += a.fee;
			size += a.size;
		}
		return {entry, ancestors, rate: Number(fee) / size};
	});
	scored.sort((a, b) => b.rate - a.rate || a.entry.order - b.entry.order);
	const included = new Set<MempoolEntry>();
	let left = space;
	for (const {entry, ancestors} of scored) {
		if (included.has(entry)) continue;
		const pkg = [...ancestors].filter(a => !included.has(a));
		pkg.push(entry);
		const size = pkg.reduce((sum, e) => sum + e.size, 0);
		if (size > left) continue;
		pkg.sort((a, b) => a.order - b.order);
		for (const e of pkg) {
			included.add(e);
			txs.push(e.tx);
			fees += e.fee;
		}
		left -= size;
	}
	return {txs, fees};
}

export function createTemplate(chain: Chain, mempool: Mempool | undefined, payout: Uint8Array): BlockTemplate {
	const prev = chain.tip;
	const space = chain.network.maxBlockSize - RESERVED - varintSize(10_000);
	const {txs, fees} = selectTransactions(mempool, space);
	return {
		prev,
		height: prev.height + 1,
		bits: chain.requiredBits(prev),
		minTime: chain.medianTimePast(prev) + 1,
		txs,
		fees,
		payout,
	};
}

export function coinbaseFor(template: BlockTemplate, extraNonce: number, subsidy: bigint): Transaction {
	const nonce = new Uint8Array(8);
	new DataView(nonce.buffer).setBigUint64(0, BigInt(extraNonce), true);
	const script = concatBytes(pushInt(template.height), pushData(nonce), pushData(TAG));
	return new Transaction(1, [new TxIn(OutPoint.null(), script)], [new TxOut(subsidy + template.fees, template.payout)], 0);
}

/** The block for a template at an extra nonce and time, nonce 0 (the scan fills it in). */
export function assembleBlock(chain: Chain, template: BlockTemplate, extraNonce: number, time: number): Block {
	const coinbase = coinbaseFor(template, extraNonce, subsidyAt(template.height, chain.network));
	const txs = [coinbase, ...template.txs];
	const root = merkleRoot(txs.map(tx => tx.hash())).root;
	const header = new Header(1, template.prev.hash, root, Math.max(time, template.minTime), template.bits, 0);
	return new Block(header, txs);
}

export function withNonce(block: Block, nonce: number): Block {
	const h = block.header;
	return new Block(new Header(h.version, h.prevHash, h.merkleRoot, h.time, h.bits, nonce), block.txs);
}
