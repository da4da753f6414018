import React from 'react';
import {Text} from 'ink';
import type {LogLine} from '../../store/snapshot.js';
import {clock} from '../../store/format.js';
import {arrayList} from '../lists/selection.js';
import {visible} from '../components/table.js';
import {sanitize} from '../terminal/sanitize.js';
import {useColor} from '../theme.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

/** Newest first, as every list here; only the lines containing the filter (any case). */
export function logLines(log: readonly LogLine[], filter: string): LogLine[] {
	const f = filter.toLowerCase();
	const lines = f ? log.filter(l => l.text.toLowerCase().includes(f)) : [...log];
	return lines.reverse();
}

const filterRow = (p: PaneInput) => (p.nav.logFiltering || p.nav.logFilter ? 1 : 0);

function list(p: PaneInput) {
	const lines = logLines(p.snapshot.log, p.nav.logFilter);
	return {model: arrayList(lines, l => String(l.seq)), space: Math.max(1, p.rows - filterRow(p)), selection: p.nav.selection.log, firstRow: filterRow(p)};
}

/** Recent events, one line each, newest first; `/` filters. */
function LogPane(p: PaneProps) {
	const color = useColor();
	const lines = logLines(p.snapshot.log, p.nav.logFilter);
	const {model, space, selection} = list(p);
	const shown = visible(model, selection, space, i => lines[i]);
	return (
		<>
			{filterRow(p) ? (
				<Text wrap="truncate-end">
					<Text color={color('cyan')}>filter </Text>
					{p.nav.logFilter}
					{p.nav.logFiltering ? <Text inverse> </Text> : <Text dimColor> ({lines.length} lines · / edits · Esc clears)</Text>}
				</Text>
			) : null}
			{lines.length === 0 ? <Text dimColor>{p.nav.logFilter ? 'no line matches' : 'nothing yet'}</Text> : null}
			{shown.rows.map((l, i) =>
				l ? (
					<Text key={l.seq} inverse={p.focused && !p.nav.logFiltering && shown.top + i === shown.selected} wrap="truncate-end">
						<Text dimColor>{clock(l.time)}</Text> {sanitize(l.text)}
					</Text>
				) : null,
			)}
		</>
	);
}

export const logPane: PaneSpec = {
	id: 'log',
	number: 8,
	title: 'log',
	scope: 'log',
	list,
	Component: LogPane,
	note: p => (p.nav.selection.log.follow ? 'following' : 'paused · f follows'),
	copy: (p, index) => logLines(p.snapshot.log, p.nav.logFilter)[index]?.text ?? null,
};
