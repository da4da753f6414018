import React from 'react';
import {Text} from 'ink';
import {clock} from '../../store/format.js';
import type {Column} from '../lists/columns.js';
import {arrayList} from '../lists/selection.js';
import {Table, visible} from '../components/table.js';
import {useColor} from '../theme.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

const COLUMNS: readonly Column[] = [
	{key: 'height', title: 'height', kind: 'number', priority: 10},
	{key: 'hash', title: 'tip', kind: 'hash', priority: 9, min: 13},
	{key: 'branch', title: 'len', kind: 'number', priority: 7},
	// Core's statuses, whole: 'valid-headers' is the longest.
	{key: 'status', title: 'status', kind: 'text', priority: 8, min: 13},
];

/** Up to three recent reorganisations take the last rows. */
const reorgRows = (p: PaneInput) => Math.min(p.snapshot.reorgs.length, 3, Math.max(0, p.rows - 3));

function list(p: PaneInput) {
	return {model: arrayList(p.snapshot.tips, t => t.hash), space: Math.max(1, p.rows - 1 - reorgRows(p)), selection: p.nav.selection.tips, firstRow: 1};
}

function TipsPane(p: PaneProps) {
	const color = useColor();
	const {model, space, selection} = list(p);
	const shown = visible(model, selection, space, i => {
		const t = p.snapshot.tips[i];
		return t ? {id: t.hash, cells: {height: String(t.height), hash: t.hash, branch: String(t.branchLength), status: t.status}} : undefined;
	});
	const reorgs = p.snapshot.reorgs.slice(-reorgRows(p)).reverse();
	return (
		<>
			<Table columns={COLUMNS} width={p.width} rows={shown.rows} top={shown.top} selected={shown.selected} focused={p.focused} />
			{reorgs.map(r => (
				<Text key={`${r.time}-${r.hash}`} color={color('yellow')} wrap="truncate-end">
					{clock(r.time)} reorg {r.depth} deep at {r.forkHeight} → {r.height}
				</Text>
			))}
		</>
	);
}

export const tipsPane: PaneSpec = {
	id: 'tips',
	number: 3,
	title: 'tips',
	list,
	Component: TipsPane,
	note: p => `${p.snapshot.tips.length} · ${p.snapshot.reorgs.length} reorg${p.snapshot.reorgs.length === 1 ? '' : 's'}`,
	copy: (p, index) => p.snapshot.tips[index]?.hash ?? null,
	open: (p, index) => {
		const t = p.snapshot.tips[index];
		return t ? {kind: 'block', id: t.hash} : null;
	},
};
