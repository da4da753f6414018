/**
 * JSON-RPC to a lab node on loopback, one call or a batch (an array of calls in one request, as
 * Core's server takes them): the lab screen asks every node several things each poll.
 */
import {request} from 'node:http';

/** The lab's nodes run with --rpc-user lab --rpc-password lab. */
export const LAB_AUTH = `Basic ${Buffer.from('lab:lab').toString('base64')}`;

export type Call = readonly [method: string, ...params: unknown[]];

/** A batch's answer per call: its result, or the node's error message. */
export type Answer<T = unknown> = {readonly ok: true; readonly result: T} | {readonly ok: false; readonly error: string};

interface Reply {
	readonly result: unknown;
	readonly error: {readonly message: string} | null;
	readonly id: number;
}

function post(port: number, body: string, timeoutMs: number): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const req = request({host: '127.0.0.1', port, method: 'POST', path: '/', headers: {authorization: LAB_AUTH, 'content-type': 'application/json'}, timeout: timeoutMs}, res => {
			const chunks: Buffer[] = [];
			res.on('data', c => chunks.push(c as Buffer));
			// A node killed mid-reply ends the stream with neither 'end' nor 'error'.
			res.on('close', () => {
				if (!res.complete) reject(new Error('connection closed mid-reply'));
			});
			res.on('end', () => {
				try {
					resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				} catch {
					reject(new Error(`HTTP ${res.statusCode}`));
				}
			});
		});
		req.on('error', reject);
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.end(body);
	});
}

/** Several calls in one request; each answer in the order of `calls`. Rejects when the node cannot be reached. */
export async function rpcBatch(port: number, calls: readonly Call[], timeoutMs = 10_000): Promise<Answer[]> {
	if (calls.length === 0) return [];
	const body = JSON.stringify(calls.map(([method, ...params], id) => ({jsonrpc: '1.0', id, method, params})));
	const replies = (await post(port, body, timeoutMs)) as Reply[];
	if (!Array.isArray(replies)) throw new Error('the node answered a batch with a single reply');
	const byId = new Map(replies.map(r => [r.id, r]));
	return calls.map((_, id) => {
		const r = byId.get(id);
		if (!r) return {ok: false, error: 'no answer in the batch'};
		return r.error ? {ok: false, error: r.error.message} : {ok: true, result: r.result};
	});
}

/** One call; rejects with the node's message. */
export async function rpcCall<T = unknown>(port: number, method: string, params: readonly unknown[] = [], timeoutMs = 60_000): Promise<T> {
	const [answer] = await rpcBatch(port, [[method, ...params]], timeoutMs);
	if (!answer!.ok) throw new Error(answer!.error);
	return answer!.result as T;
}
