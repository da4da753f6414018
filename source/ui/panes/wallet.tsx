import React from 'react';
import {Text} from 'ink';
import {coins} from '../../store/format.js';
import type {Column} from '../lists/columns.js';
import {arrayList} from '../lists/selection.js';
import {Table, visible} from '../components/table.js';
import {useColor} from '../theme.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

const COLUMNS: readonly Column[] = [
	{key: 'label', title: 'label', kind: 'text', priority: 6, min: 6, max: 16},
	{key: 'address', title: 'address', kind: 'hash', priority: 10, min: 13},
	{key: 'confirmed', title: 'confirmed', kind: 'number', priority: 9},
	{key: 'unconfirmed', title: 'unconfirmed', kind: 'number', priority: 8},
	{key: 'immature', title: 'immature', kind: 'number', priority: 7},
];

function list(p: PaneInput) {
	return {model: arrayList(p.snapshot.wallet.addresses, a => a.address), space: Math.max(1, p.rows - 2), selection: p.nav.selection.wallet, firstRow: 2};
}

/** Addresses with confirmed, unconfirmed and immature balances. */
function WalletPane(p: PaneProps) {
	const color = useColor();
	const w = p.snapshot.wallet;
	const total = w.addresses.reduce((sum, a) => sum + a.confirmed, 0n);
	const {model, space, selection} = list(p);
	const shown = visible(model, selection, space, i => {
		const a = w.addresses[i];
		return a ? {id: a.address, cells: {label: a.label, address: a.address, confirmed: coins(a.confirmed), unconfirmed: coins(a.unconfirmed), immature: coins(a.immature)}} : undefined;
	});
	return (
		<>
			<Text wrap="truncate-end">
				<Text bold>{coins(total)}</Text> confirmed · {w.encrypted ? w.locked ? <Text color={color('yellow')}>locked</Text> : <Text color={color('green')}>unlocked</Text> : <Text dimColor>not encrypted</Text>}
			</Text>
			{w.addresses.length === 0 ? <Text dimColor>no addresses yet: w creates one</Text> : <Table columns={COLUMNS} width={p.width} rows={shown.rows} top={shown.top} selected={shown.selected} focused={p.focused} />}
		</>
	);
}

export const walletPane: PaneSpec = {
	id: 'wallet',
	number: 6,
	title: 'wallet',
	list,
	Component: WalletPane,
	note: p => `${p.snapshot.wallet.addresses.length} address${p.snapshot.wallet.addresses.length === 1 ? '' : 'es'}`,
	copy: (p, index) => p.snapshot.wallet.addresses[index]?.address ?? null,
	open: (p, index) => {
		const a = p.snapshot.wallet.addresses[index];
		return a ? {kind: 'address', address: a.address} : null;
	},
};
