/**
 * RPC methods with Bitcoin Core's names, parameters, result shapes and error codes, plus
 * chain-tui's own (recordbpm, listbpm, clonechain, getloopinfo).
 */
import {VerifyError} from '../errors.js';
import {banKey} from '../net/addrman.js';
import {parseHostPort} from '../net/connections.js';
import type {FullNode} from '../node.js';
import {AddressError, decodeAddress, encodeAddress} from '../crypto/address.js';
import {equalBytes, fromHex, hashToHex, hexToHash, toHex} from '../encoding/hex.js';
import {OutPoint, Transaction} from '../primitives/tx.js';
import type {Block} from '../primitives/block.js';
import type {ChainEntry} from '../chain/entry.js';
import {availableParallelism} from 'node:os';
import {isIP} from 'node:net';
import {classifyOutput, MAX_SCRIPT_SIZE, OP, p2pkhHash, p2pkhScript} from '../primitives/script.js';
import {difficulty as difficultyOf} from '../consensus/pow.js';
import {minesOnDemand} from '../consensus/networks.js';
import {MiningRefusedError} from '../mining/miner.js';
import type {NotStakingReason} from '../staking/staker.js';
import {networkHashesPerSecond} from '../mining/rate.js';
import {utxoSetInfo} from '../chain/utxo-stats.js';
import {AmountError, parseAmount} from '../wallet/amount.js';
import {WalletError, WalletLockedError} from '../wallet/keystore.js';
import {Amount, JsonNumber, type JsonValue} from './json.js';
import {RPC_ERRORS as E, RpcError, usageLine, type RpcHandler} from './server.js';

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

/**
 * Core's GetAvoidReuseFlag: true needs a wallet with the avoid_reuse flag, which this wallet never
 * has, so true is refused with Core's own error (-4) and false is what the wallet does anyway.
 */
function avoidReuse(params: readonly JsonValue[], i: number): void {
	if (bool(params, i, false)) throw new RpcError(E.WALLET_ERROR, 'wallet does not have the "avoid reuse" feature enabled');
}

/** A fee rate in units (satoshis) per byte with Core's 3 decimals, as thousandths of a unit. */
function feeRateMilli(params: readonly JsonValue[], i: number): bigint {
	const v = arg(params, i);
	const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : null;
	if (text === null) throw new RpcError(E.TYPE_ERROR, 'Amount is not a number or string');
	const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text);
	if (!m) throw new RpcError(E.TYPE_ERROR, text.startsWith('-') ? 'Amount out of range' : 'Invalid amount');
	return BigInt(m[1]!) * 1000n + BigInt((m[2] ?? '').padEnd(3, '0'));
}

const formatMilli = (milli: bigint) => `${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')}`;

function walletCall<T>(run: () => Promise<T>): Promise<T> {
	return run().catch(error => {
		if (error instanceof WalletLockedError) throw new RpcError(E.WALLET_UNLOCK_NEEDED, 'Error: Please enter the wallet passphrase with walletpassphrase first.');
		if (error instanceof WalletError) {
			if (error.code === 'wrong-passphrase') throw new RpcError(E.WALLET_PASSPHRASE_INCORRECT, 'Error: The wallet passphrase entered was incorrect.');
			if (error.code === 'insufficient-funds') throw new RpcError(E.WALLET_INSUFFICIENT_FUNDS, error.message);
			throw new RpcError(E.WALLET_ERROR, error.message);
		}
		if (error instanceof AddressError) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Invalid address: ${error.message}`);
		throw error;
	});
}

/** getstakinginfo's `errors`: why a node that may stake does not, by code. */
const NOT_STAKING: Record<NotStakingReason, string> = {
	disabled: 'staking is off (setstaking true)',
	bootstrap: 'the mined bootstrap is not complete yet: the next block is mined',
	locked: 'the wallet is locked: unlock it (walletpassphrase) to sign staked blocks',
	'no-coins': 'no coin old enough to stake',
	syncing: 'catching up with peers: staking waits until synced',
	'not-pos': 'not a proof-of-stake network',
};


/**
 * Every method's parameters, in Core's order and with Core's names (a method not here takes none):
 * the server refuses more positional ones than these (-1 with the usage, as Core's RPCHelpMan) and
 * any other name (-8). Each one is honoured, or a value we cannot honour is refused by name.
 */
export const PARAM_NAMES: Record<string, readonly string[]> = {
	help: ['command'],
	stop: ['wait'],
	getblockhash: ['height'],
	getblockheader: ['blockhash', 'verbose'],
	getblock: ['blockhash', 'verbosity'],
	getrawtransaction: ['txid', 'verbose', 'blockhash'],
	decoderawtransaction: ['hexstring', 'iswitness'],
	sendrawtransaction: ['hexstring', 'maxfeerate', 'maxburnamount'],
	gettxoutsetinfo: ['hash_type', 'hash_or_height', 'use_index'],
	gettxout: ['txid', 'n', 'include_mempool'],
	getrawmempool: ['verbose', 'mempool_sequence'],
	getmempoolentry: ['txid'],
	generatetoaddress: ['nblocks', 'address', 'maxtries'],
	setgenerate: ['generate', 'genproclimit'],
	setstaking: ['staking'],
	getnewaddress: ['label', 'address_type'],
	getbalance: ['dummy', 'minconf', 'include_watchonly', 'avoid_reuse'],
	sendtoaddress: ['address', 'amount', 'comment', 'comment_to', 'subtractfeefromamount', 'replaceable', 'conf_target', 'estimate_mode', 'avoid_reuse', 'fee_rate', 'verbose'],
	validateaddress: ['address'],
	encryptwallet: ['passphrase'],
	walletpassphrase: ['passphrase', 'timeout'],
	walletpassphrasechange: ['oldpassphrase', 'newpassphrase'],
	backupwallet: ['destination'],
	addnode: ['node', 'command', 'v2transport'],
	recordbpm: ['address', 'bpm'],
	listbpm: ['address'],
	clonechain: ['node'],
	listunspent: ['minconf', 'maxconf', 'addresses', 'include_unsafe', 'query_options'],
	listtransactions: ['label', 'count', 'skip', 'include_watchonly'],
	getnetworkhashps: ['nblocks', 'height'],
	getnodeaddresses: ['count', 'network'],
	setban: ['subnet', 'command', 'bantime', 'absolute'],
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
	/** A block's difficulty against its own limit: the stake limit for a staked block. */
	const difficultyAt = (bits: number, height: number) => difficultyOf(bits, chain.engine.kindAt(height) === 'stake' ? net.stake!.limit : net.powLimit);
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
		difficulty: difficultyAt(e.header.bits, e.height),
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
		tx: verbosity >= 3 ? await Promise.all(block.txs.map(tx => withPrevouts(tx))) : verbosity >= 2 ? block.txs.map(tx => txJson(tx)) : block.txs.map(tx => tx.txid()),
	});
	// Core's verbosity 3: each input with the output it spends (generated = a coinbase's).
	// Also getrawtransaction's verbosity 2, with the fee when every prevout is known.
	const withPrevouts = async (tx: Transaction, extra: Record<string, unknown> = {}) => {
		const json = txJson(tx, extra);
		if (tx.isCoinbase()) return json;
		let spent = 0n;
		let known = true;
		const vin = await Promise.all(
			tx.inputs.map(async (input, i) => {
				const parentId = hashToHex(input.prevout.txid);
				const pooled = mempool.get(parentId);
				const found = pooled ? null : await chain.getTx(parentId);
				const parent = pooled?.tx ?? found?.tx;
				const out = parent?.outputs[input.prevout.index];
				if (!parent || !out) {
					known = false;
					return json.vin[i];
				}
				spent += out.value;
				// A mempool parent has no height yet: Core gives the next block's.
				return {...json.vin[i], prevout: {generated: parent.isCoinbase(), height: found ? found.entry.height : chain.height + 1, value: new Amount(out.value), scriptPubKey: scriptJson(out.script)}};
			}),
		);
		const fee = known ? {fee: new Amount(spent - tx.outputs.reduce((sum, o) => sum + o.value, 0n))} : {};
		return {...json, vin, ...fee};
	};
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

	const addedNodes = new Set<string>();
	const methods: Record<string, RpcHandler> = {
		getblockchaininfo: () => ({
			chain: net.name,
			blocks: chain.height,
			headers: chain.bestHeader.height,
			bestblockhash: chain.tip.hashHex,
			difficulty: difficultyAt(chain.tip.header.bits, chain.height),
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
			// Core's ParseVerbosity: true/false are 1/0; below 1 is hex, 2 decodes every transaction, 3 and up adds prevouts.
			const verbosity = int(params, 1, 'verbosity', 1);
			const block = await chain.getBlock(e.hash);
			if (!block) throw new RpcError(E.MISC_ERROR, 'Block not available (header only)');
			if (verbosity <= 0) return toHex(block.toRaw());
			return blockJson(block, e, verbosity);
		},
		getchaintips: () => chain.getTips().map(t => ({height: t.height, hash: t.hash, branchlen: t.branchLength, status: t.status})),
		getdifficulty: () => difficultyAt(chain.tip.header.bits, chain.height),
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
		gettxoutsetinfo: async params => {
			// Core's ParseHashType: hash_serialized_3 (the default), muhash (Core's MuHash3072 over
			// its TxOutSer of each coin) or none.
			const hashType = str(params, 0, 'hash_type', 'hash_serialized_3');
			if (hashType !== 'hash_serialized_3' && hashType !== 'muhash' && hashType !== 'none') throw bad(`'${hashType}' is not a valid hash_type`);
			// Core without -coinstatsindex: a past block cannot be asked for, and use_index falls back
			// to reading the set (there is no coinstatsindex here).
			if (arg(params, 1) !== undefined) throw bad('Querying specific block heights requires coinstatsindex');
			bool(params, 2, true);
			const info = await utxoSetInfo(chain, {hashType});
			const hashed = hashType === 'hash_serialized_3' ? {hash_serialized_3: info.hash} : hashType === 'muhash' ? {muhash: info.muhash} : {};
			return {height: info.height, bestblock: info.bestblock, txouts: info.txouts, total_amount: new Amount(info.totalUnits), ...hashed};
		},
		getrawtransaction: async params => {
			const txid = hash(params, 0, 'txid');
			// Core's ParseVerbosity: true/false are 1/0; 2 adds each input's prevout and the fee.
			const verbosity = int(params, 1, 'verbose', 0);
			const verbose = verbosity >= 1;
			const decode = (tx: Transaction, extra: Record<string, unknown>) => (verbosity >= 2 ? withPrevouts(tx, extra) : txJson(tx, extra));
			if (arg(params, 2) !== undefined) {
				// Core: look in that block only, and say whether it is on the active chain.
				const entry = chain.getEntry(hash(params, 2, 'blockhash'));
				if (!entry) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, 'Block hash not found');
				if (entry.height === 0) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, 'The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved');
				const block = await chain.getBlock(entry.hash);
				if (!block) throw new RpcError(E.MISC_ERROR, 'Block not available');
				const tx = block.txs.find(t => t.txid() === txid);
				if (!tx) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, 'No such transaction found in the provided block. Use gettransaction for wallet transactions.');
				if (!verbose) return toHex(tx.toRaw());
				const main = chain.isMain(entry);
				return decode(tx, {in_active_chain: main, hex: toHex(tx.toRaw()), blockhash: entry.hashHex, confirmations: main ? chain.height - entry.height + 1 : 0, time: entry.time, blocktime: entry.time});
			}
			const pooled = mempool.get(txid);
			const located = pooled ? null : await chain.getTx(txid);
			const tx = pooled?.tx ?? located?.tx;
			if (!tx) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, 'No such mempool or blockchain transaction');
			if (!verbose) return toHex(tx.toRaw());
			return decode(tx, {hex: toHex(tx.toRaw()), ...(located ? {blockhash: located.entry.hashHex, confirmations: located.confirmations, time: located.entry.time, blocktime: located.entry.time} : {})});
		},
		decoderawtransaction: params => {
			// Core's iswitness picks which serialisation to try. This chain has one, without witness
			// data, and every transaction has an input, so Core's two readings agree here: either
			// value decodes the same, and only its type is checked.
			bool(params, 1, false);
			return txJson(parseTx(str(params, 0, 'hexstring')));
		},
		sendrawtransaction: async params => {
			const tx = parseTx(str(params, 0, 'hexstring'));
			// Core: DEFAULT_MAX_RAW_TX_FEE_RATE 0.10 per kvB; 0 = no limit; 1 or more per kvB refused.
			const rateArg = arg(params, 1);
			const zero = rateArg instanceof JsonNumber && /^0(\.0*)?$/.test(rateArg.text);
			const maxRate = rateArg === undefined ? 10_000_000n : zero ? 0n : amount(params, 1, net.maxMoney);
			if (maxRate >= 100_000_000n) throw bad('Fee rates larger than or equal to 1BTC/kvB are not accepted');
			// Core: an unspendable output (OP_RETURN, a BPM reading here) may burn at most
			// maxburnamount (default 0).
			const maxBurn = arg(params, 2) === undefined ? 0n : amount(params, 2, net.maxMoney);
			if (tx.outputs.some(o => (o.script[0] === OP.RETURN || o.script.length > MAX_SCRIPT_SIZE) && o.value > maxBurn)) throw new RpcError(E.VERIFY_ERROR, 'Unspendable output exceeds maximum configured by user (maxburnamount)');
			// Core tests acceptance first, then the fee; with no test-accept here, the fee is checked
			// first when every input is known (an unknown input leaves it to the mempool's answer).
			if (maxRate > 0n && !mempool.get(tx.txid())) {
				const fee = await feeOf(tx);
				if (fee !== null && fee > (maxRate * BigInt(tx.getSize())) / 1000n) throw new RpcError(E.VERIFY_ERROR, 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)');
			}
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
			const sequence = bool(params, 1, false);
			if (sequence) {
				if (bool(params, 0, false)) throw bad('Verbose results cannot contain mempool sequence values.');
				return {txids: mempool.all().map(e => e.txid), mempool_sequence: mempool.sequence};
			}
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
				...perMsgBytes(p.id),
				conntime: p.connectedAt,
				banscore: p.banScore,
				addr_processed: p.addrProcessed ?? 0,
				addr_rate_limited: p.addrRateLimited ?? 0,
			})),
		getconnectioncount: () => pool?.connectedPeers.length ?? 0,
		getnetworkinfo: () => ({version: 10000, subversion: '/chain-tui:0.1.0/', protocolversion: 70016, connections: pool?.connectedPeers.length ?? 0, networkactive: pool !== null, localrelay: true, relayfee: new Amount(mempool.minRelayFeeRate * 1000n), verifier: node.verifier.backend?.name ?? 'noble', warnings: ''}),
		getnodeaddresses: params => {
			// Core: 0 = every known address; below 0 refused.
			const count = int(params, 0, 'count', 1);
			if (count < 0) throw bad('Address count out of range');
			// Core's network filter: its names; only ipv4 and ipv6 are ever known here.
			const only = arg(params, 1) === undefined ? null : str(params, 1, 'network').toLowerCase();
			if (only !== null && !['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].includes(only)) throw bad(`Network not recognized: ${str(params, 1, 'network')}`);
			const networkOf = (host: string) => (isIP(host) === 6 ? 'ipv6' : 'ipv4');
			// Unfiltered, the sample is the answer: only as many drawn as asked for.
			const known = (pool?.addrman.sample(only === null && count > 0 ? count : Number.MAX_SAFE_INTEGER) ?? []).filter(a => only === null || networkOf(a.host) === only);
			return known.slice(0, count === 0 ? known.length : count).map(a => ({time: a.lastSeen, services: Number(a.services), address: a.host, port: a.port, network: networkOf(a.host)}));
		},
		addnode: async params => {
			const target = str(params, 0, 'node');
			const command = str(params, 1, 'command');
			if (!pool) throw new RpcError(E.CLIENT_NOT_CONNECTED, 'Error: Peer-to-peer functionality missing or disabled');
			if (command !== 'add' && command !== 'onetry' && command !== 'remove') throw new RpcError(E.MISC_ERROR, "command must be 'add', 'remove' or 'onetry'");
			// Core with -v2transport off (there is no BIP324 here): true is refused, except on remove.
			if (command !== 'remove' && bool(params, 2, false)) throw bad('Error: v2transport requested but not enabled (see -v2transport)');
			// Core keeps a list of added nodes: adding twice or removing one never added is refused.
			if (command === 'remove') {
				if (!addedNodes.delete(target)) throw new RpcError(E.CLIENT_NODE_NOT_ADDED, 'Error: Node could not be removed. It has not been added previously.');
				return null;
			}
			if (command === 'add') {
				if (addedNodes.has(target)) throw new RpcError(E.CLIENT_NODE_ALREADY_ADDED, 'Error: Node already added');
				addedNodes.add(target);
			}
			// Core answers at once and connects in the background; a failed dial is not an RPC error.
			pool.addPeer(target).catch(() => undefined);
			return null;
		},
		setban: params => {
			if (!pool) throw new RpcError(E.CLIENT_NOT_CONNECTED, 'Error: Peer-to-peer functionality missing or disabled');
			const target = str(params, 0, 'subnet');
			const command = str(params, 1, 'command');
			// The one host:port parser; port 0 (none given) bans every port. Core takes an IP only.
			let host: string;
			let port: number;
			try {
				({host, port} = parseHostPort(target, {defaultPort: 0}));
			} catch {
				throw bad(`Error: Invalid IP/Subnet: ${target}`);
			}
			if (isIP(host) === 0) throw bad(`Error: Invalid IP/Subnet: ${target}`);
			if (command === 'add') {
				if (pool.addrman.isBanned(host, port)) throw new RpcError(E.CLIENT_NODE_ALREADY_ADDED, 'Error: IP/Subnet already banned');
				// Core: bantime 0 is the default 24 h; with absolute, bantime is the unix time it ends.
				const bantime = int(params, 2, 'bantime', 0);
				let seconds = bantime || 86_400;
				if (bool(params, 3, false)) {
					const now = pool.addrman.clock();
					if (bantime < now) throw bad('Error: Absolute timestamp is in the past');
					seconds = bantime - now;
				}
				pool.addrman.ban(host, port, seconds);
				for (const peer of pool.connectedPeers) if (peer.host === host && (!port || peer.port === port || peer.listenPort === port)) peer.close('banned by RPC');
				return null;
			}
			if (command === 'remove') {
				// The ban is kept under banKey (a private address keeps its port, 0 = any).
				if (!pool.addrman.unban(banKey(host, port)) && !pool.addrman.unban(target) && !pool.addrman.unban(host)) throw new RpcError(-30, 'Error: Unban failed');
				return null;
			}
			throw bad("command must be 'add' or 'remove'");
		},
		disconnectnode: params => {
			if (!pool) throw new RpcError(E.CLIENT_NOT_CONNECTED, 'Error: Peer-to-peer functionality missing or disabled');
			const target = arg(params, 0);
			const id = arg(params, 1);
			// Core: exactly one of address and nodeid (an empty address counts as none).
			if ((target !== undefined && target !== '') === (id !== undefined)) throw new RpcError(E.INVALID_PARAMS, 'Only one of address and nodeid should be provided.');
			const peer = pool.connectedPeers.find(p => (typeof target === 'string' && target !== '' ? p.address === target : id instanceof JsonNumber && p.id === id.toNumber()));
			if (!peer) throw new RpcError(E.CLIENT_NODE_NOT_CONNECTED, 'Node not found in connected nodes');
			peer.close('disconnected by RPC');
			return null;
		},
		listbanned: () => (pool?.addrman.banned() ?? []).map(b => ({address: b.key, banned_until: b.until})),
		getmininginfo: () => {
			const s = miner.getStatus();
			return {blocks: chain.height, difficulty: difficultyAt(chain.tip.header.bits, chain.height), networkhashps: networkHashps(120, -1), pooledtx: mempool.size, chain: net.name, generate: s.running, genproclimit: s.threads, localhashps: s.rate, kernel: s.kernel, warnings: ''};
		},
		getnetworkhashps: params => networkHashps(int(params, 0, 'nblocks', 120), int(params, 1, 'height', -1)),
		generatetoaddress: async params => {
			const n = int(params, 0, 'nblocks');
			const to = str(params, 1, 'address');
			if (!minesOnDemand(net)) throw new RpcError(E.MISC_ERROR, 'generatetoaddress mines instantly on regtest only; use setgenerate true');
			if (net.stake && chain.height + n > net.stake.powBlocks) {
				const left = Math.max(0, net.stake.powBlocks - chain.height);
				throw new RpcError(E.MISC_ERROR, `${net.name} is proof of stake: blocks 1-${net.stake.powBlocks} are mined, the rest staked (setstaking true); ${left} mined block${left === 1 ? '' : 's'} left`);
			}
			let hash160: Uint8Array;
			try {
				hash160 = decodeAddress(to, version);
			} catch (error) {
				throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Error: Invalid address: ${(error as Error).message}`);
			}
			// Core: maxtries (default 1,000,000) is the nonces tried over the whole call; when they
			// run out it returns the blocks found so far. A block is only started while tries remain.
			let tries = int(params, 2, 'maxtries', 1_000_000);
			const out: string[] = [];
			for (let i = 0; i < n && tries > 0; i++) {
				const before = miner.getStatus().hashes;
				const [block] = await miner.generate(1, p2pkhScript(hash160));
				tries -= Math.max(1, miner.getStatus().hashes - before);
				out.push(block!.hashHex());
			}
			return out;
		},
		setgenerate: async params => {
			let on = bool(params, 0, true);
			// Core (0.12, the last with setgenerate): genproclimit -1 = every core, 0 = off.
			if (arg(params, 1) !== undefined) {
				const limit = int(params, 1, 'genproclimit');
				if (limit === 0) on = false;
				else miner.setThreads(Math.min(64, limit < 0 ? availableParallelism() : limit));
			}
			if (on) {
				try {
					await node.startMining();
				} catch (error) {
					if (error instanceof MiningRefusedError) throw new RpcError(E.MISC_ERROR, error.message);
					throw error;
				}
			} else miner.stop();
			return null;
		},
		setstaking: params => {
			// Blackcoin's `staking true|false`, named as the issue asks. Required, as Core's
			// setgenerate's first parameter is.
			if (arg(params, 0) === undefined) throw new RpcError(E.INVALID_PARAMS, 'setstaking needs true or false');
			const on = bool(params, 0, false);
			const staker = node.staker;
			if (!staker) throw new RpcError(E.MISC_ERROR, `${net.name} is proof of work: nothing to stake (use setgenerate)`);
			if (on && wallet.keystore.locked) throw new RpcError(E.WALLET_UNLOCK_NEEDED, 'Error: Please enter the wallet passphrase with walletpassphrase first.');
			if (on) staker.start();
			else staker.stop();
			return null;
		},
		getstakinginfo: () => {
			const staker = node.staker;
			if (!staker) throw new RpcError(E.MISC_ERROR, `${net.name} is proof of work: nothing is staked`);
			const st = staker.status();
			return {
				enabled: st.enabled,
				staking: st.staking,
				errors: st.reason === null ? '' : NOT_STAKING[st.reason],
				// Beyond Blackcoin's fields, for clients that show it (the lab's node view): why not, as a code.
				reason: st.reason,
				coins: st.coins,
				chance_per_slot: st.chancePerSlot,
				pooledtx: mempool.size,
				difficulty: difficultyOf(st.bits, net.stake!.limit),
				'search-interval': net.stake!.slot,
				weight: Number(st.weight),
				netstakeweight: Number(st.netWeight),
				expectedtime: st.expectedSeconds === null ? 0 : Math.round(st.expectedSeconds),
				blocks_won: st.won,
				blocks_expected: Number(st.expected.toFixed(3)),
				slots_tried: st.slotsTried,
			};
		},
		getnewaddress: params => {
			// Core: the label as given ('' by default); '*' is reserved. The wallet needs a name, so
			// Core's empty label is stored as "rpc".
			const label = str(params, 0, 'label', '');
			if (label === '*') throw new RpcError(E.WALLET_INVALID_LABEL_NAME, 'Invalid label name');
			// Core's output types; this wallet makes legacy (P2PKH) addresses only.
			const type = str(params, 1, 'address_type', 'legacy');
			if (!['legacy', 'p2sh-segwit', 'bech32', 'bech32m'].includes(type)) throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Unknown address type '${type}'`);
			if (type !== 'legacy') throw bad(`this wallet makes legacy (P2PKH) addresses only: no ${type} (this chain has no segwit)`);
			return walletCall(() => wallet.createAddress(label === '' ? 'rpc' : label));
		},
		getbalance: async params => {
			// Core (wallet/rpc/coins.cpp): dummy must be left out or "*" (-32); the trusted balance of
			// outputs with at least minconf confirmations (0, the default, takes in unconfirmed ones
			// whose inputs are all ours); immature coinbase never. There are no watch-only keys, so
			// include_watchonly adds nothing; avoid_reuse as GetAvoidReuseFlag.
			const dummy = arg(params, 0);
			if (dummy !== undefined && dummy !== '*') throw new RpcError(-32, 'dummy first argument must be excluded or set to "*".');
			const minconf = int(params, 1, 'minconf', 0);
			bool(params, 2, false);
			avoidReuse(params, 3);
			const coins = await availableCoins({minconf, maxconf: Infinity, only: null, includeUnsafe: false, includeImmature: false, take: () => true});
			const total = coins.reduce((sum, c) => sum + c.value, 0n);
			return new Amount(total);
		},
		getbalances: async () => {
			const all = await wallet.addresses();
			const sum = (k: 'confirmed' | 'unconfirmed' | 'immature') => new Amount(all.reduce((s, a) => s + a[k], 0n));
			return {mine: {trusted: sum('confirmed'), untrusted_pending: sum('unconfirmed'), immature: sum('immature')}};
		},
		listunspent: async params => {
			// Core (wallet/rpc/coins.cpp): minconf 1, maxconf 9999999, an address filter, unsafe
			// (unconfirmed and not all our own inputs) included unless include_unsafe is false;
			// immature coinbase outputs are left out; so is anything the mempool spends.
			const minconf = int(params, 0, 'minconf', 1);
			const maxconf = int(params, 1, 'maxconf', 9_999_999);
			const filter = arg(params, 2);
			const includeUnsafe = bool(params, 3, true);
			// Core's query_options, checked strictly (an unknown key -3).
			const q = queryOptions(arg(params, 4));
			let only: Set<string> | null = null;
			if (filter !== undefined) {
				if (!Array.isArray(filter)) throw new RpcError(E.TYPE_ERROR, 'Expected type array for addresses');
				only = new Set();
				for (const a of filter) {
					if (typeof a !== 'string') throw new RpcError(E.TYPE_ERROR, 'Expected type string for an address');
					try {
						decodeAddress(a, version);
					} catch {
						throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Invalid Bitcoin address: ${a}`);
					}
					if (only.has(a)) throw bad(`Invalid parameter, duplicated address: ${a}`);
					only.add(a);
				}
			}
			const coins = await availableCoins({minconf, maxconf, only, includeUnsafe, includeImmature: q.includeImmature, take: value => q.take(value)});
			const out = coins.map(c => ({txid: c.txid, vout: c.vout, address: c.address, label: c.label, scriptPubKey: toHex(c.script), amount: new Amount(c.value), confirmations: c.confirmations, spendable: true, solvable: true, safe: c.safe}));
			return out;
		},
		listtransactions: async params => {
			// Core: label '*' (default) = all, else that label only; the newest `count` after skipping
			// the newest `skip`, oldest first.
			const label = str(params, 0, 'label', '*');
			const count = int(params, 1, 'count', 10);
			const skip = int(params, 2, 'skip', 0);
			// No watch-only keys here: including them adds nothing (only the type is checked).
			bool(params, 3, false);
			if (count < 0) throw bad('Negative count');
			if (skip < 0) throw bad('Negative from');
			const items = [];
			for (const a of await wallet.addresses()) {
				if (label !== '*' && a.label !== label) continue;
				for (const h of await wallet.history(a.address)) {
					// Core's WalletTxToJSON: a payment's comment and comment_to on each of its entries.
					const note = wallet.keystore.note(h.txid);
					items.push({address: a.address, category: h.kind === 'received' ? 'receive' : 'send', amount: new Amount(h.kind === 'received' ? h.value : -h.value), label: a.label, txid: h.txid, confirmations: h.height === null ? 0 : chain.height - h.height + 1, blockheight: h.height ?? undefined, comment: note?.comment, to: note?.to});
				}
			}
			// Oldest first: by height, unconfirmed last (a stable sort keeps each block's order).
			items.sort((x, y) => (x.blockheight ?? Infinity) - (y.blockheight ?? Infinity));
			return items.slice(Math.max(0, items.length - skip - count), items.length - skip);
		},
		sendtoaddress: params =>
			walletCall(async () => {
				const to = str(params, 0, 'address');
				try {
					decodeAddress(to, version);
				} catch (error) {
					throw new RpcError(E.INVALID_ADDRESS_OR_KEY, `Invalid address: ${(error as Error).message}`);
				}
				const value = amount(params, 1, net.maxMoney);
				// Core keeps comment and comment_to in the wallet, not the transaction (empty = none);
				// listtransactions shows them as comment and to.
				const comment = str(params, 2, 'comment', '');
				const commentTo = str(params, 3, 'comment_to', '');
				const note = {...(comment === '' ? {} : {comment}), ...(commentTo === '' ? {} : {to: commentTo})};
				const subtractFee = bool(params, 4, false);
				const replaceable = arg(params, 5) === undefined ? undefined : bool(params, 5, false);
				// Core's SetFeeEstimateMode, in its order.
				const confTarget = arg(params, 6);
				const mode = arg(params, 7) === undefined ? undefined : str(params, 7, 'estimate_mode').toLowerCase();
				const rate = arg(params, 9) === undefined ? undefined : feeRateMilli(params, 9);
				if (rate !== undefined) {
					if (confTarget !== undefined) throw bad('Cannot specify both conf_target and fee_rate. Please provide either a confirmation target in blocks for automatic fee estimation, or an explicit fee rate.');
					if (mode !== undefined && mode !== 'unset') throw bad('Cannot specify both estimate_mode and fee_rate');
				}
				if (mode !== undefined && !['unset', 'economical', 'conservative'].includes(mode)) throw bad('Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"');
				// No fee estimator here: the wallet pays 1 unit a byte, or fee_rate.
				if (confTarget !== undefined) throw bad('conf_target is not supported: this node has no fee estimator (it pays 1 unit a byte; give fee_rate)');
				if (mode !== undefined && mode !== 'unset') throw bad(`estimate_mode ${mode} is not supported: this node has no fee estimator (it pays 1 unit a byte; give fee_rate)`);
				avoidReuse(params, 8);
				const verbose = bool(params, 10, false);
				const tx = await wallet.send({
					to,
					amount: value,
					feeRate: 1n,
					...(rate === undefined ? {} : {feeRateMilli: rate}),
					subtractFee,
					...(Object.keys(note).length > 0 ? {note} : {}),
					// Core: unset, an explicit fee_rate signals; otherwise the wallet's default (no signal:
					// this mempool replaces nothing).
					replaceable: replaceable ?? rate !== undefined,
				});
				if (!verbose) return tx.txid();
				// Core's fee_reason: the fixed rate stands in for Core's fallback fee.
				return {txid: tx.txid(), fee_reason: rate === undefined ? 'Fallback fee' : 'PayTxFee set'};
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
				const passphrase = str(params, 0, 'passphrase');
				if (passphrase === '') throw bad('passphrase cannot be empty');
				await wallet.keystore.encrypt(passphrase);
				return 'wallet encrypted; the keys are locked until walletpassphrase';
			}),
		walletpassphrase: params =>
			walletCall(async () => {
				if (!wallet.keystore.encrypted) throw new RpcError(E.WALLET_WRONG_ENC_STATE, 'Error: running with an unencrypted wallet, but walletpassphrase was called.');
				const passphrase = str(params, 0, 'passphrase');
				const timeout = int(params, 1, 'timeout');
				if (passphrase === '') throw bad('passphrase cannot be empty');
				if (timeout < 0) throw bad('Timeout cannot be negative.');
				// Core caps the timeout at 100,000,000 s, and 0 checks the passphrase and locks again at once.
				await wallet.keystore.unlock(passphrase, Math.min(Math.max(timeout, 1), 100_000_000));
				if (timeout === 0) wallet.keystore.lock();
				return null;
			}),
		walletpassphrasechange: params =>
			walletCall(async () => {
				const old = str(params, 0, 'oldpassphrase');
				const next = str(params, 1, 'newpassphrase');
				if (old === '' || next === '') throw bad('passphrase cannot be empty');
				await wallet.keystore.changePassphrase(old, next);
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
		stop: async params => {
			// Core's hidden wait: the reply comes that many ms later. Core asks for the shutdown first
			// and its HTTP server lets the reply out; ours closes every socket, so it waits first.
			const wait = arg(params, 0) === undefined ? 0 : int(params, 0, 'wait');
			if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
			setImmediate(stop);
			return 'chain-tui stopping';
		},
		help: params => {
			// Core: help <command> gives that command's help; an unknown one is answered, not refused.
			if (arg(params, 0) === undefined) return Object.keys(methods).sort().join('\n');
			const command = str(params, 0, 'command');
			if (!Object.hasOwn(methods, command)) return `help: unknown command: ${command}\n`;
			return helpText(command);
		},
	};

	/** Core's listunspent query_options: amounts bound each output, a count and a sum end the list. */
	function queryOptions(v: JsonValue | undefined): {includeImmature: boolean; take: (value: bigint) => boolean} {
		if (v === undefined) return {includeImmature: false, take: () => true};
		if (typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber) throw new RpcError(E.TYPE_ERROR, 'Expected type object for query_options');
		const o = v as Record<string, JsonValue>;
		for (const k of Object.keys(o)) {
			if (!['minimumAmount', 'maximumAmount', 'maximumCount', 'minimumSumAmount', 'include_immature_coinbase'].includes(k)) throw new RpcError(E.TYPE_ERROR, `Unexpected key ${k}`);
		}
		const amountOf = (k: string) => (o[k] === undefined || o[k] === null ? undefined : amount([o[k]], 0, net.maxMoney));
		const min = amountOf('minimumAmount') ?? 0n;
		const max = amountOf('maximumAmount');
		const sumAt = amountOf('minimumSumAmount');
		// Core: 0 (and, read as unsigned, any negative count) is no limit.
		const given = o.maximumCount === undefined || o.maximumCount === null ? 0 : int([o.maximumCount], 0, 'maximumCount');
		const count = given > 0 ? given : undefined;
		let taken = 0;
		let sum = 0n;
		return {
			includeImmature: o.include_immature_coinbase === undefined ? false : bool([o.include_immature_coinbase], 0, false),
			take: value => {
				if (value < min || (max !== undefined && value > max)) return false;
				if ((count !== undefined && taken >= count) || (sumAt !== undefined && sum >= sumAt)) return false;
				taken++;
				sum += value;
				return true;
			},
		};
	}

	/** Core's CachedTxIsTrusted for an unconfirmed transaction: every input ours, parents trusted. */
	/**
	 * The wallet's spendable outputs, as Core's AvailableCoins: confirmed ones within minconf..maxconf,
	 * then (minconf 0) the mempool's, `safe` when all their inputs are ours; whatever the mempool
	 * spends, immature coinbase (unless asked for) and what `take` refuses are left out. listunspent
	 * lists them (`only`: those addresses); getbalance adds them up.
	 */
	async function availableCoins(o: {minconf: number; maxconf: number; only: ReadonlySet<string> | null; includeUnsafe: boolean; includeImmature: boolean; take: (value: bigint) => boolean}) {
		const ours = await wallet.addresses();
		const mine = ours.filter(a => !o.only || o.only.has(a.address));
		const owner = (script: Uint8Array) => {
			const h = p2pkhHash(script);
			return h ? mine.find(a => equalBytes(a.hash, h)) : undefined;
		};
		const isOurs = (script: Uint8Array) => {
			const h = p2pkhHash(script);
			return h !== null && ours.some(a => equalBytes(a.hash, h));
		};
		const out: {txid: string; vout: number; address: string; label: string; script: Uint8Array; value: bigint; confirmations: number; safe: boolean}[] = [];
		for (const a of mine) {
			for (const {prevout, coin} of await chain.getAddressCoins(a.hash)) {
				if (mempool.spender(prevout)) continue;
				if (coin.coinbase && chain.height + 1 - coin.height < net.coinbaseMaturity && !o.includeImmature) continue;
				const confirmations = chain.height - coin.height + 1;
				if (confirmations < o.minconf || confirmations > o.maxconf) continue;
				if (!o.take(coin.value)) continue;
				out.push({txid: hashToHex(prevout.txid), vout: prevout.index, address: a.address, label: a.label, script: coin.script, value: coin.value, confirmations, safe: true});
			}
		}
		if (o.minconf <= 0 && o.maxconf >= 0) {
			for (const entry of mempool.all()) {
				const safe = await trusted(entry.tx, isOurs, 0);
				if (!safe && !o.includeUnsafe) continue;
				entry.tx.outputs.forEach((output, index) => {
					const a = owner(output.script);
					if (!a || mempool.spender(new OutPoint(hexToHash(entry.txid), index))) return;
					if (!o.take(output.value)) return;
					out.push({txid: entry.txid, vout: index, address: a.address, label: a.label, script: output.script, value: output.value, confirmations: 0, safe});
				});
			}
		}
		return out;
	}

	async function trusted(tx: Transaction, isOurs: (script: Uint8Array) => boolean, depth: number): Promise<boolean> {
		if (depth > 100) return false;
		for (const input of tx.inputs) {
			const parentId = hashToHex(input.prevout.txid);
			const pooled = mempool.get(parentId);
			const parent = pooled?.tx ?? (await chain.getTx(parentId))?.tx;
			const output = parent?.outputs[input.prevout.index];
			if (!output || !isOurs(output.script)) return false;
			if (pooled && !(await trusted(pooled.tx, isOurs, depth + 1))) return false;
		}
		return true;
	}

	/** The fee a transaction pays, or null while an input is unknown (then the mempool says why). */
	async function feeOf(tx: Transaction): Promise<bigint | null> {
		let inputs = 0n;
		for (const input of tx.inputs) {
			const coin = await mempool.getCoin(input.prevout);
			if (!coin) return null;
			inputs += coin.value;
		}
		return inputs - tx.outputs.reduce((sum, o) => sum + o.value, 0n);
	}

	/** Core's bytessent_per_msg / bytesrecv_per_msg: bytes (header included) per message type. */
	function perMsgBytes(id: number) {
		const peer = pool?.connectedPeers.find(p => p.id === id);
		return {bytessent_per_msg: {...peer?.stats.bytesOutPerMsg}, bytesrecv_per_msg: {...peer?.stats.bytesInPerMsg}};
	}

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

/** `help <command>`: its usage, the parameters in order (Core's help begins with the same line). */
export function helpText(command: string): string {
	const names = PARAM_NAMES[command] ?? [];
	return `${usageLine(command, names)}\n\n${names.length === 0 ? 'Takes no parameters.' : `Parameters, in order (or by name): ${names.join(', ')}.`}\n`;
}
