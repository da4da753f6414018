/**
 * The real binary against faults from outside: a reader that goes away (EPIPE), datadirs of the
 * wrong shape, a taken RPC port, a stop through RPC. Each bad start is one plain line and exit 2.
 */
import {execFile, spawn, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {chmod, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {callRpc} from '../../source/node/rpc/client.js';
import {cliPath, freePort} from '../helpers/proc.js';

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `command` to its end (20 s at most). */
function run(command: string, args: string[], options: {uid?: number; gid?: number} = {}): Promise<Result> {
	return new Promise(resolve => {
		execFile(command, args, {timeout: 20_000, ...options}, (error, stdout, stderr) => {
			resolve({code: error ? ((error as {code?: number}).code ?? 1) : 0, stdout, stderr});
		});
	});
}

async function nodeArgs(datadir: string): Promise<string[]> {
	return [cliPath, '--network', 'regtest', '--headless', '--port', String(await freePort()), '--rpc-port', String(await freePort()), '--datadir', datadir];
}

/** Polls `check` every 20 ms until it is truthy or `ms` have passed. */
async function until<T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 20_000): Promise<T> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		const value = await check();
		if (value) return value;
		await new Promise(resolve => setTimeout(resolve, 20));
	}
	throw new Error(`timed out waiting for ${what}`);
}

const readLog = (datadir: string) => readFile(join(datadir, 'debug.log'), 'utf8').catch(() => '');

/** A refusal at start: exit 2, one line on stderr saying `message`, no stack trace. */
function expectPlainRefusal(result: Result, message: RegExp): void {
	expect(result.stderr).toMatch(message);
	expect(result.code).toBe(2);
	expect(result.stderr.trim().split('\n')).toHaveLength(1);
	expect(result.stderr).not.toMatch(/\n\s+at /);
}

let home: string;
beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'chain-tui-faults-'));
	await chmod(home, 0o755); // the unreadable-datadir case runs as another user, who must reach inside
});
afterAll(async () => {
	await chmod(join(home, 'unreadable'), 0o755).catch(() => undefined);
	await rm(home, {recursive: true, force: true});
});

describe('standard streams', () => {
	it('headless with its stdout reader gone (| head -1): the node keeps running, logging to debug.log, and answers RPC', async () => {
		const datadir = join(home, 'epipe');
		const args = await nodeArgs(datadir);
		const rpcPort = Number(args[args.indexOf('--rpc-port') + 1]);
		const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe']});
		let stderr = '';
		child.stderr.on('data', d => (stderr += String(d)));
		let exitCode: number | null | undefined;
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve((exitCode = code))));
		try {
			// As `head -1`: read the first line, then close the read end.
			await new Promise(resolve => child.stdout.once('data', resolve));
			child.stdout.destroy();
			// The next line written to stdout meets EPIPE; the node notes it in debug.log and goes on.
			await until('the EPIPE note in debug.log', async () => /stdout closed \(EPIPE\)/.test(await readLog(datadir)));
			const rpc = (method: string, ...params: string[]) => callRpc({port: rpcPort, datadir, method, args: params});
			// Still alive well after that: RPC answers once the node is open, and new events still reach debug.log.
			await until('RPC to answer', () => rpc('getblockcount').then(out => out.trim() === '0', () => false));
			const address = (await rpc('getnewaddress')).trim();
			await rpc('generatetoaddress', '2', address);
			await until('block 2 in debug.log', async () => /block 2 [0-9a-f]{16}… .*mined here/.test(await readLog(datadir)));
			expect(exitCode).toBeUndefined();
			expect((await rpc('getblockcount')).trim()).toBe('2');
		} finally {
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		}
		expect(stderr).toBe('');
		expect(await readLog(datadir)).toMatch(/SIGTERM: shutting down\n.*stopped cleanly\n$/);
	});

	it('headless with its stderr reader gone: the node keeps running, logging to debug.log, and answers RPC', async () => {
		const datadir = join(home, 'epipe-stderr');
		const args = await nodeArgs(datadir);
		const rpcPort = Number(args[args.indexOf('--rpc-port') + 1]);
		// Headless, the node itself writes nothing to stderr; Node's own debug log does: NODE_DEBUG=http
		// writes lines to process.stderr for every RPC request, so each call below writes there.
		const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NODE_DEBUG: 'http'}});
		child.stdout.resume();
		let exitCode: number | null | undefined;
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve((exitCode = code))));
		const rpc = (method: string, ...params: string[]) => callRpc({port: rpcPort, datadir, method, args: params});
		try {
			const firstLine = new Promise(resolve => child.stderr.once('data', resolve));
			await until('RPC to answer', () => rpc('getblockcount').then(out => out.trim() === '0', () => false));
			await firstLine;
			child.stderr.destroy();
			// The next request's debug lines meet EPIPE on stderr; the node notes it and goes on.
			await until('the EPIPE note in debug.log', async () => {
				if (exitCode !== undefined) throw new Error(`the node exited (code ${exitCode}) when its stderr went away`);
				await rpc('getblockcount').catch(() => undefined);
				return /stderr closed \(EPIPE\)/.test(await readLog(datadir));
			});
			const address = (await rpc('getnewaddress')).trim();
			await rpc('generatetoaddress', '2', address);
			await until('block 2 in debug.log', async () => /block 2 [0-9a-f]{16}… .*mined here/.test(await readLog(datadir)));
			expect(exitCode).toBeUndefined();
			expect((await rpc('getblockcount')).trim()).toBe('2');
		} finally {
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		}
		const log = await readLog(datadir);
		expect(log).not.toMatch(/crash:/);
		expect(log).toMatch(/SIGTERM: shutting down\n.*stopped cleanly\n$/);
	});
});

describe('datadirs of the wrong shape: one line and exit 2', () => {
	it('a datadir that is a file', async () => {
		const file = join(home, 'a-file');
		await writeFile(file, 'not a directory');
		expectPlainRefusal(await run(process.execPath, await nodeArgs(file)), new RegExp(`^chain-tui: the datadir ${file} is a file, not a directory\\n$`));
	});

	it('a datadir under a file', async () => {
		const file = join(home, 'another-file');
		await writeFile(file, '');
		expectPlainRefusal(await run(process.execPath, await nodeArgs(join(file, 'sub'))), /^chain-tui: cannot create the datadir .*another-file\/sub: part of the path is a file, not a directory\n$/);
	});

	it('debug.log that is a directory', async () => {
		const datadir = join(home, 'log-dir');
		await mkdir(join(datadir, 'debug.log'), {recursive: true});
		expectPlainRefusal(await run(process.execPath, await nodeArgs(datadir)), /^chain-tui: .*log-dir\/debug\.log is a directory, not a file: move it away\n$/);
	});

	it('.cookie that is a directory', async () => {
		const datadir = join(home, 'cookie-dir');
		await mkdir(join(datadir, '.cookie'), {recursive: true});
		expectPlainRefusal(await run(process.execPath, await nodeArgs(datadir)), /^chain-tui: .*cookie-dir\/\.cookie is a directory, not a file: move it away\n$/);
	});

	it('an unreadable datadir (chmod 000; as root, run as nobody, for whom the mode counts)', async ctx => {
		const datadir = join(home, 'unreadable');
		await mkdir(datadir);
		await chmod(datadir, 0o000);
		// Root reads any directory: run the binary as an unprivileged user then.
		const as = process.getuid?.() === 0 ? {uid: 65534, gid: 65534} : {};
		const probe = spawnSync(process.execPath, ['-e', `require('fs').readdirSync(${JSON.stringify(datadir)})`], {...as, timeout: 10_000});
		if (probe.status === 0) return ctx.skip('cannot make a directory unreadable here (chmod 000 does not stop this user reading it)');
		const probeCli = spawnSync(process.execPath, [cliPath, '--version'], {...as, timeout: 10_000});
		if (probeCli.status !== 0) return ctx.skip(`the binary cannot run as uid ${as.uid ?? 'self'}: ${String(probeCli.stderr).split('\n')[0]}`);
		expectPlainRefusal(await run(process.execPath, await nodeArgs(datadir), as), /^chain-tui: cannot read the datadir .*unreadable: permission denied\n$/);
	});

	it('a read-only disk (a read-only tmpfs in a private mount namespace)', async ctx => {
		const datadir = join(home, 'read-only');
		await mkdir(datadir);
		// The mount is private to the unshare'd shell and the node it becomes; nothing outside sees it.
		const script = 'mount -t tmpfs -o ro tmpfs "$0" || exit 99; exec "$@"';
		const probe = spawnSync('unshare', ['-m', 'sh', '-c', `${script}`, datadir, 'true'], {timeout: 10_000});
		if (probe.error || probe.status !== 0) return ctx.skip(`cannot mount a read-only file system here (unshare -m + mount -o ro refused: ${probe.error?.message ?? String(probe.stderr).trim()})`);
		const result = await run('unshare', ['-m', 'sh', '-c', script, datadir, process.execPath, ...(await nodeArgs(datadir))]);
		expectPlainRefusal(result, /^chain-tui: cannot write in the datadir .*read-only: the file system is read-only\n$/);
		expect(existsSync(join(datadir, 'chain'))).toBe(false);
		// A datadir still to be made there: the real reason, not the ENOENT of Node's mkdir -p.
		const nested = await run('unshare', ['-m', 'sh', '-c', script, datadir, process.execPath, ...(await nodeArgs(join(datadir, 'x', 'y')))]);
		expectPlainRefusal(nested, /^chain-tui: cannot create the datadir .*read-only\/x\/y: the file system is read-only\n$/);
	});
});

describe('the RPC server, owned by the node', () => {
	it('an RPC port already in use: one line, exit 2, and no cookie left behind', async () => {
		const server = createServer().listen(0, '127.0.0.1');
		await new Promise(resolve => server.once('listening', resolve));
		const rpcPort = (server.address() as {port: number}).port;
		const datadir = join(home, 'rpc-busy');
		try {
			const result = await run(process.execPath, [cliPath, '--network', 'regtest', '--headless', '--port', String(await freePort()), '--rpc-port', String(rpcPort), '--datadir', datadir]);
			expectPlainRefusal(result, new RegExp(`^chain-tui: RPC port ${rpcPort} is already in use\\n$`));
			expect(existsSync(join(datadir, '.cookie'))).toBe(false);
		} finally {
			server.close();
		}
	});

	it('the RPC stop method stops the process cleanly, and the cookie goes with the server', async () => {
		const datadir = join(home, 'rpc-stop');
		const args = await nodeArgs(datadir);
		const rpcPort = Number(args[args.indexOf('--rpc-port') + 1]);
		const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'pipe']});
		const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
		let stdout = '';
		child.stdout.on('data', d => (stdout += String(d)));
		try {
			await until('the node to open', () => /listening on port/.test(stdout));
			expect(existsSync(join(datadir, '.cookie'))).toBe(true);
			expect((await callRpc({port: rpcPort, datadir, method: 'stop', args: []})).trim()).toBe('chain-tui stopping');
			expect(await exited).toBe(0);
		} finally {
			child.kill('SIGKILL');
		}
		expect(stdout).toMatch(/stop \(RPC\): shutting down\nstopped cleanly\n$/);
		expect(existsSync(join(datadir, '.cookie'))).toBe(false);
	});
});
