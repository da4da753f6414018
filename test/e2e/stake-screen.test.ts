/**
 * The stake pane on a real terminal: `chain-tui --network posregtest` in tmux at 80x24 and
 * 120x40. A wallet is created (encrypted at 120x40), the 10-block bootstrap mined with g, g past
 * it refused in the footer, t starts staking (asking for the passphrase when locked), and the
 * screen is polled until the stake pane shows a won slot and the chain passes height 10. Every
 * capture on the way is judged a whole frame; every wait is bounded; no fixed sleep.
 */
import {afterEach, expect, it} from 'vitest';
import {freePort} from '../helpers/proc.js';
import {TmuxScreen, checkWholeFrame, type Size} from '../helpers/tmux-screen.js';

let screen: TmuxScreen | undefined;
afterEach(() => {
	screen?.close();
	screen = undefined;
});

const heightOf = (rows: readonly string[]) => Number(/· height (\d+) ·/.exec(rows[0] ?? '')?.[1] ?? -1);

function judge(rows: string[], size: Size, what: string): void {
	expect.soft(checkWholeFrame(rows, size), `${what} at ${size.columns}x${size.rows}:\n${rows.map((r, i) => `${String(i + 1).padStart(2)}|${r}`).join('\n')}\n`).toEqual([]);
}

/** The stake pane's rows in a capture: between its title and its bottom border, inside its side borders. */
function stakeRows(rows: readonly string[]): string[] {
	const top = rows.findIndex(r => /[─═] 5 stake /.test(r));
	if (top < 0) return [];
	const left = [...rows[top]!].findIndex((c, i, all) => (c === '┌' || c === '╔') && all.slice(i, i + 10).join('').includes('5 stake'));
	// The right border is under the top border's corner (the kernel bar has a │ of its own).
	const right = [...rows[top]!].findIndex((c, i) => i > left && (c === '┐' || c === '╗'));
	const out: string[] = [];
	for (let y = top + 1; y < rows.length; y++) {
		const cells = [...rows[y]!];
		if (cells[left] === '└' || cells[left] === '╚') break;
		out.push(cells.slice(left + 1, right).join('').trim());
	}
	while (out.length > 0 && out.at(-1) === '') out.pop();
	return out;
}

// 80x24 in npm test; 120x40 with an encrypted wallet (its scrypt and its wait for a won slot take
// longer) in the screen matrix, npm run test:screen.
for (const [size, passphrase, always] of [
	[{columns: 80, rows: 24}, '', true],
	[{columns: 120, rows: 40}, 'correct horse', false],
] as const) {
	it.skipIf(!always && !process.env.SCREEN_MATRIX)(`${size.columns}x${size.rows}: mine the bootstrap, t stakes${passphrase ? ' (asking for the passphrase)' : ''}, the stake pane shows a won slot past height 10`, async () => {
		const tmux = (screen = new TmuxScreen());
		judge(await tmux.start({...size, args: ['--network', 'posregtest', '--port', String(await freePort()), '--datadir', '{datadir}', '--no-rpc']}), size, 'the first frame');

		// One page at 80x24: the stake pane is 5, in the miner's place.
		if (size.columns < 100) {
			tmux.keys('5');
			judge(await tmux.until(s => /═ 5 stake /.test(s), 'the stake pane focused'), size, 'the stake pane');
		}
		let rows = await tmux.until(s => s.includes('off · t starts staking') && s.includes('blocks 1-10 are mined (g/m)'), 'the stake pane: off, in the bootstrap');
		expect(rows.join('\n')).not.toContain('5 miner');

		// A wallet (encrypted at 120x40), then the bootstrap mined with g.
		tmux.keys('w');
		await tmux.until(s => s.includes('Create wallet'), 'the create wallet form');
		tmux.text('staker');
		tmux.keys('Enter');
		if (passphrase) tmux.text(passphrase);
		tmux.keys('Enter');
		if (passphrase) tmux.text(passphrase);
		tmux.keys('Enter');
		await tmux.until(s => s.includes('New address created'), 'the new address', 30_000);
		tmux.keys('Enter');
		await tmux.until(s => !s.includes('New address created'), 'the outcome closed');
		// Ten g's in one write: keys typed faster than the app reads are each a key.
		tmux.text('g'.repeat(10));
		rows = await tmux.until((_s, r) => heightOf(r) === 10, 'ten blocks mined from one burst of g', 30_000);
		judge(rows, size, 'the bootstrap mined');

		// Past the bootstrap g is refused plainly, in the footer; the app goes on.
		tmux.keys('g');
		rows = await tmux.until((_s, r) => (r.at(-1) ?? '').includes('proof-of-stake network past'), 'g refused in the footer');
		judge(rows, size, 'g refused');
		expect(tmux.alive()).toBe(true);
		expect(heightOf(rows)).toBe(10);

		// t starts staking; a locked wallet asks for its passphrase first.
		tmux.keys('t');
		if (passphrase) {
			judge(await tmux.until(s => s.includes('Start staking'), 'the passphrase form'), size, 'the passphrase form');
			tmux.text(passphrase);
			tmux.keys('Enter');
		}
		rows = await tmux.until(s => s.includes('staking started'), 'staking started', 30_000);
		judge(rows, size, 'staking started');

		// Polled until a slot won shows in the pane, the won count is over 0 and the chain is past 10.
		let sawWon = false;
		const deadline = Date.now() + 90_000;
		for (;;) {
			rows = await tmux.nextFrame({waitMs: 1500});
			judge(rows, size, 'staking');
			const pane = stakeRows(rows);
			expect.soft(pane.length, `the stake pane on screen:\n${rows.join('\n')}`).toBeGreaterThan(0);
			if (pane.some(r => r.includes('✓ won'))) sawWon = true;
			const won = Number(/^won (\d+) ·/m.exec(pane.join('\n'))?.[1] ?? 0);
			if (sawWon && won > 0 && heightOf(rows) > 10) break;
			if (Date.now() > deadline) throw new Error(`no won slot with the chain past 10 in 90 s (saw ✓ won: ${sawWon}); the stake pane:\n${pane.join('\n')}\n${rows.join('\n')}`);
		}
		const pane = stakeRows(rows);
		expect(pane[0]).toMatch(/^staking · \d+ coins · [\d.]+ weight$/);
		expect(pane.join('\n')).toMatch(/network [\d.]+ · chance [\d.]+% a 1s slot/);
		expect(pane.at(-1)).toBe('t stops staking · b: BPM into the next block');
		expect(rows[0]).toMatch(/staking · won \d+/);

		// Quitting while staking asks first.
		tmux.keys('q');
		await tmux.until(s => s.includes('Staking is on. Quit anyway?'), 'the quit question');
		tmux.keys('y');
		await tmux.until(s => s.includes('EXIT 0'), 'the shell back with EXIT 0', 20_000);
	}, 180_000);
}
