/**
 * The lab's network map as text: the nodes side by side, each with its height in its tip's
 * colour, and under them one row per link spanning the two nodes it joins, drawn broken (╳) when
 * cut. Pure: the pane colours the segments by their `tone`.
 */
import {bytes} from '../../store/format.js';

export interface MapNode {
	readonly name: string;
	/** null while the node does not answer (killed, starting). */
	readonly height: number | null;
	/** Index into the tip palette (nodes on one tip share it); null: unknown. */
	readonly tipColour: number | null;
	readonly up: boolean;
}

export interface MapLink {
	readonly a: number;
	readonly b: number;
	readonly cut: boolean;
	/** Connections relayed now (0: the nodes are not talking over it). */
	readonly pairs: number;
	/** Bytes both ways since the lab started. */
	readonly bytes: number;
}

export type Tone = {readonly kind: 'plain'} | {readonly kind: 'dim'} | {readonly kind: 'cut'} | {readonly kind: 'tip'; readonly colour: number} | {readonly kind: 'down'};

export interface Segment {
	readonly text: string;
	readonly tone: Tone;
}

export interface MapRow {
	readonly segments: readonly Segment[];
	/** The link this row draws (the map's selectable rows), or null for the node rows. */
	readonly link: number | null;
}

const plain: Tone = {kind: 'plain'};
const dim: Tone = {kind: 'dim'};

/** What a link's row says after its span: its state. */
function linkNote(link: MapLink, nodes: readonly MapNode[]): string {
	const ends = `${nodes[link.a]?.name ?? '?'}–${nodes[link.b]?.name ?? '?'}`;
	if (link.cut) return `${ends} cut`;
	return `${ends} ${link.pairs > 0 ? 'up' : 'idle'} ${bytes(link.bytes)}`;
}

/** A tip's letter (A the highest): tips tell apart without colour too. */
export const tipLetter = (colour: number) => String.fromCharCode(65 + (colour % 26));

/** A node's height with its tip's letter (`#12 A`), `down`, or `…` while unknown. */
function heightText(n: MapNode): string {
	if (!n.up) return 'down';
	if (n.height === null) return '…';
	return n.tipColour === null ? `#${n.height}` : `#${n.height} ${tipLetter(n.tipColour)}`;
}

const heightTone = (n: MapNode): Tone => (!n.up ? {kind: 'down'} : n.tipColour === null ? dim : {kind: 'tip', colour: n.tipColour});

/**
 * The map for `width` columns. Nodes take equal columns when each name and height fits in one with
 * a space to spare (at most 10 wide); otherwise each link is a row of its own: `n0 #5 A ─── n5 #5 A  up 12.0 kB`.
 */
export function drawMap(nodes: readonly MapNode[], links: readonly MapLink[], width: number): MapRow[] {
	const noteWidth = 22;
	const needed = Math.max(6, ...nodes.map(n => Math.max(n.name.length, heightText(n).length) + 1));
	const column = Math.min(Math.max(10, needed), Math.floor((width - noteWidth) / Math.max(1, nodes.length)));
	if (column < needed) return links.map((link, i) => compactRow(link, i, nodes));
	const cell = (text: string) => text.padEnd(column);
	const rows: MapRow[] = [
		{segments: nodes.map(n => ({text: cell(n.name), tone: n.up ? plain : {kind: 'down'}})), link: null},
		{segments: nodes.map(n => ({text: cell(heightText(n)), tone: heightTone(n)})), link: null},
	];
	links.forEach((link, i) => {
		const [lo, hi] = link.a < link.b ? [link.a, link.b] : [link.b, link.a];
		const start = lo * column;
		const span = (hi - lo) * column;
		const inner = span - 1;
		let line: string;
		if (link.cut) {
			const half = Math.floor((inner - 1) / 2);
			line = `├${'─'.repeat(half)}╳${'─'.repeat(inner - 1 - half)}┤`;
		} else line = `├${'─'.repeat(inner)}┤`;
		const pad = ' '.repeat(Math.max(0, nodes.length * column - start - line.length));
		rows.push({
			segments: [
				{text: ' '.repeat(start), tone: plain},
				{text: line, tone: link.cut ? {kind: 'cut'} : link.pairs > 0 ? plain : dim},
				{text: `${pad} ${linkNote(link, nodes)}`, tone: link.cut ? {kind: 'cut'} : dim},
			],
			link: i,
		});
	});
	return rows;
}

function compactRow(link: MapLink, index: number, nodes: readonly MapNode[]): MapRow {
	const name = (i: number) => (nodes[i]?.name ?? '?').padEnd(4);
	const heightOf = (i: number): Segment => {
		const n = nodes[i];
		if (!n) return {text: '?'.padEnd(8), tone: dim};
		return {text: heightText(n).padEnd(8), tone: heightTone(n)};
	};
	return {
		segments: [
			{text: name(link.a), tone: plain},
			heightOf(link.a),
			{text: link.cut ? ' ──╳── ' : ' ───── ', tone: link.cut ? {kind: 'cut'} : link.pairs > 0 ? plain : dim},
			{text: name(link.b), tone: plain},
			heightOf(link.b),
			{text: link.cut ? ' cut' : ` ${link.pairs > 0 ? 'up' : 'idle'} ${bytes(link.bytes)}`, tone: link.cut ? {kind: 'cut'} : dim},
		],
		link: index,
	};
}
