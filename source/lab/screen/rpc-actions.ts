/** The app's actions for node k, as JSON-RPC calls to it (the lab's node view). */
import {decodeAddress} from '../../node/crypto/address.js';
import type {NetworkParams} from '../../node/consensus/networks.js';
import {formatAmount} from '../../node/wallet/amount.js';
import type {Result, ScreenActions} from '../../store/actions.js';
import type {ExplorerRow, ExplorerView} from '../../store/snapshot.js';
import {rpcCall} from '../rpc-client.js';
import {sats, type BlockJson, type RpcNodeStore} from './rpc-node-store.js';

const ok = <T>(value: T): Result<T> => ({ok: true, value});
const fail = (error: string): Result<never> => ({ok: false, error});

export class RpcActions implements ScreenActions {
	constructor(
		private readonly store: RpcNodeStore,
		private readonly net: NetworkParams,
	) {}

	private async guard<T>(what: string, run: () => Promise<T>): Promise<Result<T>> {
		try {
			return ok(await run());
		} catch (error) {
			this.store.log(`${what} failed: ${(error as Error).message}`);
			return fail((error as Error).message);
		}
	}

	private call<T>(method: string, ...params: unknown[]): Promise<T> {
		return rpcCall<T>(this.store.port, method, params);
	}

	showBlocks(top: number | null, count: number): void {
		this.store.showBlocks(top, count);
	}

	openWire(): void {
		this.store.openWire();
	}

	closeWire(): void {
		this.store.closeWire();
	}

	toggleMining(): Promise<Result<'started' | 'stopped'>> {
		return this.guard('mining', async () => {
			const on = !this.store.getSnapshot().miner.running;
			await this.call('setgenerate', on, 1);
			return on ? ('started' as const) : ('stopped' as const);
		});
	}

	toggleStaking(): Promise<Result<'started' | 'stopped' | 'locked'>> {
		return this.guard('staking', async () => {
			const s = this.store.getSnapshot();
			if (s.stake?.enabled) {
				await this.call('setstaking', false);
				return 'stopped' as const;
			}
			if (s.wallet.locked) return 'locked' as const;
			await this.call('setstaking', true);
			return 'started' as const;
		});
	}

	startStaking(passphrase?: string): Promise<Result<'started'>> {
		return this.guard('staking', async () => {
			if (passphrase !== undefined) await this.call('walletpassphrase', passphrase, 100_000_000);
			await this.call('setstaking', true);
			return 'started' as const;
		});
	}

	mineOne(): Promise<Result<string>> {
		return this.guard('mining a block', async () => {
			const address = await this.call<string>('getnewaddress', 'mined');
			const [hash] = await this.call<string[]>('generatetoaddress', 1, address);
			return hash!;
		});
	}

	createWallet(form: {label: string; passphrase: string; repeat: string}): Promise<Result<string>> {
		return this.guard('creating an address', async () => {
			if (form.passphrase !== form.repeat) throw new Error('the passphrases differ');
			const address = await this.call<string>('getnewaddress', form.label);
			if (form.passphrase) await this.call('encryptwallet', form.passphrase);
			return address;
		});
	}

	unlock(passphrase: string, seconds = 300): Promise<Result<true>> {
		return this.guard('unlocking', async () => {
			await this.call('walletpassphrase', passphrase, seconds);
			return true as const;
		});
	}

	async prepareSend(): Promise<Result<never>> {
		return fail('over RPC a payment is made and sent in one call: use s on the lab screen, which pays between nodes');
	}

	async broadcast(): Promise<Result<never>> {
		return fail('nothing prepared');
	}

	recordBpm(form: {address: string; bpm: string}): Promise<Result<string>> {
		return this.guard('recording BPM', () => this.call<string>('recordbpm', form.address, Number(form.bpm)));
	}

	async clone(): Promise<Result<never>> {
		return fail('a lab node follows its links: clone from the node itself (chain-tui rpc clonechain)');
	}

	addPeer(hostPort: string): Promise<Result<string>> {
		return this.guard('adding a peer', async () => {
			await this.call('addnode', hostPort, 'onetry');
			return hostPort;
		});
	}

	block(hashOrHeight: string | number): Promise<Result<ExplorerView>> {
		return this.guard('reading a block', async () => {
			const hash = typeof hashOrHeight === 'number' ? await this.call<string>('getblockhash', hashOrHeight) : hashOrHeight;
			const b = await this.call<BlockJson>('getblock', hash, 2);
			const rows: ExplorerRow[] = b.tx.map((tx, i) => ({
				id: tx.txid,
				cells: {n: String(i), txid: tx.txid, inputs: String(tx.vin.length), outputs: String(tx.vout.length), value: formatAmount(tx.vout.reduce((s, o) => s + sats(o.value), 0n)), note: i === 0 ? 'coinbase' : ''},
				target: {kind: 'tx', txid: tx.txid},
			}));
			return {
				kind: 'block' as const,
				id: b.hash,
				facts: [
					['block', String(b.height)],
					['hash', b.hash],
					['time', new Date(b.time * 1000).toISOString().slice(0, 19).replace('T', ' ')],
					['txs', String(b.nTx)],
					['size', `${b.size} B`],
					['confirmations', b.confirmations < 0 ? 'none: not on the active chain' : String(b.confirmations)],
				] as [string, string][],
				rows,
			};
		});
	}

	tx(txid: string): Promise<Result<ExplorerView>> {
		return this.guard('reading a transaction', async () => {
			const tx = await this.call<{txid: string; size: number; confirmations?: number; vin: BlockJson['tx'][number]['vin']; vout: BlockJson['tx'][number]['vout']}>('getrawtransaction', txid, true);
			const rows: ExplorerRow[] = [
				...tx.vin.map((input, n) => ({id: `in:${n}`, cells: {dir: 'in', n: String(n), what: input.coinbase !== undefined ? 'coinbase (new coins)' : `${input.txid}:${input.vout}`, value: ''}, target: input.txid ? ({kind: 'tx', txid: input.txid} as const) : null})),
				...tx.vout.map(o => ({id: `out:${o.n}`, cells: {dir: 'out', n: String(o.n), what: o.scriptPubKey.address ?? o.scriptPubKey.type ?? '', value: formatAmount(sats(o.value))}, target: null})),
			];
			return {
				kind: 'tx' as const,
				id: tx.txid,
				facts: [
					['tx', tx.txid],
					['status', tx.confirmations ? `${tx.confirmations} confirmation${tx.confirmations === 1 ? '' : 's'}` : 'in the mempool'],
					['size', `${tx.size} B`],
				] as [string, string][],
				rows,
			};
		});
	}

	async address(): Promise<Result<never>> {
		return fail("the address explorer reads a node's own index, which RPC does not offer: open that node's own screen");
	}

	search(query: string): Promise<Result<ExplorerView>> {
		const q = query.trim();
		if (/^\d{1,9}$/.test(q)) return this.block(Number(q));
		if (/^[0-9a-fA-F]{64}$/.test(q)) return this.block(q.toLowerCase()).then(r => (r.ok ? r : this.tx(q.toLowerCase())));
		try {
			decodeAddress(q, this.net.addressVersion);
			return this.address();
		} catch {
			return Promise.resolve(fail(`"${q}" is not a height, block hash or txid`));
		}
	}
}

