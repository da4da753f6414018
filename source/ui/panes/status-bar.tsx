import React from 'react';
import {Box, Text} from 'ink';
import type {Snapshot} from '../../store/snapshot.js';
import {ProgressBar} from '../components/progress-bar.js';
import {duration, hashRate, shortHash} from '../format.js';
import {useColor} from '../theme.js';

export interface StatusBarProps {
	readonly snapshot: Pick<Snapshot, 'network' | 'height' | 'tip' | 'sync' | 'peers' | 'miner' | 'datadir' | 'port'>;
	readonly width: number;
}

/** Network, height, tip, peers, mining; then sync progress (or "synced") and the datadir. */
export function StatusBar({snapshot: s, width}: StatusBarProps) {
	const color = useColor();
	const inbound = s.peers.filter(p => p.direction === 'inbound').length;
	const outbound = s.peers.length - inbound;
	return (
		<Box flexDirection="column" width={width}>
			<Text wrap="truncate-end">
				<Text bold color={color('cyan')}>
					chain-tui
				</Text>{' '}
				{s.network} · height <Text bold>{s.height}</Text> · peers {inbound} in {outbound} out ·{' '}
				{s.miner.running ? <Text color={color('yellow')}>mining {s.miner.pacedSeconds === null ? hashRate(s.miner.rate) : '(paced)'}</Text> : <Text dimColor>mining off</Text>} · tip {shortHash(s.tip.hash, 16)}
			</Text>
			<Text wrap="truncate-end">
				{s.sync.synced ? (
					<Text color={color('green')}>synced</Text>
				) : (
					<Text>
						sync <ProgressBar value={s.sync.blocks} total={s.sync.headers} width={16} /> {s.sync.blocks}/{s.sync.headers} blocks · {s.sync.rate.toFixed(1)} blk/s · ETA{' '}
						{duration(s.sync.eta)}
					</Text>
				)}
				<Text dimColor>
					{' '}
					· datadir {s.datadir} · port {s.port} · ? keys
				</Text>
			</Text>
		</Box>
	);
}
