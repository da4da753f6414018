/**
 * Where panes go (source/ui/layout.ts) and that the screen draws them there: breakpoints, tiling,
 * zoom, resizes, and overlays (forms, help, the quit question) drawn over a frame that stays the
 * terminal's size.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {computeLayout, layoutMode, paneAt, type Layout} from '../../source/ui/layout.js';
import {PANE_ORDER, PANES, type PaneId} from '../../source/ui/panes/registry.js';
import {cells, cellText, frameProblems, mount, renderAt, type Size} from './render-at.js';
import {fixtureApp, snapshot} from './fixtures.js';
import {KEY} from './harness.js';

const size = (columns: number, rows: number): Size => ({columns, rows});

/** How many times each body cell is covered by a pane or the tab line. */
function coverage(layout: Layout, s: Size): number[][] {
	const grid = Array.from({length: s.rows}, () => Array<number>(s.columns).fill(0));
	const rects = [...layout.panes.map(p => p.rect), ...(layout.tabs ? [layout.tabs] : [])];
	for (const r of rects) for (let y = r.y; y < r.y + r.height; y++) for (let x = r.x; x < r.x + r.width; x++) if (grid[y]?.[x] !== undefined) grid[y]![x]!++;
		else throw new Error(`cell ${x},${y} of ${JSON.stringify(r)} is off the ${s.columns}x${s.rows} screen`);
	return grid;
}

describe('breakpoints', () => {
	it.each([
		[size(200, 60), 'all'],
		[size(200, 35), 'all'],
		[size(160, 35), 'all'],
		[size(120, 40), 'all'],
		[size(160, 34), 'two'],
		[size(159, 39), 'two'],
		[size(119, 40), 'two'],
		[size(100, 30), 'two'],
		[size(99, 30), 'one'],
		[size(100, 29), 'one'],
		[size(80, 24), 'one'],
	] as const)('%o: %s', (s, mode) => {
		expect(layoutMode(s.columns, s.rows)).toBe(mode);
		const layout = computeLayout(s, 'peers', false);
		expect(layout.mode).toBe(mode);
		if (mode === 'one') {
			expect(layout.panes.map(p => p.id)).toEqual(['peers']);
			expect(layout.tabs).toEqual({x: 0, y: 1, width: s.columns, height: 1});
		} else {
			expect(layout.tabs).toBeNull();
			expect(layout.panes).toHaveLength(8);
		}
	});

	it('panes come in the order of their numbers: left to right, then down', () => {
		for (const s of [size(200, 60), size(120, 40), size(160, 35), size(100, 30), size(150, 34)]) {
			const byPlace = [...computeLayout(s, 'chain', false).panes].sort((a, b) => a.rect.y - b.rect.y || a.rect.x - b.rect.x).map(p => p.id);
			expect(byPlace, `${s.columns}x${s.rows}`).toEqual(PANE_ORDER);
		}
		expect(PANE_ORDER).toEqual(['chain', 'peers', 'tips', 'mempool', 'miner', 'wallet', 'bpm', 'log']);
	});

	it('two columns: four rows of two, the halves of the width', () => {
		const layout = computeLayout(size(100, 30), 'chain', false);
		expect(new Set(layout.panes.map(p => p.rect.x))).toEqual(new Set([0, 50]));
		expect(new Set(layout.panes.map(p => p.rect.y)).size).toBe(4);
	});
});

describe('tiling', () => {
	it('panes (and the tab line) cover the body exactly: every cell between the status bar and the footer once, nothing else', () => {
		fc.assert(
			fc.property(fc.integer({min: 20, max: 320}), fc.integer({min: 6, max: 120}), fc.constantFrom(...PANE_ORDER), fc.boolean(), (columns, rows, focused, zoomed) => {
				const s = size(columns, rows);
				const grid = coverage(computeLayout(s, focused, zoomed), s);
				expect(grid[0]!.every(n => n === 0)).toBe(true);
				expect(grid[rows - 1]!.every(n => n === 0)).toBe(true);
				for (let y = 1; y < rows - 1; y++) for (let x = 0; x < columns; x++) if (grid[y]![x] !== 1) throw new Error(`${columns}x${rows}: cell ${x},${y} covered ${grid[y]![x]} times`);
			}),
			{numRuns: 400},
		);
	});

	it('paneAt finds the pane drawn at a cell, and nothing on the status bar or the footer', () => {
		const s = size(120, 40);
		const layout = computeLayout(s, 'chain', false);
		for (const {id, rect} of layout.panes) {
			expect(paneAt(layout, rect.x, rect.y)?.id).toBe(id);
			expect(paneAt(layout, rect.x + rect.width - 1, rect.y + rect.height - 1)?.id).toBe(id);
		}
		expect(paneAt(layout, 5, 0)).toBeNull();
		expect(paneAt(layout, 5, 39)).toBeNull();
	});
});

describe('zoom', () => {
	it('gives the focused pane the whole body at any size, without tabs', () => {
		for (const s of [size(80, 24), size(100, 30), size(200, 60)]) {
			for (const id of ['chain', 'log'] as PaneId[]) {
				expect(computeLayout(s, id, true)).toEqual({mode: 'zoom', panes: [{id, rect: {x: 0, y: 1, width: s.columns, height: s.rows - 2}}], tabs: null});
			}
		}
	});
});

/** The pane titles drawn in a frame, as `n title`, top to bottom and left to right. */
const titles = (frame: string) => [...frame.matchAll(/[┌╔][─═] (\d) (\w+) /g)].map(m => `${m[1]} ${m[2]}`);

/** Problems with the panes drawn in `frame` where `layout` puts them: corners at the rect's corners, the title in the top border. */
function drawnWhereLaidOut(frame: string, layout: Layout): string[] {
	const lines = frame.split('\n').map(cells);
	const problems: string[] = [];
	for (const {id, rect} of layout.panes) {
		const spec = PANES.find(p => p.id === id)!;
		const top = lines[rect.y] ?? [];
		const bottom = lines[rect.y + rect.height - 1] ?? [];
		const right = rect.x + rect.width - 1;
		if (!'┌╔'.includes(top[rect.x] ?? 'x') || !'┐╗'.includes(top[right] ?? 'x')) problems.push(`${id}: no top corners at ${rect.x} and ${right} of row ${rect.y}`);
		if (!'└╚'.includes(bottom[rect.x] ?? 'x') || !'┘╝'.includes(bottom[right] ?? 'x')) problems.push(`${id}: no bottom corners on row ${rect.y + rect.height - 1}`);
		if (top.slice(rect.x + 2, rect.x + 2 + ` ${spec.number} ${spec.title} `.length).join('') !== ` ${spec.number} ${spec.title} `) problems.push(`${id}: its title is not in its top border`);
	}
	return problems;
}

describe('the screen draws the layout', () => {
	it.each([size(80, 24), size(99, 30), size(100, 30), size(120, 40), size(159, 39), size(160, 34), size(160, 35), size(200, 35), size(200, 60)])('%o: frame of the terminal size, panes at their rects', s => {
		const frame = renderAt(fixtureApp(snapshot, {size: s}), s);
		expect(frameProblems(frame, s)).toEqual([]);
		const layout = computeLayout(s, 'chain', false);
		expect(drawnWhereLaidOut(frame, layout)).toEqual([]);
		if (layout.mode === 'one') {
			expect(titles(frame)).toEqual(['1 chain']);
			expect(cellText(frame.split('\n')[1]!, 0, s.columns).trimEnd()).toBe(PANES.map(p => ` ${p.number} ${p.title} `).join('').trimEnd());
		} else expect(titles(frame)).toEqual(PANES.map(p => `${p.number} ${p.title}`));
	});

	it('200x35 shows every pane; 160x34 two columns; 99x30 one pane under the tab line', () => {
		expect(titles(renderAt(fixtureApp(snapshot, {size: size(200, 35)}), size(200, 35)))).toHaveLength(8);
		const two = renderAt(fixtureApp(snapshot, {size: size(160, 34)}), size(160, 34)).split('\n');
		// Each row of panes holds two, the left from column 0, the right from column 80: 1 and 2, then 3 and 4, …
		for (let i = 0; i < 8; i += 2) {
			const left = PANES[i]!;
			const right = PANES[i + 1]!;
			const row = two.find(l => cellText(l, 2, 20).startsWith(` ${left.number} ${left.title} `));
			expect(row, `pane ${left.number} at the left`).toBeDefined();
			expect(cellText(row!, 82, 20).startsWith(` ${right.number} ${right.title} `), `pane ${right.number} beside it`).toBe(true);
		}
		const one = renderAt(fixtureApp(snapshot, {size: size(99, 30)}), size(99, 30)).split('\n');
		expect(one[1]).toContain(' 1 chain  2 peers  3 tips  4 mempool  5 miner  6 wallet  7 BPM  8 log');
		expect(titles(one.join('\n'))).toEqual(['1 chain']);
	});
});

describe('keys that change the layout', () => {
	it('z zooms the focused pane to the whole body and back', async () => {
		const s = size(120, 40);
		const app = mount(fixtureApp(snapshot, {size: s}), s);
		try {
			await app.settle();
			await app.press('3');
			await app.press('z');
			const zoomed = await app.until(f => titles(f).length === 1, 'the zoomed pane');
			expect(titles(zoomed)).toEqual(['3 tips']);
			expect(zoomed).toContain('zoomed · z');
			expect(frameProblems(zoomed, s)).toEqual([]);
			expect(drawnWhereLaidOut(zoomed, computeLayout(s, 'tips', true))).toEqual([]);
			// Zoomed, the tips table has the room for every column.
			expect(zoomed).toMatch(/height tip\s+len status/);
			await app.press('z');
			const back = await app.until(f => titles(f).length === 8, 'every pane again');
			expect(back).not.toContain('zoomed');
		} finally {
			app.unmount();
		}
	});

	it('in one-pane mode the number keys and Tab change the pane shown, the tab line says which', async () => {
		const s = size(80, 24);
		const app = mount(fixtureApp(snapshot, {size: s}), s);
		try {
			await app.settle();
			await app.press('6');
			let frame = await app.until(f => titles(f)[0] === '6 wallet', 'the wallet pane');
			expect(frame).toContain('150.12345678 confirmed');
			await app.press(KEY.tab);
			frame = await app.until(f => titles(f)[0] === '7 BPM', 'the BPM pane');
			expect(frame).toContain('min 62 · max 120 · last 68 BPM');
			await app.press(KEY.shiftTab, KEY.shiftTab);
			await app.until(f => titles(f)[0] === '5 miner', 'the miner pane');
			expect(frameProblems(app.lastFrame(), s)).toEqual([]);
		} finally {
			app.unmount();
		}
	});

	it('the screen follows the terminal as it is resized', async () => {
		// No fixed size: the App reads the terminal's and listens for its resizes.
		const app = mount(fixtureApp(snapshot), size(120, 40));
		try {
			await app.until(f => titles(f).length === 8, 'every pane at 120x40');
			for (const s of [size(80, 24), size(100, 30), size(200, 60), size(99, 30), size(120, 40)]) {
				app.resize(s);
				const frame = await app.until(f => f.split('\n').length === s.rows && cells(f.split('\n')[0]!).length <= s.columns && !frameProblems(f, s).length, `a ${s.columns}x${s.rows} frame`);
				expect(drawnWhereLaidOut(frame, computeLayout(s, 'chain', false))).toEqual([]);
			}
		} finally {
			app.unmount();
		}
	});
});

describe('overlays keep the frame', () => {
	const OVERLAYS = [
		['w', 'Create wallet'],
		['s', 'Send coins'],
		['b', 'Record a heart-rate'],
		['c', 'Clone a chain'],
		['a', 'Add a peer'],
		['/', 'Search'],
		['?', 'Esc or ? closes'],
		['q', 'Mining is on. Quit anyway? y / n'],
	] as const;

	it.each([size(80, 24), size(100, 30), size(120, 40), size(200, 60)])('%o: each opens over the panes at the terminal size and Esc takes it away', async s => {
		let quits = 0;
		const app = mount(fixtureApp(snapshot, {size: s, onQuit: () => quits++}), s);
		try {
			const before = await app.until(f => f.includes('1 chain'), 'the first frame');
			for (const [key, title] of OVERLAYS) {
				await app.press(key);
				const open = await app.until(f => f.includes(title), title);
				expect(frameProblems(open, s), `${title} at ${s.columns}x${s.rows}`).toEqual([]);
				// Drawn over the panes, not instead of them: some pane borders still show around it.
				expect(open.split('\n').slice(1, -1).some(l => /[│║]/.test(l)), title).toBe(true);
				await app.press(KEY.esc);
				const closed = await app.until(f => !f.includes(title), `${title} closed`);
				expect(closed).toBe(before);
			}
			expect(quits).toBe(0);
		} finally {
			app.unmount();
		}
	});

	it.each(OVERLAYS.filter(([key]) => key !== '?'))('%s opens %s (100x30)', async (key, title) => {
		const s = size(100, 30);
		const app = mount(fixtureApp(snapshot, {size: s}), s);
		try {
			await app.settle();
			await app.press(key);
			expect(await app.until(f => f.includes(title), title)).toMatchSnapshot();
		} finally {
			app.unmount();
		}
	});
});
