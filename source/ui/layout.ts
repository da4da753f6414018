/**
 * Where each pane goes for a terminal size: every pane from 160x35 as from 120x40 (in four rows), two columns
 * from 100x30, one pane (under a line of tabs) below that; `z` gives the focused pane the whole
 * body at any size, and so does the wire inspector (`i`), which has no place of its own. Row 0 is
 * the status bar and the last row the footer. Pure, so the mouse can
 * find what was clicked with the same numbers the screen was drawn with.
 */
import type {PaneId} from './panes/registry.js';
import {PANE_ORDER} from './panes/registry.js';

export interface Rect {
	readonly x: number;
	readonly y: number;
	readonly width: number;
	readonly height: number;
}

export type LayoutMode = 'all' | 'two' | 'one' | 'zoom';

export interface Layout {
	readonly mode: LayoutMode;
	readonly panes: readonly {readonly id: PaneId; readonly rect: Rect}[];
	/** The line of pane names (one-pane mode), if shown. */
	readonly tabs: Rect | null;
}

export function layoutMode(columns: number, rows: number): Exclude<LayoutMode, 'zoom'> {
	if ((columns >= 160 && rows >= 35) || (columns >= 120 && rows >= 40)) return 'all';
	if (columns >= 100 && rows >= 30) return 'two';
	return 'one';
}

/** Splits `total` into parts by weight, the remainder going to the last. */
function split(total: number, weights: readonly number[]): number[] {
	const sum = weights.reduce((a, b) => a + b, 0);
	const parts = weights.map(w => Math.floor((total * w) / sum));
	parts[parts.length - 1]! += total - parts.reduce((a, b) => a + b, 0);
	return parts;
}

export function computeLayout(size: {columns: number; rows: number}, focused: PaneId, zoomed: boolean): Layout {
	const {columns} = size;
	const top = 1;
	const body = Math.max(3, size.rows - 2);
	if (zoomed || focused === 'wire') return {mode: 'zoom', panes: [{id: focused, rect: {x: 0, y: top, width: columns, height: body}}], tabs: null};
	const mode = layoutMode(columns, size.rows);
	if (mode === 'one') {
		return {mode, panes: [{id: focused, rect: {x: 0, y: top + 1, width: columns, height: body - 1}}], tabs: {x: 0, y: top, width: columns, height: 1}};
	}
	const panes: {id: PaneId; rect: Rect}[] = [];
	if (mode === 'two') {
		// Two columns, panes in the order of their numbers, left to right then down.
		const widths = split(columns, [1, 1]);
		const heights = split(body, [3, 2, 2, 2]);
		let y = top;
		for (let row = 0; row < 4; row++) {
			let x = 0;
			for (let col = 0; col < 2; col++) {
				panes.push({id: PANE_ORDER[row * 2 + col]!, rect: {x, y, width: widths[col]!, height: heights[row]!}});
				x += widths[col]!;
			}
			y += heights[row]!;
		}
		return {mode, panes, tabs: null};
	}
	// Every pane, in four rows: the chain across the screen (every column, hashes whole from about
	// 130 columns); peers (every column at 120) and tips; mempool and miner; wallet (its three
	// balances at 120), BPM and log.
	const heights = split(body, [5, 4, 4, 5]);
	const rowsOf: readonly (readonly [PaneId, number][])[] = [
		[['chain', 1]],
		[
			['peers', 64],
			['tips', 36],
		],
		[
			['mempool', 1],
			['miner', 1],
		],
		[
			['wallet', 41],
			['bpm', 25],
			['log', 34],
		],
	];
	let y = top;
	rowsOf.forEach((row, r) => {
		const widths = split(columns, row.map(([, w]) => w));
		let x = 0;
		row.forEach(([id], i) => {
			panes.push({id, rect: {x, y, width: widths[i]!, height: heights[r]!}});
			x += widths[i]!;
		});
		y += heights[r]!;
	});
	return {mode, panes, tabs: null};
}

/** The pane under a screen cell, if any. */
export function paneAt(layout: Layout, x: number, y: number): {id: PaneId; rect: Rect} | null {
	return layout.panes.find(p => x >= p.rect.x && x < p.rect.x + p.rect.width && y >= p.rect.y && y < p.rect.y + p.rect.height) ?? null;
}
