/**
 * What the screen can do to the node: every key and form ends here. Each action checks its input
 * again (the forms already did), runs, and reports a plain message; nothing throws at the UI.
 */
import {decodeAddress, encodeAddress} from '../node/crypto/address.js';
import {hashToHex} from '../node/encoding/hex.js';
import {minesOnDemand} from '../node/consensus/networks.js';
import type {FullNode} from '../node/node.js';
import type {CloneResult, SyncStatus} from '../node/net/pool.js';
import {classifyOutput} from '../node/primitives/script.js';
import {formatAmount, parseAmount, parseFeeRate} from '../node/wallet/amount.js';
import type {PreparedTx} from '../node/wallet/wallet.js';
import {walletErrorCode, type WalletErrorCode} from '../node/wallet/keystore.js';
import {checkAddress, checkAmount, checkBpm, checkFeeRate, checkHostPort, checkLabel, checkPassphrasePair} from './validate.js';
import type {NodeStore} from './store.js';
import type {ExplorerRow, ExplorerView} from './snapshot.js';
import {bytes, clock} from './format.js';

export type Result<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly error: string; readonly field?: string};

/** The unlock staking asks for: the keystore's longest (~3 years); stopping staking locks the wallet again. */
const STAKING_UNLOCK_SECONDS = 100_000_000;

const ok = <T>(value: T): Result<T> => ({ok: true, value});
const fail = (error: string, field?: string): Result<never> => ({ok: false, error, ...(field ? {field} : {})});

/** What the screen asks of a node: this class over a FullNode, or RPC calls (the lab's node view). */
export type ScreenActions = Pick<
	Actions,
	'showBlocks' | 'openWire' | 'closeWire' | 'toggleMining' | 'toggleStaking' | 'startStaking' | 'mineOne' | 'createWallet' | 'unlock' | 'prepareSend' | 'broadcast' | 'recordBpm' | 'clone' | 'addPeer' | 'block' | 'tx' | 'address' | 'search'
>;

export class Actions {
	constructor(
		readonly node: FullNode,
		readonly store: NodeStore,
	) {}

	private get version(): number {
		return this.node.chain.network.addressVersion;
	}

	/** `fieldOf` names the form field a failure belongs to, from the wallet error's code. */
	private async guard<T>(what: string, run: () => Promise<T>, fieldOf?: (code: WalletErrorCode | null) => string | undefined): Promise<Result<T>> {
		try {
			return ok(await run());
		} catch (error) {
			const message = (error as Error).message;
			this.store.log(`${what} failed: ${message}`);
			return fail(message, fieldOf?.(walletErrorCode(error)));
		}
	}

	/** The chain list's rows around what it shows: from height `top` (null: the tip) down. */
	showBlocks(top: number | null, count: number): void {
		this.store.showBlocks(top, count);
	}

	/** The wire pane shows (one peer by id, or every peer): the store taps the pool while it does. */
	openWire(peer: number | null): void {
		this.store.openWire(peer);
	}

	closeWire(): void {
		this.store.closeWire();
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

	private unlockedForStaking = false;

	/**
	 * Proof-of-stake networks: staking on/off. Starting needs the wallet unlocked to sign staked
	 * blocks: 'locked' then, and the screen asks for the passphrase (startStaking with it).
	 */
	async toggleStaking(): Promise<Result<'started' | 'stopped' | 'locked'>> {
		const staker = this.node.staker;
		if (!staker) return fail(`${this.node.chain.network.name} is proof of work: nothing to stake (m mines)`);
		if (staker.isEnabled) {
			staker.stop();
			// Unlocked only so that staking could sign: locked again with it.
			if (this.unlockedForStaking) this.node.wallet.keystore.lock();
			this.unlockedForStaking = false;
			this.store.walletChanged();
			this.store.log(`staking stopped${this.node.wallet.keystore.encrypted && this.node.wallet.keystore.locked ? ' (wallet locked)' : ''}`);
			return ok('stopped' as const);
		}
		if (this.node.wallet.keystore.locked) return ok('locked' as const);
		return this.startStaking();
	}

	/** Unlocks the wallet (for as long as it may: staking signs a block whenever a coin wins) and starts staking. */
	async startStaking(passphrase?: string): Promise<Result<'started'>> {
		const staker = this.node.staker;
		if (!staker) return fail(`${this.node.chain.network.name} is proof of work: nothing to stake (m mines)`);
		if (passphrase !== undefined && this.node.wallet.keystore.locked) {
			const u = await this.unlock(passphrase, STAKING_UNLOCK_SECONDS);
			if (!u.ok) return u;
			this.unlockedForStaking = true;
		}
		if (this.node.wallet.keystore.locked) return fail('the wallet is locked: its passphrase is needed to stake', 'passphrase');
		staker.start();
		this.store.log('staking started');
		return ok('started' as const);
	}

	/** `g` pressed while the last one still mines waits its turn: each block builds on the one before. */
	private mineQueue: Promise<unknown> = Promise.resolve();

	/** Regtest only: mines one block now (after any still being mined). */
	async mineOne(): Promise<Result<string>> {
		if (!minesOnDemand(this.node.chain.network)) return fail('g mines a block at once on regtest only; press m to mine');
		const run = this.mineQueue.then(() =>
			this.guard('mining a block', async () => {
				await this.node.generate(1);
				this.store.walletChanged();
				return this.node.chain.tip.hashHex;
			}),
		);
		this.mineQueue = run;
		return run;
	}

	async createWallet(form: {label: string; passphrase: string; repeat: string}): Promise<Result<string>> {
		const labelError = checkLabel(form.label);
		if (labelError) return fail(labelError, 'label');
		const passError = checkPassphrasePair(form.passphrase, form.repeat);
		if (passError) return fail(passError, 'repeat');
		const {keystore} = this.node.wallet;
		return this.guard('create wallet', async () => {
			if (form.passphrase && keystore.encrypted && keystore.locked) await keystore.unlock(form.passphrase, 60);
			const address = await this.node.wallet.createAddress(form.label);
			if (form.passphrase && !keystore.encrypted) await keystore.encrypt(form.passphrase);
			this.store.walletChanged();
			this.store.log(`new address ${address} "${form.label.trim()}"${keystore.encrypted ? ' (wallet encrypted)' : ''}`);
			return address;
		}, code => (code === 'wrong-passphrase' || code === 'bad-passphrase' || code === 'locked' ? 'passphrase' : undefined));
	}

	/** scrypt runs off the event loop: the screen keeps drawing while this is pending. */
	async unlock(passphrase: string, seconds = 300): Promise<Result<true>> {
		try {
			await this.node.wallet.keystore.unlock(passphrase, seconds);
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
		return this.guard(
			'send',
			() =>
				this.node.wallet.prepareSend({
					to: form.to.trim(),
					amount: parseAmount(form.amount, net.maxMoney),
					feeRate: parseFeeRate(form.feeRate),
					...(form.from ? {from: [form.from]} : {}),
				}),
			code => (code === 'insufficient-funds' || code === 'bad-amount' ? 'amount' : code === 'locked' ? 'passphrase' : code === 'bad-fee-rate' ? 'feeRate' : 'to'),
		);
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
		return this.guard(
			'record BPM',
			async () => {
				// One step (no confirmation): coins chosen and the reading sent under the wallet file's lock.
				const tx = await this.node.wallet.recordBpm({address: form.address.trim(), bpm: Number(form.bpm.trim()), feeRate: 1n});
				this.store.walletChanged();
				this.store.log(`BPM ${form.bpm.trim()} recorded from ${form.address.trim()} in ${tx.txid()}`);
				return tx.txid();
			},
			code => (code === 'locked' ? 'passphrase' : 'address'),
		);
	}

	/** Runs in the background: the form shows progress, and aborting `signal` (Esc) cancels it. */
	async clone(hostPort: string, onProgress: (s: SyncStatus) => void, signal?: AbortSignal): Promise<Result<CloneResult>> {
		const error = checkHostPort(hostPort);
		if (error) return fail(error, 'host');
		const pool = this.node.pool;
		if (!pool) return fail('this node has no network', 'host');
		this.store.log(`clone from ${hostPort.trim()} started`);
		return this.guard('clone', async () => {
			const result = await pool.clone(hostPort.trim(), {onProgress, ...(signal ? {signal} : {})});
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

	/** An output as the explorer shows it: an address, a BPM reading, data, or non-standard. */
	private describeOutput(script: Uint8Array): {text: string; address: string | null} {
		const c = classifyOutput(script);
		if (c.type === 'p2pkh') {
			const address = encodeAddress(c.hash, this.version);
			return {text: address, address};
		}
		if (c.type === 'bpm') return {text: `BPM reading ${c.bpm}`, address: null};
		if (c.type === 'nulldata') return {text: `data ${Buffer.from(c.data).toString('hex')}`, address: null};
		return {text: 'non-standard', address: null};
	}

	async block(hashOrHeight: string | number): Promise<Result<ExplorerView>> {
		const chain = this.node.chain;
		const entry = typeof hashOrHeight === 'number' ? chain.getEntryByHeight(hashOrHeight) : chain.getEntry(hashOrHeight);
		if (!entry) return fail(`no block ${hashOrHeight}`);
		const block = await chain.getBlock(entry.hash);
		if (!block) return fail(`block ${entry.hashHex} is known by its header only`);
		const main = chain.isMain(entry);
		const rows: ExplorerRow[] = block.txs.map((tx, i) => {
			const txid = tx.txid();
			const value = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
			return {id: txid, cells: {n: String(i), txid, inputs: String(tx.inputs.length), outputs: String(tx.outputs.length), value: formatAmount(value), note: i === 0 ? 'coinbase' : ''}, target: {kind: 'tx', txid}};
		});
		return ok({
			kind: 'block',
			id: entry.hashHex,
			facts: [
				['block', String(entry.height)],
				['hash', entry.hashHex],
				['time', `${new Date(block.header.time * 1000).toISOString().slice(0, 10)} ${clock(block.header.time)}`],
				['txs', String(block.txs.length)],
				['size', bytes(block.getSize())],
				['confirmations', main ? String(chain.height - entry.height + 1) : 'none: not on the active chain'],
			],
			rows,
		});
	}

	async tx(txid: string): Promise<Result<ExplorerView>> {
		const chain = this.node.chain;
		const pooled = this.node.mempool.get(txid);
		const located = pooled ? null : await chain.getTx(txid);
		const tx = pooled?.tx ?? located?.tx;
		if (!tx) return fail(`no transaction ${txid}`);
		const rows: ExplorerRow[] = [];
		for (const [n, input] of tx.inputs.entries()) {
			if (tx.isCoinbase()) {
				rows.push({id: `in:${n}`, cells: {dir: 'in', n: String(n), what: 'coinbase (new coins)', value: ''}, target: null});
				continue;
			}
			const prev = this.node.mempool.get(hashToHex(input.prevout.txid))?.tx ?? (await chain.getTx(input.prevout.txid))?.tx;
			const output = prev?.outputs[input.prevout.index];
			const spent = output ? this.describeOutput(output.script) : {text: `${hashToHex(input.prevout.txid)}:${input.prevout.index}`, address: null};
			rows.push({id: `in:${n}`, cells: {dir: 'in', n: String(n), what: spent.text, value: output ? formatAmount(output.value) : ''}, target: spent.address ? {kind: 'address', address: spent.address} : null});
		}
		for (const [n, output] of tx.outputs.entries()) {
			const d = this.describeOutput(output.script);
			rows.push({id: `out:${n}`, cells: {dir: 'out', n: String(n), what: d.text, value: formatAmount(output.value)}, target: d.address ? {kind: 'address', address: d.address} : null});
		}
		const id = tx.txid();
		return ok({
			kind: 'tx',
			id,
			facts: [
				['tx', id],
				['status', located ? `block ${located.entry.height}, ${located.confirmations} confirmation${located.confirmations === 1 ? '' : 's'}` : 'in the mempool'],
				['size', bytes(tx.getSize())],
			],
			rows,
		});
	}

	async address(address: string): Promise<Result<ExplorerView>> {
		const error = checkAddress(address, this.version);
		if (error) return fail(error);
		const clean = address.trim();
		const hash = decodeAddress(clean, this.version);
		const coins = await this.node.chain.getAddressCoins(hash);
		const history = await this.node.chain.getAddressHistory(hash);
		const balance = coins.reduce((sum, c) => sum + c.coin.value, 0n);
		return ok({
			kind: 'address',
			id: clean,
			facts: [
				['address', clean],
				['balance', formatAmount(balance)],
				['events', String(history.length)],
			],
			rows: [...history].reverse().map((h, i) => ({id: `${h.txid}:${i}`, cells: {height: String(h.height), txid: h.txid, kind: h.kind, value: formatAmount(h.value)}, target: {kind: 'tx', txid: h.txid} as const})),
		});
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
