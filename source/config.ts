/**
 * The command line, checked: meow's flags and input in, a typed config or a typed error out.
 * Nothing here writes, exits or touches the disk, so every bad value can be tested without
 * spawning the binary (test/unit/config.test.ts).
 */
import {SCENARIO_NETWORKS} from './lab/scenarios/catalog.js';
import {TOPOLOGIES, type Topology} from './lab/topology.js';
import {chooseBackend, type BackendChoice, type BackendName} from './node/verify/backends.js';
import {isIP} from 'node:net';
import type {AnyFlags, TypedFlags} from 'meow';
import {AddressError, decodeAddress} from './node/crypto/address.js';
import {NETWORKS, type NetworkParams} from './node/consensus/networks.js';
import {chooseKernel, type KernelChoice, type KernelName} from './node/mining/kernels.js';
import {parseHostPort} from './node/net/connections.js';
import {DEFAULT_TIMEOUTS} from './node/net/peer.js';
import {defaultDatadir} from './node/util/datadir.js';

export const HELP = `
	Usage
	  $ chain-tui [options]
	  $ chain-tui rpc <method> [params…]   call a running node's JSON-RPC (finds it by --network/--port/--datadir)

	Options
	  --port N             P2P port (default: the network's, 1111 on main)
	  --peer host:port     connect to a peer (repeatable)
	  --connect host:port  connect only to these peers (repeatable), never to addresses learned from peers;
	                       --connect 0: no outbound connections but --peer's
	  --ping-timeout S     drop a peer whose ping goes unanswered S seconds (default 120); pings go every S/4,
	                       so a peer cut off without a word (packets dropped, not refused) goes within 1.25 S
	  --network NAME       main (default), regtest, pos or posregtest (proof of stake)
	  --datadir DIR        data directory (default: ~/.chain-tui/<network>/<port>)
	  --reindex            rebuild the chain state from the stored blocks
	  --wallet FILE        keystore file (default: <datadir>/wallet.json); one file can serve several nodes
	  --threads N          mining threads (default 1)
	  --kernel K           mining kernel: auto (default: simd where WebAssembly SIMD runs), simd or js
	  --verifier V         signature checks: auto (default: native libsecp256k1, else wasm, else noble), native, wasm or noble
	  --maxmempool MB      mempool limit in megabytes of estimated memory (default 50)
	  --mine               start mining (to --address, else the wallet's first address)
	  --address ADDR       address the miner pays
	  --stake              stake (pos and posregtest): the wallet's mature coins try each slot
	  --clock-speed N      test networks (regtest, posregtest): the node's clock runs N times the wall's
	  --clock-start MS     with --clock-speed: from this wall time (Unix ms; default the start), so nodes share one clock
	  --rpc-port N         JSON-RPC port (default: P2P port + 1000); --no-rpc turns the server off
	  --rpc-bind HOST      interface for JSON-RPC (default 127.0.0.1 only)
	  --rpc-user U, --rpc-password P   credentials instead of the cookie in <datadir>/.cookie
	  --rpc-threads N      JSON-RPC calls run at once (default 16, as Core's -rpcthreads)
	  --rpc-work-queue N   calls waiting for a thread before 503 (default 64, Core's -rpcworkqueue)
	  --rpc-timeout S      seconds an idle RPC connection is kept (default 30, Core's -rpcservertimeout)
	  --headless           no screen: one log line per event on stdout (and debug.log)
	  --json-log           with --headless: one JSON object per event instead
	  --no-mouse           leave the mouse to the terminal (its own selection) instead of clicks and the wheel

	The lab (a network of nodes on this machine, on one screen or scripted):
	  chain-tui lab [--nodes N] [--topology line|ring|star|mesh] [--network regtest|main|posregtest] [--datadir DIR]
	  chain-tui lab --headless --scenario partition-heal|deep-reorg|late-joiner|churn|double-spend [same flags]

	Keys (on the screen): ? shows them all; q quits.
	  --help               show this help
	  --version            show the version

	Examples
	  $ chain-tui --port 1111
	  $ chain-tui --port 1112 --peer 127.0.0.1:1111
`;

export const FLAGS = {
	port: {type: 'number'},
	peer: {type: 'string', isMultiple: true},
	connect: {type: 'string', isMultiple: true},
	pingTimeout: {type: 'number'},
	network: {type: 'string', default: 'main'},
	datadir: {type: 'string'},
	reindex: {type: 'boolean', default: false},
	wallet: {type: 'string'},
	threads: {type: 'number', default: 1},
	kernel: {type: 'string', default: 'auto'},
	verifier: {type: 'string', default: 'auto'},
	maxmempool: {type: 'number', default: 50},
	mine: {type: 'boolean', default: false},
	stake: {type: 'boolean', default: false},
	clockSpeed: {type: 'number'},
	clockStart: {type: 'number'},
	nodes: {type: 'number', default: 4},
	topology: {type: 'string', default: 'line'},
	scenario: {type: 'string'},
	address: {type: 'string'},
	headless: {type: 'boolean', default: false},
	jsonLog: {type: 'boolean', default: false},
	mouse: {type: 'boolean', default: true},
	rpcPort: {type: 'number'},
	rpc: {type: 'boolean', default: true},
	rpcBind: {type: 'string'},
	rpcUser: {type: 'string'},
	rpcPassword: {type: 'string'},
	rpcThreads: {type: 'number'},
	rpcWorkQueue: {type: 'number'},
	rpcTimeout: {type: 'number'},
} as const satisfies AnyFlags;

export type Flags = TypedFlags<typeof FLAGS>;

export type ConfigErrorCode =
	| 'missing-value'
	| 'unexpected-value'
	| 'bad-network'
	| 'bad-stake'
	| 'bad-clock'
	| 'bad-port'
	| 'bad-peer'
	| 'bad-ping-timeout'
	| 'bad-datadir'
	| 'bad-wallet'
	| 'bad-threads'
	| 'bad-kernel'
	| 'bad-maxmempool'
	| 'bad-address'
	| 'bad-rpc-port'
	| 'rpc-port-clash'
	| 'bad-rpc-bind'
	| 'bad-rpc-credentials'
	| 'bad-rpc-limit'
	| 'bad-verifier'
	| 'missing-method'
	| 'bad-lab'
	| 'unknown-command';

/** Bad input on the command line: the binary prints the message and exits 2. */
export class ConfigError extends Error {
	override readonly name = 'ConfigError';
	constructor(
		readonly code: ConfigErrorCode,
		message: string,
	) {
		super(message);
	}
}

/** Credentials instead of the cookie; both or neither. */
export interface Credentials {
	readonly user: string;
	readonly password: string;
}

/** Run a node (with the screen unless headless). */
export interface NodeConfig {
	readonly command: 'node';
	readonly network: NetworkParams;
	readonly port: number;
	readonly peers: readonly string[];
	/** --connect: dial only these (and --peer's), never addresses learned from gossip (Core's -connect). */
	readonly connect: readonly string[];
	/** --ping-timeout in milliseconds: a peer whose ping goes unanswered this long is dropped (pings every quarter of it). */
	readonly pingTimeoutMs: number;
	readonly datadir: string;
	readonly reindex: boolean;
	readonly walletPath: string | undefined;
	readonly threads: number;
	readonly kernel: KernelName;
	/** The signature-check backend that loaded (see verify/backends.ts). */
	readonly verifier: BackendName;
	/** Bytes (the flag is in megabytes). */
	readonly maxMempool: number;
	readonly mine: boolean;
	/** Stake from the start (proof-of-stake networks only). */
	readonly stake: boolean;
	/** A fast clock (test networks): `speed` times the wall's from the wall time `startMs` (null: the node's start); null: the wall's. */
	readonly clock: {readonly speed: number; readonly startMs: number | null} | null;
	readonly miningAddress: string | undefined;
	/** --headless was given (the binary is also headless without a terminal). */
	readonly headless: boolean;
	readonly jsonLog: boolean;
	readonly mouse: boolean;
	/** Null with --no-rpc. */
	readonly rpc: {readonly port: number; readonly host: string | undefined; readonly credentials: Credentials | undefined; readonly limits: RpcLimits} | null;
}

/** The RPC server's limits the flags set (unset: Core's defaults, RPC_DEFAULTS). */
export interface RpcLimits {
	readonly threads?: number;
	readonly workQueue?: number;
	readonly idleTimeoutMs?: number;
}

/** `chain-tui rpc <method> [params…]`: one call to a running node. */
export interface RpcCallConfig {
	readonly command: 'rpc';
	readonly method: string;
	readonly args: readonly string[];
	readonly port: number;
	readonly datadir: string;
	readonly credentials: Credentials | undefined;
}

/** `chain-tui lab`: a network of nodes on this machine, on one screen or scripted (`--headless --scenario`). */
export interface LabConfig {
	readonly command: 'lab';
	readonly nodes: number;
	readonly topology: Topology;
	/** regtest (default), main or posregtest. */
	readonly network: string;
	/** The scenario to run headless; null: the lab's screen. */
	readonly scenario: string | null;
	/** Where the nodes' datadirs go; null: a temporary folder, removed at the end. */
	readonly dir: string | null;
	/** The screen takes clicks and the wheel (--no-mouse: the terminal's own selection). */
	readonly mouse: boolean;
}

export type Config = NodeConfig | RpcCallConfig | LabConfig;

export type ConfigResult = {readonly ok: true; readonly config: Config} | {readonly ok: false; readonly error: ConfigError};

const isPort = (n: number) => Number.isInteger(n) && n >= 1 && n <= 65535;

/** A host name or IP address, without a port (what --rpc-bind takes). */
function isHost(text: string): boolean {
	return isIP(text) !== 0 || /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(text);
}

/** `--rpc-port` for `rpcPort`. */
const kebab = (name: string) => name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);

/**
 * What meow would take quietly for something else: a flag that takes a value given none (`--port`
 * last, or `--port --mine`: a number flag left undefined, its default), or a switch given one
 * (`--reindex=yes` reads as false).
 */
function valueMisuse(argv: readonly string[]): ConfigError | null {
	const entries = Object.entries(FLAGS);
	const valued = new Set(entries.flatMap(([name, flag]) => (flag.type === 'boolean' ? [] : [`--${kebab(name)}`])));
	const switches = new Set(entries.flatMap(([name, flag]) => (flag.type === 'boolean' ? [`--${kebab(name)}`, `--no-${kebab(name)}`] : [])));
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg === '--') break;
		const next = argv[i + 1];
		if (valued.has(arg) && (next === undefined || next.startsWith('--'))) return new ConfigError('missing-value', `${arg} needs a value`);
		const eq = arg.indexOf('=');
		if (eq > 0 && switches.has(arg.slice(0, eq)) && !['true', 'false'].includes(arg.slice(eq + 1))) {
			return new ConfigError('unexpected-value', `${arg.slice(0, eq)} is a switch: it takes no value (got "${arg}")`);
		}
	}
	return null;
}

/**
 * Checks meow's output. `argv` (what meow parsed) lets a flag given without its value be told
 * apart from one not given; `home` stands in for the user's home directory (tests).
 */
export function parseConfig(flags: Flags, input: readonly string[], options: {argv?: readonly string[]; home?: string} = {}): ConfigResult {
	try {
		const misuse = valueMisuse(options.argv ?? []);
		if (misuse) throw misuse;
		if (input[0] === 'lab') return {ok: true, config: buildLab(flags, input, options.argv ?? [])};
		return {ok: true, config: build(flags, input, options.home)};
	} catch (error) {
		if (error instanceof ConfigError) return {ok: false, error};
		throw error;
	}
}

function build(flags: Flags, input: readonly string[], home: string | undefined): Config {
	const fail = (code: ConfigErrorCode, message: string): never => {
		throw new ConfigError(code, message);
	};
	// Own keys only: "constructor" or "__proto__" are no network.
	const network = (Object.hasOwn(NETWORKS, flags.network) ? NETWORKS[flags.network] : undefined) ?? fail('bad-network', `unknown network "${flags.network}" (expected one of: ${Object.keys(NETWORKS).join(', ')})`);
	if (flags.stake && !network.stake) fail('bad-stake', `--stake needs a proof-of-stake network (--network pos or posregtest); ${network.name} is mined`);
	const clock = fastClock(flags, network, fail);
	const port = flags.port ?? network.port;
	if (!isPort(port)) fail('bad-port', '--port must be a whole number from 1 to 65535');
	const peers = flags.peer ?? [];
	const connect = flags.connect ?? [];
	for (const [flag, list] of [['--peer', peers], ['--connect', connect]] as const) {
		for (const peer of list) {
			if (flag === '--connect' && peer === '0') continue; // Core's -connect=0: no automatic outbound connections
			try {
				parseHostPort(peer);
			} catch {
				fail('bad-peer', `${flag} must be host:port, got "${peer}"`);
			}
		}
	}
	const pingTimeout = flags.pingTimeout ?? DEFAULT_TIMEOUTS.pongTimeoutMs / 1000;
	if (!Number.isInteger(pingTimeout) || pingTimeout < 1 || pingTimeout > 86_400) fail('bad-ping-timeout', '--ping-timeout must be a whole number of seconds from 1 to 86400');
	if (flags.datadir !== undefined && flags.datadir.trim() === '') fail('bad-datadir', '--datadir needs a directory');
	const datadir = flags.datadir ?? defaultDatadir(network.name, port, home);
	if (flags.wallet !== undefined && flags.wallet.trim() === '') fail('bad-wallet', '--wallet needs a file name');
	const {threads, maxmempool} = flags;
	if (!Number.isInteger(threads) || threads < 1 || threads > 64) fail('bad-threads', '--threads must be a whole number from 1 to 64');
	let kernel: KernelName | undefined;
	try {
		kernel = chooseKernel(flags.kernel as KernelChoice);
	} catch (error) {
		fail('bad-kernel', `--kernel: ${(error as Error).message}`);
	}
	let verifier: BackendName | undefined;
	try {
		verifier = chooseBackend(flags.verifier as BackendChoice).backend.name;
	} catch (error) {
		fail('bad-verifier', `--verifier: ${(error as Error).message}`);
	}
	if (!Number.isInteger(maxmempool) || maxmempool < 1 || maxmempool > 100_000) fail('bad-maxmempool', '--maxmempool must be a whole number of megabytes from 1 to 100000');
	if (flags.address !== undefined) {
		try {
			decodeAddress(flags.address, network.addressVersion);
		} catch (error) {
			if (!(error instanceof AddressError)) throw error;
			fail('bad-address', `--address: ${error.message}`);
		}
	}
	const rpcPort = flags.rpcPort ?? port + 1000;
	if (!isPort(rpcPort)) {
		fail('bad-rpc-port', flags.rpcPort === undefined ? `the RPC port would be ${rpcPort} (P2P port + 1000): pick a lower --port or give --rpc-port` : '--rpc-port must be a whole number from 1 to 65535');
	}
	if (rpcPort === port) fail('rpc-port-clash', `--rpc-port ${rpcPort} is the P2P port: they must differ`);
	if (flags.rpcBind !== undefined && !isHost(flags.rpcBind)) fail('bad-rpc-bind', `--rpc-bind takes a host name or IP address without a port, got "${flags.rpcBind}"`);
	if ((flags.rpcUser === undefined) !== (flags.rpcPassword === undefined)) fail('bad-rpc-credentials', '--rpc-user and --rpc-password go together');
	let credentials: Credentials | undefined;
	if (flags.rpcUser !== undefined && flags.rpcPassword !== undefined) {
		// HTTP Basic auth splits at the first colon: a user with one could never log in.
		if (flags.rpcUser === '' || flags.rpcUser.includes(':')) fail('bad-rpc-credentials', '--rpc-user must be a non-empty name without ":"');
		if (flags.rpcPassword === '') fail('bad-rpc-credentials', '--rpc-password must not be empty');
		credentials = {user: flags.rpcUser, password: flags.rpcPassword};
	}

	const limits: {threads?: number; workQueue?: number; idleTimeoutMs?: number} = {};
	const whole = (value: number | undefined, flag: string, min: number, max: number): number | undefined => {
		if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) fail('bad-rpc-limit', `${flag} must be a whole number from ${min} to ${max}`);
		return value;
	};
	const threadsRpc = whole(flags.rpcThreads, '--rpc-threads', 1, 256);
	if (threadsRpc !== undefined) limits.threads = threadsRpc;
	const queue = whole(flags.rpcWorkQueue, '--rpc-work-queue', 0, 10_000);
	if (queue !== undefined) limits.workQueue = queue;
	const timeout = whole(flags.rpcTimeout, '--rpc-timeout', 1, 86_400);
	if (timeout !== undefined) limits.idleTimeoutMs = timeout * 1000;
	if (input[0] === 'rpc') {
		const method = input[1] ?? fail('missing-method', 'usage: chain-tui rpc <method> [params…] (try: chain-tui rpc help)');
		return {command: 'rpc', method, args: input.slice(2), port: rpcPort, datadir, credentials};
	}
	if (input.length > 0) fail('unknown-command', `unknown command "${input[0]}" (the commands are rpc and lab; see --help)`);
	return {
		command: 'node',
		network,
		port,
		peers,
		connect,
		pingTimeoutMs: pingTimeout * 1000,
		datadir,
		reindex: flags.reindex,
		walletPath: flags.wallet,
		threads,
		kernel: kernel!,
		verifier: verifier!,
		maxMempool: maxmempool * 1_000_000,
		mine: flags.mine,
		stake: flags.stake,
		clock,
		miningAddress: flags.address,
		headless: flags.headless,
		jsonLog: flags.jsonLog,
		mouse: flags.mouse,
		rpc: flags.rpc ? {port: rpcPort, host: flags.rpcBind, credentials, limits} : null,
	};
}

/**
 * --clock-speed and --clock-start: a clock N times the wall's, for the test networks only (a
 * scripted run that stakes in seconds what takes minutes); nodes given one start share one clock.
 */
function fastClock(flags: Flags, network: NetworkParams, fail: (code: ConfigErrorCode, message: string) => never): NodeConfig['clock'] {
	if (flags.clockSpeed === undefined) {
		if (flags.clockStart !== undefined) fail('bad-clock', '--clock-start goes with --clock-speed');
		return null;
	}
	if (network.name !== 'regtest' && network.name !== 'posregtest') fail('bad-clock', `--clock-speed is for the test networks (regtest, posregtest), not ${network.name}`);
	if (!Number.isInteger(flags.clockSpeed) || flags.clockSpeed < 1 || flags.clockSpeed > 1000) fail('bad-clock', '--clock-speed must be a whole number from 1 to 1000');
	const startMs = flags.clockStart ?? null;
	if (startMs !== null && (!Number.isInteger(startMs) || startMs < 0)) fail('bad-clock', '--clock-start must be a wall time in whole Unix milliseconds');
	return {speed: flags.clockSpeed, startMs};
}

/** The networks a lab can run. */
export const LAB_NETWORKS: readonly string[] = ['regtest', 'main', 'posregtest'];

/** The lab's flags: how many nodes, how they are linked, the scenario, the network. */
function buildLab(flags: Flags, input: readonly string[], argv: readonly string[]): LabConfig {
	const fail = (message: string): never => {
		throw new ConfigError('bad-lab', message);
	};
	if (input.length > 1) fail(`chain-tui lab takes flags only, not "${input[1]}"`);
	if (!Number.isInteger(flags.nodes) || flags.nodes < 2 || flags.nodes > 32) fail('--nodes must be a whole number from 2 to 32');
	const topology = TOPOLOGIES.find(t => t === flags.topology) ?? fail(`--topology must be one of ${TOPOLOGIES.join(', ')}, got "${flags.topology}"`);
	// The lab's own default is regtest (blocks on demand), whatever the node's default.
	const network = argv.includes('--network') || argv.some(a => a.startsWith('--network=')) ? flags.network : 'regtest';
	if (!LAB_NETWORKS.includes(network)) fail(`the lab runs ${LAB_NETWORKS.join(', ')}, not "${network}"`);
	const names = Object.keys(SCENARIO_NETWORKS) as (keyof typeof SCENARIO_NETWORKS)[];
	if (flags.headless && flags.scenario === undefined) fail(`chain-tui lab --headless needs --scenario NAME (${names.join(', ')})`);
	if (!flags.headless && flags.scenario !== undefined) fail('--scenario runs headless: add --headless (without it the lab opens its screen)');
	const scenario = flags.scenario === undefined ? null : (names.find(n => n === flags.scenario) ?? fail(`unknown scenario "${flags.scenario}" (expected one of: ${names.join(', ')})`));
	const runsOn: readonly string[] | null = scenario === null ? null : SCENARIO_NETWORKS[scenario];
	if (runsOn && !runsOn.includes(network)) fail(`${scenario} runs on ${runsOn.join(' and ')}, not ${network}`);
	if (flags.datadir !== undefined && flags.datadir.trim() === '') fail('--datadir needs a directory');
	return {command: 'lab', nodes: flags.nodes, topology, network, scenario, dir: flags.datadir ?? null, mouse: flags.mouse};
}
