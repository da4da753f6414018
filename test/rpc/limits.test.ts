/**
 * The RPC server's limits, as Core's httpserver/httprpc: threads + work queue (503 over it), idle
 * sockets closed, a connection cap that evicts idle sockets rather than callers, and the
 * failed-login delay served one at a time per client address.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {request} from 'node:http';
import {connect, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {RPC_DEFAULTS, RpcServer, type RpcServerOptions} from '../../source/node/rpc/server.js';
import {waitFor} from '../helpers/net-env.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

const GOOD = `Basic ${Buffer.from('u:p').toString('base64')}`;
const BAD = `Basic ${Buffer.from('u:wrong').toString('base64')}`;

async function serve(options: Partial<RpcServerOptions>): Promise<RpcServer> {
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-rpc-limits-'));
	const server = new RpcServer({port: 0, datadir: dir, user: 'u', password: 'p', ...options});
	await server.start();
	cleanups.push(async () => {
		await server.stop();
		await rm(dir, {recursive: true, force: true});
	});
	return server;
}

/** One POST on its own connection (no keep-alive pool), optionally from another loopback source address. */
function post(server: RpcServer, method: string, options: {auth?: string; localAddress?: string} = {}): Promise<{status: number; text: string}> {
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = {'content-type': 'application/json'};
		if (options.auth !== undefined) headers.authorization = options.auth;
		const req = request({host: '127.0.0.1', port: server.port, method: 'POST', path: '/', agent: false, headers, ...(options.localAddress ? {localAddress: options.localAddress} : {})}, res => {
			const chunks: Buffer[] = [];
			res.on('data', c => chunks.push(c as Buffer));
			res.on('end', () => resolve({status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8')}));
		});
		req.on('error', reject);
		req.end(JSON.stringify({id: 1, method}));
	});
}

/** Opens `n` raw sockets that never send a byte; resolves when all are connected. */
async function idleSockets(server: RpcServer, n: number): Promise<{sockets: Socket[]; closed: () => number}> {
	let closed = 0;
	const sockets = await Promise.all(
		Array.from({length: n}, () => new Promise<Socket>((resolve, reject) => {
			const socket = connect(server.port, '127.0.0.1', () => resolve(socket));
			socket.on('error', () => undefined); // a reset from the server is the point
			socket.once('close', () => closed++);
			socket.once('error', reject);
		})),
	);
	cleanups.push(async () => {
		for (const s of sockets) s.destroy();
	});
	return {sockets, closed: () => closed};
}

describe('defaults', () => {
	it('are Core\'s: 16 threads, a work queue of 64, a 30 s idle timeout, 250 ms after a wrong password', () => {
		expect(RPC_DEFAULTS).toMatchObject({threads: 16, workQueue: 64, idleTimeoutMs: 30_000, authDelayMs: 250});
	});
});

describe('threads and the work queue', () => {
	it('runs `threads` calls at once, queues `workQueue` more in order, answers 503 "Work queue depth exceeded" past that', async () => {
		const order: string[] = [];
		let release = () => {};
		const gate = new Promise<void>(resolve => (release = resolve));
		const server = await serve({threads: 1, workQueue: 1, methods: {hold: async () => (order.push('hold'), await gate, 'held'), ping: () => (order.push('ping'), 'pong')}});
		const held = post(server, 'hold', {auth: GOOD});
		await waitFor(() => order.length === 1, 'the call on the only thread');
		const queued = post(server, 'ping', {auth: GOOD});
		await waitFor(() => server.queued === 1, 'a call in the work queue');
		expect(await post(server, 'ping', {auth: GOOD})).toEqual({status: 503, text: 'Work queue depth exceeded'});
		expect(order).toEqual(['hold']); // the queued call waits for the thread
		release();
		expect((await held).status).toBe(200);
		expect((await queued).status).toBe(200);
		expect(order).toEqual(['hold', 'ping']);
		expect(server.queued).toBe(0);
		expect((await post(server, 'ping', {auth: GOOD})).status).toBe(200);
	});
});

describe('idle sockets', () => {
	it('are closed after idleTimeoutMs, while a socket with a call running longer than that stays', async () => {
		let release = () => {};
		const gate = new Promise<void>(resolve => (release = resolve));
		let entered = false;
		const server = await serve({idleTimeoutMs: 200, methods: {hold: async () => ((entered = true), await gate, 'held')}});
		const held = post(server, 'hold', {auth: GOOD});
		await waitFor(() => entered, 'the long call to start');
		const idle = await idleSockets(server, 100);
		await waitFor(() => idle.closed() === 100, 'the server to close every idle socket', 10_000);
		release();
		expect(await held).toEqual({status: 200, text: '{"result":"held","error":null,"id":1}'});
	});

	it('300 idle unauthenticated sockets over a cap of 50 cannot lock a caller out: the idlest go', async () => {
		const server = await serve({maxConnections: 50, idleTimeoutMs: 60_000, methods: {ping: () => 'pong'}});
		const idle = await idleSockets(server, 300);
		await waitFor(() => idle.closed() >= 250, 'the sockets over the cap to be closed', 10_000);
		expect(server.connections).toBeLessThanOrEqual(50);
		expect(await post(server, 'ping', {auth: GOOD})).toEqual({status: 200, text: '{"result":"pong","error":null,"id":1}'});
		// The caller's socket evicted an idle one, so still no more than the cap is open.
		expect(server.connections).toBeLessThanOrEqual(50);
	});
});

describe('failed logins', () => {
	it('from one address are checked and delayed one at a time, a right password waiting its turn; another address and no credentials at all do not wait', async () => {
		const sleeps: {ms: number; done: () => void}[] = [];
		const sleep = (ms: number) => new Promise<void>(resolve => sleeps.push({ms, done: resolve}));
		const server = await serve({authDelayMs: 7, sleep, methods: {ping: () => 'pong'}});
		const N = 5;
		const answers: number[] = [];
		const guesses = Array.from({length: N}, () => post(server, 'ping', {auth: BAD}).then(r => (answers.push(r.status), r)));
		// One guess is being delayed, the others wait unchecked behind it.
		await waitFor(() => server.waitingLogins === N - 1, 'every guess at the server');
		expect(sleeps.map(s => s.ms)).toEqual([7]);
		expect(server.failedLogins).toBe(1);
		// A right password from the same address queues behind them (answering it at once would let
		// parallel guesses find the password at full speed).
		const right = post(server, 'ping', {auth: GOOD}).then(r => (answers.push(r.status), r));
		await waitFor(() => server.waitingLogins === N, 'the right password in the queue');
		// Another address has its own turn: its delay starts at once.
		const elsewhere = post(server, 'ping', {auth: BAD, localAddress: '127.0.0.2'});
		await waitFor(() => sleeps.length === 2, 'the other address\'s delay');
		// As Core: no Authorization header at all is 401 at once, with no delay and no queue.
		expect((await post(server, 'ping')).status).toBe(401);
		expect(answers).toEqual([]);
		sleeps[1]!.done();
		expect((await elsewhere).status).toBe(401);
		// Each guess ends its own delay; only then is the next one checked and its delay started.
		for (let i = 0; i < N; i++) {
			const mine = i === 0 ? 0 : i + 1; // sleeps[1] was the other address's
			expect(sleeps).toHaveLength(i + 2); // this guess's delay, none of the later ones
			expect(server.failedLogins).toBe(i + 2);
			expect(answers).toEqual(Array(i).fill(401));
			sleeps[mine]!.done();
			await waitFor(() => answers.length >= i + 1, `guess ${i + 1} answered`); // after the last, the right password follows at once
			if (i < N - 1) await waitFor(() => sleeps.length === i + 3, `delay ${i + 2} to start`);
		}
		// Then the right password: answered with no delay of its own.
		expect(await right).toEqual({status: 200, text: '{"result":"pong","error":null,"id":1}'});
		expect(answers).toEqual([...Array(N).fill(401), 200]);
		expect(sleeps).toHaveLength(N + 1);
		await Promise.all(guesses);
		// The gate is open again: a right password now goes straight through.
		expect(server.waitingLogins).toBe(0);
		expect((await post(server, 'ping', {auth: GOOD})).status).toBe(200);
		expect(sleeps).toHaveLength(N + 1);
	});

	it('an address\'s queue is as deep as the work queue; past it, 503 without a check', async () => {
		const sleeps: (() => void)[] = [];
		const server = await serve({workQueue: 2, authDelayMs: 7, sleep: () => new Promise<void>(resolve => sleeps.push(resolve)), methods: {ping: () => 'pong'}});
		const first = post(server, 'ping', {auth: BAD});
		await waitFor(() => sleeps.length === 1, 'the first delay');
		const queued = [post(server, 'ping', {auth: BAD}), post(server, 'ping', {auth: GOOD})];
		await waitFor(() => server.waitingLogins === 2, 'two waiting');
		expect(await post(server, 'ping', {auth: GOOD})).toEqual({status: 503, text: 'Work queue depth exceeded'});
		expect(server.failedLogins).toBe(1);
		sleeps[0]!();
		expect((await first).status).toBe(401);
		await waitFor(() => sleeps.length === 2, 'the second delay');
		sleeps[1]!();
		expect((await Promise.all(queued)).map(r => r.status)).toEqual([401, 200]);
	});
});

describe('clients that go away', () => {
	it('a request cut off mid-body, or while its wrong password waits, ends there: nothing uncaught, the next call answered', async () => {
		const uncaught: unknown[] = [];
		const onError = (error: unknown) => uncaught.push(error);
		process.on('uncaughtException', onError).on('unhandledRejection', onError);
		try {
			const server = await serve({authDelayMs: 200, methods: {ping: () => 'pong'}});
			const cut = (auth: string) =>
				new Promise<void>((resolve, reject) => {
					const socket = connect(server.port, '127.0.0.1', () => {
						// Promises 1,000 bytes of body, sends 10, and hangs up.
						socket.write(`POST / HTTP/1.1\r\nhost: x\r\nauthorization: ${auth}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"id":1,"m`);
						setImmediate(() => {
							socket.destroy();
							resolve();
						});
					});
					socket.on('error', reject);
				});
			await cut(GOOD);
			await cut(BAD);
			expect(await post(server, 'ping', {auth: GOOD})).toEqual({status: 200, text: '{"result":"pong","error":null,"id":1}'});
			await waitFor(() => server.queued === 0, 'the cut requests to be gone');
			expect(uncaught).toEqual([]);
		} finally {
			process.off('uncaughtException', onError).off('unhandledRejection', onError);
		}
	});
});
