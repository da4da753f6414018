/** Column fitting (source/ui/lists/columns.ts): what gives way, in which order, and how. */
import fc from 'fast-check';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {cell, end, fitColumns, line, middle, type Column, type FittedColumn} from '../../source/ui/lists/columns.js';

const HASH = '0000f0bc72e81d21ad25d482253d261ba6642f66b84d44de0b568019fe760a62';

const num = (key: string, priority: number): Column => ({key, title: key, kind: 'number', priority});
const hash = (key: string, priority: number, min?: number): Column => ({key, title: key, kind: 'hash', priority, ...(min === undefined ? {} : {min})});
const text = (key: string, priority: number, min?: number): Column => ({key, title: key, kind: 'text', priority, ...(min === undefined ? {} : {min})});

const keys = (fitted: readonly FittedColumn[]) => fitted.map(c => c.key);
const widthOf = (fitted: readonly FittedColumn[], key: string) => fitted.find(c => c.key === key)!.width;

describe('middle', () => {
	it('leaves what fits alone', () => {
		expect(middle(HASH, 64)).toBe(HASH);
		expect(middle('abc', 10)).toBe('abc');
	});

	it('keeps the start and the end, with one … between, exactly as wide as asked', () => {
		for (const width of [3, 5, 13, 15, 21, 40, 63]) {
			const out = middle(HASH, width);
			expect(stringWidth(out), `width ${width}`).toBe(width);
			const [head, tail, ...rest] = out.split('…');
			expect(rest).toEqual([]);
			expect(HASH.startsWith(head!)).toBe(true);
			expect(HASH.endsWith(tail!)).toBe(true);
			// Both ends show, the head the longer (people compare hashes by their start).
			expect(tail!.length).toBeGreaterThan(0);
			expect(head!.length).toBeGreaterThanOrEqual(tail!.length);
		}
		// A third of the room (less the …) for the tail: 13 cells are 8 + … + 4.
		expect(middle(HASH, 13)).toBe('0000f0bc…0a62');
	});
});

describe('end', () => {
	it('cuts at the end with an ellipsis, never wider than asked, wide characters included', () => {
		expect(end('/chain-tui:0.1.0/', 8)).toBe('/chain-…');
		expect(end('short', 8)).toBe('short');
		// A double-width character that would straddle the edge is left out whole.
		const cut = end('日本語のエージェント', 6);
		expect(stringWidth(cut)).toBeLessThanOrEqual(6);
		expect(cut).toBe('日本…');
	});
});

describe('fitColumns', () => {
	const columns = [num('height', 10), hash('hash', 9, 13), num('txs', 8), num('size', 6), text('miner', 4, 8)];
	const rows = [{height: '1234', hash: HASH, txs: '7', size: '1.8 kB', miner: 'mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru'}];

	it('shows every column at its natural width when there is room', () => {
		const fitted = fitColumns(columns, rows, 200);
		expect(keys(fitted)).toEqual(['height', 'hash', 'txs', 'size', 'miner']);
		expect(widthOf(fitted, 'hash')).toBe(64);
		expect(widthOf(fitted, 'miner')).toBe(34);
		expect(line(fitted, rows[0]!)).toBe(`  1234 ${HASH}   7 1.8 kB mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru`);
	});

	it('shortens hashes and text before dropping anything, and drops the lowest priority first', () => {
		// Shortest forms: 6 + 13 + 3 + 6 + 8 and four gaps = 40.
		expect(keys(fitColumns(columns, rows, 40))).toEqual(['height', 'hash', 'txs', 'size', 'miner']);
		expect(keys(fitColumns(columns, rows, 39))).toEqual(['height', 'hash', 'txs', 'size']);
		expect(keys(fitColumns(columns, rows, 31))).toEqual(['height', 'hash', 'txs', 'size']);
		expect(keys(fitColumns(columns, rows, 30))).toEqual(['height', 'hash', 'txs']);
		expect(keys(fitColumns(columns, rows, 24))).toEqual(['height', 'hash', 'txs']);
		expect(keys(fitColumns(columns, rows, 23))).toEqual(['height', 'hash']);
		expect(keys(fitColumns(columns, rows, 20))).toEqual(['height', 'hash']);
		expect(keys(fitColumns(columns, rows, 19))).toEqual(['height']);
	});

	it('drops by priority, not by position or by what would fit best', () => {
		// The wide column has the higher priority: the narrow one goes although dropping the wide one alone would do.
		const cols = [num('narrow', 1), num('wide', 2)];
		const fitted = fitColumns(cols, [{narrow: '1', wide: '123456789'}], 9);
		expect(keys(fitted)).toEqual(['wide']);
	});

	it('never cuts a number: a column of numbers shows whole or not at all', () => {
		const cols = [hash('hash', 10), num('value', 5)];
		const values = [{hash: HASH, value: '20999999.97690000'}];
		for (let width = 11; width < 100; width++) {
			const fitted = fitColumns(cols, values, width);
			const value = fitted.find(c => c.key === 'value');
			if (value) {
				expect(value.width).toBe('20999999.97690000'.length);
				expect(line(fitted, values[0]!)).toContain('20999999.97690000');
			}
		}
	});

	it('shortens a hash in the middle to head…tail, never at its end', () => {
		const fitted = fitColumns(columns, rows, 50);
		const shown = line(fitted, rows[0]!);
		expect(stringWidth(shown)).toBeLessThanOrEqual(50);
		const token = shown.split(/\s+/).find(t => t.includes('…') && t.startsWith('0000'))!;
		const [head, tail] = token.split('…');
		expect(HASH.startsWith(head!)).toBe(true);
		expect(HASH.endsWith(tail!)).toBe(true);
		expect(tail!.length).toBeGreaterThan(0);
	});

	it('gives spare room back by priority: the higher column grows to its natural width before the lower gets any', () => {
		const cols = [hash('low', 1, 11), hash('high', 9, 11)];
		const values = [{low: HASH, high: HASH}];
		// 11 + 1 + 11 = 23 at the shortest; 10 spare cells all go to `high`.
		let fitted = fitColumns(cols, values, 33);
		expect(widthOf(fitted, 'high')).toBe(21);
		expect(widthOf(fitted, 'low')).toBe(11);
		// Enough for `high` whole (64): the rest goes to `low`.
		fitted = fitColumns(cols, values, 11 + 1 + 64 + 5);
		expect(widthOf(fitted, 'high')).toBe(64);
		expect(widthOf(fitted, 'low')).toBe(16);
		// The whole width is used, no more.
		expect(fitted.reduce((n, c) => n + c.width, 0) + fitted.length - 1).toBe(81);
	});

	it('keeps a column within its max, and a short hash at its own length', () => {
		const fitted = fitColumns([{...text('label', 5), max: 6}, hash('id', 9)], [{label: 'a long label', id: 'abc'}], 100);
		expect(widthOf(fitted, 'label')).toBe(6);
		expect(widthOf(fitted, 'id')).toBe(3);
		expect(cell(fitted[0]!, 'a long label')).toBe('a lon…');
	});

	it('aligns numbers right and text left; the heading uses the same widths', () => {
		const fitted = fitColumns([text('name', 5), num('n', 5)], [{name: 'ab', n: '7'}, {name: 'abcdef', n: '1234'}], 80);
		expect(line(fitted, 'titles')).toBe('name      n');
		expect(line(fitted, {name: 'ab', n: '7'})).toBe('ab        7');
		expect(line(fitted, {name: 'abcdef', n: '1234'})).toBe('abcdef 1234');
	});
});

describe('fitColumns, for any columns and values', () => {
	const hex = fc.string({unit: fc.constantFrom(...'0123456789abcdef'), minLength: 0, maxLength: 64});
	const words = fc.string({unit: fc.oneof(fc.constantFrom(...'abcdefghij /:._-'), fc.constantFrom('日', '本', 'é', '語')), maxLength: 30});
	const numbers = fc.oneof(fc.nat().map(String), fc.constantFrom('1.2 MB', '45.7 kB', '—', '20999999.97690000', '12s ago'));
	// Numbers have no max: a max below a number's width would cut it (no column in the panes has
	// one). Min and max start at 2: a one-cell text column cannot hold a double-width character
	// (end() then returns it whole); the panes' narrowest is 3.
	const column = fc.record({
		kind: fc.constantFrom('number' as const, 'hash' as const, 'text' as const),
		title: fc.string({unit: fc.constantFrom(...'abcdefgh #/'), maxLength: 12}),
		priority: fc.integer({min: 0, max: 20}),
		min: fc.option(fc.integer({min: 2, max: 20}), {nil: undefined}),
		max: fc.option(fc.integer({min: 2, max: 70}), {nil: undefined}),
	});
	const table = fc
		.uniqueArray(column, {minLength: 1, maxLength: 7, selector: c => c.title})
		.chain(cols => {
			const columns: Column[] = cols.map((c, i) => ({key: `k${i}`, title: c.title, kind: c.kind, priority: c.priority, ...(c.min === undefined ? {} : {min: c.min}), ...(c.max === undefined || c.kind === 'number' ? {} : {max: c.max})}));
			const row = fc.tuple(...columns.map(c => (c.kind === 'number' ? numbers : c.kind === 'hash' ? hex : words))).map(cells => Object.fromEntries(cells.map((v, i) => [columns[i]!.key, v])));
			return fc.tuple(fc.constant(columns), fc.array(row, {maxLength: 6}), fc.integer({min: 0, max: 200}));
		});

	it('every line, the heading included, is at most the width whenever the most important column fits at its shortest', () => {
		fc.assert(
			fc.property(table, ([columns, rows, width]) => {
				const fitted = fitColumns(columns, rows, width);
				// The one column kept however narrow the pane is one of the highest priority.
				const best = Math.max(...columns.map(c => c.priority));
				const shortest = (c: Column) => {
					const natural = Math.min(Math.max(stringWidth(c.title), ...rows.map(r => stringWidth(r[c.key] ?? ''))), c.max ?? Infinity);
					return c.kind === 'number' ? natural : Math.min(natural, Math.max(stringWidth(c.title), c.min ?? (c.kind === 'hash' ? 11 : 6)));
				};
				fc.pre(columns.filter(c => c.priority === best).every(c => shortest(c) <= width));
				for (const row of [...rows, 'titles' as const]) {
					const shown = line(fitted, row);
					if (stringWidth(shown) > width) throw new Error(`${JSON.stringify(shown)} is ${stringWidth(shown)} wide, more than ${width}`);
				}
				// Shown numbers are whole; shown columns keep their order.
				for (const c of fitted) if (c.kind === 'number') for (const r of rows) expect(cell(c, r[c.key] ?? '').trim()).toBe((r[c.key] ?? '').trim());
				const order = fitted.map(c => columns.findIndex(x => x.key === c.key));
				expect(order).toEqual([...order].sort((a, b) => a - b));
			}),
			{numRuns: 2000},
		);
	});

	it('a column is dropped only while a column of lower priority is not', () => {
		fc.assert(
			fc.property(table, ([columns, rows, width]) => {
				const fitted = fitColumns(columns, rows, width);
				const shown = new Set(fitted.map(c => c.key));
				const dropped = columns.filter(c => !shown.has(c.key));
				for (const d of dropped) for (const s of fitted) expect(s.priority).toBeGreaterThanOrEqual(d.priority);
				expect(fitted.length).toBeGreaterThan(0);
			}),
			{numRuns: 1000},
		);
	});
});
