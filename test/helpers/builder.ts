/**
 * Builds real regtest-style blocks and signed transactions for tests: BIP34 coinbases, merkle
 * roots, proof of work found by scanning nonces, P2PKH spends signed with deterministic keys.
 */
import {sha256} from '@noble/hashes/sha2.js';
import {Block} from '../../source/node/primitives/block.js';
import {Header} from '../../source/node/primitives/header.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {merkleRoot} from '../../source/node/primitives/merkle.js';
import {concatBytes} from '../../source/node/encoding/hex.js';
import {p2pkhScript, pushData, pushInt} from '../../source/node/primitives/script.js';
import {signTransaction} from '../../source/node/primitives/sign.js';
import {hash160} from '../../source/node/crypto/hash.js';
import {publicKeyOf} from '../../source/node/crypto/keys.js';
import {checkProofOfWork} from '../../source/node/consensus/pow.js';
import {type NetworkParams, subsidyAt} from '../../source/node/consensus/networks.js';
import type {Chain} from '../../source/node/chain/chain.js';
import type {ChainEntry} from '../../source/node/chain/entry.js';

export interface Key {
	readonly priv: Uint8Array;
	readonly pub: Uint8Array;
	readonly hash: Uint8Array;
	readonly script: Uint8Array;
}

/** A deterministic key from a label. */
export function key(label: string): Key {
	const priv = sha256(new TextEncoder().encode(`chain-tui test key ${label}`));
	const pub = publicKeyOf(priv);
	const hash = hash160(pub);
	return {priv, pub, hash, script: p2pkhScript(hash)};
}

export interface BlockSpec {
	readonly txs?: readonly Transaction[];
	readonly time?: number;
	readonly bits?: number;
	/** Output script of the coinbase (default: key "miner"). */
	readonly payTo?: Uint8Array;
	/** Coinbase value; default subsidy + fees given. */
	readonly value?: bigint;
	readonly fees?: bigint;
	/** Distinguishes sibling blocks with otherwise equal contents. */
	readonly tag?: number;
	/** Coinbase height to write (BIP34); default the real one. */
	readonly coinbaseHeight?: number;
	readonly version?: number;
}

export function coinbaseTx(height: number, value: bigint, payTo: Uint8Array, tag = 0): Transaction {
	const script = concatBytes(pushInt(height), pushData(Uint8Array.of(tag & 0xff, (tag >> 8) & 0xff, 0x63, 0x74)));
	return new Transaction(1, [new TxIn(OutPoint.null(), script)], [new TxOut(value, payTo)], 0);
}

/** Scans nonces until the header meets its bits. */
export function solve(header: Header, net: NetworkParams): Header {
	for (let nonce = 0; nonce < 0xffffffff; nonce++) {
		const h = new Header(header.version, header.prevHash, header.merkleRoot, header.time, header.bits, nonce);
		if (checkProofOfWork(h.hash(), h.bits, net.powLimit)) return h;
	}
	throw new Error('no nonce found');
}

export function assemble(prev: {hash: Uint8Array; time: number}, height: number, spec: BlockSpec, net: NetworkParams, bits: number): Block {
	const fees = spec.fees ?? 0n;
	const coinbase = coinbaseTx(spec.coinbaseHeight ?? height, spec.value ?? subsidyAt(height, net) + fees, spec.payTo ?? key('miner').script, spec.tag ?? 0);
	const txs = [coinbase, ...(spec.txs ?? [])];
	const root = merkleRoot(txs.map(tx => tx.hash())).root;
	const header = new Header(spec.version ?? 1, prev.hash, root, spec.time ?? prev.time + net.targetSpacing, spec.bits ?? bits, 0);
	return new Block(solve(header, net), txs);
}

/** A valid next block on top of `prev` in `chain` (bits from the chain's retarget rule). */
export function nextBlock(chain: Chain, prev: ChainEntry, spec: BlockSpec = {}): Block {
	return assemble(prev, prev.height + 1, spec, chain.network, chain.requiredBits(prev));
}

/**
 * Mines `n` blocks on top of `prev` (default: the tip), adding each as a block we asked for (so
 * a branch with less work than the tip is stored, as sync does); returns them.
 */
export async function extend(chain: Chain, n: number, spec: BlockSpec = {}, prev: ChainEntry = chain.tip): Promise<Block[]> {
	const blocks: Block[] = [];
	let at = prev;
	for (let i = 0; i < n; i++) {
		const block = nextBlock(chain, at, spec);
		await chain.add(block, {requested: true});
		const entry = chain.getEntry(block.hash());
		if (!entry) throw new Error(`block ${i} was not stored`);
		at = entry;
		blocks.push(block);
	}
	return blocks;
}

export interface Spendable {
	readonly prevout: OutPoint;
	readonly value: bigint;
	readonly key: Key;
}

/** A signed P2PKH transaction spending `inputs` to `outputs`. */
export function spend(inputs: readonly Spendable[], outputs: readonly TxOut[], locktime = 0, sequence = 0xffffffff): Transaction {
	const unsigned = new Transaction(1, inputs.map(i => new TxIn(i.prevout, new Uint8Array(0), sequence)), outputs, locktime);
	return signTransaction(unsigned, inputs.map(i => i.key.script), inputs.map(i => i.key.priv));
}

/** The coinbase output of `block` as something to spend, owned by `owner`. */
export function coinbaseOf(block: Block, owner: Key = key('miner')): Spendable {
	const cb = block.txs[0]!;
	return {prevout: new OutPoint(cb.hash(), 0), value: cb.outputs[0]!.value, key: owner};
}

/** A solved block on `prev` with exactly these transactions (coinbase included) and header fields. */
export function blockWith(
	chain: Chain,
	prev: ChainEntry,
	txs: readonly Transaction[],
	fields: {time?: number; bits?: number; merkleRoot?: Uint8Array} = {},
): Block {
	const root = fields.merkleRoot ?? merkleRoot(txs.map(tx => tx.hash())).root;
	const header = new Header(1, prev.hash, root, fields.time ?? prev.time + chain.network.targetSpacing, fields.bits ?? chain.requiredBits(prev), 0);
	return new Block(solve(header, chain.network), txs);
}
