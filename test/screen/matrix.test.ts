/**
 * The long screen matrix (`npm run test:screen`; skipped unless SCREEN_MATRIX is set): the real
 * binary in tmux, mining on main so the screen keeps redrawing, every overlay at 80x24, 100x30,
 * 120x40 and 200x60, each shrunk and grown while open, several quiet captures of each state,
 * and the raw bytes free of screen erases but after a resize or Ctrl-L. Then the same while a
 * node syncs from a peer that generates blocks faster than it follows, and with NO_COLOR.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {Proc, cliPath, freePort} from '../helpers/proc.js';
import {OVERLAYS, TmuxScreen, checkWholeFrame, expectNoUnexcusedErases, colourCodes, eraseSequences, exerciseOverlay, type Size} from '../helpers/tmux-screen.js';

const SIZES: readonly Size[] = [
	{columns: 80, rows: 24},
	{columns: 100, rows: 30},
	{columns: 120, rows: 40},
	{columns: 200, rows: 60},
];

/** The next smaller size (shrink to it, grow back); 80x24, the smallest, grows to 100x30 and shrinks back. */
const partner = (s: Size): Size => (SIZES.indexOf(s) === 0 ? SIZES[1]! : SIZES[SIZES.indexOf(s) - 1]!);

function judge(rows: string[], size: Size, what: string, extra: string[] = []): void {
	const problems = [...checkWholeFrame(rows, size), ...extra];
	expect.soft(problems, `${what} at ${size.columns}x${size.rows}:\n${rows.map((r, i) => `${String(i + 1).padStart(2)}|${r}`).join('\n')}\n`).toEqual([]);
}


async function quit(tmux: TmuxScreen, mining: boolean): Promise<void> {
	tmux.keys('q');
	if (mining) {
		await tmux.until(s => s.includes('Quit anyway?'), 'the quit question');
		tmux.keys('y');
	}
	await tmux.until(s => s.includes('EXIT 0'), 'the shell back with EXIT 0', 20_000);
}

const screens: TmuxScreen[] = [];
const procs: Proc[] = [];
let home: string | undefined;
afterAll(async () => {
	for (const s of screens) s.close();
	for (const p of procs) await p.stop();
	if (home) await rm(home, {recursive: true, force: true});
});

describe.skipIf(!process.env.SCREEN_MATRIX)('the screen matrix', () => {
	for (const size of SIZES) {
		const other = partner(size);
		it(`every overlay at ${size.columns}x${size.rows}, resized to ${other.columns}x${other.rows} and back while open, mining`, async () => {
			const tmux = new TmuxScreen();
			screens.push(tmux);
			await tmux.start({...size, args: ['--network', 'main', '--port', String(await freePort()), '--datadir', '{datadir}', '--no-rpc', '--mine']});
			judge(await tmux.frame(), size, 'the first frame');
			const since = tmux.mark();
			for (let i = 0; i < 2; i++) judge(await tmux.nextFrame(), size, `the dashboard, capture ${i + 1}`);

			for (const o of OVERLAYS) {
				await exerciseOverlay(tmux, o, {captures: 3, resizes: [other, size], capturesAfterResize: 2, judge});
			}

			// Resizes with nothing open: shrink, grow, then Ctrl-L.
			for (const s of [other, size]) {
				await tmux.resize(s.columns, s.rows);
				for (let i = 0; i < 2; i++) judge(await tmux.nextFrame(), s, `the dashboard resized to ${s.columns}x${s.rows}, capture ${i + 1}`);
			}
			const cleared = await tmux.ctrlL();
			expect.soft(eraseSequences(tmux.bytesSince(cleared.from, cleared.to)).length, 'an erase after Ctrl-L').toBeGreaterThan(0);
			judge(await tmux.nextFrame(), size, 'after Ctrl-L');

			expectNoUnexcusedErases(tmux, since);
			await quit(tmux, true);
		}, 600_000);
	}

	it('while syncing: a regtest node syncs from a peer that generates blocks faster than it can follow; overlays, resizes, no erase', async () => {
		home = await mkdtemp(join(tmpdir(), 'chain-tui-matrix-'));
		const [p1, r1, p2] = [await freePort(), await freePort(), await freePort()];
		const source = new Proc(['--network', 'regtest', '--headless', '--port', String(p1), '--rpc-port', String(r1), '--datadir', join(home, 'source')]);
		procs.push(source);
		await source.waitFor(/JSON-RPC on 127\.0\.0\.1/);
		const rpc = (...args: string[]) =>
			new Promise<string>((resolve, reject) =>
				execFile(process.execPath, [cliPath, '--network', 'regtest', '--rpc-port', String(r1), '--datadir', join(home!, 'source'), 'rpc', ...args], {timeout: 60_000}, (error, stdout, stderr) =>
					error ? reject(new Error(`rpc ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout.trim()),
				),
			);
		const address = await rpc('getnewaddress', 'source');
		await rpc('generatetoaddress', '3000', address);

		// The source generates (over 1000 blocks a second) faster than a node syncs (about 700),
		// so the screen node stays behind, syncing, for the whole test.
		let generating = true;
		const generator = (async () => {
			while (generating) await rpc('generatetoaddress', '500', address).catch(() => new Promise(resolve => setTimeout(resolve, 200)));
		})();

		const size = SIZES[2]!;
		const tmux = new TmuxScreen();
		screens.push(tmux);
		const statusRows: string[] = [];
		const judgeSyncing = (rows: string[], at: Size, what: string, extra: string[] = []) => {
			statusRows.push(rows[0] ?? '');
			judge(rows, at, `${what} (syncing)`, extra);
		};
		try {
			await tmux.start({...size, args: ['--network', 'regtest', '--port', String(p2), '--datadir', '{datadir}', '--no-rpc', '--peer', `127.0.0.1:${p1}`]});
			judgeSyncing(await tmux.frame(), size, 'the first frame');
			const since = tmux.mark();
			for (const o of OVERLAYS.filter(x => x.name !== 'quit question')) {
				await exerciseOverlay(tmux, o, {captures: 3, resizes: [SIZES[0]!, size], capturesAfterResize: 2, judge: judgeSyncing});
			}
			expectNoUnexcusedErases(tmux, since);
			const syncing = statusRows.filter(r => !/\bsynced\b/.test(r)).length;
			expect.soft(syncing, `captures taken while the status bar showed syncing, of ${statusRows.length}:\n${statusRows.join('\n')}`).toBeGreaterThan(statusRows.length / 2);
			generating = false;
			await quit(tmux, false);
		} finally {
			generating = false;
			await generator;
		}
	}, 600_000);

	it('NO_COLOR: capture-pane -e shows no colour; with colour it does', async () => {
		const size = SIZES[0]!;
		for (const env of [{NO_COLOR: '1'}, {}] as Record<string, string>[]) {
			const tmux = new TmuxScreen();
			screens.push(tmux);
			await tmux.start({...size, env, args: ['--network', 'main', '--port', String(await freePort()), '--datadir', '{datadir}', '--no-rpc', '--mine']});
			const rows = await tmux.frame({escapes: true});
			judge(await tmux.frame(), size, `the first frame${'NO_COLOR' in env ? ' with NO_COLOR' : ''}`);
			const colours = colourCodes(rows.join('\n'));
			if ('NO_COLOR' in env) expect.soft(colours, `colours with NO_COLOR:\n${rows.join('\n')}`).toEqual([]);
			else expect.soft(colours.length, 'colours without NO_COLOR').toBeGreaterThan(0);
			await quit(tmux, true);
		}
	}, 120_000);
});

describe.skipIf(process.env.SCREEN_MATRIX)('the screen matrix', () => {
	it.skip('runs with SCREEN_MATRIX=1 (npm run test:screen)', () => undefined);
});
