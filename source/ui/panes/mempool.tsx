import React from 'react';
import {Text} from 'ink';
import {ago, bytes, coins} from '../../store/format.js';
import type {Column} from '../lists/columns.js';
import {arrayList} from '../lists/selection.js';
import {Table, visible} from '../components/table.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

const COLUMNS: readonly Column[] = [
	{key: 'txid', title: 'txid', kind: 'hash', priority: 10, min: 13},
	{key: 'size', title: 'size', kind: 'number', priority: 7},
	{key: 'fee', title: 'fee', kind: 'number', priority: 8},
	{key: 'rate', title: 'per byte', kind: 'number', priority: 9},
	{key: 'age', title: 'age', kind: 'number', priority: 6},
];

/** How full the pool is: its estimated memory against the limit. */
function full(usage: number, max: number): string {
	const pct = (usage / max) * 100;
	return pct > 0 && pct < 1 ? '<1%' : `${Math.round(pct)}%`;
}

function list(p: PaneInput) {
	return {model: arrayList(p.snapshot.mempool.newest, t => t.txid), space: Math.max(1, p.rows - 3), selection: p.nav.selection.mempool, firstRow: 3};
}

/** Count, bytes, how full, fee-rate spread, newest transactions. */
function MempoolPane(p: PaneProps) {
	const m = p.snapshot.mempool;
	const {model, space, selection} = list(p);
	const shown = visible(model, selection, space, i => {
		const t = m.newest[i];
		return t ? {id: t.txid, cells: {txid: t.txid, size: bytes(t.size), fee: coins(t.fee), rate: t.feeRate.toFixed(1), age: ago(p.snapshot.now - t.time)}} : undefined;
	});
	return (
		<>
			<Text wrap="truncate-end">
				<Text bold>{m.count}</Text> tx · {bytes(m.bytes)} · {full(m.usage, m.maxBytes)} of {bytes(m.maxBytes)}
			</Text>
			<Text wrap="truncate-end">
				per byte {m.minRate.toFixed(1)} · {m.medianRate.toFixed(1)} · {m.maxRate.toFixed(1)} <Text dimColor>(min · median · max)</Text>
			</Text>
			{m.count === 0 ? <Text dimColor>empty</Text> : <Table columns={COLUMNS} width={p.width} rows={shown.rows} top={shown.top} selected={shown.selected} focused={p.focused} />}
		</>
	);
}

export const mempoolPane: PaneSpec = {
	id: 'mempool',
	number: 4,
	title: 'mempool',
	list,
	Component: MempoolPane,
	note: p => (p.nav.selection.mempool.follow ? 'following' : undefined),
	copy: (p, index) => p.snapshot.mempool.newest[index]?.txid ?? null,
	open: (p, index) => {
		const t = p.snapshot.mempool.newest[index];
		return t ? {kind: 'tx', txid: t.txid} : null;
	},
};
