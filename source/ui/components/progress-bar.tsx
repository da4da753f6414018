import React from 'react';
import {Text} from 'ink';
import {useColor} from '../theme.js';

/** `[██████░░░░] 60%` in `width` cells. */
export function ProgressBar({value, total, width}: {readonly value: number; readonly total: number; readonly width: number}) {
	const color = useColor();
	const fraction = total > 0 ? Math.min(1, Math.max(0, value / total)) : 1;
	const filled = Math.round(fraction * width);
	return (
		<Text>
			<Text color={color('green')}>{'█'.repeat(filled)}</Text>
			<Text dimColor>{'░'.repeat(width - filled)}</Text>
			<Text> {Math.floor(fraction * 100)}%</Text>
		</Text>
	);
}
