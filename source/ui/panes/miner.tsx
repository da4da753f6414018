import React from 'react';
import {Text} from 'ink';
import type {MinerView} from '../../store/snapshot.js';
import {Sparkline} from '../components/sparkline.js';
import {duration, hashRate} from '../format.js';
import {useColor} from '../theme.js';

const KERNEL_NAMES: Record<string, string> = {simd: 'WebAssembly, 4 lanes', js: 'JavaScript loop'};

export interface MinerProps {
	readonly miner: MinerView;
	readonly width: number;
	readonly regtest: boolean;
}

/** Hash rate now and over the last minute, blocks found, difficulty, expected time to a block. */
export function MinerPane({miner: m, width, regtest}: MinerProps) {
	const color = useColor();
	return (
		<>
			<Text wrap="truncate-end">
				{/* The rate first: narrow panes cut the end of this line. */}
				{m.running ? <Text color={color('yellow')}>mining</Text> : <Text dimColor>stopped</Text>} ·{' '}
				{m.pacedSeconds === null ? <Text bold>{hashRate(m.rate)}</Text> : `paced to a block every ${m.pacedSeconds} s`} · {m.threads} thread
				{m.threads > 1 ? 's' : ''}
			</Text>
			<Text wrap="truncate-end">
				kernel {m.kernel} <Text dimColor>({KERNEL_NAMES[m.kernel] ?? m.kernel})</Text>
			</Text>
			<Sparkline values={m.history} width={Math.max(10, Math.min(60, width - 4))} />
			<Text wrap="truncate-end">
				blocks found {m.blocksFound} · difficulty {m.difficulty.toFixed(3)} · next block in ~{m.running ? duration(m.expectedSeconds) : '—'} · height {m.height}
			</Text>
			<Text dimColor>m to {m.running ? 'stop' : 'start'}{regtest ? ' · g mines one block now' : ''}</Text>
		</>
	);
}
