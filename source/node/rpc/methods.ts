/**
 * RPC methods with Bitcoin Core's names, parameters, result shapes and error codes, plus
 * chain-tui's own (recordbpm, listbpm, clonechain, getloopinfo).
 */
import {VerifyError} from '../errors.js';
import type {FullNode} from '../node.js';
import {decodeAddress, encodeAddress} from '../crypto/address.js';
import {fromHex, hashToHex, hexToHash, toHex} from '../encoding/hex.js';
import {OutPoint, Transaction} from '../primitives/tx.js';
import type {Block} from '../primitives/block.js';
import type {ChainEntry} from '../chain/entry.js';
import {classifyOutput, p2pkhScript} from '../primitives/script.js';
import {difficulty as difficultyOf} from '../consensus/pow.js';
import {minesOnDemand} from '../consensus/networks.js';
import {networkHashesPerSecond} from '../mining/rate.js';
import {utxoSetInfo} from '../chain/utxo-stats.js';
import {AmountError, parseAmount} from '../wallet/amount.js';
import {WalletError, WalletLockedError} from '../wallet/keystore.js';
import {Amount, JsonNumber, type JsonValue} from './json.js';
import {RPC_ERRORS as E, RpcError, type RpcHandler} from './server.js';

const bad = (message: string) => new RpcError(E.INVALID_PARAMETER, message);

function arg(params: readonly JsonValue[], i: number): JsonValue | undefined {
	const v = params[i];
	return v === null ? undefined : v;
}

function int(params: readonly JsonValue[], i: number, name: string, fallback?: number): number {
	const v = arg(params, i);
	if (v === undefined) {
		if (fallback === undefined) throw new RpcError(E.INVALID_PARAMS, `missing ${name}`);
		return fallback;
	}
	if (v instanceof JsonNumber && /^-?\d+$/.test(v.text)) return Number(v.text);
	if (typeof v === 'boolean') return v ? 1 : 0;
	throw new RpcError(E.TYPE_ERROR, `${name} must be a whole number`);
}

function str(params: readonly JsonValue[], i: number, name: string, fallback?: string): string {
	const v = arg(params, i);
	if (v === undefined) {
		if (fallback === undefined) throw new RpcError(E.INVALID_PARAMS, `missing ${name}`);
		return fallback;
	}
	if (typeof v !== 'string') throw new RpcError(E.TYPE_ERROR, `${name} must be a string`);
	return v;
}

function bool(params: readonly JsonValue[], i: number, fallback: boolean): boolean {
	const v = arg(params, i);
	if (v === undefined) return fallback;
	if (typeof v === 'boolean') return v;
	if (v instanceof JsonNumber) return v.toNumber() !== 0;
	throw new RpcError(E.TYPE_ERROR, 'expected true or false');
}

/** An amount from its JSON text, exactly: 0.1 is 10,000,000 units, never 0.1000000000000000055. */
function amount(params: readonly JsonValue[], i: number, max: bigint): bigint {
	const v = arg(params, i);
	const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : null;
	if (text === null) throw new RpcError(E.TYPE_ERROR, 'Amount is not a number or string');
	if (/e/i.test(text)) throw new RpcError(E.TYPE_ERROR, 'Invalid amount');
	try {
		return parseAmount(text, max);
	} catch (error) {
		if (error instanceof AmountError) throw new RpcError(E.TYPE_ERROR, `Invalid amount: ${error.message}`);
		throw error;
	}
}

function hash(params: readonly JsonValue[], i: number, name: string): string {
	const v = str(params, i, name);
	if (!/^[0-9a-fA-F]{64}$/.test(v)) throw bad(`${name} must be of length 64 (not ${v.length}, for '${v.slice(0, 80)}')`);
	return v.toLowerCase();
}

function walletCall<T>(run: () => Promise<T>): Promise<T> {
	return run().catch(error => {
		if (error instanceof WalletLockedError) throw new RpcError(E.WALLET_UNLOCK_NEEDED, 'Error: Please enter the wallet passphrase with walletpassphrase first.');
		if (error instanceof WalletError) {
			if (error.code === 'wrong-passphrase') throw new RpcError(E.WALLET_PASSPHRASE_INCORRECT, 'Error: The wallet passphrase entered was incorrect.');
			if (/insufficient funds/.test(error.message)) throw new RpcError(E.WALLET_INSUFFICIENT_FUNDS, error.message);
			throw new RpcError(E.WALLET_ERROR, error.message);
		}
		if (error instanceof Error && /address/i.test(error.name)) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Invalid address: ${error.message}`);
		throw error;
	});
}

export const PARAM_NAMES: Record<string, readonly string[]> = {
	getblockhash: ['height'],
	getblockheader: ['blockhash', 'verbose'],
	getblock: ['blockhash', 'verbosity'],
	getrawtransaction: ['txid', 'verbose', 'blockhash'],
	decoderawtransaction: ['hexstring'],
	sendrawtransaction: ['hexstring', 'maxfeerate'],
	gettxout: ['txid', 'n', 'include_mempool'],
	getrawmempool: ['verbose'],
	getmempoolentry: ['txid'],
	generatetoaddress: ['nblocks', 'address', 'maxtries'],
	setgenerate: ['generate', 'genproclimit'],
	getnewaddress: ['label'],
	sendtoaddress: ['address', 'amount'],
	validateaddress: ['address'],
	encryptwallet: ['passphrase'],
	walletpassphrase: ['passphrase', 'timeout'],
	walletpassphrasechange: ['oldpassphrase', 'newpassphrase'],
	backupwallet: ['destination'],
	addnode: ['node', 'command'],
	recordbpm: ['address', 'bpm'],
	listbpm: ['address'],
	clonechain: ['node'],
	listunspent: ['minconf', 'maxconf', 'addresses'],
	listtransactions: ['label', 'count', 'skip'],
	getnetworkhashps: ['nblocks', 'height'],
	getnodeaddresses: ['count'],
	setban: ['subnet', 'command', 'bantime'],
	disconnectnode: ['address', 'nodeid'],
	getloopinfo: ['reset'],
};

export interface MethodContext {
	readonly node: FullNode;
	readonly startedAt: number;
	/** Asks the process to shut down (the `stop` method). */
	readonly stop: () => void;
}

export function rpcMethods({node, startedAt, stop}: MethodContext): Record<string, RpcHandler> {
	const {chain, mempool, wallet, miner, pool} = node;
	const net = chain.network;
	const version = net.addressVersion;
	const address = (h: Uint8Array) => encodeAddress(h, version);
	const difficulty = (bits: number) => difficultyOf(bits, net.powLimit);
	const entryOf = (h: string): ChainEntry => {
		const entry = chain.getEntry(h);
		if (!entry) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, 'Block not found');
		return entry;
	};
	const headerJson = (e: ChainEntry) => ({
		hash: e.hashHex,
		confirmations: chain.isMain(e) ? chain.height - e.height + 1 : -1,
		height: e.height,
		version: e.header.version,
		merkleroot: hashToHex(e.header.merkleRoot),
		time: e.time,
		mediantime: chain.medianTimePast(e),
		nonce: e.header.nonce,
		bits: e.header.bits.toString(16).padStart(8, '0'),
		difficulty: difficulty(e.header.bits),
		chainwork: e.chainwork.toString(16).padStart(64, '0'),
		nTx: undefined as number | undefined,
		previousblockhash: e.prev?.hashHex,
		nextblockhash: chain.isMain(e) ? chain.getEntryByHeight(e.height + 1)?.hashHex : undefined,
	});
	// Core's type names; a BPM reading is a nulldata output that says its reading.
	const scriptJson = (script: Uint8Array) => {
		const c = classifyOutput(script);
		const type = c.type === 'p2pkh' ? 'pubkeyhash' : c.type === 'nonstandard' ? 'nonstandard' : 'nulldata';
		return {hex: toHex(script), type, ...(c.type === 'p2pkh' ? {address: address(c.hash)} : {}), ...(c.type === 'bpm' ? {bpm: c.bpm} : {})};
	};
	// The transaction's own JSON, with values in coins and scripts decoded for this network.
	const txJson = (tx: Transaction, extra: Record<string, unknown> = {}) => ({
		...tx.toJSON(),
		vout: tx.outputs.map((o, n) => ({value: new Amount(o.value), n, scriptPubKey: scriptJson(o.script)})),
		...extra,
	});
	const blockJson = async (block: Block, e: ChainEntry, verbosity: number) => ({
		...headerJson(e),
		nTx: block.txs.length,
		size: block.getSize(),
		tx: verbosity >= 2 ? block.txs.map(tx => txJson(tx)) : block.txs.map(tx => tx.txid()),
	});
	const parseTx = (hex: string) => {
		try {
			return Transaction.fromRaw(fromHex(hex));
		} catch {
			throw new RpcError(-22, 'TX decode failed');
		}
	};
	const mempoolEntryJson = (txid: string) => {
		const e = mempool.get(txid);
		if (!e) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
		return {size: e.size, vsize: e.size, time: e.time, height: e.height, fees: {base: new Amount(e.fee)}, depends: [...e.parents].map(p => p.txid), spentby: [...e.children].map(c => c.txid)};
	};

	const methods: Record<string, RpcHandler> = {
		getblockchaininfo: () => ({
			chain: net.name,
			blocks: chain.height,
			headers: chain.bestHeader.height,
			bestblockhash: chain.tip.hashHex,
			difficulty: difficulty(chain.tip.header.bits),
			time: chain.tip.time,
			mediantime: chain.medianTimePast(chain.tip),
			verificationprogress: chain.bestHeader.height === 0 ? 1 : chain.height / chain.bestHeader.height,
			initialblockdownload: chain.bestHeader.height - chain.height > 1,
			chainwork: chain.tip.chainwork.toString(16).padStart(64, '0'),
			pruned: false,
			warnings: '',
		}),
		getblockcount: () => chain.height,
		getbestblockhash: () => chain.tip.hashHex,
		getblockhash: params => {
			const h = int(params, 0, 'height');
			const e = chain.getEntryByHeight(h);
			if (!e) throw new RpcError(E.INVALID_PARAMETER, 'Block height out of range');
			return e.hashHex;
		},
		getblockheader: params => {
			const e = entryOf(hash(params, 0, 'blockhash'));
			if (!bool(params, 1, true)) return toHex(e.header.toRaw());
			return headerJson(e);
		},
		getblock: async params => {
			const e = entryOf(hash(params, 0, 'blockhash'));
			const verbosity = int(params, 1, 'verbosity', 1);
			if (verbosity < 0 || verbosity > 2) throw bad('verbosity must be 0, 1 or 2');
			const block = await chain.getBlock(e.hash);
			if (!block) throw new RpcError(E.MISC_ERROR, 'Block not available (header only)');
			if (verbosity === 0) return toHex(block.toRaw());
			return blockJson(block, e, verbosity);
		},
		getchaintips: () => chain.getTips().map(t => ({height: t.height, hash: t.hash, branchlen: t.branchLength, status: t.status})),
		getdifficulty: () => difficulty(chain.tip.header.bits),
		gettxout: async params => {
			const txid = hash(params, 0, 'txid');
			const n = int(params, 1, 'n');
			const includeMempool = bool(params, 2, true);
			const prevout = new OutPoint(hexToHash(txid), n);
			const coin = includeMempool ? await mempool.getCoin(prevout) : await chain.getCoin(prevout);
			if (!coin) return null;
			const inPool = coin.height > chain.height;
			return {bestblock: chain.tip.hashHex, confirmations: inPool ? 0 : chain.height - coin.height + 1, value: new Amount(coin.value), scriptPubKey: scriptJson(coin.script), coinbase: coin.coinbase};
		},
		gettxoutsetinfo: async () => {
			const info = await utxoSetInfo(chain);
			return {height: info.height, bestblock: info.bestblock, txouts: info.txouts, total_amount: new Amount(info.totalUnits), hash_serialized_3: info.hash};
		},
		getrawtransaction: async params => {
			const txid = hash(params, 0, 'txid');
			const verbose = bool(params, 1, false);
			const pooled = mempool.get(txid);
			const located = pooled ? null : await chain.getTx(txid);
			const tx = pooled?.tx ?? located?.tx;
			if (!tx) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, 'No such mempool or blockchain transaction');
			if (!verbose) return toHex(tx.toRaw());
			return txJson(tx, {hex: toHex(tx.toRaw()), ...(located ? {blockhash: located.entry.hashHex, confirmations: located.confirmations, time: located.entry.time, blocktime: located.entry.time} : {})});
		},
		decoderawtransaction: params => txJson(parseTx(str(params, 0, 'hexstring'))),
		sendrawtransaction: async params => {
			const tx = parseTx(str(params, 0, 'hexstring'));
			try {
				const r = await mempool.add(tx);
				if (r.status === 'orphan') throw new RpcError(E.VERIFY_ERROR, 'bad-txns-inputs-missingorspent');
			} catch (error) {
				if (error instanceof VerifyError && error.reason === 'txn-already-known') throw new RpcError(E.VERIFY_ALREADY_IN_CHAIN, 'Transaction already in block chain');
				if (error instanceof VerifyError) throw new RpcError(error.reason === 'txn-already-in-mempool' ? E.VERIFY_ALREADY_IN_CHAIN : E.VERIFY_REJECTED, error.message);
				throw error;
			}
			return tx.txid();
		},
		getrawmempool: params => {
			if (!bool(params, 0, false)) return mempool.all().map(e => e.txid);
			return Object.fromEntries(mempool.all().map(e => [e.txid, mempoolEntryJson(e.txid)]));
		},
		getmempoolentry: params => mempoolEntryJson(hash(params, 0, 'txid')),
		getmempoolinfo: () => ({loaded: true, size: mempool.size, bytes: mempool.totalBytes, usage: mempool.usage, maxmempool: mempool.maxSize, mempoolminfee: new Amount(mempool.minRelayFeeRate * 1000n), minrelaytxfee: new Amount(mempool.minRelayFeeRate * 1000n)}),
		getpeerinfo: () =>
			(pool?.peerInfo() ?? []).map(p => ({
				id: p.id,
				addr: p.address,
				inbound: p.direction === 'inbound',
				subver: p.agent,
				version: p.version,
				startingheight: p.startHeight,
				synced_headers: p.syncedHeaders,
				synced_blocks: p.syncedBlocks,
				pingtime: p.pingMs === null ? undefined : p.pingMs / 1000,
				bytessent: p.bytesOut,
				bytesrecv: p.bytesIn,
				bytessent_per_msg: p.messagesOut,
				bytesrecv_per_msg: p.messagesIn,
				conntime: p.connectedAt,
				banscore: p.banScore,
				addr_processed: p.addrProcessed ?? 0,
				addr_rate_limited: p.addrRateLimited ?? 0,
			})),
		getconnectioncount: () => pool?.connectedPeers.length ?? 0,
		getnetworkinfo: () => ({version: 10000, subversion: '/chain-tui:0.1.0/', protocolversion: 70016, connections: pool?.connectedPeers.length ?? 0, networkactive: pool !== null, localrelay: true, relayfee: new Amount(mempool.minRelayFeeRate * 1000n), verifier: node.verifier.backend?.name ?? 'noble', warnings: ''}),
		getnodeaddresses: params => (pool?.addrman.sample(int(params, 0, 'count', 1)) ?? []).map(a => ({time: a.lastSeen, services: Number(a.services), address: a.host, port: a.port, network: a.host.includes(':') ? 'ipv6' : 'ipv4'})),
		addnode: async params => {
			const target = str(params, 0, 'node');
			const command = str(params, 1, 'command');
			if (!pool) throw new RpcError(E.CLIENT_NOT_CONNECTED, 'Error: Peer-to-peer functionality missing or disabled');
			if (command !== 'add' && command !== 'onetry' && command !== 'remove') throw bad("command must be 'add', 'remove' or 'onetry'");
			if (command === 'remove') return null;
			try {
				await pool.addPeer(target);
			} catch (error) {
				throw new RpcError(E.CLIENT_NODE_NOT_CONNECTED, `Error: could not connect to ${target}: ${(error as Error).message}`);
			}
			return null;
		},
		setban: params => {
			if (!pool) throw new RpcError(E.CLIENT_NOT_CONNECTED, 'Error: Peer-to-peer functionality missing or disabled');
			const target = str(params, 0, 'subnet');
			const command = str(params, 1, 'command');
			const m = /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:.]+?)(?::(\d{1,5}))?$/.exec(target);
			if (!m) throw bad(`Error: Invalid IP/Subnet: ${target}`);
			const host = m[1]!.replace(/^\[|\]$/g, '');
			const port = Number(m[2] ?? 0);
			if (command === 'add') {
				pool.addrman.ban(host, port, int(params, 2, 'bantime', 86_400) || 86_400);
				for (const peer of pool.connectedPeers) if (peer.host === host && (!port || peer.port === port || peer.listenPort === port)) peer.close('banned by RPC');
				return null;
			}
			if (command === 'remove') {
				if (!pool.addrman.unban(target) && !pool.addrman.unban(host)) throw new RpcError(-30, 'Error: Unban failed');
				return null;
			}
			throw bad("command must be 'add' or 'remove'");
		},
		disconnectnode: params => {
			if (!pool) throw new RpcError(E.CLIENT_NOT_CONNECTED, 'Error: Peer-to-peer functionality missing or disabled');
			const target = arg(params, 0);
			const id = arg(params, 1);
			const peer = pool.connectedPeers.find(p => (typeof target === 'string' && target !== '' ? p.address === target : id instanceof JsonNumber && p.id === id.toNumber()));
			if (!peer) throw new RpcError(E.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
			peer.close('disconnected by RPC');
			return null;
		},
		listbanned: () => (pool?.addrman.banned() ?? []).map(b => ({address: b.key, banned_until: b.until})),
		getmininginfo: () => {
			const s = miner.getStatus();
			return {blocks: chain.height, difficulty: difficulty(chain.tip.header.bits), networkhashps: networkHashps(120, -1), pooledtx: mempool.size, chain: net.name, generate: s.running, genproclimit: s.threads, localhashps: s.rate, kernel: s.kernel, warnings: ''};
		},
		getnetworkhashps: params => networkHashps(int(params, 0, 'nblocks', 120), int(params, 1, 'height', -1)),
		generatetoaddress: async params => {
			const n = int(params, 0, 'nblocks');
			const to = str(params, 1, 'address');
			if (!minesOnDemand(net)) throw new RpcError(E.MISC_ERROR, 'generatetoaddress mines instantly on regtest only; use setgenerate true');
			let hash160: Uint8Array;
			try {
				hash160 = decodeAddress(to, version);
			} catch (error) {
				throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Error: Invalid address: ${(error as Error).message}`);
			}
			if (n < 1 || n > 10_000) throw bad('nblocks must be from 1 to 10,000');
			const blocks = await miner.generate(n, p2pkhScript(hash160));
			return blocks.map(b => b.hashHex());
		},
		setgenerate: async params => {
			const on = bool(params, 0, true);
			if (arg(params, 1) !== undefined) miner.setThreads(Math.max(1, int(params, 1, 'genproclimit')));
			if (on) await node.startMining();
			else miner.stop();
			return null;
		},
		getnewaddress: params => walletCall(() => wallet.createAddress(str(params, 0, 'label', 'rpc') || 'rpc')),
		getbalance: async () => {
			const all = await wallet.addresses();
			return new Amount(all.reduce((sum, a) => sum + a.confirmed, 0n));
		},
		getbalances: async () => {
			const all = await wallet.addresses();
			const sum = (k: 'confirmed' | 'unconfirmed' | 'immature') => new Amount(all.reduce((s, a) => s + a[k], 0n));
			return {mine: {trusted: sum('confirmed'), untrusted_pending: sum('unconfirmed'), immature: sum('immature')}};
		},
		listunspent: async () => {
			const out = [];
			for (const a of await wallet.addresses()) {
				for (const {prevout, coin} of await chain.getAddressCoins(a.hash)) {
					if (mempool.spender(prevout)) continue;
					out.push({txid: hashToHex(prevout.txid), vout: prevout.index, address: a.address, label: a.label, scriptPubKey: toHex(coin.script), amount: new Amount(coin.value), confirmations: chain.height - coin.height + 1, spendable: !coin.coinbase || chain.height + 1 - coin.height >= net.coinbaseMaturity});
				}
			}
			return out;
		},
		listtransactions: async params => {
			const count = int(params, 1, 'count', 10);
			const items = [];
			for (const a of await wallet.addresses()) {
				for (const h of await wallet.history(a.address)) {
					items.push({address: a.address, category: h.kind === 'received' ? 'receive' : 'send', amount: new Amount(h.kind === 'received' ? h.value : -h.value), txid: h.txid, confirmations: h.height === null ? 0 : chain.height - h.height + 1, blockheight: h.height ?? undefined});
				}
			}
			return items.slice(-count);
		},
		sendtoaddress: params =>
			walletCall(async () => {
				const to = str(params, 0, 'address');
				try {
					decodeAddress(to, version);
				} catch (error) {
					throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Invalid address: ${(error as Error).message}`);
				}
				const tx = await wallet.send({to, amount: amount(params, 1, net.maxMoney), feeRate: 1n});
				return tx.txid();
			}),
		validateaddress: params => {
			const a = str(params, 0, 'address');
			try {
				const h = decodeAddress(a, version);
				return {isvalid: true, address: a, scriptPubKey: toHex(p2pkhScript(h)), isscript: false, iswitness: false};
			} catch (error) {
				return {isvalid: false, error: (error as Error).message};
			}
		},
		encryptwallet: params =>
			walletCall(async () => {
				if (wallet.keystore.encrypted) throw new RpcError(E.WALLET_WRONG_ENC_STATE, 'Error: running with an encrypted wallet, but encryptwallet was called.');
				await wallet.keystore.encrypt(str(params, 0, 'passphrase'));
				return 'wallet encrypted; the keys are locked until walletpassphrase';
			}),
		walletpassphrase: params =>
			walletCall(async () => {
				if (!wallet.keystore.encrypted) throw new RpcError(E.WALLET_WRONG_ENC_STATE, 'Error: running with an unencrypted wallet, but walletpassphrase was called.');
				await wallet.keystore.unlock(str(params, 0, 'passphrase'), int(params, 1, 'timeout'));
				return null;
			}),
		walletpassphrasechange: params =>
			walletCall(async () => {
				await wallet.keystore.changePassphrase(str(params, 0, 'oldpassphrase'), str(params, 1, 'newpassphrase'));
				return null;
			}),
		walletlock: () => {
			wallet.keystore.lock();
			return null;
		},
		backupwallet: async params => {
			await walletCall(() => wallet.keystore.backup(str(params, 0, 'destination')));
			return null;
		},
		recordbpm: params =>
			walletCall(async () => {
				const bpm = int(params, 1, 'bpm');
				const tx = await wallet.recordBpm({address: str(params, 0, 'address'), bpm, feeRate: 1n});
				return tx.txid();
			}),
		listbpm: async params => {
			const a = arg(params, 0);
			try {
				return (await wallet.bpmReadings(typeof a === 'string' && a !== 'all' ? a : undefined)).map(r => ({...r}));
			} catch (error) {
				throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Invalid address: ${(error as Error).message}`);
			}
		},
		clonechain: async params => {
			if (!pool) throw new RpcError(E.CLIENT_NOT_CONNECTED, 'Error: Peer-to-peer functionality missing or disabled');
			return pool.clone(str(params, 0, 'node'));
		},
		uptime: () => Math.floor(Date.now() / 1000) - startedAt,
		getloopinfo: params => {
			const d = node.loop.read();
			if (bool(params, 0, false)) node.loop.reset();
			const memory = process.memoryUsage();
			return {
				since: Math.floor(d.since / 1000),
				samples: d.samples,
				resolution_ms: d.resolutionMs,
				delay_ms: {p50: d.p50, p90: d.p90, p99: d.p99, p999: d.p999, max: d.max, mean: d.mean},
				rss: memory.rss,
				heap_used: memory.heapUsed,
			};
		},
		stop: () => {
			setImmediate(stop);
			return 'chain-tui stopping';
		},
		help: () => Object.keys(methods).sort().join('\n'),
	};

	/**
	 * Expected hashes per second over the `nblocks` blocks up to `height` (Core's getnetworkhashps:
	 * nblocks -1 = since the last difficulty change, height -1 = the tip; other values below 1 are
	 * refused as Core does). The genesis block's time never counts (see networkHashesPerSecond).
	 */
	function networkHashps(nblocks: number, height: number): number {
		if (nblocks < -1 || nblocks === 0) throw bad('Invalid nblocks. Must be a positive number or -1.');
		if (height < -1 || height > chain.height) throw bad('Block does not exist at specified height');
		const at = height === -1 ? chain.tip : chain.getEntryByHeight(height)!;
		return networkHashesPerSecond(at, nblocks, net);
	}

	return methods;
}
