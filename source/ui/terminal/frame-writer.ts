/**
 * Ink's output layer, replaced by a line diff. Ink 6.8 either moves the cursor up by the height
 * of its last frame and rewrites (which drifts by a row whenever a frame's height and the
 * terminal's disagree) or, for frames as tall as the terminal, clears the whole terminal and
 * writes everything again (which flickers). Here Ink renders in debug mode, which hands over
 * every whole frame as a string; this writer keeps the frame on screen as rows, and writes only
 * the rows that changed, each at its own absolute position. The screen is erased only when the
 * size changes or on request (Ctrl-L), and no row is ever written past the last one, so nothing
 * scrolls.
 */
import {EventEmitter} from 'node:events';
import {CURSOR_HIDE, ERASE_SCREEN, SYNC_BEGIN, SYNC_END} from './modes.js';

/** What the writer draws on: the real terminal's stdout, or a fake one in tests. */
export interface Terminal {
	readonly columns: number;
	readonly rows: number;
	write(data: string): boolean;
	on(event: 'resize', listener: () => void): unknown;
	off(event: 'resize', listener: () => void): unknown;
}

export interface FrameStats {
	/** Frames Ink handed over. */
	frames: number;
	/** Redraws actually written (frames that changed something). */
	redraws: number;
	/** Rows written over all redraws. */
	rows: number;
	/** Bytes written to the terminal. */
	bytes: number;
	/** Whole-screen erases (resizes and Ctrl-L). */
	erases: number;
}

/**
 * The rows that changed, each at its absolute position: `ESC[row;1H`, attributes reset and the
 * row erased (`ESC[0m ESC[2K`: an erase takes the current background), then its text. Erasing first rather than after the text keeps the last column of a row that
 * fills the width (erasing from a cursor left in the last column would take it), and needs no
 * measure of the row's width (measuring every changed row cost more than the diff saved).
 * The frame goes out in one write inside synchronized-output markers, so no terminal shows a row
 * erased but not yet written.
 */
/** Before each row: no attributes left from the last, and the row blank. */
export const ROW_RESET = '\x1b[0m\x1b[2K';

export function diffRows(previous: readonly string[] | null, next: readonly string[]): {out: string; rows: number} {
	let out = '';
	let rows = 0;
	for (let i = 0; i < next.length; i++) {
		const line = next[i]!;
		if (previous && previous[i] === line) continue;
		out += `\x1b[${i + 1};1H${ROW_RESET}${line}`;
		rows++;
	}
	return {out, rows};
}

/** Exactly `rows` rows: cut what is beyond (nothing may scroll), fill what is missing. */
export function fitRows(frame: string, rows: number): string[] {
	const lines = frame.endsWith('\n') ? frame.slice(0, -1).split('\n') : frame.split('\n');
	if (lines.length > rows) lines.length = rows;
	while (lines.length < rows) lines.push('');
	return lines;
}

export class FrameWriter {
	/** The stdout Ink renders to: its size is the terminal's, its writes come here. */
	readonly stream: EventEmitter & {columns: number; rows: number; isTTY: true; write(frame: string): boolean};
	readonly stats: FrameStats = {frames: 0, redraws: 0, rows: 0, bytes: 0, erases: 0};
	private onScreen: string[] | null = null;
	private pending: string | null = null;
	private scheduled = false;
	private eraseFirst = true;
	private stopped = false;
	private readonly onResize = () => {
		this.eraseFirst = true;
		this.onScreen = null;
		this.stream.emit('resize');
	};

	constructor(private readonly terminal: Terminal) {
		const stream = new EventEmitter() as FrameWriter['stream'];
		Object.defineProperties(stream, {
			columns: {get: () => terminal.columns || 80},
			rows: {get: () => terminal.rows || 24},
			isTTY: {value: true},
		});
		stream.write = (frame: string) => {
			this.frame(frame);
			return true;
		};
		this.stream = stream;
		terminal.on('resize', this.onResize);
	}

	/** Erases the screen and draws the last frame whole (Ctrl-L, or after the terminal was away). */
	redrawAll(): void {
		this.eraseFirst = true;
		this.onScreen = null;
		if (this.pending === null && this.last !== null) this.pending = this.last;
		this.schedule();
	}

	/** Stops writing (before the terminal is handed back). */
	stop(): void {
		this.stopped = true;
		this.terminal.off('resize', this.onResize);
	}

	/** Writes again after stop() (back from Ctrl-Z): the whole screen. */
	start(): void {
		if (!this.stopped) return;
		this.stopped = false;
		this.terminal.on('resize', this.onResize);
		this.redrawAll();
	}

	private last: string | null = null;

	private frame(frame: string): void {
		this.stats.frames++;
		this.pending = frame;
		this.last = frame;
		this.schedule();
	}

	/** Ink may hand over several frames in one tick (a key and a store update): only the last is drawn. */
	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		setImmediate(() => {
			this.scheduled = false;
			this.flush();
		});
	}

	private flush(): void {
		if (this.stopped || this.pending === null) return;
		const rows = fitRows(this.pending, this.terminal.rows || 24);
		this.pending = null;
		const erase = this.eraseFirst;
		const {out: body, rows: written} = diffRows(erase ? null : this.onScreen, rows);
		this.onScreen = rows;
		this.eraseFirst = false;
		if (body === '' && !erase) return;
		const out = `${SYNC_BEGIN}${CURSOR_HIDE}${erase ? ERASE_SCREEN : ''}${body}${SYNC_END}`;
		this.stats.redraws++;
		this.stats.rows += written;
		this.stats.bytes += Buffer.byteLength(out);
		if (erase) this.stats.erases++;
		this.terminal.write(out);
	}
}
