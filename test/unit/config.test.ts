/** The command line checked without spawning the binary: meow's real parse, then parseConfig. */
import meow from 'meow';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ConfigError, FLAGS, HELP, parseConfig, type ConfigErrorCode, type NodeConfig, type RpcCallConfig} from '../../source/config.js';
import {main, regtest} from '../../source/node/consensus/networks.js';
import {parseHostPort} from '../../source/node/net/connections.js';

const HOME = '/home/tester';

/** argv through meow as the binary parses it (unknown flags are meow's own refusal, tested end to end). */
function parse(argv: string[]) {
	const cli = meow(HELP, {importMeta: import.meta, argv, flags: FLAGS, allowUnknownFlags: true, autoHelp: false, autoVersion: false});
	return parseConfig(cli.flags, cli.input, {argv, home: HOME});
}

function ok(argv: string[]) {
	const result = parse(argv);
	if (!result.ok) throw new Error(`refused ${JSON.stringify(argv)}: ${result.error.message}`);
	return result.config;
}

function node(argv: string[]): NodeConfig {
	const config = ok(argv);
	if (config.command !== 'node') throw new Error('not a node config');
	return config;
}

describe('parseConfig: good command lines', () => {
	it('defaults: main, its port, RPC at port + 1000 with the cookie, the datadir under home', () => {
		const config = node([]);
		expect(config.network).toBe(main);
		expect(config.port).toBe(1111);
		expect(config.datadir).toBe(join(HOME, '.chain-tui', 'main', '1111'));
		expect(config.rpc).toEqual({port: 2111, host: undefined, credentials: undefined, limits: {}});
		expect(config.maxMempool).toBe(50_000_000);
		expect(config).toMatchObject({threads: 1, peers: [], connect: [], pingTimeoutMs: 120_000, reindex: false, mine: false, headless: false, jsonLog: false, mouse: true, walletPath: undefined, miningAddress: undefined});
	});

	it('every flag given a good value', () => {
		const config = node([
			...['--network', 'regtest', '--port', '2000', '--peer', '127.0.0.1:3000', '--peer', '[::1]:3001', '--datadir', '/d', '--reindex', '--wallet', '/w.json'],
			...['--threads', '4', '--kernel', 'js', '--maxmempool', '7', '--mine', '--address', 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', '--headless', '--json-log', '--no-mouse'],
			...['--rpc-port', '4000', '--rpc-bind', '::1', '--rpc-user', 'u', '--rpc-password', 'p:w'],
			...['--rpc-threads', '4', '--rpc-work-queue', '0', '--rpc-timeout', '5', '--verifier', 'noble', '--ping-timeout', '3'],
		]);
		expect(config).toMatchObject({
			network: regtest,
			port: 2000,
			peers: ['127.0.0.1:3000', '[::1]:3001'],
			datadir: '/d',
			reindex: true,
			walletPath: '/w.json',
			threads: 4,
			kernel: 'js',
			maxMempool: 7_000_000,
			mine: true,
			miningAddress: 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn',
			headless: true,
			jsonLog: true,
			mouse: false,
			rpc: {port: 4000, host: '::1', credentials: {user: 'u', password: 'p:w'}, limits: {threads: 4, workQueue: 0, idleTimeoutMs: 5000}},
			verifier: 'noble',
			pingTimeoutMs: 3000,
		});
	});

	it('after "--", "--port" is an RPC parameter, not a flag without its value', () => {
		expect((ok(['rpc', 'echo', '--', '--port']) as RpcCallConfig).args).toEqual(['--port']);
	});

	it('switches: given, negated, or =true/=false', () => {
		expect(node(['--reindex=true', '--mine=false', '--no-mouse']).reindex).toBe(true);
		expect(node(['--reindex=true', '--mine=false', '--no-mouse'])).toMatchObject({mine: false, mouse: false});
	});

	it('--clock-speed on a test network: N times the wall clock, from --clock-start or (null) the start; none by default', () => {
		expect(node(['--network', 'posregtest', '--clock-speed', '40', '--clock-start', '1795910400000']).clock).toEqual({speed: 40, startMs: 1795910400000});
		expect(node(['--network', 'regtest', '--clock-speed', '2']).clock).toEqual({speed: 2, startMs: null});
		expect(node(['--network', 'posregtest']).clock).toBeNull();
	});

	it('lab: a scenario on a network it runs on', () => {
		expect(ok(['lab', '--headless', '--scenario', 'deep-reorg', '--network', 'posregtest'])).toMatchObject({command: 'lab', scenario: 'deep-reorg', network: 'posregtest'});
		expect(ok(['lab', '--headless', '--scenario', 'double-spend'])).toMatchObject({scenario: 'double-spend', network: 'regtest'});
	});

	it('--no-rpc: no server', () => {
		expect(node(['--no-rpc']).rpc).toBeNull();
	});

	it('rpc <method> [params…]: finds the node by the same port and datadir rules', () => {
		const config = ok(['--network', 'regtest', '--port', '2000', 'rpc', 'getblock', 'abc', '1']) as RpcCallConfig;
		expect(config).toEqual({command: 'rpc', method: 'getblock', args: ['abc', '1'], port: 3000, datadir: join(HOME, '.chain-tui', 'regtest', '2000'), credentials: undefined});
		expect((ok(['--rpc-port', '5000', '--rpc-user', 'a', '--rpc-password', 'b', 'rpc', 'stop']) as RpcCallConfig).credentials).toEqual({user: 'a', password: 'b'});
	});
});

describe('parseConfig: every flag\'s bad values, each a typed error', () => {
	const cases: [string[], ConfigErrorCode, RegExp][] = [
		[['--port'], 'missing-value', /^--port needs a value$/],
		[['--port', '--mine'], 'missing-value', /^--port needs a value$/],
		[['--rpc-port', '--headless'], 'missing-value', /^--rpc-port needs a value$/],
		[['--threads'], 'missing-value', /^--threads needs a value$/],
		[['--maxmempool', '--mine'], 'missing-value', /^--maxmempool needs a value$/],
		[['--datadir'], 'missing-value', /^--datadir needs a value$/],
		[['--reindex=yes'], 'unexpected-value', /^--reindex is a switch: it takes no value \(got "--reindex=yes"\)$/],
		[['--mine=1'], 'unexpected-value', /^--mine is a switch/],
		[['--headless=no'], 'unexpected-value', /^--headless is a switch/],
		[['--json-log=on'], 'unexpected-value', /^--json-log is a switch/],
		[['--no-mouse=please'], 'unexpected-value', /^--no-mouse is a switch/],
		[['--no-rpc=x'], 'unexpected-value', /^--no-rpc is a switch/],
		[['--network', 'testnet'], 'bad-network', /unknown network "testnet" \(expected one of: main, regtest, pos, posregtest\)/],
		[['--network', 'constructor'], 'bad-network', /unknown network "constructor"/],
		[['--network', '__proto__'], 'bad-network', /unknown network/],
		[['--network', ''], 'bad-network', /unknown network ""/],
		[['--port', '0'], 'bad-port', /--port must be a whole number from 1 to 65535/],
		[['--port', '65536'], 'bad-port', /--port must be/],
		[['--port', '-1'], 'bad-port', /--port must be/],
		[['--port', '1.5'], 'bad-port', /--port must be/],
		[['--port', 'abc'], 'bad-port', /--port must be/],
		[['--peer', 'localhost'], 'bad-peer', /--peer must be host:port, got "localhost"/],
		[['--peer', '127.0.0.1:0'], 'bad-peer', /--peer must be host:port/],
		[['--peer', '127.0.0.1:99999'], 'bad-peer', /--peer must be host:port/],
		[['--connect', 'localhost'], 'bad-peer', /--connect must be host:port, got "localhost"/],
		[['--connect', '0', '--connect', 'x'], 'bad-peer', /--connect must be host:port, got "x"/],
		[['--peer', '::1:80'], 'bad-peer', /--peer must be host:port/],
		[['--peer', 'a b:80'], 'bad-peer', /--peer must be host:port/],
		[['--peer', '127.0.0.1:1', '--peer', 'x'], 'bad-peer', /got "x"/],
		[['--ping-timeout'], 'missing-value', /^--ping-timeout needs a value$/],
		[['--ping-timeout', '0'], 'bad-ping-timeout', /^--ping-timeout must be a whole number of seconds from 1 to 86400$/],
		[['--ping-timeout', '-3'], 'bad-ping-timeout', /--ping-timeout must be/],
		[['--ping-timeout', '2.5'], 'bad-ping-timeout', /--ping-timeout must be/],
		[['--ping-timeout', '86401'], 'bad-ping-timeout', /--ping-timeout must be/],
		[['--ping-timeout', 'soon'], 'bad-ping-timeout', /--ping-timeout must be/],
		[['--datadir', ''], 'bad-datadir', /--datadir needs a directory/],
		[['--datadir', '  '], 'bad-datadir', /--datadir needs a directory/],
		[['--wallet', ''], 'bad-wallet', /--wallet needs a file name/],
		[['--threads', '0'], 'bad-threads', /--threads must be a whole number from 1 to 64/],
		[['--threads', '65'], 'bad-threads', /--threads must be/],
		[['--threads', '2.5'], 'bad-threads', /--threads must be/],
		[['--threads', 'many'], 'bad-threads', /--threads must be/],
		[['--kernel', 'avx512'], 'bad-kernel', /--kernel: unknown mining kernel "avx512": use auto, simd, js/],
		[['--kernel', ''], 'bad-kernel', /--kernel: unknown mining kernel ""/],
		[['--maxmempool', '0'], 'bad-maxmempool', /--maxmempool must be a whole number of megabytes from 1 to 100000/],
		[['--maxmempool', '-5'], 'bad-maxmempool', /--maxmempool must be/],
		[['--maxmempool', '100001'], 'bad-maxmempool', /--maxmempool must be/],
		[['--maxmempool', 'lots'], 'bad-maxmempool', /--maxmempool must be/],
		[['--address', 'nonsense'], 'bad-address', /--address: /],
		[['--address', ''], 'bad-address', /--address: address is empty/],
		// A good regtest address is not one on main (another version byte).
		[['--address', 'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn'], 'bad-address', /--address: /],
		[['--rpc-port', '0'], 'bad-rpc-port', /--rpc-port must be a whole number from 1 to 65535/],
		[['--rpc-port', '70000'], 'bad-rpc-port', /--rpc-port must be/],
		[['--rpc-port', 'x'], 'bad-rpc-port', /--rpc-port must be/],
		[['--port', '65000'], 'bad-rpc-port', /the RPC port would be 66000 \(P2P port \+ 1000\): pick a lower --port or give --rpc-port/],
		[['--port', '3000', '--rpc-port', '3000'], 'rpc-port-clash', /--rpc-port 3000 is the P2P port: they must differ/],
		[['--rpc-bind', '127.0.0.1:80'], 'bad-rpc-bind', /--rpc-bind takes a host name or IP address without a port, got "127.0.0.1:80"/],
		[['--rpc-bind', ''], 'bad-rpc-bind', /--rpc-bind/],
		[['--rpc-bind', 'a b'], 'bad-rpc-bind', /--rpc-bind/],
		[['--rpc-bind', '-host'], 'bad-rpc-bind', /--rpc-bind/],
		[['--rpc-user', 'u'], 'bad-rpc-credentials', /--rpc-user and --rpc-password go together/],
		[['--verifier', 'fast'], 'bad-verifier', /--verifier: unknown verifier "fast": use auto, native, wasm, noble/],
		[['--rpc-threads', '0'], 'bad-rpc-limit', /--rpc-threads must be a whole number from 1 to 256/],
		[['--rpc-threads', '1.5'], 'bad-rpc-limit', /--rpc-threads must be/],
		[['--rpc-work-queue', '-1'], 'bad-rpc-limit', /--rpc-work-queue must be a whole number from 0 to 10000/],
		[['--rpc-timeout', '0'], 'bad-rpc-limit', /--rpc-timeout must be a whole number from 1 to 86400/],
		[['--rpc-password', 'p'], 'bad-rpc-credentials', /go together/],
		[['--rpc-user', 'a:b', '--rpc-password', 'p'], 'bad-rpc-credentials', /--rpc-user must be a non-empty name without ":"/],
		[['--rpc-user', '', '--rpc-password', 'p'], 'bad-rpc-credentials', /--rpc-user must be/],
		[['--rpc-user', 'u', '--rpc-password', ''], 'bad-rpc-credentials', /--rpc-password must not be empty/],
		[['rpc'], 'missing-method', /usage: chain-tui rpc <method>/],
		[['mine'], 'unknown-command', /unknown command "mine" \(the commands are rpc and lab; see --help\)/],
		[['lab', '--headless', '--scenario', 'nope'], 'bad-lab', /unknown scenario "nope"/],
		[['lab', '--headless', '--scenario', 'partition-heal', '--network', 'pos'], 'bad-lab', /the lab runs regtest, main, posregtest, not "pos"/],
		[['lab', '--scenario', 'partition-heal'], 'bad-lab', /--scenario runs headless/],
		[['lab', '--headless', '--scenario', 'late-joiner', '--network', 'posregtest'], 'bad-lab', /^late-joiner runs on regtest, not posregtest$/],
		[['lab', '--headless', '--scenario', 'deep-reorg', '--network', 'main'], 'bad-lab', /^deep-reorg runs on regtest and posregtest, not main$/],
		[['--clock-speed', '40'], 'bad-clock', /--clock-speed is for the test networks \(regtest, posregtest\), not main/],
		[['--network', 'regtest', '--clock-speed', '0'], 'bad-clock', /--clock-speed must be a whole number from 1 to 1000/],
		[['--network', 'regtest', '--clock-speed', '1.5'], 'bad-clock', /--clock-speed must be a whole number/],
		[['--network', 'regtest', '--clock-start', '5'], 'bad-clock', /--clock-start goes with --clock-speed/],
		[['--network', 'regtest', '--clock-speed', '2', '--clock-start', '-1'], 'bad-clock', /--clock-start must be a wall time/],
		[['lab', '--headless'], 'bad-lab', /--headless needs --scenario/],
		[['lab', '--headless', '--scenario', 'partition-heal', 'extra'], 'bad-lab', /takes flags only/],
	];
	it.each(cases)('%j → %s', (argv, code, message) => {
		const result = parse(argv);
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.error).toBeInstanceOf(ConfigError);
		expect(result.error.code).toBe(code);
		expect(result.error.message).toMatch(message);
		expect(result.error.message).not.toContain('\n'); // one line
	});

	it('the first bad flag is the one reported, in the order of the usage text', () => {
		const result = parse(['--port', '0', '--threads', '0']);
		expect(result.ok || result.error.code).toBe('bad-port');
	});
});

describe('parseHostPort: the one host:port parser', () => {
	it('needs a port unless given a default; then a bare IPv6 address is read whole', () => {
		expect(parseHostPort('127.0.0.1:8333')).toEqual({host: '127.0.0.1', port: 8333});
		expect(parseHostPort('[::1]:9')).toEqual({host: '::1', port: 9});
		expect(parseHostPort('seed.example:18444')).toEqual({host: 'seed.example', port: 18444});
		for (const bad of ['127.0.0.1', '::1', '[::1]', 'host:0', 'host:65536', 'a b:1']) expect(() => parseHostPort(bad), bad).toThrow(/is not host:port/);
		expect(parseHostPort('10.0.0.1', {defaultPort: 0})).toEqual({host: '10.0.0.1', port: 0});
		expect(parseHostPort('10.0.0.1:8', {defaultPort: 0})).toEqual({host: '10.0.0.1', port: 8});
		expect(parseHostPort('2001:db8::7', {defaultPort: 0})).toEqual({host: '2001:db8::7', port: 0});
		expect(parseHostPort('::1', {defaultPort: 0})).toEqual({host: '::1', port: 0});
		expect(parseHostPort('[::1]', {defaultPort: 0})).toEqual({host: '::1', port: 0});
		expect(() => parseHostPort('10.0.0.1:99999', {defaultPort: 0})).toThrow(/is not host:port/);
	});
});
