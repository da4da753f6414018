/**
 * The wallet: labelled keys and their addresses, balances (confirmed, unconfirmed, immature) and
 * history from the chain's address index and the mempool, sends with coin selection and change,
 * BPM readings, and the wallet's own unconfirmed transactions kept across restarts.
 */
import type {Chain} from '../chain/chain.js';
import type {Mempool} from '../mempool/mempool.js';
import {VerifyError} from '../errors.js';
import {hash160} from '../crypto/hash.js';
import {decodeAddress, encodeAddress} from '../crypto/address.js';
import {equalBytes, fromHex, hashToHex, toHex} from '../encoding/hex.js';
import {Coin} from '../primitives/coin.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../primitives/tx.js';
import {bpmScript, p2pkhHash, p2pkhScript} from '../primitives/script.js';
import {signTransaction} from '../primitives/sign.js';
import {DUST_THRESHOLD} from '../mempool/mempool.js';
import {formatAmount} from './amount.js';
import {Keystore, WalletError, type PendingLedger, type TxNote} from './keystore.js';

/** Serialised size of a P2PKH input with a (worst-case 72-byte) DER signature and compressed key. */
const INPUT_SIZE = 149;
const OUTPUT_SIZE = 34;
const TX_OVERHEAD = 10;
export const MIN_BPM = 20;
export const MAX_BPM = 300;

export interface WalletAddress {
	readonly label: string;
	readonly address: string;
	readonly hash: Uint8Array;
	readonly publicKey: Uint8Array;
	readonly confirmed: bigint;
	readonly unconfirmed: bigint;
	readonly immature: bigint;
}

export interface HistoryItem {
	readonly txid: string;
	/** null while unconfirmed. */
	readonly height: number | null;
	readonly kind: 'received' | 'spent';
	readonly value: bigint;
}

export interface BpmReading {
	readonly address: string;
	readonly bpm: number;
	readonly height: number;
	readonly time: number;
	readonly confirmations: number;
	readonly txid: string;
}

export interface SendOptions {
	readonly to: string;
	readonly amount: bigint;
	/** Units per byte; `feeRateMilli` (thousandths of a unit per byte, Core's 3-decimal sat/vB) wins when given. */
	readonly feeRate: bigint;
	readonly feeRateMilli?: bigint;
	readonly from?: readonly string[];
	readonly changeTo?: string;
	/** Core's subtractfeefromamount: the recipient pays the fee, getting `amount` less it. */
	readonly subtractFee?: boolean;
	/** Core's replaceable: every input signals BIP125 (sequence 0xfffffffd). */
	readonly replaceable?: boolean;
	/** Core's comment and comment_to: kept in the wallet file with the payment, not in it. */
	readonly note?: TxNote;
}

/** How a payment is built beyond its outputs. */
interface BuildOptions {
	readonly feeRateMilli: bigint;
	readonly subtractFee?: boolean;
	readonly replaceable?: boolean;
}

const sendBuild = (o: SendOptions): BuildOptions => ({feeRateMilli: o.feeRateMilli ?? o.feeRate * 1000n, ...(o.subtractFee ? {subtractFee: true} : {}), ...(o.replaceable ? {replaceable: true} : {})});
/** BIP125's highest sequence that signals replaceability. */
const RBF_SEQUENCE = 0xfffffffd;

/** A signed transaction not yet sent, with what it pays. */
export interface PreparedTx {
	readonly tx: Transaction;
	readonly amount: bigint;
	readonly fee: bigint;
	readonly change: bigint;
	readonly inputs: number;
}

interface Spendable {
	readonly prevout: OutPoint;
	readonly coin: Coin;
	readonly publicKey: Uint8Array;
	readonly confirmed: boolean;
}

export class Wallet {
	constructor(
		readonly keystore: Keystore,
		readonly chain: Chain,
		readonly mempool: Mempool,
	) {}

	private get version(): number {
		return this.chain.network.addressVersion;
	}

	/** A new labelled key; returns its address. */
	async createAddress(label: string): Promise<string> {
		const key = await this.keystore.createKey(label);
		return encodeAddress(hash160(key.publicKey), this.version);
	}

	/** The address the miner pays: the wallet's first, or a new one labelled "mining". */
	async miningAddress(): Promise<string> {
		const first = this.keystore.keys()[0];
		if (first) return encodeAddress(hash160(first.publicKey), this.version);
		return this.createAddress('mining');
	}

	private ownKey(hash: Uint8Array): Uint8Array | null {
		for (const key of this.keystore.keys()) if (equalBytes(hash160(key.publicKey), hash)) return key.publicKey;
		return null;
	}

	/** Coins of one key: the chain's unless the pool spends them, plus unspent pool outputs. */
	private async coinsOf(publicKey: Uint8Array): Promise<Spendable[]> {
		const hash = hash160(publicKey);
		const out: Spendable[] = [];
		for (const {prevout, coin} of await this.chain.getAddressCoins(hash)) {
			if (!this.mempool.spender(prevout)) out.push({prevout, coin, publicKey, confirmed: true});
		}
		for (const entry of this.mempool.all()) {
			entry.tx.outputs.forEach((output, n) => {
				const owner = p2pkhHash(output.script);
				if (!owner || !equalBytes(owner, hash)) return; // most of a busy pool is someone else's
				const prevout = new OutPoint(entry.tx.hash(), n);
				if (!this.mempool.spender(prevout)) {
					out.push({prevout, coin: new Coin(output.value, output.script, this.chain.height + 1, false), publicKey, confirmed: false});
				}
			});
		}
		return out;
	}

	/**
	 * Coins that can stake the block at `height`: confirmed, not spent by the pool, and old enough
	 * (the minimum stake age; a minted coin also its maturity), with the key that owns each.
	 */
	async stakeableCoins(height: number, minStakeAge: number): Promise<{prevout: OutPoint; coin: Coin; publicKey: Uint8Array}[]> {
		const out: {prevout: OutPoint; coin: Coin; publicKey: Uint8Array}[] = [];
		const maturity = this.chain.network.coinbaseMaturity;
		for (const key of this.keystore.keys()) {
			for (const {prevout, coin, confirmed} of await this.coinsOf(key.publicKey)) {
				const age = height - coin.height;
				if (confirmed && age >= minStakeAge && (!coin.coinbase || age >= maturity)) out.push({prevout, coin, publicKey: key.publicKey});
			}
		}
		return out;
	}

	private isMature(coin: Coin): boolean {
		return !coin.coinbase || this.chain.height + 1 - coin.height >= this.chain.network.coinbaseMaturity;
	}

	async addresses(): Promise<WalletAddress[]> {
		await this.keystore.refresh(); // another node sharing the file may have added keys
		const out: WalletAddress[] = [];
		for (const key of this.keystore.keys()) {
			let confirmed = 0n;
			let unconfirmed = 0n;
			let immature = 0n;
			for (const {coin, confirmed: inChain} of await this.coinsOf(key.publicKey)) {
				if (!inChain) unconfirmed += coin.value;
				else if (this.isMature(coin)) confirmed += coin.value;
				else immature += coin.value;
			}
			const hash = hash160(key.publicKey);
			out.push({label: key.label, address: encodeAddress(hash, this.version), hash, publicKey: key.publicKey, confirmed, unconfirmed, immature});
		}
		return out;
	}

	/** What an address received and spent: confirmed (oldest first), then unconfirmed. */
	async history(address: string): Promise<HistoryItem[]> {
		const hash = decodeAddress(address, this.version);
		const items: HistoryItem[] = (await this.chain.getAddressHistory(hash)).map(h => ({txid: h.txid, height: h.height, kind: h.kind, value: h.value}));
		for (const entry of this.mempool.all()) {
			for (const input of entry.tx.inputs) {
				const coin = await this.chain.getCoin(input.prevout);
				const parent = coin ? null : this.mempool.get(hashToHex(input.prevout.txid));
				const output = coin ?? parent?.tx.outputs[input.prevout.index];
				const owner = output ? p2pkhHash(output.script) : null;
				if (owner && equalBytes(owner, hash)) items.push({txid: entry.txid, height: null, kind: 'spent', value: output!.value});
			}
			for (const output of entry.tx.outputs) {
				const owner = p2pkhHash(output.script);
				if (owner && equalBytes(owner, hash)) items.push({txid: entry.txid, height: null, kind: 'received', value: output.value});
			}
		}
		return items;
	}

	/**
	 * Builds, signs and submits a payment. `from` limits the coins to those addresses; change goes
	 * to `changeTo` or back to the first input's address. Throws WalletError with a code and a
	 * plain reason. Coins are chosen, and the payment recorded and submitted, under the wallet
	 * file's lock, leaving out every coin a pending transaction in the file spends: another node
	 * sharing the file can never choose the same coins at the same time.
	 */
	async send(options: SendOptions): Promise<Transaction> {
		const outputs = this.paymentOutputs(options);
		return this.keystore.withPending(async ledger => this.submit(await this.build(outputs, sendBuild(options), options.from, options.changeTo, ledger.pending), ledger, options.note));
	}

	/**
	 * Builds and signs a payment without sending it (for a confirmation step). Nothing is held:
	 * broadcast checks again, under the file lock, that no pending transaction took its coins.
	 */
	async prepareSend(options: SendOptions): Promise<PreparedTx> {
		const outputs = this.paymentOutputs(options);
		await this.keystore.refresh(); // the pending transactions other nodes sharing the file have recorded
		return this.build(outputs, sendBuild(options), options.from, options.changeTo, this.keystore.pending);
	}

	private paymentOutputs(options: SendOptions): TxOut[] {
		const toHash = decodeAddress(options.to, this.version);
		if (options.amount < DUST_THRESHOLD) throw new WalletError('bad-amount', `amount must be at least ${formatAmount(DUST_THRESHOLD)} (smaller outputs are dust)`);
		return [new TxOut(options.amount, p2pkhScript(toHash))];
	}

	/** Records a heart-rate reading on chain from `address` (input 0 is that address's coin); coins as send's. */
	async recordBpm(options: {address: string; bpm: number; feeRate: bigint}): Promise<Transaction> {
		const outputs = this.bpmOutputs(options);
		return this.keystore.withPending(async ledger => this.submit(await this.build(outputs, {feeRateMilli: options.feeRate * 1000n}, [options.address], options.address, ledger.pending), ledger));
	}

	async prepareBpm(options: {address: string; bpm: number; feeRate: bigint}): Promise<PreparedTx> {
		const outputs = this.bpmOutputs(options);
		await this.keystore.refresh();
		return this.build(outputs, {feeRateMilli: options.feeRate * 1000n}, [options.address], options.address, this.keystore.pending);
	}

	private bpmOutputs(options: {address: string; bpm: number}): TxOut[] {
		const {bpm} = options;
		if (!Number.isInteger(bpm) || bpm < MIN_BPM || bpm > MAX_BPM) throw new WalletError('bad-bpm', `BPM must be a whole number from ${MIN_BPM} to ${MAX_BPM}`);
		decodeAddress(options.address, this.version);
		return [new TxOut(0n, bpmScript(bpm))];
	}

	/**
	 * Hands a prepared transaction to the mempool (and so to peers) and records it in the file.
	 * Under the file lock: refused with 'coins-in-use' if a pending transaction in the file (another
	 * node's, sent since this one was prepared) already spends one of its coins.
	 */
	async broadcast(prepared: PreparedTx): Promise<Transaction> {
		const {tx} = prepared;
		const hex = toHex(tx.toRaw());
		return this.keystore.withPending(async ledger => {
			const taken = spentBy(ledger.pending.filter(h => h !== hex));
			if (tx.inputs.some(input => taken.has(input.prevout.key()))) {
				throw new WalletError('coins-in-use', 'a coin this payment spends was spent meanwhile by another pending transaction of this wallet (another node sharing the wallet file): prepare it again');
			}
			return this.submit(prepared, ledger);
		});
	}

	/**
	 * Inside the file lock: records the transaction in the file first (so another node sees its
	 * coins as spent even if this process dies next), then submits it; a refusal unrecords it.
	 */
	private async submit(prepared: PreparedTx, ledger: PendingLedger, note?: TxNote): Promise<Transaction> {
		const {tx} = prepared;
		const hex = toHex(tx.toRaw());
		const txid = tx.txid();
		await ledger.record(hex, note ? {txid, note} : undefined);
		try {
			await this.mempool.add(tx);
		} catch (error) {
			await ledger.forget(hex, note ? txid : undefined).catch(() => undefined); // left behind, resubmit drops it as hopeless
			if (error instanceof VerifyError) throw new WalletError('refused', `the node refused the transaction: ${error.message}`);
			throw error;
		}
		return tx;
	}

	/**
	 * `pending`: the raw pending transactions in the wallet file; coins they spend are left out
	 * (some may be other nodes', not in this node's mempool).
	 */
	private async build(outputs: TxOut[], how: BuildOptions, from: readonly string[] | undefined, changeTo: string | undefined, pending: readonly string[]): Promise<PreparedTx> {
		const milli = how.feeRateMilli;
		if (milli < this.mempool.minRelayFeeRate * 1000n) throw new WalletError('bad-fee-rate', `fee rate must be at least ${this.mempool.minRelayFeeRate} units per byte`);
		// Thousandths of a unit per byte, rounded up to whole units.
		const feeFor = (bytes: number) => (BigInt(bytes) * milli + 999n) / 1000n;
		const keys = this.keystore.keys().map(k => k.publicKey);
		let sources = keys;
		if (from && from.length > 0) {
			sources = from.map(a => {
				const key = this.ownKey(decodeAddress(a, this.version));
				if (!key) throw new WalletError('bad-address', `${a} is not an address of this wallet`);
				return key;
			});
		}
		if (sources.length === 0) throw new WalletError('no-addresses', 'the wallet has no addresses yet: create one first');

		const taken = spentBy(pending);
		const mine: Spendable[] = [];
		for (const key of sources) mine.push(...(await this.coinsOf(key)));
		const all = mine.filter(s => !taken.has(s.prevout.key()));
		const held = mine.filter(s => taken.has(s.prevout.key()) && this.isMature(s.coin)).reduce((sum, s) => sum + s.coin.value, 0n);
		const spendable = all.filter(s => this.isMature(s.coin)).sort((a, b) => (a.coin.value === b.coin.value ? 0 : a.coin.value > b.coin.value ? -1 : 1));
		const immature = all.filter(s => !this.isMature(s.coin)).reduce((sum, s) => sum + s.coin.value, 0n);
		const want = outputs.reduce((sum, o) => sum + o.value, 0n);

		// With subtractfeefromamount the fee comes out of the payment, not on top of it.
		const onTop = (fee: bigint) => (how.subtractFee ? 0n : fee);
		const chosen: Spendable[] = [];
		let have = 0n;
		let fee = 0n;
		for (const s of spendable) {
			chosen.push(s);
			have += s.coin.value;
			fee = feeFor(TX_OVERHEAD + INPUT_SIZE * chosen.length + OUTPUT_SIZE * (outputs.length + 1));
			if (have >= want + onTop(fee)) break;
		}
		if (chosen.length === 0 || have < want + onTop(fee)) {
			const total = spendable.reduce((sum, s) => sum + s.coin.value, 0n);
			const needFee = onTop(feeFor(TX_OVERHEAD + INPUT_SIZE * Math.max(1, spendable.length) + OUTPUT_SIZE * (outputs.length + 1)));
			let message = `insufficient funds: need ${formatAmount(want + needFee)} (${formatAmount(want)} plus fee ${formatAmount(needFee)}), spendable ${formatAmount(total)}`;
			if (immature > 0n) message += `; ${formatAmount(immature)} more is immature mining reward (spendable after ${this.chain.network.coinbaseMaturity} confirmations)`;
			if (held > 0n) message += `; ${formatAmount(held)} more is spent by pending transactions another node sharing the wallet file sent`;
			throw new WalletError('insufficient-funds', message);
		}

		const change = have - want - onTop(fee);
		const changeHash = changeTo ? decodeAddress(changeTo, this.version) : hash160(chosen[0]!.publicKey);
		const txOutputs = [...outputs];
		if (how.subtractFee) {
			// Core: the fee comes out of the (first) payment; too little left is refused.
			const paidTo = txOutputs[0]!;
			if (paidTo.value - fee < DUST_THRESHOLD) throw new WalletError('bad-amount', 'The transaction amount is too small to pay the fee');
			txOutputs[0] = new TxOut(paidTo.value - fee, paidTo.script);
		}
		// Change too small to be worth an output goes to the fee instead.
		if (change >= DUST_THRESHOLD) txOutputs.push(new TxOut(change, p2pkhScript(changeHash)));
		const sequence = how.replaceable ? RBF_SEQUENCE : 0xffffffff;
		const unsigned = new Transaction(1, chosen.map(s => new TxIn(s.prevout, new Uint8Array(0), sequence)), txOutputs, 0);
		const privs = chosen.map(s => this.keystore.privateKey(s.publicKey));
		const tx = signTransaction(unsigned, chosen.map(s => s.coin.script), privs);
		const paid = change >= DUST_THRESHOLD ? change : 0n;
		const sent = txOutputs.slice(0, outputs.length).reduce((sum, o) => sum + o.value, 0n);
		return {tx, amount: sent, fee: have - sent - paid, change: paid, inputs: chosen.length};
	}

	/**
	 * After a restart: the wallet's unconfirmed transactions go back to the mempool; the ones now
	 * confirmed or conflicted are forgotten. Returns the ones still pending.
	 */
	async resubmit(): Promise<Transaction[]> {
		const still: Transaction[] = [];
		const gone: string[] = [];
		for (const hex of this.keystore.pending) {
			const tx = Transaction.fromRaw(fromHex(hex));
			if (await this.chain.getTx(tx.hash())) {
				gone.push(hex);
				continue;
			}
			try {
				await this.mempool.add(tx);
				still.push(tx);
			} catch (error) {
				if (!(error instanceof VerifyError)) throw error;
				// Forget it only if it can never enter: spent inputs, a conflict, a broken rule.
				const hopeless = error.score > 0 || ['bad-txns-inputs-missingorspent', 'txn-mempool-conflict', 'txn-already-known'].includes(error.reason);
				if (hopeless) gone.push(hex);
				else still.push(tx);
			}
		}
		await this.keystore.removePending(gone);
		return still;
	}

	/** BPM readings from the chain (one address's, or every one), oldest first. */
	async bpmReadings(address?: string): Promise<BpmReading[]> {
		const hash = address ? decodeAddress(address, this.version) : undefined;
		const records = await this.chain.getBpmRecords(hash);
		return records.map(r => ({
			address: encodeAddress(r.address, this.version),
			bpm: r.bpm,
			height: r.height,
			time: this.chain.getEntryByHeight(r.height)?.time ?? 0,
			confirmations: this.chain.height - r.height + 1,
			txid: r.txid,
		}));
	}
}

/** Every coin (outpoint key) the raw transactions spend; unreadable ones are skipped. */
function spentBy(pending: readonly string[]): Set<string> {
	const out = new Set<string>();
	for (const hex of pending) {
		try {
			for (const input of Transaction.fromRaw(fromHex(hex)).inputs) out.add(input.prevout.key());
		} catch {
			// Not a transaction (a hand-edited file): it spends nothing this wallet can see.
		}
	}
	return out;
}
