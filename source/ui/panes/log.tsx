import React from 'react';
import {Text} from 'ink';
import type {LogLine} from '../../store/snapshot.js';
import {clock} from '../format.js';

/** The most recent events, newest at the bottom. */
export function LogPane({log, rows}: {readonly log: readonly LogLine[]; readonly rows: number}) {
	if (log.length === 0) return <Text dimColor>nothing yet</Text>;
	return (
		<>
			{log.slice(-Math.max(1, rows)).map((l, i) => (
				<Text key={i} wrap="truncate-end">
					<Text dimColor>{clock(l.time)}</Text> {l.text}
				</Text>
			))}
		</>
	);
}
