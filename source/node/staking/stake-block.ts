/**
 * A staked block, built and signed: a zero-value coinbase carrying the height, the coinstake
 * (the kernel coin back to its owner with the reward and fees, and the commitment to the block),
 * then the chosen transactions. The coinstake's SIGHASH_ALL signature covers the commitment, so
 * the winner signs the block without any change to the block format.
 */
import {COINSTAKE_INDEX} from '../consensus/engine.js';
import {stakeCommitment} from '../consensus/kernel.js';
import {concatBytes} from '../encoding/hex.js';
import {Block} from '../primitives/block.js';
import type {Coin} from '../primitives/coin.js';
import {Header} from '../primitives/header.js';
import {merkleRoot} from '../primitives/merkle.js';
import {nullDataScript, pushData, pushInt} from '../primitives/script.js';
import {signP2pkhInput} from '../primitives/sign.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../primitives/tx.js';

const TAG = new TextEncoder().encode('/chain-tui/stake/');
/** Header, tx count, coinbase and coinstake: room kept free in a staked block. */
export const STAKED_BLOCK_RESERVED = 80 + 5 + 120 + 260;

export interface StakedBlockSpec {
	readonly prevHash: Uint8Array;
	readonly height: number;
	readonly time: number;
	readonly bits: number;
	readonly kernel: {readonly prevout: OutPoint; readonly coin: Coin};
	readonly privateKey: Uint8Array;
	/** Paid on top of the stake: the reward plus `fees`. */
	readonly reward: bigint;
	readonly txs: readonly Transaction[];
	readonly fees: bigint;
	readonly version?: number;
}

export function buildStakedBlock(spec: StakedBlockSpec): Block {
	const version = spec.version ?? 1;
	const coinbase = new Transaction(1, [new TxIn(OutPoint.null(), concatBytes(pushInt(spec.height), pushData(TAG)))], [new TxOut(0n, nullDataScript(TAG))], 0);
	const others = [coinbase, ...spec.txs];
	const commitment = stakeCommitment(version, spec.prevHash, spec.time, spec.bits, merkleRoot(others.map(tx => tx.hash())).root);
	const {prevout, coin} = spec.kernel;
	const unsigned = new Transaction(
		1,
		[new TxIn(prevout, new Uint8Array(0))],
		[new TxOut(0n, nullDataScript(commitment)), new TxOut(coin.value + spec.reward + spec.fees, coin.script)],
		0,
	);
	const scriptSig = signP2pkhInput(unsigned, 0, coin.script, spec.privateKey);
	const coinstake = new Transaction(1, [new TxIn(prevout, scriptSig)], unsigned.outputs, 0);
	const txs = [...others];
	txs.splice(COINSTAKE_INDEX, 0, coinstake);
	const root = merkleRoot(txs.map(tx => tx.hash())).root;
	return new Block(new Header(version, spec.prevHash, root, spec.time, spec.bits, 0), txs);
}
