import React from 'react';
import {Box, Text} from 'ink';
import {KEYMAP} from './keymap.js';
import {useColor} from './theme.js';

export const PANE_NAMES = ['chain', 'peers', 'tips', 'mempool', 'miner', 'wallet', 'BPM', 'log'] as const;

/** The `?` overlay, printed from the same table that handles the keys. */
export function Help() {
	const color = useColor();
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color('cyan')} paddingX={1}>
			<Text bold>Keys</Text>
			{KEYMAP.map(b => (
				<Text key={b.action}>
					<Text color={color('cyan')}>{b.keys.padEnd(10)}</Text> {b.help}
				</Text>
			))}
			<Text dimColor>panes: {PANE_NAMES.map((n, i) => `${i + 1} ${n}`).join(' · ')}</Text>
			<Text dimColor>While a form is open, typed characters go to its fields. Esc or ? closes this.</Text>
		</Box>
	);
}
