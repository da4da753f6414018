/** FullNode owns its RPC server: started once the datadir is locked (answering -28 while loading), methods once open, stopped on close. */
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode, RpcStartError} from '../../source/node/node.js';
import {callRpc} from '../../source/node/rpc/client.js';
import {quickNet} from '../helpers/chain-env.js';
import {freePort} from '../helpers/proc.js';

let dir: string | undefined;
afterEach(async () => {
	if (dir) await rm(dir, {recursive: true, force: true});
	dir = undefined;
});

describe('FullNode and its RPC server', () => {
	it('answers -28 before the load, the methods once open; close stops it and removes the cookie', async () => {
		dir = await mkdtemp(join(tmpdir(), 'chain-tui-node-rpc-'));
		const datadir = dir;
		const port = await freePort();
		let duringLoad = '';
		const node = await FullNode.open({
			network: quickNet,
			datadir,
			verifyThreads: 1,
			rpc: {port, authDelayMs: 1},
			// Called after the RPC server started and before the chain loads.
			onLocked: async () => {
				duringLoad = await callRpc({port, datadir, method: 'getblockcount', args: []}).catch((error: Error) => error.message);
			},
		});
		expect(node.rpc?.port).toBe(port);
		expect(duringLoad).toMatch(/error code: -28/);
		expect(existsSync(join(datadir, '.cookie'))).toBe(true);
		expect((await callRpc({port, datadir, method: 'getblockcount', args: []})).trim()).toBe('0');
		let stops = 0;
		node.on('stop', () => stops++);
		expect((await callRpc({port, datadir, method: 'stop', args: []})).trim()).toBe('chain-tui stopping');
		await new Promise(resolve => setImmediate(resolve));
		expect(stops).toBe(1);
		await node.close();
		expect(existsSync(join(datadir, '.cookie'))).toBe(false);
		await expect(callRpc({port, datadir, method: 'getblockcount', args: [], user: 'u', password: 'p'})).rejects.toThrow(/cannot reach the node's RPC/);
	});

	it('a taken RPC port: RpcStartError, and the datadir is free again (the next open works)', async () => {
		dir = await mkdtemp(join(tmpdir(), 'chain-tui-node-rpc-'));
		const server = createServer().listen(0, '127.0.0.1');
		await new Promise(resolve => server.once('listening', resolve));
		const taken = (server.address() as {port: number}).port;
		try {
			const error = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1, rpc: {port: taken}}).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(RpcStartError);
			expect((error as Error).message).toBe(`RPC port ${taken} is already in use`);
			expect(existsSync(join(dir, '.cookie'))).toBe(false);
		} finally {
			server.close();
		}
		const node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1});
		expect(node.rpc).toBeNull();
		await node.close();
	});
});
