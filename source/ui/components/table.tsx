import React from 'react';
import {Text} from 'ink';
import {fitColumns, line, type Column} from '../lists/columns.js';
import {selectedIndex, viewTop, type ListModel, type Selection} from '../lists/selection.js';
import {sanitize} from '../terminal/sanitize.js';

export interface TableRow {
	readonly id: string;
	readonly cells: Readonly<Record<string, string>>;
}

/** The rows a list shows for a selection: from its view's top, `space` of them. */
export function visible<T>(list: ListModel, sel: Selection, space: number, rowAt: (index: number) => T | undefined): {top: number; selected: number; rows: (T | undefined)[]} {
	const top = viewTop(sel, list, space);
	const rows: (T | undefined)[] = [];
	for (let i = top; i < Math.min(list.length, top + space); i++) rows.push(rowAt(i));
	return {top, selected: selectedIndex(sel, list), rows};
}

/**
 * A list as a table: a heading, then the rows in view, the selected one inverted (when the pane
 * has focus). Columns fit the width (see lists/columns.ts); every cell is sanitized, since much
 * of it comes from outside (peers' agents, addresses, data).
 */
export function Table({columns, width, rows, top, selected, focused, heading = true}: {readonly columns: readonly Column[]; readonly width: number; readonly rows: readonly (TableRow | undefined)[]; readonly top: number; readonly selected: number; readonly focused: boolean; readonly heading?: boolean}) {
	const clean = rows.map(r => (r ? Object.fromEntries(Object.entries(r.cells).map(([k, v]) => [k, sanitize(v)])) : {}));
	const fitted = fitColumns(columns, clean, width);
	return (
		<>
			{heading ? <Text dimColor>{line(fitted, 'titles')}</Text> : null}
			{rows.map((r, i) => (
				<Text key={r?.id ?? `row-${top + i}`} inverse={focused && top + i === selected} wrap="truncate-end">
					{r ? (focused && top + i === selected ? line(fitted, clean[i]!).padEnd(width) : line(fitted, clean[i]!)) : "…"}
				</Text>
			))}
		</>
	);
}
