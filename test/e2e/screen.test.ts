/**
 * The whole screen on a real terminal: `chain-tui --network main --mine` in tmux, so the screen
 * keeps redrawing, with each overlay open in turn, typed into and resized (120x40 ↔ 80x24).
 * Every capture, taken on a quiet pane, must be one whole frame: the status bar once on row 1,
 * the footer once on the last row, closed borders, nothing left of an earlier frame. The raw
 * bytes (pipe-pane) may erase the screen only after a resize or Ctrl-L.
 *
 * The long matrix (every overlay at four sizes) is test/screen/matrix.test.ts, `npm run test:screen`.
 */
import {createServer, type Server, type Socket} from 'node:net';
import {afterAll, describe, expect, it} from 'vitest';
import {freePort} from '../helpers/proc.js';
import {OVERLAYS, TmuxScreen, borderColourOf, checkWholeFrame, expectNoUnexcusedErases, colourCodes, eraseSequences, exerciseOverlay, foregrounds, titleOnce, type Size} from '../helpers/tmux-screen.js';

describe('the screen checks', () => {
	const size = {columns: 40, rows: 6};
	const good = [
		'chain-tui main · height 3 · mining',
		'╔═══════════════╗┌──────────────────┐',
		'║ 1 chain       ║│ 2 peers          │',
		'║  ╭─ Keys ─╮   ║│                  │',
		'╚══╰────────╯═══╝└──────────────────┘',
		'? help · Tab panes',
	];

	it('passes a whole frame', () => {
		expect(checkWholeFrame(good, size)).toEqual([]);
	});

	it('finds a drifted frame: stacked status bars, the footer off the last row, a row too many', () => {
		const drifted = ['chain-tui main · height 3', ...good.slice(0, 4), '? help · Tab panes', ''];
		const problems = checkWholeFrame(drifted, size).join('\n');
		expect(problems).toContain('7 rows, not 6');
		expect(problems).toContain('status bar');
		expect(problems).toContain('the last row (7) is not the footer');
	});

	it('finds a second footer, a row-1 that is not the status bar, a missing one', () => {
		expect(checkWholeFrame(['', ...good.slice(1, 5), '? help'], size).join('\n')).toMatch(/on 0 rows[\s\S]*row 1 is not the status bar/);
		expect(checkWholeFrame([good[0]!, '? help', ...good.slice(2)], size).join('\n')).toContain('footer (? help) is on rows [2, 6]');
	});

	it('finds open borders and repeated pane titles; a tab bar is not a repeat', () => {
		const open = checkWholeFrame([good[0]!, '╔══════════', '║ 1 chain  ║', '═════╝', '┘ x', good[5]!], size).join('\n');
		expect(open).toContain('row 2: double ╔ without its ╗');
		expect(open).toContain('row 4: double ╝ without its ╚');
		expect(open).toContain('row 5: single ┘ without its └');
		expect(checkWholeFrame([good[0]!, '╔══╗┌──┐', '║ 1 chain ║', '╚════│ overlay │──┘', '┌─┌──┐', good[5]!], size).join('\n')).toBe(
			'row 5: single ┌ without its ┐: "┌─┌──┐"',
		);
		const twice = checkWholeFrame([good[0]!, '║ 1 chain  ║', '│ 2 peers │', '║ 1 chain  ║', '', good[5]!], size).join('\n');
		expect(twice).toContain('"1 chain" is on rows 2, 4');
		expect(checkWholeFrame([good[0]!, ' 1 chain  2 peers  3 tips', '║ 1 chain  ║', '', '', good[5]!], size)).toEqual([]);
		expect(checkWholeFrame([good[0]!, '┌─ 1 chain ──┐┌─ 2 peers ─┐', '└────────────┘└───────────┘', '┌─ 1 chain ──┐', '└────────────┘', good[5]!], size).join('\n')).toContain('"1 chain" is on rows 2, 4');
		expect(checkWholeFrame([...good.slice(0, 5), `? help ${'x'.repeat(40)}`], size).join('\n')).toContain('row 6 is 47 columns wide');
	});

	it('finds screen erases in raw bytes, not line erases', () => {
		const bytes = Buffer.from('\x1b[?2026h\x1b[2J\x1b[3J\x1b[Hframe\x1b[K\x1b[2K\x1b[1A\x1b[J x \x1b[0J\x1b[1J\x1b[3J\x1bc\x1b[?1049h\x1b[2J', 'latin1');
		expect(eraseSequences(bytes).map(e => e.name)).toEqual(['clearTerminal (ESC[2J ESC[3J ESC[H)', 'ED ESC[J', 'ED ESC[0J', 'ED ESC[1J', 'ED ESC[3J', 'RIS (ESC c)', 'ED ESC[2J']);
		expect(eraseSequences(bytes)[0]!.offset).toBe(8);
		expect(eraseSequences('\x1b[K\x1b[2K\x1b[1K\x1b[2;5H╛J')).toEqual([]);
	});

	it('reads colours from capture-pane -e rows', () => {
		const row = '\x1b[36m║\x1b[39m \x1b[1m1 chain\x1b[0m \x1b[38;5;245m│\x1b[0m 2 peers';
		expect(foregrounds(row).map(c => c.fg)[0]).toBe('36');
		expect(borderColourOf([row], '1 chain')).toBe('36');
		expect(borderColourOf([row], '2 peers')).toBe('5;245');
		expect(colourCodes(row)).toEqual(['36', '38;5;245']);
		expect(colourCodes('\x1b[1mbold\x1b[0m')).toEqual([]);
	});
});

const BIG: Size = {columns: 120, rows: 40};
const SMALL: Size = {columns: 80, rows: 24};

/** Every capture judged whole; the problems are collected so one run shows all of them. */
function judge(rows: string[], size: Size, what: string, extra: string[] = []): void {
	const problems = [...checkWholeFrame(rows, size), ...extra];
	expect.soft(problems, `${what} at ${size.columns}x${size.rows}:\n${rows.map((r, i) => `${String(i + 1).padStart(2)}|${r}`).join('\n')}\n`).toEqual([]);
}

let screen: TmuxScreen | undefined;
let server: Server | undefined;
const sockets: Socket[] = [];
afterAll(() => {
	screen?.close();
	for (const s of sockets) s.destroy();
	server?.close();
});

it('overlays over the mining dashboard: whole frames at 120x40 and 80x24, no erase but on resize or Ctrl-L, colours, a stalled clone, quit', async () => {
	const tmux = (screen = new TmuxScreen());
	await tmux.start({...BIG, args: ['--network', 'main', '--port', String(await freePort()), '--datadir', '{datadir}', '--no-rpc', '--mine']});
	judge(await tmux.frame(), BIG, 'the first frame');
	const since = tmux.mark();
	// The recording started before the app: it holds the switch to the alternate screen.
	const recorded = tmux.bytesSince(0, since).toString('latin1');
	expect(recorded.indexOf('\x1b[?1049h'), 'the alternate screen switch recorded').toBeGreaterThanOrEqual(0);
	expect(recorded.indexOf('\x1b[?1049h')).toBeLessThan(recorded.indexOf('chain-tui main'));

	// Colours and focus: the focused pane's border has a colour; pressing 2 moves it to peers.
	const first = await tmux.frame({escapes: true});
	expect(colourCodes(first.join('\n')).length, 'SGR colours in capture-pane -e').toBeGreaterThan(0);
	const focus = borderColourOf(first, '1 chain');
	expect(focus, `the border of the focused chain pane has a colour:\n${first.join('\n')}`).toBeTruthy();
	expect.soft(borderColourOf(first, '2 peers'), 'the unfocused peers pane is not in the focus colour').not.toBe(focus);
	tmux.keys('2');
	const peers = await tmux.until(() => borderColourOf(tmux.capture({escapes: true}), '2 peers') === focus, 'the peers pane focused');
	judge(peers, BIG, 'peers focused');
	expect.soft(borderColourOf(await tmux.frame({escapes: true}), '1 chain'), 'the chain pane loses the focus colour').not.toBe(focus);
	tmux.keys('1');
	await tmux.until(() => borderColourOf(tmux.capture({escapes: true}), '1 chain') === focus, 'the chain pane focused again');

	// Each overlay in turn, typed into, resized while open (120x40 → 80x24 → 120x40 → …).
	for (const name of ['help', 'send', 'create wallet', 'quit question']) {
		const next = tmux.size.columns === BIG.columns ? SMALL : BIG;
		await exerciseOverlay(tmux, OVERLAYS.find(o => o.name === name)!, {captures: 3, resizes: [next], capturesAfterResize: 2, judge});
	}
	if (tmux.size.columns !== BIG.columns) await tmux.resize(BIG.columns, BIG.rows);
	const size = tmux.size;

	// Ctrl-L erases and redraws the whole screen.
	const cleared = await tmux.ctrlL();
	expect.soft(eraseSequences(tmux.bytesSince(cleared.from, cleared.to)).length, 'an erase after Ctrl-L').toBeGreaterThan(0);
	judge(await tmux.nextFrame(), size, 'after Ctrl-L');

	// Clone from a host that accepts and never answers: typed text is not echoed, Esc cancels,
	// then ? opens help. A failure here is recorded and the rest still runs.
	try {
		await stalledClone(tmux, size);
	} catch (e) {
		expect.soft(e instanceof Error ? e.message : String(e), 'the stalled clone failed').toBeUndefined();
		for (let i = 0; i < 3 && tmux.capture().join('\n').match(/Clone a chain|Cloning|Keys/); i++) {
			tmux.keys('Escape');
			await tmux.quiet();
		}
	}

	// The byte stream: no screen erase but in the spans of a resize or Ctrl-L.
	expectNoUnexcusedErases(tmux, since);

	// Quit with q, y (mining is on): the shell comes back, exit code 0.
	tmux.keys('q');
	await tmux.until(s => s.includes('Quit anyway?'), 'the quit question');
	tmux.keys('y');
	await tmux.until(s => s.includes('EXIT 0'), 'the shell back with EXIT 0', 20_000);
	expect(tmux.alive()).toBe(false);
}, 90_000);

async function stalledClone(tmux: TmuxScreen, size: Size): Promise<void> {
	server = createServer(socket => sockets.push(socket));
	await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve));
	const host = `127.0.0.1:${(server.address() as {port: number}).port}`;
	tmux.keys('c');
	await tmux.until(s => s.includes('Clone a chain'), 'the clone form');
	tmux.text(host);
	await tmux.until(s => s.includes(host), 'the typed host');
	tmux.keys('Enter');
	let rows = await tmux.until(s => !s.includes('Clone a chain') || /cloning|connecting/i.test(s), 'the clone under way');
	judge(rows, size, 'clone under way');
	tmux.text('hello');
	for (let i = 0; i < 3; i++) {
		rows = await tmux.nextFrame({waitMs: 700});
		const s = rows.join('\n');
		judge(rows, size, `clone stalled, hello typed, capture ${i + 1}`, s.includes('hello') || s.includes('^[') ? ['typed text echoed'] : []);
	}
	tmux.keys('Escape');
	rows = await tmux.until(s => /cancel+ed/i.test(s), 'the clone cancelled');
	judge(rows, size, 'clone cancelled', rows.join('\n').includes('^[') ? ['Esc echoed as ^['] : []);
	let help = false;
	for (let i = 0; i < 3 && !help; i++) {
		tmux.keys('?');
		try {
			rows = await tmux.until(s => s.includes('Keys'), 'help after the clone', 1500);
			help = true;
		} catch {
			tmux.keys(i === 0 ? 'Escape' : 'Enter'); // close the outcome first
			await tmux.quiet();
		}
	}
	expect(help, `? opens help after the cancelled clone:\n${tmux.dump()}`).toBe(true);
	judge(rows, size, 'help after the clone', titleOnce(rows, 'Keys'));
	tmux.keys('Escape');
	await tmux.until(s => !s.includes('Keys'), 'help closed');
}
