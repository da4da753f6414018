import React from 'react';
import {Box, Text} from 'ink';
import type {WalletView} from '../../store/snapshot.js';
import {coins, pad, padLeft} from '../format.js';
import {useColor} from '../theme.js';

export interface WalletProps {
	readonly wallet: WalletView;
	readonly selected: number;
	readonly rows: number;
	/** Inner width: below 90 columns each address takes two lines. */
	readonly width?: number;
}

/** Addresses with confirmed, unconfirmed and immature balances. */
export function WalletPane({wallet: w, selected, rows, width = 100}: WalletProps) {
	const color = useColor();
	const total = w.addresses.reduce((sum, a) => sum + a.confirmed, 0n);
	return (
		<>
			<Text wrap="truncate-end">
				{w.addresses.length} address{w.addresses.length === 1 ? '' : 'es'} · {coins(total)} confirmed ·{' '}
				{w.encrypted ? (w.locked ? <Text color={color('yellow')}>encrypted, locked</Text> : <Text color={color('green')}>encrypted, unlocked</Text>) : <Text dimColor>not encrypted</Text>}
			</Text>
			{w.addresses.length === 0 ? <Text dimColor>no addresses yet: w creates one</Text> : width < 90 ? null : <Text dimColor wrap="truncate-end">{`${pad('label', 12)} ${pad('address', 35)} ${padLeft('confirmed', 14)} ${padLeft('unconfirmed', 14)} ${padLeft('immature', 14)}`}</Text>}
			{width < 90
				? w.addresses.slice(0, Math.max(0, Math.floor((rows - 1) / 2))).map((a, i) => (
						<Box key={a.address} flexDirection="column">
							<Text inverse={i === selected} wrap="truncate-end">{`${pad(a.label, 12)} ${a.address}`}</Text>
							<Text wrap="truncate-end">{`  ${coins(a.confirmed)} confirmed · ${coins(a.unconfirmed)} unconfirmed · ${coins(a.immature)} immature`}</Text>
						</Box>
					))
				: null}
			{width >= 90 && w.addresses.slice(0, Math.max(0, rows - 2)).map((a, i) => (
				<Text key={a.address} inverse={i === selected} wrap="truncate-end">
					{`${pad(a.label, 12)} ${pad(a.address, 35)} ${padLeft(coins(a.confirmed), 14)} ${padLeft(coins(a.unconfirmed), 14)} ${padLeft(coins(a.immature), 14)}`}
				</Text>
			))}
		</>
	);
}
