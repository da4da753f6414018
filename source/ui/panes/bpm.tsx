import React from 'react';
import {Text} from 'ink';
import type {BpmReading} from '../../node/wallet/wallet.js';
import {shortHash} from '../format.js';
import {useColor} from '../theme.js';

export interface BpmProps {
	readonly readings: readonly BpmReading[];
	/** Only this address's readings; null for all. */
	readonly address: string | null;
	readonly width: number;
	readonly rows: number;
}

/** A column chart of heart-rate readings recorded on chain, with min, max and last. */
export function BpmPane({readings, address, width, rows}: BpmProps) {
	const color = useColor();
	const shown = address ? readings.filter(r => r.address === address) : readings;
	const title = address ? `for ${shortHash(address, 16)}` : 'all addresses';
	if (shown.length === 0) return <Text dimColor>no readings {title} yet: b records one</Text>;
	const values = shown.map(r => r.bpm);
	const min = Math.min(...values);
	const max = Math.max(...values);
	const height = Math.max(2, rows - 2);
	const columns = values.slice(-Math.max(1, width - 6));
	const lo = Math.max(0, min - 5);
	const hi = max + 5;
	const lines: string[] = [];
	for (let row = height - 1; row >= 0; row--) {
		const threshold = lo + ((hi - lo) * (row + 0.5)) / height;
		const label = row === height - 1 ? String(hi).padStart(4) : row === 0 ? String(lo).padStart(4) : '    ';
		lines.push(`${label} ${columns.map(v => (v >= threshold ? '█' : ' ')).join('')}`);
	}
	return (
		<>
			<Text wrap="truncate-end">
				{shown.length} reading{shown.length === 1 ? '' : 's'} {title} · min {min} · max {max} · last <Text bold>{values[values.length - 1]}</Text> BPM <Text dimColor>(↑/↓: all or one address)</Text>
			</Text>
			{lines.map((line, i) => (
				<Text key={i} color={color('red')}>
					{line}
				</Text>
			))}
		</>
	);
}
