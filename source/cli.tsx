#!/usr/bin/env node
import meow from 'meow';
import {join} from 'node:path';
import {FullNode} from './node/node.js';
import {DebugLog, logNodeEvents} from './node/log.js';
import {NodeStore} from './store/store.js';
import {RpcServer} from './node/rpc/server.js';
import {PARAM_NAMES, rpcMethods} from './node/rpc/methods.js';
import {callRpc} from './node/rpc/client.js';
import {AddressError} from './node/crypto/address.js';
import {WalletError} from './node/wallet/keystore.js';
import {formatAmount} from './node/wallet/amount.js';
import {NETWORKS, networkByName} from './node/consensus/networks.js';
import {DatadirError} from './node/errors.js';
import {defaultDatadir} from './node/util/datadir.js';
import {chooseKernel, type KernelChoice, type KernelName} from './node/mining/kernels.js';
import {chooseBackend, type BackendChoice, type BackendName} from './node/verify/backends.js';

const cli = meow(
	`
	Usage
	  $ chain-tui [options]
	  $ chain-tui rpc <method> [params…]   call a running node's JSON-RPC (finds it by --network/--port/--datadir)

	Options
	  --port N             P2P port (default: the network's, 1111 on main)
	  --peer host:port     connect to a peer (repeatable)
	  --network NAME       main (default) or regtest
	  --datadir DIR        data directory (default: ~/.chain-tui/<network>/<port>)
	  --reindex            rebuild the chain state from the stored blocks
	  --wallet FILE        keystore file (default: <datadir>/wallet.json); one file can serve several nodes
	  --threads N          mining threads (default 1)
	  --kernel K           mining kernel: auto (default: simd where WebAssembly SIMD runs), simd or js
	  --verifier V         signature checks: auto (default: native libsecp256k1, else wasm, else noble), native, wasm or noble
	  --maxmempool MB      mempool limit in megabytes of estimated memory (default 50)
	  --mine               start mining (to --address, else the wallet's first address)
	  --address ADDR       address the miner pays
	  --rpc-port N         JSON-RPC port (default: P2P port + 1000); --no-rpc turns the server off
	  --rpc-bind HOST      interface for JSON-RPC (default 127.0.0.1 only)
	  --rpc-user U, --rpc-password P   credentials instead of the cookie in <datadir>/.cookie
	  --headless           no screen: one log line per event on stdout (and debug.log)
	  --json-log           with --headless: one JSON object per event instead
	  --no-mouse           leave the mouse to the terminal (its own selection) instead of clicks and the wheel

	Keys (on the screen): ? shows them all; q quits.
	  --help               show this help
	  --version            show the version

	Examples
	  $ chain-tui --port 1111
	  $ chain-tui --port 1112 --peer 127.0.0.1:1111
`,
	{
		importMeta: import.meta,
		allowUnknownFlags: false,
		flags: {
			port: {type: 'number'},
			peer: {type: 'string', isMultiple: true},
			network: {type: 'string', default: 'main'},
			datadir: {type: 'string'},
			reindex: {type: 'boolean', default: false},
			wallet: {type: 'string'},
			threads: {type: 'number', default: 1},
			kernel: {type: 'string', default: 'auto'},
			verifier: {type: 'string', default: 'auto'},
			maxmempool: {type: 'number', default: 50},
			mine: {type: 'boolean', default: false},
			address: {type: 'string'},
			headless: {type: 'boolean', default: false},
			jsonLog: {type: 'boolean', default: false},
			mouse: {type: 'boolean', default: true},
			rpcPort: {type: 'number'},
			rpc: {type: 'boolean', default: true},
			rpcBind: {type: 'string'},
			rpcUser: {type: 'string'},
			rpcPassword: {type: 'string'},
		},
	},
);

function fail(message: string): never {
	process.stderr.write(`chain-tui: ${message}\n`);
	process.exit(2);
}

const network = NETWORKS[cli.flags.network] ?? fail(`unknown network "${cli.flags.network}" (expected main or regtest)`);
const port = cli.flags.port ?? network.port;
if (!Number.isInteger(port) || port < 1 || port > 65535) fail('--port must be a whole number from 1 to 65535');
for (const peer of cli.flags.peer ?? []) {
	const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(peer);
	if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) fail(`--peer must be host:port, got "${peer}"`);
}
const datadir = cli.flags.datadir ?? defaultDatadir(networkByName(network.name).name, port);
const {threads, maxmempool} = cli.flags;
if (!Number.isInteger(threads) || threads < 1 || threads > 64) fail('--threads must be a whole number from 1 to 64');
let kernel: KernelName;
try {
	kernel = chooseKernel(cli.flags.kernel as KernelChoice);
} catch (error) {
	fail(`--kernel: ${(error as Error).message}`);
}
let verifier: BackendName;
try {
	verifier = chooseBackend(cli.flags.verifier as BackendChoice).backend.name;
} catch (error) {
	fail(`--verifier: ${(error as Error).message}`);
}
if (!Number.isInteger(maxmempool) || maxmempool < 1 || maxmempool > 100_000) fail('--maxmempool must be a whole number of megabytes from 1 to 100000');
const rpcPort = cli.flags.rpcPort ?? port + 1000;
if (!Number.isInteger(rpcPort) || rpcPort < 1 || rpcPort > 65535) {
	fail(cli.flags.rpcPort === undefined ? `the RPC port would be ${rpcPort} (P2P port + 1000): pick a lower --port or give --rpc-port` : '--rpc-port must be a whole number from 1 to 65535');
}
if (rpcPort === port) fail(`--rpc-port ${rpcPort} is the P2P port: they must differ`);
if ((cli.flags.rpcUser === undefined) !== (cli.flags.rpcPassword === undefined)) fail('--rpc-user and --rpc-password go together');

if (cli.input[0] === 'rpc') {
	const method = cli.input[1];
	if (!method) fail('usage: chain-tui rpc <method> [params…] (try: chain-tui rpc help)');
	try {
		const out = await callRpc({
			port: rpcPort,
			datadir,
			method,
			args: cli.input.slice(2),
			...(cli.flags.rpcUser !== undefined && cli.flags.rpcPassword !== undefined ? {user: cli.flags.rpcUser, password: cli.flags.rpcPassword} : {}),
		});
		process.stdout.write(`${out}\n`);
		process.exit(0);
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n`);
		process.exit(1);
	}
} else if (cli.input.length > 0) {
	fail(`unknown command "${cli.input[0]}" (the one command is rpc; see --help)`);
}

const headless = cli.flags.headless || !process.stdout.isTTY || !process.stdin.isTTY;

// The RPC server starts as soon as the datadir is locked, answering -28 (warming up) until the
// node has loaded; its methods arrive below.
const rpc: RpcServer | null = cli.flags.rpc
	? new RpcServer({
			port: rpcPort,
			...(cli.flags.rpcBind ? {host: cli.flags.rpcBind} : {}),
			datadir,
			...(cli.flags.rpcUser !== undefined && cli.flags.rpcPassword !== undefined ? {user: cli.flags.rpcUser, password: cli.flags.rpcPassword} : {}),
			paramNames: PARAM_NAMES,
		})
	: null;
// With a screen: say at once what is happening (the screen takes a second to load), and load it
// while the datadir opens. React's production build unless told otherwise: the development build
// takes several times the CPU per redraw, which a node validating hundreds of transactions a
// second cannot spare.
let screenModule: Promise<typeof import('./screen.js')> | null = null;
if (!headless) {
	process.stderr.write(`chain-tui ${cli.pkg.version ?? ''} ${network.name}: opening ${datadir} …\n`);
	process.env.NODE_ENV ??= 'production';
	screenModule = import('./screen.js');
	screenModule.catch(() => undefined); // an import error is reported where it is awaited
}
let node: FullNode;
try {
	node = await FullNode.open({
		onLocked: async () => {
			await rpc?.start();
		},
		network,
		datadir,
		threads,
		kernel,
		verifier,
		port,
		peers: cli.flags.peer ?? [],
		maxMempool: maxmempool * 1_000_000,
		reindex: cli.flags.reindex,
		...(cli.flags.wallet ? {walletPath: cli.flags.wallet} : {}),
		...(cli.flags.address ? {miningAddress: cli.flags.address} : {}),
	});
} catch (error) {
	await rpc?.stop().catch(() => undefined);
	if (error instanceof DatadirError || error instanceof WalletError || error instanceof AddressError) fail(error.message);
	if (error instanceof Error && /port .* in use|cannot listen/.test(error.message)) fail(error.message);
	throw error;
}

// Headless: one log line per event on stdout and in debug.log. With the screen: debug.log and
// the log pane only, never over the screen.
const jsonLog = headless && cli.flags.jsonLog;
const log = new DebugLog(join(datadir, 'debug.log'), headless && !jsonLog ? line => process.stdout.write(`${line}\n`) : undefined);
const store = headless ? null : new NodeStore({node, datadir});
/** With --json-log, stdout gets one object per event; debug.log keeps the readable line. */
const emitJson = (event: Record<string, unknown>) => {
	if (jsonLog) process.stdout.write(`${JSON.stringify({time: new Date().toISOString(), ...event}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
};
logNodeEvents(node, (line, event) => {
	log.write(line);
	store?.log(line);
	emitJson(event);
});
const note = (line: string) => {
	log.write(line);
	emitJson({type: 'message', message: line});
};
const tip = node.chain.tip;
note(`chain-tui ${cli.pkg.version ?? ''} ${network.name}: datadir ${datadir}`);
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
// Signals and crashes are handled from here on, before anything else starts.
let stopping = false;
let restoreTerminal = () => {};

async function shutdown(reason: string, code = 0): Promise<void> {
	if (stopping) return;
	stopping = true;
	// Whatever hangs, the process goes within 10 s.
	setTimeout(() => process.exit(code), 10_000).unref();
	note(`${reason}: shutting down`);
	restoreTerminal();
	await rpc?.stop().catch(() => undefined);
	await node.close().catch(error => log.write(`while closing: ${(error as Error).message}`));
	store?.close();
	note('stopped cleanly');
	if (!headless) process.stdout.write(`chain-tui stopped (${reason}). Log: ${join(datadir, 'debug.log')}\n`);
	process.exit(code);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
// A crash: the error goes to debug.log, the terminal comes back, no stack trace on screen.
const crash = (error: unknown) => {
	if (stopping) return; // errors while going down (a dead terminal) are expected
	log.write(`crash: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
	restoreTerminal();
	if (!headless) process.stderr.write(`chain-tui hit an unexpected error: ${error instanceof Error ? error.message : String(error)}\nDetails are in ${join(datadir, 'debug.log')}\n`);
	void shutdown('crash', 1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

if (rpc) {
	rpc.setMethods(rpcMethods({node, startedAt: Math.floor(Date.now() / 1000), stop: () => void shutdown('stop (RPC)')}));
	note(`JSON-RPC on ${cli.flags.rpcBind ?? '127.0.0.1'}:${rpc.port}${cli.flags.rpcUser ? '' : ` (cookie in ${join(datadir, '.cookie')})`}`);
}
note(`listening on port ${node.pool?.port ?? port}`);
if (cli.flags.mine) {
	await node.startMining();
	note(`mining with ${threads} thread(s), kernel ${kernel}`);
}



if (store && screenModule) {
	const {showScreen} = await screenModule;
	// The terminal went away (window closed, tmux killed): stop, rather than spin on a dead TTY.
	process.stdin.on('end', () => void shutdown('terminal closed'));
	process.stdin.on('error', () => void shutdown('terminal closed'));
	const screen = showScreen({node, store, mouse: cli.flags.mouse, onQuit: () => void shutdown('quit')});
	restoreTerminal = () => screen.restore();
}
