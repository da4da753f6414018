/**
 * Renders with Ink at any terminal size (ink-testing-library is fixed at 100 columns), capturing
 * whole frames the way the real screen gets them: Ink in debug mode writes every frame whole
 * (screen.tsx hands those to the FrameWriter). The fake terminal can be typed into and resized.
 */
import {EventEmitter} from 'node:events';
import {createElement, Fragment, useLayoutEffect, useState, type ReactElement} from 'react';
import {render} from 'ink';
import stringWidth from 'string-width';

export interface Size {
	readonly columns: number;
	readonly rows: number;
}

class FakeStdout extends EventEmitter {
	frames: string[] = [];
	isTTY = true;
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}

	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};
}

/** What Ink reads keys from (as ink-testing-library's): `write` hands it one read's bytes. */
class FakeStdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	write(data: string) {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}
	read() {
		const {data} = this;
		this.data = null;
		return data;
	}
	setRawMode() {}
	setEncoding() {}
	ref() {}
	unref() {}
	resume() {}
	pause() {}
}

export interface Mounted {
	/** The newest whole frame, without Ink's trailing newline. */
	lastFrame(): string;
	/** How many frames Ink has written. */
	frameCount(): number;
	/** One read of terminal input (a key, or several at once). */
	write(data: string): void;
	/** Keys one at a time, each read by the screen (and the screen settled) before the next. */
	press(...keys: string[]): Promise<void>;
	/**
	 * Until React has run every effect of what was drawn so far: a view that just appeared
	 * listens for keys from then on (its useInput subscribes in an effect).
	 */
	settle(): Promise<void>;
	/** The newest frame once `predicate` holds (polled, with a deadline), the screen settled. */
	until(predicate: (frame: string) => boolean, what: string, ms?: number): Promise<string>;
	/** The terminal changes size (stdout's columns/rows, then its 'resize' event). */
	resize(size: Size): void;
	unmount(): void;
}

/** Polls `condition` until it holds, or fails after `ms` saying what was awaited. */
export async function waitFor(condition: () => boolean, what: () => string, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

/** The next turn of the event loop: after Ink's own setImmediate (a lone ESC is sent on then). */
export const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve));

interface ProbeHandle {
	committed: number;
	bump: () => void;
}

/**
 * Renders nothing; a re-render of it (bump) makes React first run the effects still pending from
 * earlier commits (React flushes passive effects before it renders again), which is what
 * `settle` waits for.
 */
function Probe({handle}: {readonly handle: ProbeHandle}) {
	const [n, setN] = useState(0);
	handle.bump = () => setN(x => x + 1);
	useLayoutEffect(() => {
		handle.committed = n;
	});
	return null;
}

export function mount(tree: ReactElement, size: Size): Mounted {
	const stdout = new FakeStdout(size.columns, size.rows);
	const stdin = new FakeStdin();
	const probe: ProbeHandle = {committed: -1, bump: () => undefined};
	const instance = render(createElement(Fragment, null, tree, createElement(Probe, {handle: probe})), {stdout: stdout as never, stderr: new FakeStdout(size.columns, size.rows) as never, stdin: stdin as never, debug: true, exitOnCtrlC: false, patchConsole: false});
	const lastFrame = () => (stdout.frames[stdout.frames.length - 1] ?? '').replace(/\n$/, '');
	const m: Mounted = {
		lastFrame,
		frameCount: () => stdout.frames.length,
		write: data => stdin.write(data),
		async press(...keys) {
			for (const key of keys) {
				stdin.write(key);
				await nextTurn();
				await m.settle();
			}
		},
		async settle() {
			// Twice: the first render commits whatever was pending, the second runs its effects.
			for (let i = 0; i < 2; i++) {
				const target = probe.committed + 1;
				probe.bump();
				await waitFor(
					() => probe.committed >= target,
					() => 'the screen to settle',
				);
			}
		},
		async until(predicate, what, ms = 10_000) {
			await waitFor(
				() => predicate(lastFrame()),
				() => `${what}; the screen shows:\n${lastFrame()}`,
				ms,
			);
			await m.settle();
			return lastFrame();
		},
		resize(next) {
			stdout.columns = next.columns;
			stdout.rows = next.rows;
			stdout.emit('resize');
		},
		unmount: () => instance.unmount(),
	};
	return m;
}

/** The first frame of `tree` at `size` (rendering is synchronous for a tree without effects that update it). */
export function renderAt(tree: ReactElement, size: Size): string {
	const m = mount(tree, size);
	const frame = m.lastFrame();
	m.unmount();
	return frame;
}

/** A line as terminal cells: one string a cell, '' in the second cell of a double-width character. */
export function cells(line: string): string[] {
	const out: string[] = [];
	for (const {segment} of new Intl.Segmenter().segment(line)) {
		const w = stringWidth(segment);
		if (w === 0) continue;
		out.push(segment);
		for (let i = 1; i < w; i++) out.push('');
	}
	return out;
}

/** `width` cells of `line` from column `x`. */
export const cellText = (line: string, x: number, width: number) =>
	cells(line)
		.slice(x, x + width)
		.join('');

/**
 * What must hold for every frame: exactly the terminal's rows, none wider than its columns, the
 * status bar on the first row and the footer on the last. Returns the problems found.
 */
export function frameProblems(frame: string, size: Size): string[] {
	const lines = frame.split('\n');
	const problems: string[] = [];
	if (lines.length !== size.rows) problems.push(`${lines.length} rows, not ${size.rows}`);
	lines.forEach((l, i) => {
		if (stringWidth(l) > size.columns) problems.push(`row ${i + 1} is ${stringWidth(l)} wide`);
	});
	if (!lines[0]?.startsWith('chain-tui')) problems.push(`row 1 is not the status bar: ${lines[0]}`);
	if (!lines[lines.length - 1]?.trimEnd().endsWith('? help')) problems.push(`the last row is not the footer: ${lines[lines.length - 1]}`);
	return problems;
}

/**
 * The part of the frame inside one pane: its rows, between its side borders. Found by its title;
 * the pane ends at the border below it.
 */
export function paneText(frame: string, title: string): string[] {
	const lines = frame.split('\n').map(cells);
	const y = lines.findIndex(l => l.join('').includes(`─ ${title} `) || l.join('').includes(`═ ${title} `));
	if (y < 0) throw new Error(`no pane ${title} in:\n${frame}`);
	const text = lines[y]!.join('');
	const x = cells(text.slice(0, Math.max(text.indexOf(`─ ${title} `), text.indexOf(`═ ${title} `)))).length - 1;
	const corner = lines[y]![x]!;
	const end = lines[y]!.indexOf(corner === '╔' ? '╗' : '┐', x);
	const rows: string[] = [];
	for (let r = y + 1; r < lines.length && !'└╚'.includes(lines[r]![x] ?? ''); r++) rows.push(lines[r]!.slice(x + 1, end).join('').trim());
	return rows;
}

/** How a hash or address shows: whole, or its start and end around one `…` (never cut at its end). */
export function hashShown(rows: readonly string[], hash: string): 'whole' | 'middle' | 'missing' | 'cut at the end' {
	const text = rows.join('\n');
	if (text.includes(hash)) return 'whole';
	for (const token of text.split(/\s+/)) {
		const [head, tail, ...rest] = token.split('…');
		if (rest.length > 0 || head === undefined || head.length < 4 || !hash.startsWith(head)) continue;
		if (tail === undefined || tail === '') return 'cut at the end';
		if (hash.endsWith(tail)) return 'middle';
	}
	return 'missing';
}

