import React from 'react';
import {Text} from 'ink';
import type {PeerInfo} from '../../node/net/pool.js';
import {bytes, pad, padLeft} from '../format.js';

export interface PeersProps {
	readonly peers: readonly PeerInfo[];
	readonly selected: number;
	readonly rows: number;
}

/** Address, direction, height, ping, bytes, agent, ban score. */
export function PeersPane({peers, selected, rows}: PeersProps) {
	if (peers.length === 0) return <Text dimColor>no peers yet (a to add one)</Text>;
	return (
		<>
			<Text dimColor wrap="truncate-end">{`${pad('address', 22)} ${pad('dir', 4)} ${padLeft('height', 7)} ${padLeft('ping', 7)} ${padLeft('in', 9)} ${padLeft('out', 9)} ${pad('agent', 18)} ban`}</Text>
			{peers.slice(0, Math.max(1, rows - 1)).map((p, i) => (
				<Text key={p.id} inverse={i === selected} wrap="truncate-end">
					{`${pad(p.address, 22)} ${pad(p.direction === 'inbound' ? 'in' : 'out', 4)} ${padLeft(String(p.height), 7)} ${padLeft(p.pingMs === null ? '—' : `${Math.round(p.pingMs)}ms`, 7)} ${padLeft(bytes(p.bytesIn), 9)} ${padLeft(bytes(p.bytesOut), 9)} ${pad(p.agent, 18)} ${p.banScore}`}
				</Text>
			))}
		</>
	);
}
