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

/** Chooses transactions: the best ancestor package first, parents always before children. */
export function selectTransactions(mempool: Mempool | undefined, space: number): {txs: Transaction[]; fees: bigint} {
	const txs: Transaction[] = [];
	let fees = 0n;
	if (!mempool) return {txs, fees};
	const included = new Set<MempoolEntry>();
	const skipped = new Set<MempoolEntry>();
	let left = space;
	const pool = mempool.all();
	for (let round = 0; round < pool.length; round++) {
		let best: MempoolEntry[] | null = null;
		let bestRate = -1;
		for (const entry of pool) {
			if (included.has(entry) || skipped.has(entry)) continue;
			const pkg = [...mempool.ancestors(entry)].filter(a => !included.has(a));
			pkg.push(entry);
			let fee = 0n;
			let size = 0;
			for (const e of pkg) {
				fee += e.fee;
				size += e.size;
			}
			if (size > left) {
				skipped.add(entry);
				continue;
			}
			const rate = Number(fee) / size;
			if (rate > bestRate) {
				best = pkg;
				bestRate = rate;
			}
		}
		if (!best) break;
		// Pool order is arrival order, in which parents precede children.
		best.sort((a, b) => pool.indexOf(a) - pool.indexOf(b));
		for (const e of best) {
			included.add(e);
			txs.push(e.tx);
			fees += e.fee;
			left -= e.size;
		}
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
