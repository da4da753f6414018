import React from 'react';
import {Text} from 'ink';
import {KEYMAP, SCOPE_TITLES, type Scope} from './keymap.js';
import {panesFor, WIRE_PANE} from './panes/registry.js';

/** The `?` overlay's lines, from the same table that handles the keys, grouped by scope. */
export function helpLines(stake = false): {text: string; heading: boolean}[] {
	const lines: {text: string; heading: boolean}[] = [];
	const scopes: Scope[] = ['global', 'list', 'log', 'bpm', 'wire', 'form'];
	for (const scope of scopes) {
		lines.push({text: SCOPE_TITLES[scope], heading: true});
		for (const b of KEYMAP.filter(x => x.scope === scope)) lines.push({text: `${b.label.padEnd(15)} ${b.help}`, heading: false});
	}
	lines.push({text: 'mouse', heading: true});
	lines.push({text: `${'click'.padEnd(15)} focus a pane, select a row (--no-mouse: the terminal's own selection)`, heading: false});
	lines.push({text: `${'wheel'.padEnd(15)} scroll a list`, heading: false});
	lines.push({text: 'panes', heading: true});
	lines.push({text: [...panesFor(stake).map(p => `${p.number} ${p.title}`), `${WIRE_PANE.badge} ${WIRE_PANE.title}`].join(' · '), heading: false});
	return lines;
}

/** The `?` overlay's body: as many of `lines` as fit, from `offset` (↑/↓ scroll when they do not all fit). */
export function Help({rows, offset, lines, title = 'Keys'}: {readonly rows: number; readonly offset: number; readonly lines: readonly {text: string; heading: boolean}[]; readonly title?: string}) {
	const space = Math.max(1, rows - 1);
	const from = Math.max(0, Math.min(offset, lines.length - space));
	const more = lines.length > space;
	return (
		<>
			<Text bold>
				{title}{' '}
				<Text dimColor>
					{more ? `(${from + 1}-${Math.min(lines.length, from + space)} of ${lines.length}, ↑/↓ scroll) ` : ''}Esc or ? closes
				</Text>
			</Text>
			{lines.slice(from, from + space).map((l, i) => (
				<Text key={from + i} bold={l.heading} dimColor={l.heading} wrap="truncate-end">
					{l.text}
				</Text>
			))}
		</>
	);
}
