/**
 * `chain-tui rpc <method> [params…]`: finds the node's RPC port and cookie as the app would,
 * passes arguments as bitcoin-cli does (JSON where they parse as JSON, else strings; numbers
 * passed as written, so amounts stay exact), prints the result.
 */
import {readFile} from 'node:fs/promises';
import {request} from 'node:http';
import {join} from 'node:path';
import {JsonNumber, parseJson, prettyJson, type JsonValue} from './json.js';

/** An argument as raw JSON text: itself if it is JSON, otherwise a JSON string. */
export function argumentJson(arg: string): string {
	try {
		parseJson(arg);
		return arg;
	} catch {
		return JSON.stringify(arg);
	}
}

export interface RpcCall {
	readonly port: number;
	readonly host?: string;
	readonly datadir: string;
	readonly user?: string;
	readonly password?: string;
	readonly method: string;
	readonly args: readonly string[];
}

/** Calls the node; resolves with the raw JSON of the result, or rejects with the node's message. */
export async function callRpc(call: RpcCall): Promise<string> {
	let credentials: string;
	if (call.user !== undefined && call.password !== undefined) credentials = `${call.user}:${call.password}`;
	else {
		try {
			credentials = (await readFile(join(call.datadir, '.cookie'), 'utf8')).trim();
		} catch {
			throw new Error(`no RPC cookie in ${call.datadir}: is a node running there (not with --no-rpc)?`);
		}
	}
	const body = `{"jsonrpc":"1.0","id":"chain-tui-rpc","method":${JSON.stringify(call.method)},"params":[${call.args.map(argumentJson).join(',')}]}`;
	const text = await new Promise<string>((resolve, reject) => {
		const req = request(
			{host: call.host ?? '127.0.0.1', port: call.port, method: 'POST', path: '/', headers: {'content-type': 'application/json', authorization: `Basic ${Buffer.from(credentials).toString('base64')}`}, timeout: 600_000},
			res => {
				const chunks: Buffer[] = [];
				res.on('data', c => chunks.push(c as Buffer));
				res.on('end', () => {
					const out = Buffer.concat(chunks).toString('utf8');
					if (res.statusCode === 401) reject(new Error('the node refused the RPC credentials (401)'));
					else if (res.statusCode === 503) reject(new Error(`the node is too busy to answer now (503: ${out.trim()}); try again`));
					else resolve(out);
				});
			},
		);
		req.on('error', error => reject(new Error(`cannot reach the node's RPC at ${call.host ?? '127.0.0.1'}:${call.port}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
		req.end(body);
	});
	const reply = parseJson(text) as Record<string, JsonValue>;
	const error = reply.error as {message?: string; code?: JsonNumber} | null;
	if (error) throw new Error(`error code: ${error.code?.text ?? '?'}\nerror message:\n${error.message ?? ''}`);
	// As bitcoin-cli: a string result bare, anything else as indented JSON, numbers as sent.
	const result = reply.result ?? null;
	return typeof result === 'string' ? result : prettyJson(result);
}
