import {Block} from '../primitives/block.js';
import {Header} from '../primitives/header.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../primitives/tx.js';
import {concatBytes} from '../encoding/hex.js';
import {nullDataScript, pushData, pushInt} from '../primitives/script.js';
import {merkleRoot} from '../primitives/merkle.js';

export interface GenesisSpec {
	readonly time: number;
	readonly bits: number;
	readonly nonce: number;
	readonly message: string;
}

/**
 * The genesis block: one coinbase whose scriptSig carries height 0 (BIP34 style) and a message,
 * and whose only output is a zero-value OP_RETURN, so its coinbase can never be spent.
 */
export function buildGenesis(spec: GenesisSpec): Block {
	const text = new TextEncoder().encode(spec.message);
	const coinbase = new Transaction(
		1,
		[new TxIn(OutPoint.null(), concatBytes(pushInt(0), pushData(text)))],
		[new TxOut(0n, nullDataScript(text.subarray(0, 75)))],
		0,
	);
	const root = merkleRoot([coinbase.hash()]).root;
	const header = new Header(1, new Uint8Array(32), root, spec.time, spec.bits, spec.nonce);
	return new Block(header, [coinbase]);
}
