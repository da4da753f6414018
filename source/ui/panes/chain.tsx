import React from 'react';
import {Text} from 'ink';
import type {BlockRow} from '../../store/snapshot.js';
import type {ExplorerView} from '../../store/actions.js';
import {encodeAddress} from '../../node/crypto/address.js';
import {nullData, p2pkhHash, parseBpm} from '../../node/primitives/script.js';
import {ago, bytes, clock, coins, pad, padLeft, shortHash} from '../format.js';
import {useColor} from '../theme.js';

/** Where Enter on a line of the explorer leads. */
export type ExplorerTarget = {readonly kind: 'block'; readonly id: string} | {readonly kind: 'tx'; readonly txid: string} | {readonly kind: 'address'; readonly address: string};

export interface ExplorerItem {
	readonly text: string;
	readonly target: ExplorerTarget | null;
}

function outputText(script: Uint8Array, version: number): {text: string; address: string | null} {
	const hash = p2pkhHash(script);
	if (hash) {
		const address = encodeAddress(hash, version);
		return {text: address, address};
	}
	const bpm = parseBpm(script);
	if (bpm !== null) return {text: `BPM reading: ${bpm}`, address: null};
	const data = nullData(script);
	if (data) return {text: `data: ${Buffer.from(data).toString('hex').slice(0, 32)}`, address: null};
	return {text: 'non-standard', address: null};
}

/** The selectable lines of a view (the pane shows them; Enter follows their target). */
export function explorerItems(view: ExplorerView | null, blocks: readonly BlockRow[], version: number, now: number): ExplorerItem[] {
	if (!view) {
		return blocks.map(b => ({
			text: `${padLeft(String(b.height), 7)} ${pad(shortHash(b.hash, 16), 17)} ${clock(b.time)} ${padLeft(ago(now - b.time), 8)} ${padLeft(String(b.txs), 4)} tx ${padLeft(bytes(b.size), 8)} ${shortHash(b.miner, 14)}`,
			target: {kind: 'block', id: b.hash},
		}));
	}
	if (view.kind === 'block') {
		return view.block.txs.map((tx, i) => {
			const value = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
			return {text: `${padLeft(String(i), 4)} ${pad(shortHash(tx.txid(), 24), 25)} ${padLeft(String(tx.inputs.length), 3)} in ${padLeft(String(tx.outputs.length), 3)} out ${padLeft(coins(value), 14)}${i === 0 ? ' coinbase' : ''}`, target: {kind: 'tx', txid: tx.txid()}};
		});
	}
	if (view.kind === 'tx') {
		const items: ExplorerItem[] = view.inputs.map((input, i) => ({
			text: `in  ${padLeft(String(i), 3)} ${pad(input.address, 36)} ${input.value === null ? '' : padLeft(coins(input.value), 14)}`,
			target: input.address && input.address !== 'coinbase' && input.address !== '?' ? {kind: 'address', address: input.address} : null,
		}));
		view.tx.outputs.forEach((output, n) => {
			const {text, address} = outputText(output.script, version);
			items.push({text: `out ${padLeft(String(n), 3)} ${pad(text, 36)} ${padLeft(coins(output.value), 14)}`, target: address ? {kind: 'address', address} : null});
		});
		return items;
	}
	return [...view.history].reverse().map(h => ({
		text: `${padLeft(String(h.height), 7)} ${pad(shortHash(h.txid, 24), 25)} ${pad(h.kind, 9)} ${padLeft(coins(h.value), 14)}`,
		target: {kind: 'tx', txid: h.txid},
	}));
}

export interface ChainProps {
	readonly blocks: readonly BlockRow[];
	readonly view: ExplorerView | null;
	readonly selected: number;
	readonly rows: number;
	readonly now: number;
	readonly addressVersion: number;
	/** A message from the last search or drill (not found, …). */
	readonly notice: string | null;
}

/** Recent blocks; Enter drills into a block, then a transaction, then an address; Esc goes back. */
export function ChainPane({blocks, view, selected, rows, now, addressVersion, notice}: ChainProps) {
	const color = useColor();
	const items = explorerItems(view, blocks, addressVersion, now);
	let heading: React.ReactNode;
	if (!view) heading = <Text dimColor>{`${padLeft('height', 7)} ${pad('hash', 17)} ${pad('time', 8)} ${padLeft('age', 8)} ${padLeft('txs', 7)} ${padLeft('size', 8)} miner`}</Text>;
	else if (view.kind === 'block')
		heading = (
			<Text>
				<Text bold>block {view.height ?? '?'}</Text> {view.hash} · {clock(view.block.header.time)} · {view.block.txs.length} tx · {bytes(view.block.getSize())} ·{' '}
				{view.confirmations > 0 ? `${view.confirmations} confirmation${view.confirmations === 1 ? '' : 's'}` : 'not on the active chain'}
			</Text>
		);
	else if (view.kind === 'tx')
		heading = (
			<Text>
				<Text bold>tx</Text> {view.tx.txid()} · {view.height === null ? <Text color={color('yellow')}>in the mempool</Text> : `block ${view.height}, ${view.confirmations} confirmation${view.confirmations === 1 ? '' : 's'}`} · {bytes(view.tx.getSize())}
			</Text>
		);
	else
		heading = (
			<Text>
				<Text bold>address</Text> {view.address} · balance <Text bold>{coins(view.balance)}</Text> · {view.history.length} event{view.history.length === 1 ? '' : 's'}
			</Text>
		);
	const space = Math.max(1, rows - 2);
	const start = Math.max(0, Math.min(selected - Math.floor(space / 2), items.length - space));
	return (
		<>
			{heading}
			{notice ? <Text color={color('yellow')}>{notice}</Text> : null}
			{items.length === 0 ? <Text dimColor>nothing here</Text> : null}
			{items.slice(start, start + space).map((item, i) => (
				<Text key={start + i} inverse={start + i === selected} wrap="truncate-end">
					{item.text}
				</Text>
			))}
			{view ? <Text dimColor>Enter opens · Esc goes back</Text> : null}
		</>
	);
}
