import React from 'react';
import {Text} from 'ink';
import {arrayList} from '../lists/selection.js';
import {selectedIndex} from '../lists/selection.js';
import {middle, wrapParts} from '../lists/columns.js';
import {useColor} from '../theme.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

/** All readings, then each address that recorded one: ↑/↓ pick. */
function choices(p: PaneInput): string[] {
	return ['all', ...new Set(p.snapshot.bpm.map(r => r.address))];
}

function list(p: PaneInput) {
	return {model: arrayList(choices(p), c => c), space: 1, selection: p.nav.selection.bpm, firstRow: 0};
}

/** Column heights for `values` spread across `width` columns (each reading as wide as there is room for). */
export function chartColumns(values: readonly number[], width: number): number[] {
	if (values.length === 0 || width <= 0) return [];
	const shown = values.slice(-width);
	const each = Math.max(1, Math.floor(width / shown.length));
	return shown.flatMap(v => Array<number>(each).fill(v));
}

/** A column chart of heart-rate readings recorded on chain, with an axis, min, max and last. */
function BpmPane(p: PaneProps) {
	const color = useColor();
	const all = choices(p);
	const choice = all[selectedIndex(p.nav.selection.bpm, list(p).model)] ?? 'all';
	const shown = choice === 'all' ? p.snapshot.bpm : p.snapshot.bpm.filter(r => r.address === choice);
	const who = choice === 'all' ? 'all addresses' : middle(choice, Math.max(13, p.width - 24));
	if (shown.length === 0) return <Text dimColor>no readings yet: b records one</Text>;
	const values = shown.map(r => r.bpm);
	const min = Math.min(...values);
	const max = Math.max(...values);
	// The summary's numbers are never cut: its parts go on as many lines as the width needs.
	const summary = wrapParts([`min ${min}`, `max ${max}`, `last ${values[values.length - 1]} BPM`], p.width);
	const heading = wrapParts([`${shown.length} reading${shown.length === 1 ? '' : 's'}`, who, ...(all.length > 1 ? ['↑/↓ another'] : [])], p.width);
	const height = Math.max(1, p.rows - heading.length - summary.length);
	const columns = chartColumns(values, Math.max(1, p.width - 5));
	const lo = Math.max(0, min - 5);
	const hi = max + 5;
	const lines: string[] = [];
	for (let row = height - 1; row >= 0; row--) {
		const threshold = lo + ((hi - lo) * (row + 0.5)) / height;
		const label = row === height - 1 ? String(hi) : row === 0 ? String(lo) : '';
		lines.push(`${label.padStart(3)} │${columns.map(v => (v >= threshold ? '█' : ' ')).join('')}`);
	}
	return (
		<>
			{heading.map((line, i) => (
				<Text key={`h${i}`}>{line}</Text>
			))}
			{summary.map((line, i) => (
				<Text key={`s${i}`}>{line}</Text>
			))}
			{lines.map((line, i) => (
				<Text key={i} color={color('red')}>
					{line}
				</Text>
			))}
		</>
	);
}

export const bpmPane: PaneSpec = {id: 'bpm', number: 7, title: 'BPM', scope: 'bpm', list, Component: BpmPane, copy: (p, index) => (index > 0 ? (choices(p)[index] ?? null) : null)};
