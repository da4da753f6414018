/**
 * Column widths from the pane's width. Each column says how it gives way: hashes and addresses
 * shorten in the middle (`0000002d58…f25b`), free text shortens at its end, numbers are never cut
 * (a column of numbers is dropped whole before that). When even the shortest forms do not fit,
 * the columns with the lowest priority go first.
 */
import stringWidth from 'string-width';
import {sanitize} from '../terminal/sanitize.js';

export type ColumnKind = 'number' | 'hash' | 'text';

export interface Column {
	readonly key: string;
	readonly title: string;
	readonly kind: ColumnKind;
	/** Higher stays longer when the pane is narrow. */
	readonly priority: number;
	/** The fewest cells a hash or text column shrinks to (default 11 for hashes, 6 for text). */
	readonly min?: number;
	/** At most this many cells, even when there is room. */
	readonly max?: number;
	readonly align?: 'left' | 'right';
}

export interface FittedColumn extends Column {
	readonly width: number;
}

const GAP = 1;

/** `0000002d58…f25b`: the start and the end, which is how people compare hashes. */
export function middle(text: string, width: number): string {
	if (stringWidth(text) <= width) return text;
	if (width <= 1) return text.slice(0, width);
	const tail = Math.max(1, Math.floor((width - 1) / 3));
	const head = width - 1 - tail;
	return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}

/** Cut at the end with an ellipsis. */
export function end(text: string, width: number): string {
	if (stringWidth(text) <= width) return text;
	if (width <= 1) return text.slice(0, width);
	let out = '';
	for (const ch of text) {
		if (stringWidth(out + ch) > width - 1) break;
		out += ch;
	}
	return `${out}…`;
}

function minWidth(c: Column, natural: number): number {
	if (c.kind === 'number') return natural;
	return Math.min(natural, Math.max(stringWidth(c.title), c.min ?? (c.kind === 'hash' ? 11 : 6)));
}

/** Which columns show and how wide, for rows of `values` (by column key) in `width` cells. */
export function fitColumns(columns: readonly Column[], values: readonly Readonly<Record<string, string>>[], width: number): FittedColumn[] {
	const natural = new Map<string, number>();
	for (const c of columns) {
		let w = stringWidth(c.title);
		for (const row of values) w = Math.max(w, stringWidth(row[c.key] ?? ''));
		natural.set(c.key, Math.min(w, c.max ?? Number.POSITIVE_INFINITY));
	}
	let shown = [...columns];
	const need = (cols: readonly Column[], widthOf: (c: Column) => number) => cols.reduce((sum, c) => sum + widthOf(c), 0) + GAP * Math.max(0, cols.length - 1);
	// Drop the lowest priority until the shortest forms fit (keeping at least one column).
	while (shown.length > 1 && need(shown, c => minWidth(c, natural.get(c.key)!)) > width) {
		const lowest = shown.reduce((a, b) => (b.priority < a.priority ? b : a));
		shown = shown.filter(c => c !== lowest);
	}
	const widths = new Map(shown.map(c => [c.key, minWidth(c, natural.get(c.key)!)]));
	let spare = width - need(shown, c => widths.get(c.key)!);
	// Give the room back, highest priority first, up to each column's natural width.
	for (const c of [...shown].sort((a, b) => b.priority - a.priority)) {
		if (spare <= 0) break;
		const more = Math.min(spare, natural.get(c.key)! - widths.get(c.key)!);
		widths.set(c.key, widths.get(c.key)! + more);
		spare -= more;
	}
	return shown.map(c => ({...c, width: Math.max(0, widths.get(c.key)!)}));
}

/** One cell at its column's width. */
export function cell(c: FittedColumn, value: string): string {
	const text = c.kind === 'hash' ? middle(value, c.width) : c.kind === 'text' ? end(value, c.width) : value;
	const pad = Math.max(0, c.width - stringWidth(text));
	return (c.align ?? (c.kind === 'number' ? 'right' : 'left')) === 'right' ? ' '.repeat(pad) + text : text + ' '.repeat(pad);
}

/** A row (or the heading, with `titles`) as one line. */
export function line(columns: readonly FittedColumn[], row: Readonly<Record<string, string>> | 'titles'): string {
	return columns.map(c => cell(c, row === 'titles' ? c.title : (row[c.key] ?? ''))).join(' '.repeat(GAP)).trimEnd();
}

/** Parts joined with ` · ` into as few lines as fit the width (a part is never split). */
export function wrapParts(parts: readonly string[], width: number): string[] {
	const lines: string[] = [];
	let current = '';
	for (const part of parts) {
		const joined = current ? `${current} · ${part}` : part;
		if (current && stringWidth(joined) > width) {
			lines.push(current);
			current = part;
		} else current = joined;
	}
	if (current) lines.push(current);
	return lines;
}

/**
 * Facts as lines of `label value · label value` that fit the width; a value too long for a line
 * of its own (a hash in a narrow pane) is shortened in the middle.
 */
export function factLines(facts: readonly (readonly [string, string])[], width: number): string[] {
	return wrapParts(
		facts.map(([label, value]) => {
			const clean = sanitize(value);
			return stringWidth(label) + 1 + stringWidth(clean) > width ? `${label} ${middle(clean, Math.max(1, width - stringWidth(label) - 1))}` : `${label} ${clean}`;
		}),
		width,
	);
}
