/** A FullNode with its RPC server on 127.0.0.1, and a call() that speaks JSON-RPC to it. */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {FullNode} from '../../source/node/node.js';
import {PARAM_NAMES, rpcMethods} from '../../source/node/rpc/methods.js';
import {RpcServer} from '../../source/node/rpc/server.js';
import {quickNet} from './chain-env.js';
import type {NetworkParams} from '../../source/node/consensus/networks.js';

export type Reply = {result: any; error: {code: number; message: string} | null};

export interface RpcNode {
	readonly node: FullNode;
	readonly dir: string;
	/** Arrays go positionally (JSON-RPC 1.0), objects as named parameters (2.0). */
	call(method: string, params?: unknown[] | Record<string, unknown>): Promise<Reply>;
	close(): Promise<void>;
}

/** `port`: the P2P port on 127.0.0.1 (0 for any), none without it. */
export async function startRpcNode(options: {network?: NetworkParams; port?: number; peers?: string[]; now?: () => number; authDelayMs?: number; prefix?: string; stake?: boolean} = {}): Promise<RpcNode> {
	const dir = await mkdtemp(join(tmpdir(), options.prefix ?? 'chain-tui-rpc-'));
	const node = await FullNode.open({
		network: options.network ?? quickNet,
		datadir: dir,
		...(options.stake ? {stake: true} : {}),
		verifyThreads: 1,
		...(options.port === undefined ? {} : {port: options.port, host: '127.0.0.1'}),
		...(options.peers ? {peers: options.peers} : {}),
		...(options.now ? {now: options.now} : {}),
	});
	const server = new RpcServer({port: 0, datadir: dir, methods: rpcMethods({node, startedAt: 0, stop: () => undefined}), paramNames: PARAM_NAMES, authDelayMs: options.authDelayMs ?? 1});
	await server.start();
	const auth = `Basic ${Buffer.from((await readFile(join(dir, '.cookie'), 'utf8')).trim()).toString('base64')}`;
	return {
		node,
		dir,
		async call(method, params = []) {
			const body = Array.isArray(params) ? {jsonrpc: '1.0', id: 1, method, params} : {jsonrpc: '2.0', id: 1, method, params};
			const res = await fetch(`http://127.0.0.1:${server.port}/`, {method: 'POST', body: JSON.stringify(body), headers: {authorization: auth}});
			const reply = (await res.json()) as Reply;
			return {result: reply.result ?? null, error: reply.error ?? null};
		},
		async close() {
			await server.stop();
			await node.close();
			await rm(dir, {recursive: true, force: true});
		},
	};
}
