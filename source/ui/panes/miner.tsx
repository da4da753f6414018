import React from 'react';
import {Text} from 'ink';
import {duration, hashRate} from '../../store/format.js';
import {Sparkline} from '../components/sparkline.js';
import {useColor} from '../theme.js';
import type {PaneProps, PaneSpec} from './types.js';

const KERNEL_NAMES: Record<string, string> = {simd: 'WebAssembly, 4 lanes', js: 'JavaScript loop'};

/** Hash rate now and over the last minute, blocks found, difficulty, expected time to a block. */
function MinerPane({snapshot, width}: PaneProps) {
	const color = useColor();
	const m = snapshot.miner;
	return (
		<>
			<Text wrap="truncate-end">
				{m.running ? <Text color={color('yellow')}>mining</Text> : <Text dimColor>stopped</Text>} · {m.running && m.pacedSeconds === null ? <Text bold>{hashRate(m.rate)} </Text> : ''}
				{m.threads} thread{m.threads > 1 ? 's' : ''}
			</Text>
			<Sparkline values={m.history} width={Math.max(10, width)} />
			<Text wrap="truncate-end">blocks found {m.blocksFound}</Text>
			<Text wrap="truncate-end">difficulty {m.difficulty.toFixed(3)}</Text>
			<Text wrap="truncate-end">
				{m.pacedSeconds !== null ? `paced: a block every ${m.pacedSeconds} s` : `next block in ~${m.running ? duration(m.expectedSeconds) : '—'}`}
			</Text>
			<Text wrap="truncate-end">
				kernel {m.kernel} <Text dimColor>({KERNEL_NAMES[m.kernel] ?? m.kernel})</Text> · verify{' '}
				<Text dimColor={snapshot.verifier !== 'native'} color={snapshot.verifier === 'native' ? undefined : color('yellow')}>
					{snapshot.verifier}
				</Text>
			</Text>
			<Text dimColor wrap="truncate-end">
				m {m.running ? 'stops' : 'starts'}
				{snapshot.regtest ? ' · g mines one now' : ''}
			</Text>
		</>
	);
}

export const minerPane: PaneSpec = {id: 'miner', number: 5, title: 'miner', Component: MinerPane};
