import {execFile} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Proc, freePort} from '../helpers/proc.js';

const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		execFile(process.execPath, [cliPath, ...args], {env: {...process.env, ...env}, timeout: 20_000}, (error, stdout, stderr) => {
			resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr});
		});
	});
}

let home: string;
beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'chain-tui-cli-'));
});
afterAll(async () => {
	await rm(home, {recursive: true, force: true});
});

describe('the chain-tui binary', () => {
	it('--version and --help', async () => {
		const version = await cli(['--version']);
		expect(version.code).toBe(0);
		expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
		const help = await cli(['--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/--peer host:port/);
	});

	it('runs a node in the default datadir ~/.chain-tui/<network>/<port> until SIGTERM, then stops cleanly', async () => {
		const port = await freePort();
		const proc = new Proc(['--network', 'regtest', '--port', String(port)], {HOME: home});
		await proc.waitFor(/listening on port \d+/);
		expect(proc.stdout).toContain(join(home, '.chain-tui', 'regtest', String(port)));
		expect(proc.stdout).toMatch(/height 0, tip 29e6eb0d/);
		expect(proc.stdout).toMatch(/wallet .*wallet\.json: 0 addresses, 0 confirmed/);
		expect(await proc.stop()).toBe(0);
		expect(proc.stdout).toMatch(/SIGTERM: shutting down\nstopped cleanly/);
		expect(proc.stderr).toBe('');
		const {readFile} = await import('node:fs/promises');
		expect(await readFile(join(home, '.chain-tui', 'regtest', String(port), 'debug.log'), 'utf8')).toMatch(/stopped cleanly/);
	});

	it('two real processes: one mines, the other finds it, syncs and follows', async () => {
		const [p1, p2] = [await freePort(), await freePort()];
		const a = new Proc(['--network', 'regtest', '--port', String(p1), '--datadir', join(home, 'a'), '--mine']);
		const b = new Proc(['--network', 'regtest', '--port', String(p2), '--datadir', join(home, 'b'), '--peer', `127.0.0.1:${p1}`]);
		try {
			await a.waitFor(/mining with 1 thread\(s\), kernel simd/);
			const [, hash] = await a.waitFor(/block 1 ([0-9a-f]{16})… .*, mined here/);
			await b.waitFor(new RegExp(`block 1 ${hash}`));
			await b.waitFor(/peer 127\.0\.0\.1:\d+ connected \(outbound/);
			await a.waitFor(/peer 127\.0\.0\.1:\d+ connected \(inbound/);
		} finally {
			expect(await a.stop('SIGINT')).toBe(0);
			expect(await b.stop()).toBe(0);
		}
	});

	it('--kernel js mines with the JavaScript fallback and says so through RPC; a bad kernel is refused', async () => {
		const [port, rpcPort] = [await freePort(), await freePort()];
		const proc = new Proc(['--network', 'regtest', '--headless', '--port', String(port), '--rpc-port', String(rpcPort), '--datadir', join(home, 'kjs'), '--mine', '--kernel', 'js']);
		try {
			await proc.waitFor(/mining with 1 thread\(s\), kernel js/);
			await proc.waitFor(/, mined here/);
			const info = await cli(['--network', 'regtest', '--rpc-port', String(rpcPort), '--datadir', join(home, 'kjs'), 'rpc', 'getmininginfo']);
			expect(JSON.parse(info.stdout)).toMatchObject({generate: true, kernel: 'js'});
		} finally {
			expect(await proc.stop()).toBe(0);
		}
		const bad = await cli(['--network', 'regtest', '--kernel', 'avx512']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--kernel: unknown mining kernel "avx512": use auto, simd, js/);
	});

	it('a port already in use is said plainly', async () => {
		const {createServer} = await import('node:net');
		const server = createServer().listen(0, '0.0.0.0');
		await new Promise(resolve => server.once('listening', resolve));
		const port = (server.address() as {port: number}).port;
		try {
			const result = await cli(['--network', 'regtest', '--port', String(port), '--datadir', join(home, 'busy')]);
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(new RegExp(`port ${port} is already in use`));
		} finally {
			server.close();
		}
	});

	it('says plainly when the wallet file is damaged, and exits 2', async () => {
		const {writeFile} = await import('node:fs/promises');
		const wallet = join(home, 'damaged.json');
		await writeFile(wallet, '{not json');
		const result = await cli(['--network', 'regtest', '--datadir', join(home, 'dd'), '--wallet', wallet]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain(`wallet file ${wallet} is damaged: not JSON`);
	});

	it.each([
		[['--network', 'testnet'], /unknown network "testnet"/],
		[['--port', '70000'], /--port must be a whole number from 1 to 65535/],
		[['--port', 'abc'], /--port must be a whole number/],
		[['--peer', 'localhost'], /--peer must be host:port, got "localhost"/],
		[['--peer', '127.0.0.1:99999'], /--peer must be host:port/],
		[['--frobnicate'], /Unknown flag/],
		[['--threads', '0'], /--threads must be a whole number from 1 to 64/],
		[['--maxmempool', '-5'], /--maxmempool must be a whole number/],
		[['--port'], /^chain-tui: --port needs a value\n$/],
		[['--reindex=yes'], /^chain-tui: --reindex is a switch: it takes no value/],
		[['--port', '2000', '--port', '2001'], /^chain-tui: The flag --port can only be set once\.\n$/],
		[['--rpc-bind', '127.0.0.1:9'], /^chain-tui: --rpc-bind takes a host name or IP address without a port/],
	])('refuses %j with a plain message and exit code 2', async (args, message) => {
		const result = await cli([...args, '--datadir', join(home, 'unused')]);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
	});
});

describe('--json-log', () => {
	it('prints one JSON object per event', async () => {
		const proc = new Proc(['--network', 'regtest', '--headless', '--json-log', '--port', String(await freePort()), '--rpc-port', String(await freePort()), '--datadir', join(home, 'jl'), '--mine']);
		await proc.waitFor(/"type":"block"/);
		expect(await proc.stop()).toBe(0);
		const events = proc.stdout.trim().split('\n').map(line => JSON.parse(line) as {type: string; time: string; mined?: boolean});
		expect(events.map(e => e.type)).toEqual(expect.arrayContaining(['message', 'block']));
		// A block this node mined is one event, which says so.
		expect(events.some(e => e.type === 'block' && e.mined === true)).toBe(true);
		expect(events.every(e => typeof e.time === 'string')).toBe(true);
	});
});

describe('chain-tui rpc', () => {
	it('two headless nodes: mine on one through RPC, the other follows; errors exit non-zero', async () => {
		const [p1, p2] = [await freePort(), await freePort()];
		const [r1, r2] = [await freePort(), await freePort()];
		const a = new Proc(['--network', 'regtest', '--headless', '--port', String(p1), '--rpc-port', String(r1), '--datadir', join(home, 'ra')]);
		const b = new Proc(['--network', 'regtest', '--headless', '--port', String(p2), '--rpc-port', String(r2), '--datadir', join(home, 'rb'), '--peer', `127.0.0.1:${p1}`]);
		const rpc = (dir: string, port: number, ...args: string[]) => cli(['--network', 'regtest', '--rpc-port', String(port), '--datadir', join(home, dir), 'rpc', ...args]);
		try {
			await a.waitFor(/JSON-RPC on 127\.0\.0\.1/);
			await b.waitFor(/peer 127\.0\.0\.1:\d+ connected/);
			const address = (await rpc('ra', r1, 'getnewaddress', 'miner')).stdout.trim();
			expect(address).toMatch(/^[mn]/);
			const mined = await rpc('ra', r1, 'generatetoaddress', '3', address);
			expect(mined.code).toBe(0);
			expect(JSON.parse(mined.stdout)).toHaveLength(3);
			const deadline = Date.now() + 20_000;
			let height = '';
			while (Date.now() < deadline && height !== '3') {
				height = (await rpc('rb', r2, 'getblockcount')).stdout.trim();
				if (height !== '3') await new Promise(resolve => setTimeout(resolve, 100));
			}
			expect(height).toBe('3');
			// The UTXO set hash agrees on two nodes at the same tip.
			const setA = JSON.parse((await rpc('ra', r1, 'gettxoutsetinfo')).stdout) as {hash_serialized_3: string; txouts: number};
			const setB = JSON.parse((await rpc('rb', r2, 'gettxoutsetinfo')).stdout) as {hash_serialized_3: string; txouts: number};
			expect(setA.txouts).toBe(3);
			expect(setB.hash_serialized_3).toBe(setA.hash_serialized_3);
			// Peers through RPC: getpeerinfo, disconnectnode, setban/listbanned/unban.
			const peers = JSON.parse((await rpc('rb', r2, 'getpeerinfo')).stdout) as {id: number; addr: string; inbound: boolean}[];
			expect(peers.some(p => !p.inbound && p.addr === `127.0.0.1:${p1}`)).toBe(true);
			expect((await rpc('rb', r2, 'disconnectnode', `127.0.0.1:${p1}`)).code).toBe(0);
			expect((await rpc('rb', r2, 'disconnectnode', '127.0.0.1:1')).stderr).toMatch(/Node not found/);
			expect((await rpc('rb', r2, 'setban', `127.0.0.1:${p1}`, 'add', '600')).code).toBe(0);
			expect((await rpc('rb', r2, 'listbanned')).stdout).toContain(`127.0.0.1:${p1}`);
			expect((await rpc('rb', r2, 'setban', `127.0.0.1:${p1}`, 'remove')).code).toBe(0);
			const unknown = await rpc('ra', r1, 'nosuchmethod');
			expect(unknown.code).toBe(1);
			expect(unknown.stderr).toMatch(/Method not found/);
			const noNode = await cli(['--network', 'regtest', '--rpc-port', '1', '--datadir', join(home, 'ra'), 'rpc', 'getblockcount']);
			expect(noNode.code).toBe(1);
			expect(noNode.stderr).toMatch(/cannot reach the node's RPC/);
		} finally {
			expect(await a.stop()).toBe(0);
			expect(await b.stop()).toBe(0);
		}
	});
});
