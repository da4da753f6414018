import React from 'react';
import {Text} from 'ink';
import type {PeerInfo} from '../../store/snapshot.js';
import {bytes, duration} from '../../store/format.js';
import {factLines, type Column} from '../lists/columns.js';
import {arrayList} from '../lists/selection.js';
import {Table, visible} from '../components/table.js';
import {sanitize} from '../terminal/sanitize.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

// Which fields give way first as the pane narrows: the agent, then the ban score's neighbours.
const COLUMNS: readonly Column[] = [
	{key: 'address', title: 'address', kind: 'text', priority: 10, min: 15},
	{key: 'dir', title: 'dir', kind: 'text', priority: 9, min: 3},
	{key: 'height', title: 'height', kind: 'number', priority: 9},
	{key: 'ping', title: 'ping', kind: 'number', priority: 6},
	{key: 'in', title: 'in', kind: 'number', priority: 7},
	{key: 'out', title: 'out', kind: 'number', priority: 7},
	{key: 'ban', title: 'ban', kind: 'number', priority: 8},
	{key: 'agent', title: 'agent', kind: 'text', priority: 5, min: 8},
];

type LivePeer = PeerInfo & {readonly syncedHeaders?: number; readonly syncedBlocks?: number};

const ping = (p: PeerInfo) => (p.pingMs === null ? '—' : `${Math.round(p.pingMs)}ms`);

function cells(p: LivePeer): Record<string, string> {
	return {address: p.address, dir: p.direction === 'inbound' ? 'in' : 'out', height: String(p.height), ping: ping(p), in: bytes(p.bytesIn), out: bytes(p.bytesOut), ban: String(p.banScore), agent: p.agent};
}

function list(p: PaneInput) {
	return {model: arrayList(p.snapshot.peers, x => x.address), space: Math.max(1, p.rows - 1), selection: p.nav.selection.peers, firstRow: 1};
}

/** Every field of one peer, packed into as few lines as the pane's width allows. */
function Detail({peer, now, width}: {readonly peer: LivePeer; readonly now: number; readonly width: number}) {
	const lines = factLines(
		[
			['address', peer.address],
			['direction', peer.direction],
			['agent', peer.agent],
			['version', String(peer.version)],
			['height', String(peer.height)],
			['headers', peer.syncedHeaders === undefined || peer.syncedHeaders < 0 ? '—' : String(peer.syncedHeaders)],
			['blocks', peer.syncedBlocks === undefined || peer.syncedBlocks < 0 ? '—' : String(peer.syncedBlocks)],
			['ping', ping(peer)],
			['bytes in / out', `${bytes(peer.bytesIn)} / ${bytes(peer.bytesOut)}`],
			['ban score', String(peer.banScore)],
			['blocks in flight', String(peer.inflight)],
			['connected', `${duration(now - peer.connectedAt)} ago`],
		],
		width,
	);
	return (
		<>
			{lines.map((l, i) => (
				<Text key={i}>{l}</Text>
			))}
			<Text dimColor>Esc: back to the list</Text>
		</>
	);
}

function PeersPane(p: PaneProps) {
	const detail = p.nav.peerDetail ? p.snapshot.peers.find(x => x.address === p.nav.peerDetail) : undefined;
	if (p.nav.peerDetail) return detail ? <Detail peer={detail} now={p.snapshot.now} width={p.width} /> : <Text dimColor>{sanitize(p.nav.peerDetail)} disconnected · Esc: back</Text>;
	if (p.snapshot.peers.length === 0) return <Text dimColor>no peers yet (a to add one)</Text>;
	const {model, space, selection} = list(p);
	const shown = visible(model, selection, space, i => {
		const peer = p.snapshot.peers[i];
		return peer ? {id: peer.address, cells: cells(peer)} : undefined;
	});
	return <Table columns={COLUMNS} width={p.width} rows={shown.rows} top={shown.top} selected={shown.selected} focused={p.focused} />;
}

export const peersPane: PaneSpec = {
	id: 'peers',
	number: 2,
	title: 'peers',
	list,
	Component: PeersPane,
	note: p => (p.nav.peerDetail ? 'details' : `${p.snapshot.peers.length}`),
	copy: (p, index) => p.snapshot.peers[index]?.address ?? null,
	open: (p, index) => {
		const peer = p.snapshot.peers[index];
		return peer ? {kind: 'peer', address: peer.address} : null;
	},
};
