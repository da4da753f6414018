import {execFile} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

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

	it('opens the default datadir ~/.chain-tui/<network>/<port> and reports the chain', async () => {
		const result = await cli(['--network', 'regtest', '--port', '19112'], {HOME: home});
		expect(result.stderr).toBe('');
		expect(result.stdout).toContain(join(home, '.chain-tui', 'regtest', '19112'));
		expect(result.stdout).toMatch(/height 0, tip 29e6eb0d/);
		expect(result.stdout).toMatch(/wallet .*wallet\.json: 0 addresses, 0 confirmed/);
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
	])('refuses %j with a plain message and exit code 2', async (args, message) => {
		const result = await cli([...args, '--datadir', join(home, 'unused')]);
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(message);
		expect(result.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
	});
});
