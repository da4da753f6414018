/**
 * The lab's nodes are its child processes: however the lab ends, none is left running. Ctrl-C or
 * SIGTERM on a headless scenario stops them (exit 130 / 143), and a lab process that exits on its
 * own (process.exit, an error) kills them on the way out.
 */
import {spawn} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {childrenOf, cliPath, isRunning} from '../helpers/proc.js';

const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) await rm(dir, {recursive: true, force: true});
});


/** Runs `args` with node; resolves once `ready` is seen on stdout, with the process and its exit. */
async function startUntil(args: string[], ready: RegExp) {
	const child = spawn(process.execPath, args, {stdio: ['pipe', 'pipe', 'pipe']});
	let out = '';
	const exited = new Promise<{code: number | null; signal: string | null}>(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`no ${ready} within 120 s:\n${out}`)), 120_000);
		child.stdout!.on('data', d => {
			out += String(d);
			if (ready.test(out)) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.once('exit', () => reject(new Error(`exited before ${ready}:\n${out}`)));
	});
	return {child, exited, output: () => out};
}

describe('the lab ends its nodes', () => {
	for (const [signal, code] of [
		['SIGINT', 130],
		['SIGTERM', 143],
	] as const) {
		it(`${signal} during a headless scenario: every node stops, exit ${code}`, async () => {
			const dir = await mkdtemp(join(tmpdir(), 'chain-tui-lab-exit-'));
			dirs.push(dir);
			const lab = await startUntil([cliPath, 'lab', '--headless', '--scenario', 'late-joiner', '--nodes', '3', '--datadir', join(dir, 'lab')], /lab: 3 nodes up/);
			const nodes = childrenOf(lab.child.pid!);
			expect(nodes).toHaveLength(3);
			lab.child.kill(signal);
			expect(await lab.exited).toEqual({code, signal: null});
			expect(lab.output()).toContain('lab: interrupted: stopping the nodes');
			expect(nodes.filter(isRunning)).toEqual([]);
		}, 180_000);
	}

	it('a lab process that exits on its own (process.exit) kills its nodes on the way out', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'chain-tui-lab-exit-'));
		dirs.push(dir);
		const script = join(dir, 'exit.mjs');
		const labUrl = pathToFileURL(join(cliPath, '..', 'lab', 'lab.js')).href;
		await writeFile(
			script,
			`import {Lab} from ${JSON.stringify(labUrl)};
const lab = await Lab.start({nodes: 2, topology: 'line', network: 'regtest', dir: ${JSON.stringify(join(dir, 'lab'))}});
console.log('up', lab.nodes.length);
// Exits when told (a line on stdin), once the test has seen its nodes.
process.stdin.once('data', () => process.exit(3));
`,
		);
		const lab = await startUntil([script], /up 2/);
		const nodes = childrenOf(lab.child.pid!);
		expect(nodes).toHaveLength(2);
		lab.child.stdin!.write('exit\n');
		expect(await lab.exited).toEqual({code: 3, signal: null});
		// SIGKILL is sent as the process exits; the kernel reaps them a moment later.
		const deadline = Date.now() + 10_000;
		while (nodes.some(isRunning) && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
		expect(nodes.filter(isRunning)).toEqual([]);
	}, 180_000);
});
