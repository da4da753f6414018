/** The real binary as a child process, its output collected, stopped by a signal. */
import {spawn, type ChildProcess} from 'node:child_process';
import {createServer} from 'node:net';
import {fileURLToPath} from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export class Proc {
	stdout = '';
	stderr = '';
	code: number | null = null;
	private readonly child: ChildProcess;
	readonly exited: Promise<number | null>;

	constructor(args: string[], env: NodeJS.ProcessEnv = {}) {
		this.child = spawn(process.execPath, [cliPath, ...args], {env: {...process.env, ...env}, stdio: ['ignore', 'pipe', 'pipe']});
		this.child.stdout!.on('data', d => (this.stdout += String(d)));
		this.child.stderr!.on('data', d => (this.stderr += String(d)));
		this.exited = new Promise(resolve => this.child.on('exit', code => resolve((this.code = code))));
	}

	async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
		const deadline = Date.now() + ms;
		while (Date.now() < deadline) {
			const m = pattern.exec(this.stdout);
			if (m) return m;
			if (this.code !== null) break;
			await new Promise(resolve => setTimeout(resolve, 20));
		}
		throw new Error(`no ${pattern} in output (exit ${this.code}):\n${this.stdout}\n${this.stderr}`);
	}

	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
		if (this.code === null) this.child.kill(signal);
		return this.exited;
	}
}

/** A port nothing listens on right now. */
/** Whether a server can listen on `port` on every interface (as the node does) right now. */
function canListen(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, () => server.close(() => resolve(true)));
	});
}

const handedOut = new Set<number>();

/**
 * A port free now, for a node to listen on soon after. Taken below Linux's ephemeral range
 * (32768-60999): a port the OS hands out as free there can be taken meanwhile by any outgoing
 * connection, and the load test makes thousands while other files run. Never the same twice in
 * one process.
 */
export async function freePort(): Promise<number> {
	for (let tries = 0; tries < 500; tries++) {
		const port = 20_000 + Math.floor(Math.random() * 12_000);
		if (handedOut.has(port) || !(await canListen(port))) continue;
		handedOut.add(port);
		return port;
	}
	throw new Error('no free port found in 20000-31999');
}
