import React from 'react';
import {Text} from 'ink';
import type {BlockRow, ExplorerView} from '../../store/snapshot.js';
import {ago, bytes, clock} from '../../store/format.js';
import {factLines, type Column} from '../lists/columns.js';
import {arrayList, FOLLOW_NEWEST, type ListModel, type Selection} from '../lists/selection.js';
import {Table, visible} from '../components/table.js';
import {useColor} from '../theme.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

const BLOCK_COLUMNS: readonly Column[] = [
	{key: 'height', title: 'height', kind: 'number', priority: 10},
	{key: 'hash', title: 'hash', kind: 'hash', priority: 9, min: 13},
	{key: 'time', title: 'time', kind: 'number', priority: 5},
	{key: 'age', title: 'age', kind: 'number', priority: 7},
	{key: 'txs', title: 'txs', kind: 'number', priority: 8},
	{key: 'size', title: 'size', kind: 'number', priority: 6},
	{key: 'miner', title: 'miner', kind: 'hash', priority: 4, min: 13},
];

const VIEW_COLUMNS: Readonly<Record<ExplorerView['kind'], readonly Column[]>> = {
	block: [
		{key: 'n', title: '#', kind: 'number', priority: 9},
		{key: 'txid', title: 'txid', kind: 'hash', priority: 10, min: 13},
		{key: 'inputs', title: 'in', kind: 'number', priority: 6},
		{key: 'outputs', title: 'out', kind: 'number', priority: 6},
		{key: 'value', title: 'value', kind: 'number', priority: 8},
		{key: 'note', title: '', kind: 'text', priority: 5},
	],
	tx: [
		{key: 'dir', title: '', kind: 'text', priority: 10, min: 3},
		{key: 'n', title: '#', kind: 'number', priority: 9},
		{key: 'what', title: 'address / output', kind: 'hash', priority: 8, min: 13},
		{key: 'value', title: 'value', kind: 'number', priority: 9},
	],
	address: [
		{key: 'height', title: 'height', kind: 'number', priority: 9},
		{key: 'txid', title: 'txid', kind: 'hash', priority: 10, min: 13},
		{key: 'kind', title: '', kind: 'text', priority: 7, min: 8},
		{key: 'value', title: 'value', kind: 'number', priority: 9},
	],
};

/** The chain, newest first: `length` is the whole chain; rows outside the loaded window are unknown until read. */
function chainList(blocks: readonly BlockRow[], height: number): ListModel {
	const byHeight = new Map(blocks.map(b => [b.height, b]));
	const byHash = new Map(blocks.map(b => [b.hash, b]));
	return {
		length: height + 1,
		idAt: i => byHeight.get(height - i)?.hash,
		indexOf: id => {
			const b = byHash.get(id);
			return b ? height - b.height : -1;
		},
	};
}

function current(p: PaneInput): {view: ExplorerView | null; sel: Selection} {
	const depth = p.nav.explorer.length;
	return depth === 0 ? {view: null, sel: p.nav.selection.chain} : {view: p.nav.explorer[depth - 1]!, sel: p.nav.explorerSel[depth - 1] ?? FOLLOW_NEWEST};
}

function headerRows(p: PaneInput, view: ExplorerView | null): number {
	return (view ? factLines(view.facts, p.width).length : 0) + (p.nav.notice ? 1 : 0) + 1;
}

function list(p: PaneInput) {
	const {view, sel} = current(p);
	const firstRow = headerRows(p, view);
	const space = Math.max(1, p.rows - firstRow);
	const model = view ? arrayList(view.rows, r => r.id) : chainList(p.snapshot.blocks, p.snapshot.height);
	return {model, space, selection: sel, firstRow};
}

function ChainPane(p: PaneProps) {
	const color = useColor();
	const {view} = current(p);
	const {model, space, selection} = list(p);
	const now = p.snapshot.now;
	const byHeight = new Map(p.snapshot.blocks.map(b => [b.height, b]));
	const shown = visible(model, selection, space, i => {
		if (view) return view.rows[i];
		const b = byHeight.get(p.snapshot.height - i);
		return b ? {id: b.hash, cells: {height: String(b.height), hash: b.hash, time: clock(b.time), age: ago(now - b.time), txs: String(b.txs), size: bytes(b.size), miner: b.miner}} : undefined;
	});
	return (
		<>
			{view
				? factLines(view.facts, p.width).map((l, i) => (
						<Text key={i} bold={i === 0} wrap="truncate-end">
							{l}
						</Text>
					))
				: null}
			{p.nav.notice ? (
				<Text color={color('yellow')} wrap="truncate-end">
					{p.nav.notice}
				</Text>
			) : null}
			{model.length === 0 ? <Text dimColor>nothing here</Text> : <Table columns={view ? VIEW_COLUMNS[view.kind] : BLOCK_COLUMNS} width={p.width} rows={shown.rows} top={shown.top} selected={shown.selected} focused={p.focused} />}
		</>
	);
}

export const chainPane: PaneSpec = {
	id: 'chain',
	number: 1,
	title: 'chain',
	list,
	Component: ChainPane,
	note: p => (p.nav.explorer.length > 0 ? `${p.nav.explorer[p.nav.explorer.length - 1]!.kind} · Esc back` : p.nav.selection.chain.follow ? 'following' : undefined),
	copy: (p, index) => {
		const {view} = current(p);
		if (!view) return list(p).model.idAt(index) ?? null;
		const target = view.rows[index]?.target;
		return target ? (target.kind === 'block' ? target.id : target.kind === 'tx' ? target.txid : target.address) : view.id;
	},
	open: (p, index) => {
		const {view} = current(p);
		if (!view) {
			const hash = list(p).model.idAt(index);
			return hash ? {kind: 'block', id: hash} : null;
		}
		return view.rows[index]?.target ?? null;
	},
};
