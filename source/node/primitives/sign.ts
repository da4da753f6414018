import {hash160} from '../crypto/hash.js';
import {publicKeyOf, signDigest} from '../crypto/keys.js';
import {nobleBackend, type EcdsaBackend} from '../verify/backends.js';
import {concatBytes, equalBytes} from '../encoding/hex.js';
import {derToCompact, isLowS, isValidSignatureEncoding} from '../crypto/der.js';
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

/** Why a P2PKH spend's form is refused, after Core's ScriptError codes where one exists. */
export type ScriptErrorCode =
	| 'prevout-not-p2pkh'
	| 'scriptsig-not-p2pkh'
	| 'pubkey-mismatch'
	/** SCRIPT_ERR_SIG_DER */
	| 'sig-der'
	/** SCRIPT_ERR_SIG_HIGH_S: consensus on our chain (policy only in Core). */
	| 'sig-high-s'
	/** SCRIPT_ERR_SIG_HASHTYPE */
	| 'sig-hashtype';

/** Core's ScriptErrorString for the high-S signature. */
export const SIG_HIGH_S_MESSAGE = 'Non-canonical signature: S value is unnecessarily high';

/**
 * Checks the form of a P2PKH spend and returns the signature check still to do, or a reason.
 * Our chain's rules: compressed key matching the output's hash, strict DER, low S (as Core's
 * CheckSignatureEncoding with SCRIPT_VERIFY_LOW_S, before any curve arithmetic), SIGHASH_ALL only.
 */
export function prepareP2pkhCheck(
	tx: Transaction,
	index: number,
	prevScript: Uint8Array,
): {check: SigCheck} | {error: string; code: ScriptErrorCode} {
	const hash = p2pkhHash(prevScript);
	if (!hash) return {error: 'prevout is not P2PKH', code: 'prevout-not-p2pkh'};
	const parts = parseP2pkhScriptSig(tx.inputs[index]!.script);
	if (!parts) return {error: 'scriptsig-not-p2pkh', code: 'scriptsig-not-p2pkh'};
	if (!equalBytes(hash160(parts.publicKey), hash)) return {error: 'pubkey does not match output hash', code: 'pubkey-mismatch'};
	if (!isValidSignatureEncoding(parts.signature)) return {error: 'non-canonical DER signature', code: 'sig-der'};
	const der = parts.signature.subarray(0, -1);
	if (!hasLowS(der)) return {error: SIG_HIGH_S_MESSAGE, code: 'sig-high-s'};
	const hashType = parts.signature[parts.signature.length - 1]!;
	if (hashType !== SIGHASH_ALL) return {error: 'hash type is not SIGHASH_ALL', code: 'sig-hashtype'};
	const digest = legacySighash(tx, index, prevScript, hashType);
	return {check: {signature: der, digest, publicKey: parts.publicKey}};
}

/** s <= n/2; a signature whose r or s is out of range is left to fail the signature check. */
function hasLowS(der: Uint8Array): boolean {
	let compact: Uint8Array;
	try {
		compact = derToCompact(der);
	} catch {
		return true;
	}
	return isLowS(compact);
}

/**
 * The curve arithmetic of one check, by `backend` (noble unless the node chose a faster one).
 * Strict DER and low S are ours and come first, here as in prepareP2pkhCheck: no backend sees a
 * signature our rules refuse, whatever its own parser would accept.
 */
export function runSigCheck(check: SigCheck, backend: EcdsaBackend = nobleBackend): boolean {
	let compact: Uint8Array;
	try {
		compact = derToCompact(check.signature);
	} catch {
		return false;
	}
	if (!isLowS(compact)) return false;
	return backend.verify(compact, check.digest, check.publicKey);
}

/** Verifies input `index` as a P2PKH spend of `prevScript` under chain-tui's rules. */
export function verifyP2pkhInput(tx: Transaction, index: number, prevScript: Uint8Array): boolean {
	const prepared = prepareP2pkhCheck(tx, index, prevScript);
	return 'check' in prepared && runSigCheck(prepared.check);
}
