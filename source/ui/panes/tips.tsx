import React from 'react';
import {Text} from 'ink';
import type {LogLine, TipRow} from '../../store/snapshot.js';
import {clock, padLeft, shortHash} from '../format.js';
import {useColor} from '../theme.js';

export interface TipsProps {
	readonly tips: readonly TipRow[];
	/** Log lines about reorgs, newest last. */
	readonly reorgs: readonly LogLine[];
	readonly rows: number;
}

/** The active chain and every fork, with branch length and status; then recent reorgs. */
export function TipsPane({tips, reorgs, rows}: TipsProps) {
	const color = useColor();
	const statusColor = (s: TipRow['status']) => (s === 'active' ? color('green') : s === 'invalid' ? color('red') : color('yellow'));
	const tipRows = Math.max(1, rows - Math.min(reorgs.length, 3) - 1);
	return (
		<>
			{tips.slice(0, tipRows).map(t => (
				<Text key={t.hash} wrap="truncate-end">
					{padLeft(String(t.height), 7)} {shortHash(t.hash, 16)} branch {padLeft(String(t.branchLength), 3)} <Text color={statusColor(t.status)}>{t.status}</Text>
				</Text>
			))}
			{reorgs.slice(-3).map((r, i) => (
				<Text key={i} dimColor wrap="truncate-end">
					{clock(r.time)} {r.text}
				</Text>
			))}
		</>
	);
}
