/**
 * The lab's JSON-RPC client settles every call: with the answers of a batch in order, with the
 * node's error, and with an error when the node goes away mid-reply (a kill -9 while answering),
 * which must never leave the lab's polling or its queued keys waiting forever.
 */
import {createServer, type Server, type Socket} from 'node:net';
import {afterEach, describe, expect, it} from 'vitest';
import {rpcBatch, rpcCall} from '../../source/lab/rpc-client.js';

const servers: Server[] = [];
afterEach(async () => {
	for (const s of servers.splice(0)) await new Promise(resolve => s.close(resolve));
});

/** A fake node: `answer` gets the request body and the socket. */
async function fakeNode(answer: (body: string, socket: Socket) => void): Promise<number> {
	const server = createServer(socket => {
		let data = '';
		socket.on('error', () => undefined);
		socket.on('data', d => {
			data += String(d);
			const head = data.indexOf('\r\n\r\n');
			if (head < 0) return;
			const length = Number(/content-length: (\d+)/i.exec(data.slice(0, head))?.[1] ?? 0);
			if (data.length - head - 4 >= length) answer(data.slice(head + 4), socket);
		});
	});
	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as {port: number}).port;
}

const reply = (socket: Socket, json: unknown) => {
	const body = JSON.stringify(json);
	socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
};

describe('the lab RPC client', () => {
	it('a batch: each answer in the order asked, results and errors apart, whatever order they come in', async () => {
		const port = await fakeNode((body, socket) => {
			const calls = JSON.parse(body) as {id: number; method: string}[];
			expect(calls.map(c => c.method)).toEqual(['getblockcount', 'nope']);
			reply(socket, [
				{id: 1, result: null, error: {code: -32601, message: 'Method not found'}},
				{id: 0, result: 7, error: null},
			]);
		});
		expect(await rpcBatch(port, [['getblockcount'], ['nope']])).toEqual([
			{ok: true, result: 7},
			{ok: false, error: 'Method not found'},
		]);
	});

	it("one call rejects with the node's message", async () => {
		const port = await fakeNode((_body, socket) => reply(socket, [{id: 0, result: null, error: {code: -8, message: 'Block height out of range'}}]));
		await expect(rpcCall(port, 'getblockhash', [99])).rejects.toThrow('Block height out of range');
	});

	it('a node gone mid-reply (its head and part of its body sent): the call rejects, it does not hang', async () => {
		const port = await fakeNode((_body, socket) => {
			socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"result":');
			setImmediate(() => socket.destroy());
		});
		await expect(rpcBatch(port, [['getblockchaininfo']], 60_000)).rejects.toThrow('connection closed mid-reply');
	});

	it('nobody listening: rejects with the reason', async () => {
		const port = await fakeNode(() => undefined);
		await new Promise(resolve => servers.pop()!.close(resolve));
		await expect(rpcCall(port, 'getblockcount')).rejects.toThrow(/ECONNREFUSED/);
	});
});
