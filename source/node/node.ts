/**
 * Wires the parts of a node in one place, in a fixed order (after bcoin's FullNode): the chain,
 * the signature verifier shared by chain and mempool, the mempool, the wallet, the miner, the
 * peer pool; and the JSON-RPC server, which it starts once the datadir is locked and stops first.
 */
import {EventEmitter} from 'node:events';
import {join} from 'node:path';
import {Chain} from './chain/chain.js';
import {refuseOldMainDatadir} from './chain/legacy.js';
import type {NetworkParams} from './consensus/networks.js';
import {decodeAddress} from './crypto/address.js';
import {Mempool} from './mempool/mempool.js';
import {Pool} from './net/pool.js';
import {pingTimeouts} from './net/peer.js';
import {Miner} from './mining/miner.js';
import {Staker} from './staking/staker.js';
import type {KernelChoice} from './mining/kernels.js';
import {p2pkhScript} from './primitives/script.js';
import {CachingVerifier} from './verify/verifier.js';
import {pooledVerifier} from './verify/worker-verifier.js';
import type {BackendChoice} from './verify/backends.js';
import {Keystore} from './wallet/keystore.js';
import {Wallet} from './wallet/wallet.js';
import {LoopMonitor} from './util/loop-delay.js';
import {checkDatadir, fsReason} from './util/datadir.js';
import {PARAM_NAMES, rpcMethods} from './rpc/methods.js';
import {RpcServer, type RpcServerOptions} from './rpc/server.js';

/**
 * What the node's RPC server takes: the server's own options (so fields added there flow through)
 * less those the node fills in: the datadir (the cookie goes there), the methods and their names.
 */
export type NodeRpcOptions = Omit<RpcServerOptions, 'datadir' | 'methods' | 'paramNames'>;

/** The RPC server could not start (its port taken, the cookie not writable): bad input at start. */
export class RpcStartError extends Error {
	override readonly name = 'RpcStartError';
}

export interface NodeOptions {
	readonly network: NetworkParams;
	readonly datadir: string;
	/** Keystore file; default `<datadir>/wallet.json`. One file may serve several nodes. */
	readonly walletPath?: string;
	/** Mining threads (default 1). */
	readonly threads?: number;
	/** Mining kernel (default auto: WebAssembly SIMD where the runtime has it). */
	readonly kernel?: KernelChoice;
	/** Signature-check threads (default 2). */
	readonly verifyThreads?: number;
	/** Signature backend (default auto: native libsecp256k1, else WebAssembly, else noble). */
	readonly verifier?: BackendChoice;
	/** Stake from the start (proof-of-stake networks; the wallet must be unlocked to sign). */
	readonly stake?: boolean;
	/** Tests whose clock runs fast: real milliseconds between the staker's tries (Staker.tickMs). */
	readonly stakeTickMs?: number;
	/** Address the miner pays; default the wallet's first (created as "mining" if none). */
	readonly miningAddress?: string;
	readonly maxMempool?: number;
	readonly reindex?: boolean;
	readonly now?: () => number;
	/** P2P port to listen on; without it the node has no network (tests, offline tools). */
	readonly port?: number;
	/** Interface to listen on (default all). */
	readonly host?: string;
	/** host:port peers to keep connected (--peer). */
	readonly peers?: readonly string[];
	/** --connect: only these peers (and --peer's) are dialled, never gossiped addresses. */
	readonly connect?: readonly string[];
	/** --ping-timeout: a peer whose ping goes unanswered this long is dropped; pings go every quarter of it (default 2 min). */
	readonly pingTimeoutMs?: number;
	/**
	 * The JSON-RPC server; none without. It starts once the datadir is locked, before the (possibly
	 * long) load, answering -28 (warming up) until the node is open.
	 */
	readonly rpc?: NodeRpcOptions;
	/** Called once the datadir is locked (after the RPC server started), before the chain loads. */
	readonly onLocked?: () => Promise<void>;
}

/** Emits 'log' lines, and 'stop' when asked to shut down (the RPC `stop` method): the owner closes it. */
export class FullNode extends EventEmitter<{log: [line: string]; stop: []}> {
	/** How late the event loop runs, from the node's start (getloopinfo). */
	readonly loop = new LoopMonitor();

	private constructor(
		readonly options: NodeOptions,
		readonly chain: Chain,
		readonly verifier: CachingVerifier,
		readonly mempool: Mempool,
		readonly wallet: Wallet,
		readonly miner: Miner,
		readonly pool: Pool | null,
		readonly rpc: RpcServer | null,
		/** The block producer of a proof-of-stake network (null on proof of work). */
		readonly staker: Staker | null,
	) {
		super();
		// Nothing a part reports may take the process down: it is logged.
		miner.on('error', error => this.emit('log', `miner: ${error.message}`));
		staker?.on('error', error => this.emit('log', `staker: ${error.message}`));
		staker?.on('block', block => this.emit('log', `staked block ${chain.height} ${block.hashHex()}`));
		chain.on('too-deep', (tip, fork) =>
			this.emit('log', `a branch with more work (height ${tip.height}) leaves our chain at height ${fork.height}, deeper than the ${chain.network.stake?.maxReorgDepth ?? 0}-block limit: staying on ours; clone from a host you trust to switch`),
		);
		mempool.on('failure', (context, error) => this.emit('log', `mempool: ${context} failed: ${error.message}`));
		pool?.on('log', line => this.emit('log', line));
	}

	static async open(options: NodeOptions): Promise<FullNode> {
		const {network, datadir} = options;
		if (options.miningAddress) decodeAddress(options.miningAddress, network.addressVersion); // fail early, plainly
		await checkDatadir(datadir); // a datadir of the wrong shape, said plainly before anything opens
		const startedAt = Math.floor(Date.now() / 1000);
		const rpc = options.rpc ? new RpcServer({...options.rpc, datadir, paramNames: PARAM_NAMES}) : null;
		const onLocked = async () => {
			if (rpc) {
				try {
					await rpc.start();
				} catch (error) {
					// A listen error comes as a plain message from server.ts; a file-system one (the cookie) has an errno code.
					const code = (error as NodeJS.ErrnoException).code;
					throw new RpcStartError(typeof code === 'string' ? `cannot write the RPC cookie in ${datadir}: ${fsReason(error)}` : (error as Error).message, {cause: error});
				}
			}
			await options.onLocked?.();
		};
		const verifier = new CachingVerifier(pooledVerifier(options.verifier ?? 'auto', options.verifyThreads ?? 2));
		let chain: Chain | undefined;
		try {
			await refuseOldMainDatadir(join(datadir, 'chain'));
			chain = await Chain.open({
				network,
				path: join(datadir, 'chain'),
				verifier,
				reindex: options.reindex ?? false,
				...(options.now ? {now: options.now} : {}),
				onLocked,
			});
			const mempool = new Mempool({chain, verifier, ...(options.maxMempool ? {maxSize: options.maxMempool} : {}), ...(options.now ? {now: options.now} : {})});
			const keystore = await Keystore.open(options.walletPath ?? join(datadir, 'wallet.json'), network.name);
			const wallet = new Wallet(keystore, chain, mempool);
			const miner = new Miner({chain, mempool, threads: options.threads ?? 1, kernel: options.kernel ?? 'auto', ...(options.now ? {now: options.now} : {})});
			const pool =
				options.port === undefined
					? null
					: new Pool({chain, mempool, port: options.port, ...(options.host ? {host: options.host} : {}), peers: options.peers ?? [], ...(options.connect?.length ? {connect: options.connect} : {}), ...(options.pingTimeoutMs ? {timeouts: pingTimeouts(options.pingTimeoutMs)} : {}), addrPath: join(datadir, 'peers.json'), ...(options.now ? {now: options.now} : {})});
			const staker = network.stake ? new Staker({chain, mempool, wallet, ...(options.now ? {now: options.now} : {}), syncing: () => (pool ? stakerShouldWait(pool) : false), ...(options.stakeTickMs ? {tickMs: options.stakeTickMs} : {})}) : null;
			const node = new FullNode(options, chain, verifier, mempool, wallet, miner, pool, rpc, staker);
			await wallet.resubmit();
			try {
				await pool?.start();
			} catch (error) {
				await node.close();
				throw error;
			}
			rpc?.setMethods(rpcMethods({node, startedAt, stop: () => node.emit('stop')}));
			if (options.stake) staker?.start();
			return node;
		} catch (error) {
			await rpc?.stop().catch(() => undefined);
			await chain?.close();
			await verifier.close();
			throw error;
		}
	}

	/** The script the miner pays: the configured address, or the wallet's mining address. */
	async payoutScript(): Promise<Uint8Array> {
		const address = this.options.miningAddress ?? (await this.wallet.miningAddress());
		return p2pkhScript(decodeAddress(address, this.options.network.addressVersion));
	}

	async startMining(): Promise<void> {
		this.miner.setPayout(await this.payoutScript());
		this.miner.start();
	}

	/** Regtest: mine `n` blocks now, to the configured or the wallet's mining address. */
	async generate(n: number): Promise<void> {
		await this.miner.generate(n, await this.payoutScript());
	}

	/** Stops in the reverse order of opening: RPC (its cookie removed), peers (told), miner, wallet, chain, verifier threads. */
	async close(): Promise<void> {
		await this.rpc?.stop().catch(error => this.emit('log', `while stopping RPC: ${(error as Error).message}`));
		await this.pool?.stop();
		this.staker?.close();
		await this.miner.close();
		await this.wallet.keystore.close();
		await this.chain.close();
		await this.verifier.close();
		this.loop.close();
	}
}

/** Blocks behind what peers can give us before the staker waits: a header whose block never comes must not stop it. */
const STAKE_BEHIND_BLOCKS = 10;

/**
 * Whether the staker should wait for sync (Blackcoin waits out IsInitialBlockDownload): in the
 * initial download, or well behind a block some peer can still give us. A block or two behind is
 * ordinary relay; a stale header (a refused duplicate stake) must not keep a staker off for good.
 */
function stakerShouldWait(pool: Pool): boolean {
	if (pool.initialDownload) return true;
	const status = pool.syncStatus();
	return status.headers - status.blocks > STAKE_BEHIND_BLOCKS;
}
