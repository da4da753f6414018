/**
 * What the screen can do to the node: every key and form ends here. Each action checks its input
 * again (the forms already did), runs, and reports a plain message; nothing throws at the UI.
 */
import {decodeAddress, encodeAddress} from '../node/crypto/address.js';
import {hashToHex} from '../node/encoding/hex.js';
import type {FullNode} from '../node/node.js';
import type {CloneResult, SyncStatus} from '../node/net/pool.js';
import type {Block} from '../node/primitives/block.js';
import type {Transaction} from '../node/primitives/tx.js';
import {p2pkhHash} from '../node/primitives/script.js';
import {formatAmount, parseAmount, parseFeeRate} from '../node/wallet/amount.js';
import type {PreparedTx} from '../node/wallet/wallet.js';
import type {AddressEvent} from '../node/chain/chain.js';
import {checkAddress, checkAmount, checkBpm, checkFeeRate, checkHostPort, checkLabel, checkPassphrasePair} from './validate.js';
import type {NodeStore} from './store.js';

export type Result<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly error: string; readonly field?: string};

const ok = <T>(value: T): Result<T> => ({ok: true, value});
const fail = (error: string, field?: string): Result<never> => ({ok: false, error, ...(field ? {field} : {})});

export interface BlockView {
	readonly kind: 'block';
	readonly height: number | null;
	readonly hash: string;
	readonly confirmations: number;
	readonly block: Block;
}

export interface TxView {
	readonly kind: 'tx';
	readonly tx: Transaction;
	readonly height: number | null;
	readonly confirmations: number;
	/** Each input's spent value and address, where known. */
	readonly inputs: readonly {readonly value: bigint | null; readonly address: string}[];
}

export interface AddressView {
	readonly kind: 'address';
	readonly address: string;
	readonly balance: bigint;
	readonly history: readonly AddressEvent[];
}

export type ExplorerView = BlockView | TxView | AddressView;

export class Actions {
	constructor(
		readonly node: FullNode,
		readonly store: NodeStore,
	) {}

	private get version(): number {
		return this.node.chain.network.addressVersion;
	}

	private async guard<T>(what: string, run: () => Promise<T>): Promise<Result<T>> {
		try {
			return ok(await run());
		} catch (error) {
			const message = (error as Error).message;
			this.store.log(`${what} failed: ${message}`);
			return fail(message);
		}
	}

	async toggleMining(): Promise<Result<'started' | 'stopped'>> {
		return this.guard('mining', async () => {
			if (this.node.miner.isRunning) {
				this.node.miner.stop();
				this.store.log('mining stopped');
				return 'stopped' as const;
			}
			await this.node.startMining();
			this.store.walletChanged();
			this.store.log(`mining started (${this.node.miner.threads} thread${this.node.miner.threads > 1 ? 's' : ''})`);
			return 'started' as const;
		});
	}

	/** Regtest only: mines one block now. */
	async mineOne(): Promise<Result<string>> {
		if (!this.node.chain.network.noRetarget) return fail('g mines a block at once on regtest only; press m to mine');
		return this.guard('mining a block', async () => {
			await this.node.generate(1);
			this.store.walletChanged();
			return this.node.chain.tip.hashHex;
		});
	}

	async createWallet(form: {label: string; passphrase: string; repeat: string}): Promise<Result<string>> {
		const labelError = checkLabel(form.label);
		if (labelError) return fail(labelError, 'label');
		const passError = checkPassphrasePair(form.passphrase, form.repeat);
		if (passError) return fail(passError, 'repeat');
		const {keystore} = this.node.wallet;
		return this.guard('create wallet', async () => {
			if (form.passphrase && keystore.encrypted && keystore.locked) keystore.unlock(form.passphrase, 60);
			const address = await this.node.wallet.createAddress(form.label);
			if (form.passphrase && !keystore.encrypted) await keystore.encrypt(form.passphrase);
			this.store.walletChanged();
			this.store.log(`new address ${address} "${form.label.trim()}"${keystore.encrypted ? ' (wallet encrypted)' : ''}`);
			return address;
		}).then(r => (!r.ok && /passphrase/.test(r.error) ? {...r, field: 'passphrase'} : r));
	}

	unlock(passphrase: string, seconds = 300): Result<true> {
		try {
			this.node.wallet.keystore.unlock(passphrase, seconds);
			this.store.walletChanged();
			return ok(true);
		} catch (error) {
			return fail((error as Error).message, 'passphrase');
		}
	}

	/** Checks and signs a payment for the confirmation line; nothing is sent yet. */
	async prepareSend(form: {from: string; to: string; amount: string; feeRate: string}): Promise<Result<PreparedTx>> {
		const net = this.node.chain.network;
		const errors: [string, string | null][] = [
			['to', checkAddress(form.to, this.version)],
			['amount', checkAmount(form.amount, net.maxMoney)],
			['feeRate', checkFeeRate(form.feeRate)],
		];
		for (const [field, error] of errors) if (error) return fail(error, field);
		return this.guard('send', () =>
			this.node.wallet.prepareSend({
				to: form.to.trim(),
				amount: parseAmount(form.amount, net.maxMoney),
				feeRate: parseFeeRate(form.feeRate),
				...(form.from ? {from: [form.from]} : {}),
			}),
		).then(r => (!r.ok ? {...r, field: /insufficient|more than/.test(r.error) ? 'amount' : /locked/.test(r.error) ? 'passphrase' : 'to'} : r));
	}

	async broadcast(prepared: PreparedTx): Promise<Result<string>> {
		return this.guard('send', async () => {
			const tx = await this.node.wallet.broadcast(prepared);
			this.store.walletChanged();
			this.store.log(`sent ${formatAmount(prepared.amount)} in ${tx.txid()} (fee ${formatAmount(prepared.fee)})`);
			return tx.txid();
		});
	}

	async recordBpm(form: {address: string; bpm: string}): Promise<Result<string>> {
		const addressError = checkAddress(form.address, this.version);
		if (addressError) return fail(addressError, 'address');
		const bpmError = checkBpm(form.bpm);
		if (bpmError) return fail(bpmError, 'bpm');
		return this.guard('record BPM', async () => {
			const prepared = await this.node.wallet.prepareBpm({address: form.address.trim(), bpm: Number(form.bpm.trim()), feeRate: 1n});
			const tx = await this.node.wallet.broadcast(prepared);
			this.store.walletChanged();
			this.store.log(`BPM ${form.bpm.trim()} recorded from ${form.address.trim()} in ${tx.txid()}`);
			return tx.txid();
		}).then(r => (!r.ok ? {...r, field: /locked/.test(r.error) ? 'passphrase' : 'address'} : r));
	}

	async clone(hostPort: string, onProgress: (s: SyncStatus) => void): Promise<Result<CloneResult>> {
		const error = checkHostPort(hostPort);
		if (error) return fail(error, 'host');
		const pool = this.node.pool;
		if (!pool) return fail('this node has no network', 'host');
		this.store.log(`clone from ${hostPort.trim()} started`);
		return this.guard('clone', async () => {
			const result = await pool.clone(hostPort.trim(), {onProgress});
			this.store.log(`clone from ${hostPort.trim()}: ${result.message}`);
			return result;
		});
	}

	async addPeer(hostPort: string): Promise<Result<string>> {
		const error = checkHostPort(hostPort);
		if (error) return fail(error, 'host');
		const pool = this.node.pool;
		if (!pool) return fail('this node has no network', 'host');
		return this.guard('add peer', async () => {
			const peer = await pool.addPeer(hostPort.trim());
			this.store.log(`peer ${peer.address} added`);
			return peer.address;
		}).then(r => (!r.ok ? {...r, field: 'host'} : r));
	}

	// ---------------------------------------------------------------- explorer

	async block(hashOrHeight: string | number): Promise<Result<BlockView>> {
		const chain = this.node.chain;
		const entry = typeof hashOrHeight === 'number' ? chain.getEntryByHeight(hashOrHeight) : chain.getEntry(hashOrHeight);
		if (!entry) return fail(`no block ${hashOrHeight}`);
		const block = await chain.getBlock(entry.hash);
		if (!block) return fail(`block ${entry.hashHex} is known by its header only`);
		const main = chain.isMain(entry);
		return ok({kind: 'block', height: entry.height, hash: entry.hashHex, confirmations: main ? chain.height - entry.height + 1 : 0, block});
	}

	async tx(txid: string): Promise<Result<TxView>> {
		const chain = this.node.chain;
		const pooled = this.node.mempool.get(txid);
		const located = pooled ? null : await chain.getTx(txid);
		const tx = pooled?.tx ?? located?.tx;
		if (!tx) return fail(`no transaction ${txid}`);
		const inputs = [];
		for (const input of tx.inputs) {
			if (tx.isCoinbase()) {
				inputs.push({value: null, address: 'coinbase'});
				continue;
			}
			const prev = this.node.mempool.get(hashToHex(input.prevout.txid))?.tx ?? (await chain.getTx(input.prevout.txid))?.tx;
			const output = prev?.outputs[input.prevout.index];
			const owner = output ? p2pkhHash(output.script) : null;
			inputs.push({value: output?.value ?? null, address: owner ? encodeAddress(owner, this.version) : '?'});
		}
		return ok({kind: 'tx', tx, height: located?.entry.height ?? null, confirmations: located?.confirmations ?? 0, inputs});
	}

	async address(address: string): Promise<Result<AddressView>> {
		const error = checkAddress(address, this.version);
		if (error) return fail(error);
		const hash = decodeAddress(address.trim(), this.version);
		const coins = await this.node.chain.getAddressCoins(hash);
		const history = await this.node.chain.getAddressHistory(hash);
		return ok({kind: 'address', address: address.trim(), balance: coins.reduce((sum, c) => sum + c.coin.value, 0n), history});
	}

	/** `/` search: a height, a block hash, a txid or an address. */
	async search(query: string): Promise<Result<ExplorerView>> {
		const q = query.trim();
		if (/^\d{1,9}$/.test(q)) return this.block(Number(q));
		if (/^[0-9a-fA-F]{64}$/.test(q)) {
			const hex = q.toLowerCase();
			if (this.node.chain.getEntry(hex)) return this.block(hex);
			return this.tx(hex);
		}
		if (checkAddress(q, this.version) === null) return this.address(q);
		return fail(`"${q}" is not a height, block hash, txid or address of this network`);
	}
}
