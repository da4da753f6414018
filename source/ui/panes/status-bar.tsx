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

/** Network, height, tip, sync progress, peers in/out, mining: the two lines always on screen. */
export function StatusBar({snapshot: s, width}: StatusBarProps) {
	const color = useColor();
	const inbound = s.peers.filter(p => p.direction === 'inbound').length;
	const outbound = s.peers.length - inbound;
	const syncing = !s.sync.synced;
	return (
		<Box flexDirection="column" width={width}>
			<Box>
				<Text bold color={color('cyan')}>
					chain-tui
				</Text>
				<Text> {s.network} </Text>
				<Text>
					height <Text bold>{s.height}</Text> tip {shortHash(s.tip.hash, 16)}
				</Text>
				<Text> │ </Text>
				{syncing ? (
					<Text>
						sync <ProgressBar value={s.sync.blocks} total={s.sync.headers} width={12} /> {s.sync.blocks}/{s.sync.headers} {s.sync.rate.toFixed(1)} blk/s ETA{' '}
						{duration(s.sync.eta)}
					</Text>
				) : (
					<Text color={color('green')}>synced</Text>
				)}
				<Text> │ peers {inbound} in {outbound} out │ </Text>
				{s.miner.running ? <Text color={color('yellow')}>mining {hashRate(s.miner.rate)}</Text> : <Text dimColor>mining off</Text>}
			</Box>
			<Text dimColor>
				datadir {s.datadir} · port {s.port} · ? for keys
			</Text>
		</Box>
	);
}
