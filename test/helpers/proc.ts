/** The real binary as a child process, its output collected, stopped by a signal. */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process';
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

/** A port free now (source/lab/ports.ts: below the ephemeral range, never the same twice). */
export {freePort} from '../../source/lab/ports.js';

/** Processes whose parent is `pid` (node processes retitle themselves, so not by command line). */
export function childrenOf(pid: number): number[] {
	try {
		return execFileSync('pgrep', ['-P', String(pid)], {encoding: 'utf8'}).trim().split('\n').filter(Boolean).map(Number);
	} catch {
		return []; // pgrep exits 1 when nothing matches
	}
}

/** Whether a process with this pid is still there. */
export function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}
