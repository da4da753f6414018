/**
 * The lab's four panes' contents, pure functions of the LabSnapshot: the network map, the nodes,
 * the fork tree and the event log (lab-app.tsx places them and handles the keys).
 */
import React from 'react';
import {Text} from 'ink';
import {networkByName} from '../../node/consensus/networks.js';
import {selectedIndex, viewTop, type ListModel, type Selection} from '../../ui/lists/selection.js';
import {clock} from '../../store/format.js';
import {sanitize} from '../../ui/terminal/sanitize.js';
import {useColor} from '../../ui/theme.js';
import {laneText, type TreeRow} from './fork-tree.js';
import type {LabSnapshot} from './lab-store.js';
import {drawMap, tipLetter, type Segment, type Tone} from './network-map.js';

/** One colour per tip, the highest first; the letter says it without colour. */
export const TIP_COLOURS = ['green', 'yellow', 'magenta', 'cyan', 'blue', 'red'] as const;

function useTone(): (tone: Tone) => {color?: string; dimColor?: boolean; bold?: boolean} {
	const color = useColor();
	return tone => {
		switch (tone.kind) {
			case 'plain':
				return {};
			case 'dim':
				return {dimColor: true};
			case 'cut':
				return {color: color('red'), bold: true};
			case 'down':
				return {color: color('red'), dimColor: true};
			case 'tip':
				return {color: color(TIP_COLOURS[tone.colour % TIP_COLOURS.length]!)};
		}
	};
}

function Segments({segments, inverse, width}: {readonly segments: readonly Segment[]; readonly inverse?: boolean; readonly width: number}) {
	const tone = useTone();
	return (
		<Text wrap="truncate-end" inverse={inverse}>
			{segments.map((s, i) => (
				<Text key={i} {...tone(s.tone)}>
					{s.text}
				</Text>
			))}
			{' '.repeat(Math.max(0, width - segments.reduce((n, s) => n + s.text.length, 0)))}
		</Text>
	);
}

export interface BodyProps {
	readonly snapshot: LabSnapshot;
	readonly width: number;
	readonly rows: number;
	readonly sel: Selection;
	readonly list: ListModel;
	readonly focused?: boolean;
}

export function NetworkBody({snapshot, width, rows, sel, list, focused}: BodyProps) {
	const map = drawMap(
		snapshot.nodes.map(x => ({name: x.name, height: x.height, tipColour: x.tipColour, up: x.answering || x.up})),
		snapshot.links,
		width,
	);
	const nodeRows = map.filter(r => r.link === null);
	const linkRows = map.filter(r => r.link !== null);
	const space = Math.max(1, rows - nodeRows.length);
	const top = viewTop(sel, list, space);
	const at = selectedIndex(sel, list);
	return (
		<>
			{nodeRows.map((r, i) => (
				<Segments key={`n${i}`} segments={r.segments} width={width} />
			))}
			{linkRows.slice(top, top + space).map(r => (
				<Segments key={`l${r.link}`} segments={r.segments} width={width} inverse={focused && r.link === at} />
			))}
		</>
	);
}

export function NodesBody({snapshot, width, rows, sel, list}: BodyProps) {
	const tone = useTone();
	const space = Math.max(1, rows - 1);
	const top = viewTop(sel, list, space);
	const at = selectedIndex(sel, list);
	const producing = networkByName(snapshot.network).stake ? 'staking' : 'mining';
	const head = `${'node'.padEnd(6)}${'state'.padEnd(8)}${'height'.padStart(7)} ${'tip'.padEnd(10)}${'peers'.padStart(5)}${'pool'.padStart(6)}  ${producing}`;
	return (
		<>
			<Text dimColor wrap="truncate-end">
				{head}
			</Text>
			{snapshot.nodes.slice(top, top + space).map((x, i) => {
				const state = x.answering ? 'up' : x.up ? 'starting' : 'down';
				const tipTone: Tone = x.tipColour === null ? {kind: 'dim'} : {kind: 'tip', colour: x.tipColour};
				const tip = x.tip ? `${tipLetter(x.tipColour ?? 0)} …${x.tip.slice(-6)}` : '—';
				const selected = top + i === at;
				return (
					<Text key={x.name} wrap="truncate-end" inverse={selected}>
						{x.name.padEnd(6)}
						<Text {...(state === 'up' ? {} : tone({kind: 'down'}))}>{state.padEnd(8)}</Text>
						{(x.height === null ? '—' : String(x.height)).padStart(7)} <Text {...tone(tipTone)}>{tip.padEnd(10)}</Text>
						{String(x.peers).padStart(5)}
						{String(x.mempool).padStart(6)}
						{'  '}
						{x.producing ? 'on' : 'off'}
						{' '.repeat(Math.max(0, width - 50))}
					</Text>
				);
			})}
		</>
	);
}

export function TreeBody({snapshot, width, rows, sel, list, focused}: BodyProps) {
	const tone = useTone();
	const tree = snapshot.tree;
	if (tree.rows.length === 0) return <Text dimColor>{snapshot.nodes.some(n => n.answering) ? 'reading headers…' : 'waiting for the nodes…'}</Text>;
	const top = viewTop(sel, list, rows);
	const at = selectedIndex(sel, list);
	const colourOf = (node: number) => snapshot.nodes[node]?.tipColour ?? null;
	return (
		<>
			{tree.rows.slice(top, top + rows).map((r, i) => (
				<Text key={`${r.kind}-${r.hash}-${top + i}`} wrap="truncate-end" inverse={focused && top + i === at}>
					<Text dimColor={r.kind !== 'block'}>{r.lanes.map(laneText).join('')}</Text>
					{rowText(r)}
					{r.nodes.map(x => {
						const c = colourOf(x);
						return (
							<Text key={x} {...tone(c === null ? {kind: 'dim'} : {kind: 'tip', colour: c})} bold>
								{` ${snapshot.nodes[x]?.name ?? `n${x}`}`}
							</Text>
						);
					})}
				</Text>
			))}
		</>
	);
}

function rowText(r: TreeRow): string {
	const blocks = (n: number) => `${n} block${n === 1 ? '' : 's'}`;
	if (r.kind === 'run') return `${blocks(r.folded)}`;
	if (r.kind === 'base') return `⋯ ${blocks(r.folded)} down to genesis`;
	return `#${r.height} …${r.hash.slice(-8)}${r.fork ? ' fork' : ''}${r.height === 0 ? ' genesis' : ''}`;
}

export function EventsBody({snapshot, rows, sel, list, focused}: BodyProps) {
	const color = useColor();
	const events = [...snapshot.events].reverse();
	if (events.length === 0) return <Text dimColor>nothing yet: cut a link (c), split (p), mine (g)…</Text>;
	const top = viewTop(sel, list, rows);
	const at = selectedIndex(sel, list);
	return (
		<>
			{events.slice(top, top + rows).map((e, i) => (
				<Text key={e.seq} wrap="truncate-end" inverse={focused && top + i === at} color={e.kind === 'error' ? color('red') : e.kind === 'reorg' ? color('yellow') : undefined}>
					{clock(Math.floor(e.time / 1000))} {sanitize(e.text)}
				</Text>
			))}
		</>
	);
}
