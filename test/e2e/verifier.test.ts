/** `--verifier` in the real binary: the backend asked for runs and RPC says so; a bad name is refused. */
import {execFile} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Proc, freePort} from '../helpers/proc.js';

const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function cli(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise(resolve => {
		execFile(process.execPath, [cliPath, ...args], {timeout: 20_000}, (error, stdout, stderr) => {
			resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stdout, stderr});
		});
	});
}

let home: string;
beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'chain-tui-verifier-cli-'));
});
afterAll(async () => {
	await rm(home, {recursive: true, force: true});
});

describe('chain-tui --verifier', () => {
	it('runs the backend asked for and getnetworkinfo says which; an unknown name exits 2 with the choices', async () => {
		const [port, rpcPort] = [await freePort(), await freePort()];
		const datadir = join(home, 'wasm');
		const proc = new Proc(['--network', 'regtest', '--headless', '--port', String(port), '--rpc-port', String(rpcPort), '--datadir', datadir, '--verifier', 'wasm']);
		try {
			await proc.waitFor(/listening on port/);
			const info = await cli(['--network', 'regtest', '--rpc-port', String(rpcPort), '--datadir', datadir, 'rpc', 'getnetworkinfo']);
			expect(JSON.parse(info.stdout)).toMatchObject({verifier: 'wasm'});
		} finally {
			expect(await proc.stop()).toBe(0);
		}
		const bad = await cli(['--network', 'regtest', '--verifier', 'elliptic']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--verifier: unknown verifier "elliptic": use auto, native, wasm, noble/);
	});
});
