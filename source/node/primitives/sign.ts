import {hash160} from '../crypto/hash.js';
import {publicKeyOf, signDigest, verifyDigest} from '../crypto/keys.js';
import {concatBytes, equalBytes} from '../encoding/hex.js';
import {isValidSignatureEncoding} from '../crypto/der.js';
import {SIGHASH_ALL, p2pkhHash, p2pkhScriptSig, parseP2pkhScriptSig} from './script.js';
import {legacySighash} from './sighash.js';
import {Transaction, TxIn} from './tx.js';

/** The scriptSig that spends a P2PKH output `prevScript` as input `index` of `tx` (SIGHASH_ALL). */
export function signP2pkhInput(tx: Transaction, index: number, prevScript: Uint8Array, privateKey: Uint8Array): Uint8Array {
	const digest = legacySighash(tx, index, prevScript, SIGHASH_ALL);
	const signature = concatBytes(signDigest(digest, privateKey), Uint8Array.of(SIGHASH_ALL));
	return p2pkhScriptSig(signature, publicKeyOf(privateKey));
}

/** A copy of `tx` with every input signed by the key for its previous P2PKH output. */
export function signTransaction(
	tx: Transaction,
	prevScripts: readonly Uint8Array[],
	keys: readonly Uint8Array[],
): Transaction {
	const scripts = tx.inputs.map((_, i) => signP2pkhInput(tx, i, prevScripts[i]!, keys[i]!));
	return new Transaction(
		tx.version,
		tx.inputs.map((input, i) => new TxIn(input.prevout, scripts[i]!, input.sequence)),
		tx.outputs,
		tx.locktime,
	);
}

/** What a signature check needs; collected so checks can be batched or run in workers. */
export interface SigCheck {
	readonly signature: Uint8Array; // strict DER, no hash type byte
	readonly digest: Uint8Array;
	readonly publicKey: Uint8Array;
}

/**
 * Checks the form of a P2PKH spend and returns the signature check still to do, or a reason.
 * Our chain's rules: compressed key matching the output's hash, strict DER, SIGHASH_ALL only.
 */
export function prepareP2pkhCheck(
	tx: Transaction,
	index: number,
	prevScript: Uint8Array,
): {check: SigCheck} | {error: string} {
	const hash = p2pkhHash(prevScript);
	if (!hash) return {error: 'prevout is not P2PKH'};
	const parts = parseP2pkhScriptSig(tx.inputs[index]!.script);
	if (!parts) return {error: 'scriptsig-not-p2pkh'};
	if (!equalBytes(hash160(parts.publicKey), hash)) return {error: 'pubkey does not match output hash'};
	if (!isValidSignatureEncoding(parts.signature)) return {error: 'non-canonical DER signature'};
	const hashType = parts.signature[parts.signature.length - 1]!;
	if (hashType !== SIGHASH_ALL) return {error: 'hash type is not SIGHASH_ALL'};
	const digest = legacySighash(tx, index, prevScript, hashType);
	return {check: {signature: parts.signature.subarray(0, -1), digest, publicKey: parts.publicKey}};
}

export function runSigCheck(check: SigCheck): boolean {
	return verifyDigest(check.signature, check.digest, check.publicKey, true);
}

/** Verifies input `index` as a P2PKH spend of `prevScript` under chain-tui's rules. */
export function verifyP2pkhInput(tx: Transaction, index: number, prevScript: Uint8Array): boolean {
	const prepared = prepareP2pkhCheck(tx, index, prevScript);
	return 'check' in prepared && runSigCheck(prepared.check);
}
