/**
 * The JSON-RPC server, in Bitcoin Core's dialect: HTTP POST of JSON-RPC 1.0/2.0 requests or
 * batches, HTTP Basic auth with a random cookie (<datadir>/.cookie, user __cookie__, mode 0600,
 * removed on shutdown) or --rpc-user/--rpc-password, bound to 127.0.0.1 unless told otherwise.
 */
import {randomBytes, timingSafeEqual} from 'node:crypto';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {Socket} from 'node:net';
import {rm, writeFile, chmod} from 'node:fs/promises';
import {join} from 'node:path';
import {JsonNumber, JsonSyntaxError, parseJson, stringifyJson, type JsonValue} from './json.js';

export const RPC_ERRORS = {
	PARSE_ERROR: -32700,
	INVALID_REQUEST: -32600,
	METHOD_NOT_FOUND: -32601,
	INVALID_PARAMS: -32602,
	INTERNAL_ERROR: -32603,
	MISC_ERROR: -1,
	TYPE_ERROR: -3,
	INVALID_ADDRESS_OR_KEY: -5,
	INVALID_PARAMETER: -8,
	WALLET_ERROR: -4,
	WALLET_INSUFFICIENT_FUNDS: -6,
	WALLET_UNLOCK_NEEDED: -13,
	WALLET_PASSPHRASE_INCORRECT: -14,
	WALLET_WRONG_ENC_STATE: -15,
	CLIENT_NOT_CONNECTED: -9,
	CLIENT_IN_INITIAL_DOWNLOAD: -10,
	VERIFY_ERROR: -25,
	VERIFY_REJECTED: -26,
	VERIFY_ALREADY_IN_CHAIN: -27,
	IN_WARMUP: -28,
	CLIENT_NODE_NOT_CONNECTED: -29,
	CLIENT_NODE_ALREADY_ADDED: -23,
	CLIENT_NODE_NOT_ADDED: -24,
	WALLET_INVALID_LABEL_NAME: -11,
} as const;

export class RpcError extends Error {
	override readonly name = 'RpcError';
	constructor(
		readonly code: number,
		message: string,
	) {
		super(message);
	}
}

export type RpcHandler = (params: readonly JsonValue[]) => Promise<unknown> | unknown;

export interface RpcServerOptions {
	readonly port: number;
	readonly host?: string;
	/** Where the cookie goes; without user/password the cookie is the only credential. */
	readonly datadir: string;
	readonly user?: string;
	readonly password?: string;
	/** The methods; until given (setMethods) every call answers -28 "warming up". */
	readonly methods?: Readonly<Record<string, RpcHandler>>;
	/** Named parameters, in order, per method (JSON-RPC 2.0 object params). */
	readonly paramNames?: Readonly<Record<string, readonly string[]>>;
	/**
	 * Milliseconds before a wrong password is answered (Core's 250 ms, httprpc.cpp). While one is
	 * delayed, that address's other requests wait their turn before their credentials are even
	 * checked, so parallel guesses from one address get no faster than one per delay.
	 */
	readonly authDelayMs?: number;
	/** How the failed-login delay waits (tests inject one to watch the order); setTimeout by default. */
	readonly sleep?: (ms: number) => Promise<void>;
	/** Requests run at once (Core's -rpcthreads, DEFAULT_HTTP_THREADS 16). */
	readonly threads?: number;
	/**
	 * Requests waiting for one of those (Core's -rpcworkqueue, DEFAULT_HTTP_WORKQUEUE 64); one more
	 * is answered at once with HTTP 503 "Work queue depth exceeded", so callers faster than the node
	 * never pile up inside it.
	 */
	readonly workQueue?: number;
	/**
	 * Open sockets at most (Core bounds its fds with its own budget): one more evicts the socket
	 * idle longest, so idle connections can never lock callers out; with none idle it is closed.
	 */
	readonly maxConnections?: number;
	/** A socket with no request running is closed after this long (Core's -rpcservertimeout, 30 s). */
	readonly idleTimeoutMs?: number;
}

/** Core's defaults (httpserver.h). */
export const RPC_DEFAULTS = {threads: 16, workQueue: 64, idleTimeoutMs: 30_000, authDelayMs: 250, maxConnections: 256} as const;

const MAX_BODY = 1_000_000;

export class RpcServer {
	private server: Server | null = null;
	private readonly credentials: string[] = [];
	private cookiePath: string | null = null;
	private methods: Readonly<Record<string, RpcHandler>> | null;
	private warmupMessage = 'Loading block index…';
	private running = 0;
	/** Authorized requests waiting for a free thread slot, in arrival order. */
	private readonly waiting: (() => void)[] = [];
	/** Open sockets, oldest first (a Map keeps insertion order); the value counts requests running on it. */
	private readonly sockets = new Map<Socket, {busy: number}>();
	/** Per remote address with a wrong password being delayed: its requests waiting their turn. */
	private readonly gates = new Map<string, (() => void)[]>();
	/** Wrong credentials received so far. */
	failedLogins = 0;
	port = 0;

	constructor(private readonly options: RpcServerOptions) {
		this.methods = options.methods ?? null;
	}

	/** Authorized calls waiting for a thread (the work queue's depth). */
	get queued(): number {
		return this.waiting.length;
	}

	/** Open sockets. */
	get connections(): number {
		return this.sockets.size;
	}

	/** The node is ready: calls go to these methods from now on. */
	setMethods(methods: Readonly<Record<string, RpcHandler>>): void {
		this.methods = methods;
	}

	/** What a call answers while the node loads (-28). */
	setWarmup(message: string): void {
		this.warmupMessage = message;
	}

	async start(): Promise<void> {
		const {options} = this;
		if (options.user !== undefined && options.password !== undefined) {
			this.credentials.push(`${options.user}:${options.password}`);
		} else {
			const secret = randomBytes(32).toString('hex');
			this.cookiePath = join(options.datadir, '.cookie');
			await writeFile(this.cookiePath, `__cookie__:${secret}`, {mode: 0o600});
			await chmod(this.cookiePath, 0o600);
			this.credentials.push(`__cookie__:${secret}`);
		}
		const idleMs = options.idleTimeoutMs ?? RPC_DEFAULTS.idleTimeoutMs;
		const server = createServer((req, res) => {
			// A client that goes away mid-request ('aborted', a reset) is no fault of the node's:
			// its request ends there, and nothing of it may reach the process as an uncaught error.
			req.on('error', () => undefined);
			this.handle(req, res).catch(() => {
				if (!res.destroyed) res.destroy();
			});
		});
		server.requestTimeout = Math.max(idleMs, 1000);
		server.headersTimeout = Math.min(10_000, idleMs);
		server.keepAliveTimeout = Math.min(5_000, idleMs);
		server.on('connection', socket => this.admit(socket));
		// Idle only: a long call (generatetoaddress) keeps its socket, as Core's evhttp does. A
		// server 'timeout' listener also stops Node destroying every socket that times out.
		server.setTimeout(idleMs, socket => {
			if ((this.sockets.get(socket as Socket)?.busy ?? 0) === 0) socket.destroy();
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', error => {
				const code = (error as NodeJS.ErrnoException).code;
				reject(new Error(code === 'EADDRINUSE' ? `RPC port ${options.port} is already in use` : `cannot listen for RPC on port ${options.port}: ${error.message}`));
			});
			server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
		});
		this.server = server;
		const address = server.address();
		this.port = typeof address === 'object' && address ? address.port : options.port;
	}

	async stop(): Promise<void> {
		if (this.server) {
			this.server.closeAllConnections();
			await new Promise<void>(resolve => this.server!.close(() => resolve()));
			this.server = null;
		}
		if (this.cookiePath) await rm(this.cookiePath, {force: true});
	}

	/** Tracks a new socket: closes it when idle too long, and keeps the count under maxConnections. */
	private admit(socket: Socket): void {
		this.sockets.set(socket, {busy: 0});
		socket.once('close', () => this.sockets.delete(socket));
		if (this.sockets.size <= (this.options.maxConnections ?? RPC_DEFAULTS.maxConnections)) return;
		for (const [other, s] of this.sockets) {
			if (other !== socket && s.busy === 0) {
				other.destroy();
				this.sockets.delete(other);
				return;
			}
		}
		socket.destroy();
		this.sockets.delete(socket);
	}

	/** Waits for a thread slot; false when the work queue is full (503). */
	private async acquire(): Promise<boolean> {
		if (this.running < (this.options.threads ?? RPC_DEFAULTS.threads)) {
			this.running++;
			return true;
		}
		if (this.waiting.length >= (this.options.workQueue ?? RPC_DEFAULTS.workQueue)) return false;
		// The slot is handed over by release(), so running stays counted.
		await new Promise<void>(resolve => this.waiting.push(resolve));
		return true;
	}

	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.running--;
	}

	/**
	 * Core sleeps 250 ms in the worker after a wrong password (httprpc.cpp, "Deter brute-forcing"),
	 * which bounds guessing by its 16 workers (~64 a second). Here guessing is bounded per address:
	 * while one of its wrong passwords is being delayed, that address holds a gate, and its other
	 * requests queue behind it and are checked one at a time, a right password too (it cannot be
	 * told from a guess before it is checked, and answering it at once would let parallel guesses
	 * find the password at full speed). Other addresses are not slowed, and the gate holds no
	 * thread. Resolves true on this request's turn, false when the address's queue is full.
	 */
	private async loginTurn(key: string): Promise<boolean> {
		const queue = this.gates.get(key);
		if (!queue) {
			this.gates.set(key, []);
			return true;
		}
		if (queue.length >= (this.options.workQueue ?? RPC_DEFAULTS.workQueue)) return false;
		await new Promise<void>(resolve => queue.push(resolve));
		return true;
	}

	/** Hands the address's turn to its next waiting request, or opens its gate. */
	private nextLogin(key: string): void {
		const next = this.gates.get(key)?.shift();
		if (next) next();
		else this.gates.delete(key);
	}

	/** Requests waiting for their address's turn to have their credentials checked. */
	get waitingLogins(): number {
		let n = 0;
		for (const queue of this.gates.values()) n += queue.length;
		return n;
	}

	private authorized(req: IncomingMessage): boolean {
		const header = req.headers.authorization ?? '';
		const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
		if (!m) return false;
		const given = Buffer.from(Buffer.from(m[1]!, 'base64').toString('utf8'));
		return this.credentials.some(c => {
			const want = Buffer.from(c);
			return want.length === given.length && timingSafeEqual(want, given);
		});
	}

	private send(res: ServerResponse, status: number, body: string): void {
		res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(body)});
		res.end(body);
	}

	private busy(req: IncomingMessage, res: ServerResponse): void {
		res.writeHead(503, {'content-type': 'text/plain'});
		res.end('Work queue depth exceeded');
		req.resume();
	}

	/** The failed-login delay (see loginTurn). */
	private failedLogin(): Promise<void> {
		this.failedLogins++;
		const sleep = this.options.sleep ?? ((t: number) => new Promise<void>(resolve => setTimeout(resolve, t)));
		return sleep(this.options.authDelayMs ?? RPC_DEFAULTS.authDelayMs);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const unauthorized = () => {
			req.resume();
			if (res.destroyed) return;
			res.writeHead(401, {'www-authenticate': 'Basic realm="jsonrpc"', 'content-type': 'text/plain'});
			res.end('401 Unauthorized: wrong or missing RPC credentials (see <datadir>/.cookie)\n');
		};
		// As Core: no Authorization header at all guesses nothing and is answered at once.
		if (req.headers.authorization === undefined) return unauthorized();
		const key = req.socket.remoteAddress ?? '';
		// Only an address with a wrong password being delayed has a gate to wait at.
		if (this.gates.has(key)) {
			if (!(await this.loginTurn(key))) return this.busy(req, res);
			// Gone while it waited (evicted, or the caller gave up): nothing to check.
			if (req.socket.destroyed) return this.nextLogin(key);
			if (!this.authorized(req)) {
				await this.failedLogin();
				this.nextLogin(key);
				return unauthorized();
			}
			this.nextLogin(key);
		} else if (!this.authorized(req)) {
			await this.loginTurn(key);
			await this.failedLogin();
			this.nextLogin(key);
			return unauthorized();
		}
		if (!(await this.acquire())) return this.busy(req, res);
		const state = this.sockets.get(req.socket);
		if (state) state.busy++;
		try {
			await this.handleAuthorized(req, res);
		} finally {
			if (state) state.busy--;
			this.release();
		}
	}

	private async handleAuthorized(req: IncomingMessage, res: ServerResponse): Promise<void> {
		if (req.method !== 'POST') {
			this.send(res, 405, stringifyJson({result: null, error: {code: RPC_ERRORS.INVALID_REQUEST, message: 'JSON-RPC requests are HTTP POST'}, id: null}));
			return;
		}
		let size = 0;
		const chunks: Buffer[] = [];
		let tooBig = false;
		for await (const chunk of req) {
			size += (chunk as Buffer).length;
			if (size > MAX_BODY) {
				tooBig = true;
				break;
			}
			chunks.push(chunk as Buffer);
		}
		if (tooBig) {
			// Answer, then drop the rest of the body unread and close.
			res.setHeader('connection', 'close');
			this.send(res, 413, stringifyJson({result: null, error: {code: RPC_ERRORS.INVALID_REQUEST, message: `request body over ${MAX_BODY} bytes`}, id: null}));
			req.resume();
			return;
		}
		const {status, body} = await this.handleBody(Buffer.concat(chunks).toString('utf8'));
		this.send(res, status, body);
	}

	/** One request body (single or batch) -> HTTP status and reply text. Never throws. */
	async handleBody(text: string): Promise<{status: number; body: string}> {
		let body: JsonValue;
		try {
			body = parseJson(text);
		} catch (error) {
			const message = error instanceof JsonSyntaxError ? `Parse error: ${error.message}` : 'Parse error';
			return {status: 500, body: stringifyJson({result: null, error: {code: RPC_ERRORS.PARSE_ERROR, message}, id: null})};
		}
		if (Array.isArray(body)) {
			if (body.length > 1000) return {status: 500, body: stringifyJson({result: null, error: {code: RPC_ERRORS.INVALID_REQUEST, message: 'batch of more than 1,000 requests'}, id: null})};
			const replies = [];
			for (const one of body) replies.push(await this.call(one));
			return {status: 200, body: stringifyJson(replies.map(r => r.reply))};
		}
		const {reply, status} = await this.call(body);
		return {status, body: stringifyJson(reply)};
	}

	/** One request object -> its reply and the HTTP status Core would use. */
	private async call(request: JsonValue): Promise<{reply: Record<string, unknown>; status: number}> {
		if (!request || typeof request !== 'object' || Array.isArray(request) || request instanceof JsonNumber) {
			return {reply: {result: null, error: {code: RPC_ERRORS.INVALID_REQUEST, message: 'Invalid Request object'}, id: null}, status: 400};
		}
		const id = request.id ?? null;
		const v2 = request.jsonrpc === '2.0';
		const wrap = (result: unknown, error: {code: number; message: string} | null, status: number) => ({
			reply: v2 ? (error ? {jsonrpc: '2.0', error, id} : {jsonrpc: '2.0', result, id}) : {result: error ? null : result, error, id},
			status,
		});
		const method = request.method;
		if (typeof method !== 'string') return wrap(null, {code: RPC_ERRORS.INVALID_REQUEST, message: 'Method must be a string'}, 400);
		if (!this.methods) return wrap(null, {code: RPC_ERRORS.IN_WARMUP, message: this.warmupMessage}, 500);
		const handler = Object.hasOwn(this.methods, method) ? this.methods[method] : undefined;
		if (!handler) return wrap(null, {code: RPC_ERRORS.METHOD_NOT_FOUND, message: 'Method not found'}, 404);
		let params: readonly JsonValue[] = [];
		const raw = request.params;
		// A method with no entry declares no parameters.
		const names = this.options.paramNames?.[method] ?? [];
		if (Array.isArray(raw)) {
			// Core's RPCHelpMan (rpc/util.cpp): more parameters than the method declares is refused
			// before the method runs, with RPC_MISC_ERROR (-1) and the method's usage.
			if (raw.length > names.length) return wrap(null, {code: RPC_ERRORS.MISC_ERROR, message: usage(method, names, raw.length)}, 500);
			params = raw;
		} else if (raw && typeof raw === 'object' && !(raw instanceof JsonNumber)) {
			const unknown = Object.keys(raw).filter(k => !names.includes(k));
			if (unknown.length > 0) return wrap(null, {code: RPC_ERRORS.INVALID_PARAMETER, message: `Unknown named parameter ${unknown[0]}`}, 500);
			params = names.map(n => (raw as Record<string, JsonValue>)[n] ?? null);
			while (params.length > 0 && params[params.length - 1] === null) params = params.slice(0, -1);
		} else if (raw !== undefined && raw !== null) return wrap(null, {code: RPC_ERRORS.INVALID_REQUEST, message: 'Params must be an array or object'}, 400);
		try {
			return wrap(await handler(params), null, 200);
		} catch (error) {
			if (error instanceof RpcError) return wrap(null, {code: error.code, message: error.message}, 500);
			return wrap(null, {code: RPC_ERRORS.MISC_ERROR, message: (error as Error).message}, 500);
		}
	}
}

/** The usage line Core's help starts with, and why the call was refused. */
/** A method's usage line, as Core's help prints it first: `getblockhash height`. */
export const usageLine = (method: string, names: readonly string[]): string => [method, ...names].join(' ');

export function usage(method: string, names: readonly string[], given: number): string {
	return `${usageLine(method, names)}\n\n${method} takes ${names.length === 0 ? 'no parameters' : `at most ${names.length} parameter${names.length === 1 ? '' : 's'}`}; ${given} given`;
}
