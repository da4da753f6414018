/**
 * What the binary does once its command line is checked (config.ts): one RPC call, or a node with
 * the screen or headless. Failures at start that are bad input (a taken port, a datadir of the
 * wrong shape, a damaged wallet) are one plain line on stderr and exit code 2, decided by the
 * error's type and code.
 */
import {join} from 'node:path';
import type {NodeConfig, RpcCallConfig} from './config.js';
import {FullNode, RpcStartError} from './node/node.js';
import {DebugLog, StdStream, logNodeEvents} from './node/log.js';
import {NodeStore} from './store/store.js';
import {callRpc} from './node/rpc/client.js';
import {AddressError} from './node/crypto/address.js';
import {WalletError} from './node/wallet/keystore.js';
import {formatAmount} from './node/wallet/amount.js';
import {DatadirError, StorageError} from './node/errors.js';
import {ListenError} from './node/net/connections.js';
import {fsReason} from './node/util/datadir.js';
import {MiningRefusedError} from './node/mining/miner.js';

export interface Streams {
	readonly stdout: StdStream;
	readonly stderr: StdStream;
}

/** Bad input at start: one line, exit code 2 (3: the disk is full or would not take a write). */
export function fail(streams: Streams, message: string, code = 2): never {
	streams.stderr.write(`chain-tui: ${message}\n`);
	process.exit(code);
}

export async function runRpcCall(config: RpcCallConfig, streams: Streams): Promise<never> {
	try {
		const out = await callRpc({port: config.port, datadir: config.datadir, method: config.method, args: config.args, ...(config.credentials ?? {})});
		streams.stdout.write(`${out}\n`);
		process.exit(0);
	} catch (error) {
		streams.stderr.write(`${(error as Error).message}\n`);
		process.exit(1);
	}
}

/** The one-line message for an error at start that is bad input, or null for a real fault. */
function startFailure(error: unknown): string | null {
	if (error instanceof DatadirError || error instanceof WalletError || error instanceof AddressError || error instanceof RpcStartError) return error.message;
	if (error instanceof ListenError) {
		switch (error.code) {
			case 'port-in-use':
				return `${error.message}: stop that one or pick another --port`;
			case 'listen-failed':
				return error.message;
		}
	}
	// A file-system call that failed where no check caught it first: its errno code says why.
	const errno = error as NodeJS.ErrnoException | null;
	if (errno instanceof Error && typeof errno.code === 'string' && typeof errno.syscall === 'string') {
		return `cannot ${errno.syscall}${errno.path ? ` ${errno.path}` : ''}: ${fsReason(errno)}`;
	}
	return null;
}

/** The process's start, the default start of a fast clock (--clock-speed without --clock-start). */
const startedMs = Date.now();

/**
 * --clock-speed: the node's clock (block times, the staker's slots, the mempool's and the peers'
 * seconds) runs `speed` times the wall's from `startMs`, and the staker tries once per slot of it.
 */
function fastClock(config: NodeConfig): {now?: () => number; stakeTickMs?: number} {
	if (!config.clock) return {};
	const {speed} = config.clock;
	const start = config.clock.startMs ?? startedMs;
	const slot = config.network.stake?.slot;
	return {now: () => Math.floor((start + (Date.now() - start) * speed) / 1000), ...(slot ? {stakeTickMs: Math.max(10, Math.floor((slot * 1000) / speed))} : {})};
}

export async function runNode(config: NodeConfig, streams: Streams, version: string): Promise<void> {
	const {network, datadir} = config;
	const {stdout, stderr} = streams;
	const headless = config.headless || !process.stdout.isTTY || !process.stdin.isTTY;

	// With a screen: say at once what is happening (the screen takes a second to load), and load it
	// while the datadir opens. React's production build unless told otherwise: the development build
	// takes several times the CPU per redraw, which a node validating hundreds of transactions a
	// second cannot spare.
	let screenModule: Promise<typeof import('./screen.js')> | null = null;
	if (!headless) {
		stderr.write(`chain-tui ${version} ${network.name}: opening ${datadir} …\n`);
		process.env.NODE_ENV ??= 'production';
		screenModule = import('./screen.js');
		screenModule.catch(() => undefined); // an import error is reported where it is awaited
	}
	const clock = fastClock(config);
	let node: FullNode;
	try {
		node = await FullNode.open({
			...clock,
			network,
			datadir,
			threads: config.threads,
			kernel: config.kernel,
			verifier: config.verifier,
			port: config.port,
			peers: config.peers,
			connect: config.connect,
			pingTimeoutMs: config.pingTimeoutMs,
			maxMempool: config.maxMempool,
			reindex: config.reindex,
			stake: config.stake,
			...(config.walletPath ? {walletPath: config.walletPath} : {}),
			...(config.miningAddress ? {miningAddress: config.miningAddress} : {}),
			...(config.rpc ? {rpc: {port: config.rpc.port, ...(config.rpc.host ? {host: config.rpc.host} : {}), ...(config.rpc.credentials ?? {}), ...config.rpc.limits}} : {}),
		});
	} catch (error) {
		// Damaged: bad input at start (2); disk full or a failed write: 3.
		if (error instanceof StorageError) fail(streams, error.message, error.code === 'corrupt' ? 2 : 3);
		const message = startFailure(error);
		if (message !== null) fail(streams, message);
		throw error;
	}

	// Signals and crashes are handled from here on, before anything else starts.
	let stopping = false;
	let restoreTerminal = () => {};
	// Headless: one log line per event on stdout and in debug.log. With the screen: debug.log and
	// the log pane only, never over the screen.
	const jsonLog = headless && config.jsonLog;
	const log = new DebugLog(join(datadir, 'debug.log'), headless && !jsonLog ? line => stdout.write(`${line}\n`) : undefined);
	const store = headless ? null : new NodeStore({node, datadir});
	/** With --json-log, stdout gets one object per event; debug.log keeps the readable line. */
	const emitJson = (event: Record<string, unknown>) => {
		if (jsonLog) stdout.write(`${JSON.stringify({time: new Date().toISOString(), ...event}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
	};
	const note = (line: string) => {
		log.write(line);
		emitJson({type: 'message', message: line});
	};

	async function shutdown(reason: string, code = 0): Promise<void> {
		if (stopping) return;
		stopping = true;
		// Whatever hangs, the process goes within 10 s.
		setTimeout(() => process.exit(code), 10_000).unref();
		note(`${reason}: shutting down`);
		restoreTerminal();
		await node.close().catch(error => log.write(`while closing: ${(error as Error).message}`));
		store?.close();
		note('stopped cleanly');
		if (!headless) stdout.write(`chain-tui stopped (${reason}). Log: ${join(datadir, 'debug.log')}\n`);
		process.exit(code);
	}
	node.on('stop', () => void shutdown('stop (RPC)'));
	// A failed write (disk full): the chain writes nothing more; stop cleanly, exit code 3.
	node.chain.on('fatal', error => void shutdown(error.message, 3));
	if (node.chain.failure) void shutdown(node.chain.failure.message, 3); // failed before the listener
	process.on('SIGINT', () => void shutdown('SIGINT'));
	process.on('SIGTERM', () => void shutdown('SIGTERM'));
	process.on('SIGHUP', () => void shutdown('SIGHUP'));
	// A crash: the error goes to debug.log, the terminal comes back, no stack trace on screen.
	const crash = (error: unknown) => {
		if (stopping) return; // errors while going down (a dead terminal) are expected
		log.write(`crash: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		restoreTerminal();
		if (!headless) stderr.write(`chain-tui hit an unexpected error: ${error instanceof Error ? error.message : String(error)}\nDetails are in ${join(datadir, 'debug.log')}\n`);
		void shutdown('crash', 1);
	};
	process.on('uncaughtException', crash);
	process.on('unhandledRejection', crash);
	// A stream that went away: headless, the node carries on (debug.log has every line); the
	// screen's stdout gone means the terminal is gone.
	const streamClosed = (name: string, code: string) => {
		log.write(`${name} closed (${code}): writing there stopped; debug.log goes on`);
		if (!headless && name === 'stdout') void shutdown('terminal closed');
	};
	for (const [name, stream] of [['stdout', stdout], ['stderr', stderr]] as const) {
		if (stream.closed !== null) streamClosed(name, stream.closed);
		stream.onClose = code => streamClosed(name, code);
	}

	logNodeEvents(node, (line, event) => {
		log.write(line);
		store?.log(line);
		emitJson(event);
	});
	const tip = node.chain.tip;
	note(`chain-tui ${version} ${network.name}: datadir ${datadir}`);
	note(`height ${node.chain.height}, tip ${tip.hashHex}, ${new Date(tip.time * 1000).toISOString()}`);
	const resumed = node.chain.resumed;
	if (resumed) {
		note(`resumed after an interruption: ${resumed.disconnected} block(s) disconnected, ${resumed.connected} connected, height ${resumed.from.height} -> ${resumed.to.height}`);
	}
	// Balances read every coin of every address (a second on a long chain): with a screen, not before
	// its first frame; headless, in its place among the start-up lines.
	const walletNote = node.wallet
		.addresses()
		.then(addresses => note(`wallet ${node.wallet.keystore.path}: ${addresses.length} addresses, ${formatAmount(addresses.reduce((sum, a) => sum + a.confirmed, 0n))} confirmed`))
		.catch(error => note(`wallet ${node.wallet.keystore.path}: ${(error as Error).message}`));
	if (headless) await walletNote;

	if (node.rpc && config.rpc) {
		note(`JSON-RPC on ${config.rpc.host ?? '127.0.0.1'}:${node.rpc.port}${config.rpc.credentials ? '' : ` (cookie in ${join(datadir, '.cookie')})`}`);
	}
	note(`listening on port ${node.pool?.port ?? config.port}`);
	if (config.mine) {
		try {
			await node.startMining();
			note(`mining with ${config.threads} thread(s), kernel ${config.kernel}`);
		} catch (error) {
			if (!(error instanceof MiningRefusedError)) throw error;
			note(`not mining: ${error.message}`);
		}
	}
	if (config.clock) note(`clock: ${config.clock.speed} times the wall's, from ${new Date(config.clock.startMs ?? startedMs).toISOString()} (--clock-speed)`);
	if (config.stake) note(node.wallet.keystore.locked ? 'staking: waiting for the wallet passphrase to sign blocks' : 'staking: the wallet\'s mature coins try every slot');

	if (store && screenModule) {
		const {showScreen} = await screenModule;
		// The terminal went away (window closed, tmux killed): stop, rather than spin on a dead TTY.
		process.stdin.on('end', () => void shutdown('terminal closed'));
		process.stdin.on('error', () => void shutdown('terminal closed'));
		const screen = showScreen({node, store, mouse: config.mouse, onQuit: () => void shutdown('quit')});
		restoreTerminal = () => screen.restore();
	}
}
