/**
 * Consensus checks, after Bitcoin Core's CheckTransaction, CheckBlock, ContextualCheckBlockHeader,
 * ContextualCheckBlock and Consensus::CheckTxInputs. Each failure is a VerifyError carrying Core's
 * reject reason and the misbehaviour score a peer earns for it (bcoin's scores).
 */
import {VerifyError} from '../errors.js';
import {equalBytes} from '../encoding/hex.js';
import type {Block} from '../primitives/block.js';
import type {Coin} from '../primitives/coin.js';
import type {Header} from '../primitives/header.js';
import {nullData, p2pkhHash, parseP2pkhScriptSig, pushInt} from '../primitives/script.js';
import type {Transaction} from '../primitives/tx.js';
import type {NetworkParams} from './networks.js';

/** Locktimes below this are heights, above are UNIX times (Bitcoin's LOCKTIME_THRESHOLD). */
export const LOCKTIME_THRESHOLD = 500_000_000;
/** Blocks in the median-time-past window. */
export const MEDIAN_TIME_SPAN = 11;

/** The median of a median-time-past window's times (BIP113), in any order. */
export function medianTime(times: readonly number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function moneyRange(value: bigint, net: NetworkParams): boolean {
	return value >= 0n && value <= net.maxMoney;
}

/**
 * Context-free transaction checks (CheckTransaction) plus chain-tui's script-template rule. Every
 * failure here is consensus (Core's TX_CONSENSUS): the sender is disconnected, as Core's
 * invalid_txs.py expects for each of these cases (`expect_disconnect = True`).
 */
export function checkTransaction(tx: Transaction, net: NetworkParams): void {
	if (tx.inputs.length === 0) throw new VerifyError('bad-txns-vin-empty', 100, 'tx');
	if (tx.outputs.length === 0) throw new VerifyError('bad-txns-vout-empty', 100, 'tx');
	if (tx.getSize() > net.maxBlockSize) throw new VerifyError('bad-txns-oversize', 100, 'tx');

	let total = 0n;
	for (const output of tx.outputs) {
		if (output.value < 0n) throw new VerifyError('bad-txns-vout-negative', 100, 'tx');
		if (output.value > net.maxMoney) throw new VerifyError('bad-txns-vout-toolarge', 100, 'tx');
		total += output.value;
		if (!moneyRange(total, net)) throw new VerifyError('bad-txns-txouttotal-toolarge', 100, 'tx');
		if (p2pkhHash(output.script)) continue;
		if (nullData(output.script)) {
			if (output.value !== 0n) throw new VerifyError('bad-txns-nulldata-value', 100, 'tx', 'data outputs carry no value');
			continue;
		}
		throw new VerifyError('bad-txns-nonstandard-output', 100, 'tx', 'only P2PKH and OP_RETURN <push> outputs');
	}

	const seen = new Set<string>();
	for (const input of tx.inputs) {
		const key = input.prevout.key();
		if (seen.has(key)) throw new VerifyError('bad-txns-inputs-duplicate', 100, 'tx');
		seen.add(key);
	}

	if (tx.isCoinbase()) {
		const n = tx.inputs[0]!.script.length;
		if (n < 2 || n > 100) throw new VerifyError('bad-cb-length', 100, 'tx');
		return;
	}
	// Every prevout first, as Core's CheckTransaction does, before our scriptSig form rule.
	for (const input of tx.inputs) {
		if (input.prevout.isNull()) throw new VerifyError('bad-txns-prevout-null', 100, 'tx');
	}
	for (const input of tx.inputs) {
		if (!parseP2pkhScriptSig(input.script)) {
			throw new VerifyError('bad-txns-nonstandard-input', 100, 'tx', 'scriptSig must be <signature> <compressed pubkey>');
		}
	}
}

/**
 * Context-free block checks (CheckBlock): merkle root, size, coinbase placement, txs. The header's
 * own proof (of work, at a mined height) is the consensus engine's (engine.ts).
 */
export function checkBlockSanity(block: Block, net: NetworkParams): void {
	const {root, mutated} = block.computeMerkleRoot();
	if (!equalBytes(root, block.header.merkleRoot)) throw new VerifyError('bad-txnmrklroot', 100, 'block');
	if (mutated) throw new VerifyError('bad-txns-duplicate', 100, 'block', 'duplicate transaction (CVE-2012-2459)');
	if (block.txs.length === 0 || block.getSize() > net.maxBlockSize) throw new VerifyError('bad-blk-length', 100, 'block');
	if (!block.txs[0]!.isCoinbase()) throw new VerifyError('bad-cb-missing', 100, 'block');
	for (let i = 1; i < block.txs.length; i++) {
		if (block.txs[i]!.isCoinbase()) throw new VerifyError('bad-cb-multiple', 100, 'block');
	}
	for (const tx of block.txs) checkTransaction(tx, net);
}

/** What a contextual header check needs from the chain below the new header. */
export interface HeaderContext {
	readonly requiredBits: number;
	readonly medianTimePast: number;
	readonly now: number;
}

/** ContextualCheckBlockHeader: difficulty as the retarget rule says, time within bounds. */
export function checkHeaderContext(header: Header, ctx: HeaderContext, net: NetworkParams): void {
	if (header.bits !== ctx.requiredBits) throw new VerifyError('bad-diffbits', 100, 'header', 'incorrect proof of work');
	if (header.time <= ctx.medianTimePast) throw new VerifyError('time-too-old', 100, 'header', 'block time at or before median time past');
	// Not the sender's fault if our clocks differ: no score (Core's BLOCK_TIME_FUTURE).
	if (header.time > ctx.now + net.maxFutureBlockTime) throw new VerifyError('time-too-new', 0, 'header', `block time more than ${net.maxFutureBlockTime} s ahead`);
}

export function isFinalTx(tx: Transaction, height: number, lockTimeCutoff: number): boolean {
	if (tx.locktime === 0) return true;
	if (tx.locktime < (tx.locktime < LOCKTIME_THRESHOLD ? height : lockTimeCutoff)) return true;
	return tx.inputs.every(input => input.sequence === 0xffffffff);
}

/** The coinbase scriptSig must start with `CScript() << height` (BIP34). */
export function coinbaseHasHeight(coinbase: Transaction, height: number): boolean {
	const expect = pushInt(height);
	const script = coinbase.inputs[0]!.script;
	return script.length >= expect.length && equalBytes(script.subarray(0, expect.length), expect);
}

/** ContextualCheckBlock: every tx final (BIP113 median time), coinbase height (BIP34). */
export function checkBlockContext(block: Block, height: number, medianTimePast: number): void {
	for (const tx of block.txs) {
		if (!isFinalTx(tx, height, medianTimePast)) throw new VerifyError('bad-txns-nonfinal', 10, 'block');
	}
	if (!coinbaseHasHeight(block.txs[0]!, height)) throw new VerifyError('bad-cb-height', 100, 'block', 'block height mismatch in coinbase');
}

/**
 * Consensus::CheckTxInputs: `coins[i]` is the coin input i spends (null if missing or spent).
 * Returns the fee. `spendHeight` is the height of the block the tx would be in.
 */
export function checkTxInputs(
	tx: Transaction,
	coins: readonly (Coin | null)[],
	spendHeight: number,
	net: NetworkParams,
	/** A coinstake: it pays out more than it spends; returns what it spends less what it pays. */
	mints = false,
): bigint {
	let valueIn = 0n;
	for (let i = 0; i < tx.inputs.length; i++) {
		const coin = coins[i];
		if (!coin) throw new VerifyError('bad-txns-inputs-missingorspent', 0, 'tx', `input ${i} is missing or spent`);
		if (coin.coinbase && spendHeight - coin.height < net.coinbaseMaturity) {
			throw new VerifyError('bad-txns-premature-spend-of-coinbase', 0, 'tx', `tried to spend coinbase at depth ${spendHeight - coin.height}`);
		}
		valueIn += coin.value;
		if (!moneyRange(coin.value, net) || !moneyRange(valueIn, net)) throw new VerifyError('bad-txns-inputvalues-outofrange', 100, 'tx');
	}
	let valueOut = 0n;
	for (const output of tx.outputs) valueOut += output.value;
	if (mints) return valueIn - valueOut;
	if (valueIn < valueOut) throw new VerifyError('bad-txns-in-belowout', 100, 'tx', `value in ${valueIn} < value out ${valueOut}`);
	const fee = valueIn - valueOut;
	if (!moneyRange(fee, net)) throw new VerifyError('bad-txns-fee-outofrange', 100, 'tx');
	return fee;
}
