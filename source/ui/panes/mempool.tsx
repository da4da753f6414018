import React from 'react';
import {Text} from 'ink';
import type {MempoolView} from '../../store/snapshot.js';
import {ago, bytes, coins, pad, padLeft, shortHash} from '../format.js';

export interface MempoolProps {
	readonly mempool: MempoolView;
	readonly selected: number;
	readonly rows: number;
	readonly now: number;
}

/** How full the pool is: its estimated memory against the limit. */
function full(usage: number, max: number): string {
	const pct = (usage / max) * 100;
	return pct > 0 && pct < 1 ? '<1%' : `${Math.round(pct)}%`;
}

/** Count, bytes, how full, fee-rate spread, newest transactions. */
export function MempoolPane({mempool: m, selected, rows, now}: MempoolProps) {
	return (
		<>
			<Text wrap="truncate-end">
				{m.count} tx · {bytes(m.bytes)} · {full(m.usage, m.maxBytes)} of {bytes(m.maxBytes)} · fee rate min {m.minRate.toFixed(1)} median {m.medianRate.toFixed(1)} max {m.maxRate.toFixed(1)} /byte
			</Text>
			{m.count === 0 ? <Text dimColor>empty</Text> : null}
			{m.newest.slice(0, Math.max(0, rows - 1)).map((t, i) => (
				<Text key={t.txid} inverse={i === selected} wrap="truncate-end">
					{`${pad(shortHash(t.txid, 20), 21)} ${padLeft(bytes(t.size), 8)} fee ${padLeft(coins(t.fee), 12)} ${padLeft(t.feeRate.toFixed(1), 7)}/B ${padLeft(ago(now - t.time), 8)}`}
				</Text>
			))}
		</>
	);
}
