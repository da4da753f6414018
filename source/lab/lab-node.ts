/**
 * One node of the lab: the real binary as a process of its own (headless, its own datadir, RPC on
 * loopback), dialling only its links (`--connect`), so the lab decides who talks to whom.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {compiledUrl} from '../node/util/compiled.js';
import {rpcCall} from './rpc-client.js';

export interface LabNodeSpec {
	readonly index: number;
	readonly network: string;
	readonly dir: string;
	readonly port: number;
	readonly rpcPort: number;
	/** Link ports this node dials. */
	readonly connect: readonly number[];
}

export class LabNode {
	private child: ChildProcess | null = null;
	output = '';
	/** Flags added at the next start (a `--wallet` shared with another node, say). */
	extraArgs: string[] = [];

	constructor(readonly spec: LabNodeSpec) {}

	get name(): string {
		return `n${this.spec.index}`;
	}

	get datadir(): string {
		return join(this.spec.dir, this.name);
	}

	get running(): boolean {
		return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
	}

	start(): void {
		const {network, port, rpcPort, connect} = this.spec;
		const args = ['--network', network, '--headless', '--port', String(port), '--rpc-port', String(rpcPort), '--rpc-user', 'lab', '--rpc-password', 'lab', '--datadir', this.datadir];
		for (const p of connect) args.push('--connect', `127.0.0.1:${p}`);
		// A node that dials no link still must not dial around the links: connect-only, to nobody.
		if (connect.length === 0) args.push('--connect', '0');
		args.push(...this.extraArgs);
		const child = spawn(process.execPath, [compiledUrl('cli.js').pathname, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
		// The last lines only: a long run must not grow without bound.
		const keep = (d: Buffer) => (this.output = (this.output + String(d)).slice(-20_000));
		child.stdout!.on('data', keep);
		child.stderr!.on('data', keep);
		this.child = child;
	}

	/** Ends the process: SIGTERM (a clean stop) or SIGKILL (kill -9). */
	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise(resolve => child.once('exit', resolve));
		child.kill(signal);
		await exited;
	}

	/** Stops the process cleanly and starts it again with `extraArgs` in place of the last ones. */
	async restart(extraArgs: readonly string[]): Promise<void> {
		await this.stop();
		this.extraArgs = [...extraArgs];
		this.start();
	}

	/** The node's whole debug.log ('' before it has one): `output` keeps only the last lines. */
	debugLog(): Promise<string> {
		return readFile(join(this.datadir, 'debug.log'), 'utf8').catch(() => '');
	}

	/** A JSON-RPC call; rejects with the node's message (or why it cannot be reached), named by node and method. */
	rpc<T = unknown>(method: string, ...params: unknown[]): Promise<T> {
		return rpcCall<T>(this.spec.rpcPort, method, params).catch((error: Error) => {
			throw new Error(`${this.name} ${method}: ${error.message}`);
		});
	}

	/** Ends the process at once, synchronously (the lab's own exit: nothing may wait then). */
	killNow(): void {
		if (this.running) this.child!.kill('SIGKILL');
	}
}
