/**
 * The lab's screen on a real terminal: `chain-tui lab --nodes 4` (a line n0–n1–n2–n3) in tmux.
 * A block reaches every node; c cuts the link n0–n1 and the map draws it cut; each side mines its
 * own block and the fork tree shows two branches from the fork, two tips; h heals and every node
 * ends on the heavier tip, with the reorg in the event log; i shows the link n0–n1's messages as a
 * block crosses it, Enter opens one with its envelope apart; Enter opens n0's own panes over RPC and
 * q comes back; q, y quits and every node process is gone. Every capture on the way is judged a
 * whole frame; every wait is bounded; no fixed sleep.
 */
import {afterEach, expect, it} from 'vitest';
import {childrenOf, isRunning} from '../helpers/proc.js';
import {TmuxScreen, checkWholeFrame, type Size} from '../helpers/tmux-screen.js';

let screen: TmuxScreen | undefined;
afterEach(() => {
	// The lab's nodes are its children: if the test failed before q, end them too.
	const pid = screen?.pid();
	if (pid) {
		for (const child of childrenOf(pid)) {
			try {
				process.kill(child, 'SIGKILL');
			} catch {
				// gone already
			}
		}
	}
	screen?.close();
	screen = undefined;
}, 30_000);


function judge(rows: string[], size: Size, what: string): void {
	expect.soft(checkWholeFrame(rows, size), `${what} at ${size.columns}x${size.rows}:\n${rows.map((r, i) => `${String(i + 1).padStart(2)}|${r}`).join('\n')}\n`).toEqual([]);
}

/** The map's heights row: `#3 A      #3 A …` (each height with its tip's letter). */
const heights = (rows: readonly string[]): string[] => {
	const row = rows.find(r => /[║│] #\d+ [A-Z]/.test(r)) ?? '';
	return [...row.matchAll(/#(\d+) ([A-Z])/g)].map(m => `${m[1]}${m[2]}`);
};
for (const [size, always] of [
	[{columns: 120, rows: 40}, true],
	[{columns: 80, rows: 24}, false],
] as const) {
	it.skipIf(!always && !process.env.SCREEN_MATRIX)(`${size.columns}x${size.rows}: cut a link, both sides mine, the map and the fork tree show it; heal, every node converges and the reorg is logged; the wire inspector on a link as a block crosses it; node n0's own panes and back; quit ends every node`, async () => {
		const tmux = (screen = new TmuxScreen());
		await tmux.start({...size, args: ['lab', '--nodes', '4', '--datadir', '{datadir}/lab'], firstFrameMs: 120_000});
		let rows = await tmux.until((s, r) => s.includes('4/4 up') && heights(r).length === 4, 'four nodes up on the map', 120_000);
		judge(rows, size, 'the first frame');

		// A block from n0 (the selected node) reaches all four.
		tmux.keys('g');
		rows = await tmux.until((_s, r) => heights(r).join(' ') === '1A 1A 1A 1A', 'every node at #1', 30_000);
		judge(rows, size, 'one block everywhere');

		// c cuts the selected link (n0–n1): the map draws it cut.
		tmux.keys('c');
		rows = await tmux.until(s => s.includes('n0–n1 cut') && s.includes('╳') && s.includes('1 cut'), 'the link drawn cut', 10_000);
		judge(rows, size, 'a link cut');

		// n0 mines one block; n3 (selected in the nodes pane) mines two: two tips, a fork in the tree.
		tmux.keys('g');
		await tmux.until((_s, r) => heights(r)[0] === '2B' || heights(r)[0] === '2A', 'n0 at #2', 30_000);
		tmux.keys('2', 'j', 'j', 'j');
		await tmux.until(s => s.includes('[n3]'), 'n3 selected');
		tmux.text('gg');
		rows = await tmux.until((s, r) => heights(r).join(' ') === '2B 3A 3A 3A' && s.includes('2 tips') && s.includes('fork') && /●─┘/.test(s), 'two tips and a fork in the tree', 30_000);
		judge(rows, size, 'the network split');
		const tree = rows.join('\n');
		expect(tree).toMatch(/#3 …[0-9a-f]{8} n1 n2 n3/);
		expect(tree).toMatch(/#2 …[0-9a-f]{8} n0/);
		expect(tree).toMatch(/#1 …[0-9a-f]{8} fork/);

		// h heals: n0 reorganises onto the heavier branch; the log says so.
		tmux.keys('h');
		rows = await tmux.until((s, r) => heights(r).join(' ') === '3A 3A 3A 3A' && s.includes('one tip') && /reorg depth 1 at #1: n0 → #3/.test(s), 'every node on the heavier tip, the reorg logged', 60_000);
		judge(rows, size, 'healed');
		expect(rows.join('\n')).toMatch(/○ #2 …[0-9a-f]{8}/);

		// i: the wire inspector on the selected link (n0–n1); n3's next block crosses it as n1 relays it.
		tmux.keys('i');
		await tmux.until(s => s.includes('i wire') && s.includes('link n0–n1'), 'the wire inspector on n0–n1');
		tmux.keys('g');
		rows = await tmux.until(s => /← (inv|headers) +\d+ +(inv 1 block|headers 1)/.test(s) && /← block +\d+ +block …[0-9a-f]{4} 1 tx/.test(s), "n3's block crossing n0–n1 from n1", 30_000);
		judge(rows, size, 'the wire inspector');
		tmux.keys('Enter');
		rows = await tmux.until(s => s.includes('envelope (24 B)') && s.includes('Esc back to the list'), 'a message opened, its envelope apart');
		judge(rows, size, 'a message opened');
		tmux.keys('Escape');
		await tmux.until(s => s.includes('link n0–n1') && !s.includes('envelope (24 B)'), 'back to the messages');
		tmux.keys('Escape');
		await tmux.until((s, r) => s.includes('1 Network') && heights(r).join(' ') === '4A 4A 4A 4A', 'the inspector closed, every node at #4', 30_000);

		// Enter: n0's own panes, the app's, read over RPC; q comes back to the lab.
		tmux.keys('k', 'k', 'k');
		await tmux.until(s => s.includes('[n0]'), 'n0 selected');
		tmux.keys('Enter');
		rows = await tmux.until((s, r) => /^\s*chain-tui regtest · height 4\b/.test(r[0] ?? '') && s.includes('q back to the lab (n0)') && s.includes('1 chain'), "n0's own panes at height 4", 20_000);
		judge(rows, size, "n0's panes");
		tmux.keys('q');
		rows = await tmux.until(s => s.includes('chain-tui lab regtest') && s.includes('1 Network'), 'back in the lab', 10_000);
		judge(rows, size, 'back in the lab');

		// q asks; y quits: every node stops, the terminal is the shell's again.
		const nodes = childrenOf(tmux.pid()!);
		expect(nodes).toHaveLength(4);
		tmux.keys('q');
		await tmux.until(s => s.includes('Quit the lab?'), 'the quit question');
		tmux.keys('y');
		await tmux.until(s => s.includes('EXIT 0'), 'the lab exited with 0', 60_000);
		expect(nodes.filter(isRunning)).toEqual([]);
	}, 300_000);
}
