/**
 * A LAN of Linux network namespaces for tests: a switch namespace holding a bridge, and one
 * namespace per host, each joined to the bridge by a veth pair made inside the switch namespace
 * and moved straight into the host's (no interface ever sits in the root namespace), each host
 * with `lo` and a 10.x.y.z/24 address and no route out. A partition moves some hosts' switch ports
 * to a second, empty bridge: frames between the sides are dropped without a word (no reset, no
 * ICMP), as a pulled cable or a failed switch would; heal moves them back.
 *
 * Names are `ctui-<pid>-<hex>-…`: unique per run, and a run killed with SIGKILL is recognised by its
 * dead pid: cleanStale() ends the processes left in its namespaces and deletes them, and its temp
 * folder. A test process whose runner was killed (its IPC channel gone) cleans up and exits at once.
 * Everything here is synchronous, so it can also run from an 'exit' handler.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';

const NAME = /^ctui-(\d+)-([0-9a-f]{6})-/;

function ip(...args: string[]): string {
	return execFileSync('ip', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** The namespaces that exist, by name. */
function namespaces(): string[] {
	return ip('netns', 'list')
		.split('\n')
		.map(line => line.split(' ')[0]!)
		.filter(Boolean);
}

/** Ends every process in a namespace (only processes started in this test's namespaces live there), then deletes it. */
function deleteNamespace(ns: string): void {
	for (let round = 0; round < 50; round++) {
		let pids: number[];
		try {
			pids = ip('netns', 'pids', ns).split('\n').filter(Boolean).map(Number);
		} catch {
			break;
		}
		if (pids.length === 0) break;
		for (const pid of pids) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// gone already
			}
		}
		execFileSync('sleep', ['0.02']);
	}
	try {
		ip('netns', 'del', ns);
	} catch {
		// deleted already
	}
}

/**
 * Deletes what a killed run of this helper left: namespaces named `ctui-<pid>-…` whose pid is no
 * longer alive (with the processes still in them), and their temp folders. Returns the namespaces deleted.
 */
export function cleanStale(): string[] {
	const stale = namespaces().filter(ns => {
		const m = NAME.exec(ns);
		return m !== null && !alive(Number(m[1]));
	});
	for (const ns of stale) deleteNamespace(ns);
	for (const entry of readdirSync(tmpdir())) {
		const m = NAME.exec(entry);
		if (m && !alive(Number(m[1]))) rmSync(join(tmpdir(), entry), {recursive: true, force: true});
	}
	return stale;
}

/** Why namespaces cannot be made here (not root, no iproute2, no bridge support), or null if they can. */
export function netnsUnavailable(): string | null {
	if (process.platform !== 'linux') return `network namespaces are Linux only (this is ${process.platform})`;
	const probe = `ctui-${process.pid}-${randomBytes(3).toString('hex')}-probe`;
	try {
		ip('netns', 'add', probe);
		ip('-n', probe, 'link', 'add', 'br0', 'type', 'bridge');
		ip('-n', probe, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1');
		return null;
	} catch (error) {
		const e = error as {stderr?: string; message: string};
		return `cannot make network namespaces here (${(e.stderr || e.message).trim().split('\n')[0]}): run as root on Linux with iproute2`;
	} finally {
		try {
			deleteNamespace(probe);
		} catch {
			// ip itself may be missing
		}
	}
}

export interface Host {
	readonly index: number;
	/** The host's namespace. */
	readonly ns: string;
	/** Its 10.x.y.z address. */
	readonly address: string;
}

/** Hosts on a bridge, each in its own namespace; see the file's header. */
export class NetnsLan {
	readonly prefix: string;
	readonly switchNs: string;
	readonly hosts: Host[] = [];
	/** A temp folder named with the prefix, so cleanStale() finds it after a killed run. */
	readonly dir: string;
	private cut = new Set<number>();
	private destroyed = false;
	private readonly onExit = () => this.destroy();
	private readonly onSignal = (signal: NodeJS.Signals) => {
		this.destroy();
		process.kill(process.pid, signal);
	};
	/** The test runner that forked this process is gone (killed): nobody will collect the results. */
	private readonly onOrphaned = () => {
		this.destroy();
		// Not process.exit, which the runner takes over inside a test: nothing is left to finish.
		process.kill(process.pid, 'SIGKILL');
	};

	/** Makes `count` hosts (at most 250) on 10.a.b.1, .2, …, a and b from the pid and a random byte. */
	constructor(count: number) {
		const tag = randomBytes(3).toString('hex');
		this.prefix = `ctui-${process.pid}-${tag}-`;
		this.switchNs = `${this.prefix}sw`;
		const subnet = `10.${process.pid % 250}.${parseInt(tag.slice(0, 2), 16)}`;
		process.on('exit', this.onExit);
		process.once('SIGINT', this.onSignal);
		process.once('SIGTERM', this.onSignal);
		process.once('disconnect', this.onOrphaned);
		this.dir = mkdtempSync(join(tmpdir(), this.prefix));
		try {
			ip('netns', 'add', this.switchNs);
			for (const br of ['br0', 'br1']) {
				ip('-n', this.switchNs, 'link', 'add', br, 'type', 'bridge');
				ip('-n', this.switchNs, 'link', 'set', br, 'up');
			}
			ip('-n', this.switchNs, 'link', 'set', 'lo', 'up');
			for (let i = 0; i < count; i++) {
				const ns = `${this.prefix}h${i}`;
				const address = `${subnet}.${i + 1}`;
				ip('netns', 'add', ns);
				// Made in the switch namespace, one end moved straight into the host's.
				ip('-n', this.switchNs, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
				ip('-n', this.switchNs, 'link', 'set', `p${i}`, 'master', 'br0');
				ip('-n', this.switchNs, 'link', 'set', `p${i}`, 'up');
				ip('-n', ns, 'link', 'set', 'lo', 'up');
				ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
				ip('-n', ns, 'link', 'set', 'eth0', 'up');
				this.hosts.push({index: i, ns, address});
			}
		} catch (error) {
			this.destroy();
			throw error;
		}
	}

	/** The interfaces of a namespace (null: the root one), or those of one type (tests check no veth reached the root namespace). */
	static links(ns: string | null, type?: string): string[] {
		const out = ip(...(ns === null ? [] : ['-n', ns]), '-o', 'link', 'show', ...(type ? ['type', type] : []));
		return out
			.split('\n')
			.filter(Boolean)
			.map(line => line.split(':')[1]!.trim().split('@')[0]!);
	}

	/** Cuts `side` off the rest: their switch ports move to the second bridge. */
	partition(side: readonly number[]): void {
		for (const i of side) {
			ip('-n', this.switchNs, 'link', 'set', `p${i}`, 'master', 'br1');
			this.cut.add(i);
		}
	}

	/** Every port back on the first bridge. */
	heal(): void {
		for (const i of this.cut) ip('-n', this.switchNs, 'link', 'set', `p${i}`, 'master', 'br0');
		this.cut.clear();
	}

	/** Starts a command inside a host's namespace. */
	spawn(host: Host, command: string, args: readonly string[]): ChildProcess {
		return spawn('ip', ['netns', 'exec', host.ns, command, ...args], {stdio: ['pipe', 'pipe', 'pipe']});
	}

	/** Every process in the namespaces ended, the namespaces and the temp folder deleted; idempotent. */
	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		process.off('exit', this.onExit);
		process.off('SIGINT', this.onSignal);
		process.off('SIGTERM', this.onSignal);
		process.off('disconnect', this.onOrphaned);
		for (const ns of namespaces().filter(n => n.startsWith(this.prefix))) deleteNamespace(ns);
		rmSync(this.dir, {recursive: true, force: true});
	}
}

/**
 * JSON-RPC to a node inside a host's namespace, without leaving it: a small client process runs
 * there and talks to the node on that namespace's 127.0.0.1; requests and answers go over its
 * stdin and stdout, never over a network of the root namespace.
 */
export class NsRpc {
	private readonly child: ChildProcess;
	private nextId = 1;
	private readonly waiting = new Map<number, {resolve: (v: unknown) => void; reject: (e: Error) => void}>();

	constructor(lan: NetnsLan, host: Host, port: number, user: string, password: string) {
		this.child = lan.spawn(host, process.execPath, ['-e', CLIENT, String(port), `${user}:${password}`]);
		createInterface({input: this.child.stdout!}).on('line', line => {
			const reply = JSON.parse(line) as {id: number; result?: unknown; error?: string};
			const call = this.waiting.get(reply.id);
			this.waiting.delete(reply.id);
			if (reply.error !== undefined) call?.reject(new Error(reply.error));
			else call?.resolve(reply.result);
		});
		this.child.on('exit', () => {
			for (const call of this.waiting.values()) call.reject(new Error('the RPC client in the namespace ended'));
			this.waiting.clear();
		});
	}

	call<T = unknown>(method: string, ...params: unknown[]): Promise<T> {
		const id = this.nextId++;
		return new Promise<T>((resolve, reject) => {
			this.waiting.set(id, {resolve: resolve as (v: unknown) => void, reject});
			this.child.stdin!.write(`${JSON.stringify({id, method, params})}\n`);
		});
	}

	close(): void {
		this.child.stdin!.end();
		this.child.kill();
	}
}

/** The client run inside a namespace (plain JavaScript, node -e): a JSON line in, a JSON line out. */
const CLIENT = `
const http = require('node:http');
const [port, credentials] = process.argv.slice(1);
const auth = 'Basic ' + Buffer.from(credentials).toString('base64');
require('node:readline').createInterface({input: process.stdin}).on('line', line => {
	const {id, method, params} = JSON.parse(line);
	const answer = reply => process.stdout.write(JSON.stringify({id, ...reply}) + '\\n');
	const req = http.request({host: '127.0.0.1', port: Number(port), method: 'POST', path: '/', headers: {authorization: auth, 'content-type': 'application/json'}, timeout: 30000}, res => {
		const chunks = [];
		res.on('data', c => chunks.push(c));
		res.on('end', () => {
			try {
				const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
				answer(body.error ? {error: method + ': ' + body.error.message} : {result: body.result});
			} catch {
				answer({error: method + ': HTTP ' + res.statusCode});
			}
		});
	});
	req.on('error', error => answer({error: method + ': ' + (error.code || error.message)}));
	req.on('timeout', () => req.destroy(new Error('timed out')));
	req.end(JSON.stringify({jsonrpc: '1.0', id, method, params}));
});
`;
