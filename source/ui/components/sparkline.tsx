import React from 'react';
import {Text} from 'ink';
import {useColor} from '../theme.js';

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of `values` scaled to their maximum, the newest on the right. */
export function sparkline(values: readonly number[], width: number): string {
	const tail = values.slice(-width);
	const max = Math.max(...tail, 0);
	const line = tail.map(v => (max > 0 ? BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1)))]! : BARS[0]!)).join('');
	return line.padStart(width, ' ');
}

export function Sparkline({values, width}: {readonly values: readonly number[]; readonly width: number}) {
	const color = useColor();
	return <Text color={color('cyan')}>{sparkline(values, width)}</Text>;
}
