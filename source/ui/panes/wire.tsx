/**
 * The wire inspector: a peer's (or a lab link's) messages live, newest first: time, direction,
 * command, size and a one-line summary; `/` filters by command; Enter shows one message's decoded
 * fields and its bytes, the envelope (magic, command, length, checksum) set apart from the
 * payload. `WireList` and `WireDetail` take plain rows, so the lab draws a link's messages with
 * them too; `wirePane` is the app's, fed by the store while it shows (the tap is off otherwise).
 * Everything drawn from a message goes through sanitize.
 */
import React from 'react';
import {Text} from 'ink';
import {bytes as byteSize} from '../../store/format.js';
import {decodeFrame, envelopeParts, payloadHex, type WireField, type WireRow} from '../../store/wire.js';
import {type Column} from '../lists/columns.js';
import {arrayList, type ListModel, type Move, type Selection} from '../lists/selection.js';
import {Table, visible} from '../components/table.js';
import {sanitize} from '../terminal/sanitize.js';
import {useColor} from '../theme.js';
import type {PaneInput, PaneProps, PaneSpec} from './types.js';

// ---------------------------------------------------------------- the list

/** `18:40:01.123` (UTC, as the log's clock). */
export function wireClock(ms: number): string {
	return new Date(ms).toISOString().slice(11, 23);
}

const arrow = (row: WireRow) => (row.direction === 'out' ? '→' : '←');

/**
 * Whether a command passes the filter: words separated by spaces or commas; a command shows if it
 * contains one of the plain words (or there are none) and none of the `-word`s (`!word` too).
 */
export function commandMatches(filter: string, command: string): boolean {
	const words = filter.toLowerCase().split(/[\s,]+/).filter(Boolean);
	const c = command.toLowerCase();
	const hide = words.filter(w => (w.startsWith('-') || w.startsWith('!')) && w.length > 1).map(w => w.slice(1));
	const show = words.filter(w => !w.startsWith('-') && !w.startsWith('!'));
	if (hide.some(w => c.includes(w))) return false;
	return show.length === 0 || show.some(w => c.includes(w));
}

/** The rows shown: those passing the filter, newest first. */
export function wireShown(rows: readonly WireRow[], filter: string): WireRow[] {
	const out: WireRow[] = [];
	for (let i = rows.length - 1; i >= 0; i--) if (commandMatches(filter, rows[i]!.command)) out.push(rows[i]!);
	return out;
}

/** The list above the rows: a line saying what is watched (or the filter), then the heading. */
const LIST_TOP = 2;

/** The list model of the rows shown, for the selection (ui/lists/selection.ts). */
export function wireListModel(shown: readonly WireRow[]): ListModel {
	return arrayList(shown, r => String(r.seq));
}

/** How many rows of the list show in `height` lines. */
export const wireListSpace = (height: number) => Math.max(1, height - LIST_TOP);

const COLUMNS: readonly Column[] = [
	{key: 'time', title: 'time', kind: 'text', priority: 6, min: 12},
	{key: 'dir', title: '', kind: 'text', priority: 10, min: 1},
	{key: 'peer', title: 'peer', kind: 'hash', priority: 4, min: 9},
	{key: 'command', title: 'command', kind: 'text', priority: 9, min: 7, max: 12},
	{key: 'size', title: 'size', kind: 'number', priority: 8},
	{key: 'summary', title: 'summary', kind: 'text', priority: 7, min: 10},
];

function cells(row: WireRow): Record<string, string> {
	return {time: wireClock(row.time), dir: arrow(row), peer: row.peer, command: row.command, size: String(row.size), summary: row.dropped ? `dropped · ${row.summary}` : row.summary};
}

export interface WireListProps {
	/** Oldest first, as a ring keeps them: shown newest first. */
	readonly rows: readonly WireRow[];
	readonly selection: Selection;
	readonly filter: string;
	/** The filter is being typed. */
	readonly filtering: boolean;
	/** What is watched, said above the list: `127.0.0.1:19112`, `every peer`, `link a→b`. */
	readonly source: string;
	/** A peer column, when the rows come from several. */
	readonly showPeer: boolean;
	/** Messages seen in all (the rows hold the newest of them). */
	readonly seen: number;
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
}

/** The messages, newest first, under a line saying what is watched and the filter. */
export function WireList(p: WireListProps) {
	const color = useColor();
	const shown = wireShown(p.rows, p.filter);
	const model = wireListModel(shown);
	const space = wireListSpace(p.height);
	const view = visible(model, p.selection, space, i => {
		const row = shown[i];
		return row ? {id: String(row.seq), cells: cells(row)} : undefined;
	});
	const columns = p.showPeer ? COLUMNS : COLUMNS.filter(c => c.key !== 'peer');
	return (
		<>
			{p.filtering || p.filter ? (
				<Text wrap="truncate-end">
					<Text color={color('cyan')}>filter </Text>
					{sanitize(p.filter)}
					{p.filtering ? <Text inverse> </Text> : <Text dimColor> ({shown.length} of {p.rows.length} · / edits · Esc clears)</Text>}
				</Text>
			) : (
				<Text wrap="truncate-end">
					<Text color={color('cyan')}>{sanitize(p.source)}</Text>
					<Text dimColor>
						{' '}
						· {p.seen} seen{p.seen > p.rows.length ? `, the last ${p.rows.length} kept` : ''} · [ ] peer · / filter · Enter opens · Esc closes
					</Text>
				</Text>
			)}
			{shown.length === 0 ? (
				<>
					<Text> </Text>
					<Text dimColor>{p.rows.length === 0 ? 'no messages yet' : 'no message matches the filter'}</Text>
				</>
			) : (
				<Table columns={columns} width={p.width} rows={view.rows} top={view.top} selected={view.selected} focused={p.focused && !p.filtering} />
			)}
		</>
	);
}

// ---------------------------------------------------------------- one message

export type DetailKind = 'title' | 'summary' | 'heading' | 'field' | 'envelope' | 'payload' | 'note';

export interface DetailLine {
	readonly kind: DetailKind;
	readonly text: string;
}

function fieldLines(fields: readonly WireField[], depth: number, out: DetailLine[]): void {
	for (const f of fields) {
		out.push({kind: 'field', text: `${'  '.repeat(depth)}${f.label}  ${f.value}`});
		if (f.children) fieldLines(f.children, depth + 1, out);
	}
}

const offset = (n: number) => n.toString(16).padStart(4, '0');

/** Bytes a hex line holds in `width` columns: `0018  xx xx …  ascii`. */
export function bytesPerLine(width: number): number {
	for (const n of [16, 8]) if (6 + 3 * n + 1 + n <= width) return n;
	return 4;
}

let cached: {bytes: Uint8Array; width: number; lines: DetailLine[]} | null = null;

/**
 * One message as lines: who and when, the summary, the decoded fields, the envelope's four parts
 * (marked `envelope`), then the payload in hex. Text is as it came: sanitized when drawn.
 */
export function wireDetailLines(row: WireRow, width: number): DetailLine[] {
	if (cached && cached.bytes === row.bytes && cached.width === width) return cached.lines;
	const d = decodeFrame(row.bytes);
	const lines: DetailLine[] = [
		{kind: 'title', text: `${arrow(row)} ${row.direction} ${row.peer} · ${wireClock(row.time)} · ${row.command} · ${row.size} B payload${row.dropped ? ' · dropped by the link' : ''}`},
		{kind: 'summary', text: d.summary},
		{kind: 'heading', text: 'fields'},
	];
	if (d.fields.length === 0) lines.push({kind: 'note', text: '  (nothing decoded)'});
	fieldLines(d.fields, 1, lines);
	const parts = envelopeParts(row.bytes, d);
	lines.push({kind: 'heading', text: `envelope (${parts.length > 0 ? 24 : 0} B)`});
	for (const part of parts) lines.push({kind: 'envelope', text: `${offset(part.offset)}  ${part.label.padEnd(8)}  ${part.hex}  ${part.meaning}`});
	const perLine = bytesPerLine(width);
	const {lines: hex, more} = payloadHex(row.bytes, perLine);
	lines.push({kind: 'heading', text: `payload (${byteSize(d.size)})`});
	for (const l of hex) lines.push({kind: 'payload', text: `${offset(l.offset)}  ${l.hex}  ${l.ascii}`});
	if (more > 0) lines.push({kind: 'note', text: `… ${more} more bytes`});
	cached = {bytes: row.bytes, width, lines};
	return lines;
}

/** The first line to show so that `top` stays within the detail. */
export const clampDetailTop = (top: number, lines: number, height: number) => Math.max(0, Math.min(top, lines - height));

/** An open message's first line after a list move, its `lines` drawn `rows` at a time. */
export function scrollDetail(top: number, move: Move, lines: number, rows: number): number {
	const page = Math.max(1, rows - 1);
	const at = clampDetailTop(top, lines, rows);
	const to = move === 'up' ? at - 1 : move === 'down' ? at + 1 : move === 'page-up' ? at - page : move === 'page-down' ? at + page : move === 'home' ? 0 : lines;
	return clampDetailTop(to, lines, rows);
}

export interface WireDetailProps {
	readonly row: WireRow;
	/** The first line shown (↑/↓ scroll). */
	readonly top: number;
	readonly width: number;
	readonly height: number;
}

/** One message: its fields, then its bytes with the envelope set apart (its own colour and heading). */
export function WireDetail({row, top, width, height}: WireDetailProps) {
	const color = useColor();
	const lines = wireDetailLines(row, width);
	const from = clampDetailTop(top, lines.length, height);
	return (
		<>
			{lines.slice(from, from + height).map((l, i) => (
				<Text
					key={from + i}
					wrap="truncate-end"
					bold={l.kind === 'title' || l.kind === 'heading'}
					dimColor={l.kind === 'note'}
					color={l.kind === 'envelope' ? color('cyan') : l.kind === 'summary' ? color('yellow') : undefined}
				>
					{sanitize(l.text)}
				</Text>
			))}
		</>
	);
}

// ---------------------------------------------------------------- the app's pane

const rowsOf = (p: PaneInput): readonly WireRow[] => p.snapshot.wire?.rows ?? [];

function list(p: PaneInput) {
	const shown = wireShown(rowsOf(p), p.nav.wireFilter);
	return {model: wireListModel(shown), space: wireListSpace(p.rows), selection: p.nav.selection.wire, firstRow: LIST_TOP};
}

/** What the inspector watches, in words. */
export function wireSource(p: PaneInput): string {
	const id = p.nav.wirePeer;
	if (id === null) return 'every peer';
	const peer = p.snapshot.peers.find(x => x.id === id);
	return peer ? peer.address : `peer ${id} (gone)`;
}

function WirePane(p: PaneProps) {
	if (p.nav.wireDetail) return <WireDetail row={p.nav.wireDetail} top={p.nav.wireDetailTop} width={p.width} height={p.rows} />;
	const wire = p.snapshot.wire;
	return (
		<WireList
			rows={wire?.rows ?? []}
			selection={p.nav.selection.wire}
			filter={p.nav.wireFilter}
			filtering={p.nav.wireFiltering}
			source={wireSource(p)}
			showPeer={p.nav.wirePeer === null}
			seen={wire?.seen ?? 0}
			width={p.width}
			height={p.rows}
			focused={p.focused}
		/>
	);
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export const wirePane: PaneSpec = {
	id: 'wire',
	number: 9,
	badge: 'i',
	title: 'wire',
	scope: 'wire',
	list,
	Component: WirePane,
	note: p => (p.nav.wireDetail ? 'message · ↑↓ scroll · y copies its hex · Esc back' : p.nav.selection.wire.follow ? 'following' : 'paused · f follows'),
	copy: (p, index) => {
		const row = p.nav.wireDetail ?? wireShown(rowsOf(p), p.nav.wireFilter)[index];
		return row ? hex(row.bytes) : null;
	},
	open: (p, index) => {
		const row = wireShown(rowsOf(p), p.nav.wireFilter)[index];
		return row ? {kind: 'message', row} : null;
	},
};
