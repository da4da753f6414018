/**
 * The real binary on a real terminal: tmux on a private socket, a session of a chosen size, and
 * every byte the app writes recorded through `pipe-pane` (started before the app, so the first
 * frame is in it). Captures are judged only once the pane is quiet (no bytes for ~100 ms): tmux
 * 3.3 ignores synchronized output, so a capture taken mid-write can show half a frame.
 *
 * Plus pure checks on what comes back: `checkWholeFrame` (one status bar on row 1, one footer on
 * the last row, closed borders, each pane title at most once) and `eraseSequences` (screen
 * erases in the raw byte stream: a redraw must write what changed, not clear and rewrite).
 */
import {expect} from 'vitest';
import {execFileSync} from 'node:child_process';
import {closeSync, openSync, readSync, statSync, writeFileSync, readFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cliPath} from './proc.js';

export interface Size {
	readonly columns: number;
	readonly rows: number;
}

export interface StartOptions extends Size {
	/** Arguments after `dist/cli.js`. `{datadir}` in any of them is replaced by a fresh directory. */
	readonly args: readonly string[];
	/** Extra environment for the app (it otherwise gets only HOME, PATH, TERM=xterm-256color, LANG). */
	readonly env?: Readonly<Record<string, string>>;
	/** How long to wait for the app's first frame (a row starting `chain-tui `). */
	readonly firstFrameMs?: number;
}

/** A span of the byte stream in which screen erases are allowed (a resize, Ctrl-L). */
export interface Excused {
	readonly from: number;
	readonly to: number;
	readonly why: string;
}

export interface Erase {
	/** Byte offset in the buffer given (add the mark's offset for a position in the stream). */
	readonly offset: number;
	readonly name: string;
	readonly seq: string;
}

/** Synchronized output's end (mode 2026): the frame writer ends every frame with it. */
const SYNC_END_MARK = '\u001b[?2026l';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The binary: dist/cli.js, or SCREEN_CLI (another build's cli.js, e.g. to see the checks fail on an old one). */
export const appPath = () => process.env.SCREEN_CLI ?? cliPath;

let servers = 0;
/** How long the pane must be quiet to end the span a resize or Ctrl-L excuses from the erase check. */
const EXCUSE_QUIET_MS = 250;

export class TmuxScreen {
	readonly socket = `chain-tui-screen-${process.pid}-${++servers}`;
	readonly session = 'app';
	/** Holds the byte log, the pid file and the app's data directory. */
	readonly dir = mkdtempSync(join(tmpdir(), 'chain-tui-screen-'));
	readonly bytesFile = join(this.dir, 'bytes');
	readonly datadir = join(this.dir, 'data');
	private readonly pidFile = join(this.dir, 'pid');
	private started = false;
	/** Spans of the byte stream where a resize or Ctrl-L allowed an erase. */
	readonly excused: Excused[] = [];
	size: Size = {columns: 0, rows: 0};

	/** Starts tmux, the byte log, then the app; resolves on the app's first frame, quiet. */
	async start(options: StartOptions): Promise<string[]> {
		if (this.started) throw new Error('TmuxScreen.start called twice');
		this.started = true;
		this.size = {columns: options.columns, rows: options.rows};
		writeFileSync(this.bytesFile, '');
		this.tmux('new-session', '-d', '-s', this.session, '-x', String(options.columns), '-y', String(options.rows), 'bash --norc --noprofile');
		this.tmux('set-option', '-g', 'window-size', 'manual');
		this.tmux('set-option', '-g', 'status', 'off');
		// The pipe exists once this returns; whatever the pane gets from now on is recorded.
		this.tmux('pipe-pane', '-o', '-t', this.session, `cat >> ${shellQuote(this.bytesFile)}`);
		const env: Record<string, string> = {
			HOME: process.env.HOME ?? this.dir,
			PATH: process.env.PATH ?? '/usr/bin:/bin',
			TERM: 'xterm-256color',
			LANG: 'C.UTF-8',
			...options.env,
		};
		const args = options.args.map(a => a.replaceAll('{datadir}', this.datadir));
		// A clean environment (env -i): Ink prints only its last frame when it thinks it runs in CI
		// (CI, CONTINUOUS_INTEGRATION or any CI_* variable), and NODE_ENV picks React's build.
		const app = ['exec', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), process.execPath, appPath(), ...args].map(shellQuote).join(' ');
		const line = `sh -c ${shellQuote(`echo $$ > ${shellQuote(this.pidFile)}; ${app}`)}; echo EXIT $?`;
		this.text(line);
		this.keys('Enter');
		return this.until(s => /^\s*chain-tui \S/.test(s.split('\n')[0] ?? ''), 'the first frame', options.firstFrameMs ?? 20_000);
	}

	tmux(...args: string[]): string {
		return execFileSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
	}

	/** send-keys with key names (Enter, Escape, C-l, Tab, Up…) or single characters. */
	keys(...keys: string[]): void {
		this.tmux('send-keys', '-t', this.session, ...keys);
	}

	/** Types `s` literally (send-keys -l). */
	text(s: string): void {
		this.tmux('send-keys', '-t', this.session, '-l', s);
	}

	/** The pane's size as tmux has it. */
	paneSize(): Size {
		const [columns, rows] = this.tmux('display-message', '-p', '-t', this.session, '#{pane_width} #{pane_height}').trim().split(' ').map(Number);
		return {columns: columns!, rows: rows!};
	}

	/** The terminal's size as the kernel has it (what the app reads on SIGWINCH). */
	ttySize(): Size {
		const tty = this.tmux('display-message', '-p', '-t', this.session, '#{pane_tty}').trim();
		const [rows, columns] = execFileSync('stty', ['-F', tty, 'size'], {encoding: 'utf8'}).trim().split(/\s+/).map(Number);
		return {columns: columns!, rows: rows!};
	}

	/**
	 * Resizes the window (the app gets SIGWINCH), waits for the pane and the tty to have the new
	 * size, for the app to write, and for it to be quiet. The span is excused from the erase check.
	 */
	async resize(columns: number, rows: number, ms = 10_000): Promise<string[]> {
		const from = this.mark();
		this.tmux('resize-window', '-t', this.session, '-x', String(columns), '-y', String(rows));
		this.size = {columns, rows};
		const deadline = Date.now() + ms;
		for (;;) {
			const p = this.paneSize();
			const t = this.ttySize();
			if (p.columns === columns && p.rows === rows && t.columns === columns && t.rows === rows) break;
			if (Date.now() > deadline) throw new Error(`resize to ${columns}x${rows}: pane ${p.columns}x${p.rows}, tty ${t.columns}x${t.rows}`);
			await sleep(10);
		}
		await this.grown(from, deadline - Date.now(), `a redraw after the resize to ${columns}x${rows}`);
		// Quiet a little longer than a judged capture: a redraw the app defers after SIGWINCH
		// still belongs to the resize.
		const frame = await this.frame({timeoutMs: Math.max(1000, deadline - Date.now()), quietMs: EXCUSE_QUIET_MS});
		this.excused.push({from, to: this.mark(), why: `resize to ${columns}x${rows}`});
		return frame;
	}

	/** Presses Ctrl-L (redraw the whole screen); the span until quiet is excused from the erase check. Returns the span. */
	async ctrlL(ms = 10_000): Promise<Excused> {
		const from = this.mark();
		this.keys('C-l');
		const deadline = Date.now() + ms;
		await this.grown(from, ms, 'a redraw after Ctrl-L');
		await this.frame({timeoutMs: Math.max(1000, deadline - Date.now()), quietMs: EXCUSE_QUIET_MS});
		const span = {from, to: this.mark(), why: 'Ctrl-L'};
		this.excused.push(span);
		return span;
	}

	/** Does the byte log end with a whole frame (the end of synchronized output) at `mark`? */
	private endsAtFrame(mark: number): boolean {
		const end = Buffer.from(SYNC_END_MARK);
		return mark >= end.length && this.bytesSince(mark - end.length, mark).equals(end);
	}

	/** Bytes recorded so far: a mark for bytesSince. */
	mark(): number {
		try {
			return statSync(this.bytesFile).size;
		} catch {
			return 0;
		}
	}

	/** The raw bytes written since `mark` (up to `to`, default now). */
	bytesSince(mark: number, to = this.mark()): Buffer {
		const length = Math.max(0, to - mark);
		const buffer = Buffer.alloc(length);
		if (length === 0) return buffer;
		const fd = openSync(this.bytesFile, 'r');
		try {
			let got = 0;
			while (got < length) {
				const n = readSync(fd, buffer, got, length - got, mark + got);
				if (n === 0) break;
				got += n;
			}
			return buffer.subarray(0, got);
		} finally {
			closeSync(fd);
		}
	}

	/** Every byte recorded. */
	allBytes(): Buffer {
		return readFileSync(this.bytesFile);
	}

	/** Erases between `from` and `to` (default now) outside the excused spans, with stream offsets. */
	unexcusedErases(from: number, to = this.mark()): Erase[] {
		return eraseSequences(this.bytesSince(from, to))
			.map(e => ({...e, offset: e.offset + from}))
			.filter(e => !this.excused.some(x => e.offset >= x.from && e.offset < x.to));
	}

	/** Resolves once the byte log has grown past `mark`. */
	async grown(mark: number, ms: number, what: string): Promise<void> {
		const deadline = Date.now() + ms;
		while (this.mark() <= mark) {
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (no bytes after offset ${mark}):\n${this.dump()}`);
			await sleep(10);
		}
	}

	/**
	 * Resolves once no byte has been written for `ms` (counted from the call at the earliest), or,
	 * on a screen that keeps redrawing (a node syncing redraws every pacing interval), once whole
	 * frames have gone by for that long: the log ends at a frame's end (synchronized output's end
	 * marker) after a frame boundary every poll for `ms`, so a capture now is no half frame.
	 */
	async quiet({ms = 100, timeoutMs = 10_000}: {ms?: number; timeoutMs?: number} = {}): Promise<void> {
		const start = Date.now();
		const deadline = start + timeoutMs;
		let size = this.mark();
		let changed = start;
		for (;;) {
			await sleep(10);
			const now = Date.now();
			const next = this.mark();
			if (next !== size) {
				size = next;
				// Whole frames only since the call: a frame boundary counts as quiet enough once
				// `ms` of them have passed.
				if (this.endsAtFrame(next) && now - start >= ms) return;
				changed = now;
			} else if (now - changed >= ms) return;
			if (now > deadline) throw new Error(`the pane never went quiet for ${ms} ms in ${timeoutMs} ms:\n${this.dump()}`);
		}
	}

	/**
	 * The pane's rows, exactly as many as it is high, trailing spaces trimmed. With `escapes`, the
	 * SGR codes too (capture-pane -e), for colours.
	 */
	capture({escapes = false}: {escapes?: boolean} = {}): string[] {
		const out = this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.session);
		const rows = out.split('\n');
		if (out.endsWith('\n')) rows.pop();
		return rows.map(r => r.trimEnd());
	}

	/** A capture of a quiet pane: quiet, capture, and again if a byte came meanwhile. */
	async frame({escapes = false, timeoutMs = 10_000, quietMs = 100}: {escapes?: boolean; timeoutMs?: number; quietMs?: number} = {}): Promise<string[]> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			await this.quiet({ms: quietMs, timeoutMs: Math.max(quietMs * 2, deadline - Date.now())});
			const before = this.mark();
			const rows = this.capture({escapes});
			if (this.mark() === before) return rows;
			if (Date.now() > deadline) throw new Error(`no settled capture in ${timeoutMs} ms:\n${rows.join('\n')}`);
		}
	}

	/**
	 * The next frame: waits for the app to write again (up to `waitMs`; the miner redraws about
	 * once a second; a still screen is fine too), then a settled capture.
	 */
	async nextFrame({escapes = false, waitMs = 2500}: {escapes?: boolean; waitMs?: number} = {}): Promise<string[]> {
		const from = this.mark();
		const deadline = Date.now() + waitMs;
		while (this.mark() <= from && Date.now() < deadline) await sleep(10);
		return this.frame({escapes});
	}

	/** Polls captures until `predicate` holds on a settled one; returns it. */
	async until(predicate: (screen: string, rows: string[]) => boolean, what: string, ms = 10_000): Promise<string[]> {
		const deadline = Date.now() + ms;
		let rows: string[] = [];
		for (;;) {
			rows = this.capture();
			if (predicate(rows.join('\n'), rows)) {
				// Seen once; judge it on a quiet pane (a half-drawn frame can pass or fail by chance).
				try {
					const settled = await this.frame({timeoutMs: Math.max(500, deadline - Date.now())});
					if (predicate(settled.join('\n'), settled)) return settled;
					rows = settled;
				} catch {
					// not quiet yet
				}
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${this.alive() ? 'app running' : 'app not running'}):\n${rows.join('\n')}`);
			await sleep(50);
		}
	}

	/** The app's pid, once it has started. */
	pid(): number | null {
		try {
			const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
			return Number.isInteger(pid) && pid > 0 ? pid : null;
		} catch {
			return null;
		}
	}

	/** Whether the app's process is running. */
	alive(): boolean {
		const pid = this.pid();
		if (pid === null) return false;
		try {
			process.kill(pid, 0);
			return true;
		} catch {
			return false;
		}
	}

	/** The current capture, for error messages. */
	dump(): string {
		try {
			return this.capture().join('\n');
		} catch (e) {
			return `(no capture: ${String(e)})`;
		}
	}

	/** Kills the tmux server (and with it the app) and removes the directory (kept if SCREEN_KEEP is set). */
	close(): void {
		const pid = this.pid();
		try {
			this.tmux('kill-server');
		} catch {
			// already gone
		}
		if (pid !== null) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// gone with its terminal
			}
		}
		if (process.env.SCREEN_KEEP) console.log(`kept ${this.dir}`);
		else rmSync(this.dir, {recursive: true, force: true});
	}
}

// ---------------------------------------------------------------------------------------------
// Pure checks

const ERASE = /\x1b\[2J\x1b\[3J\x1b\[H|\x1b\[\??[0-3]?J|\x1bc/g;

/**
 * Screen-erasing sequences in raw terminal output: ESC[2J, ESC[3J, ESC[J / ESC[0J / ESC[1J (and
 * their DECSED ESC[?…J forms), ESC c (RIS), and Ink's clearTerminal (ESC[2J ESC[3J ESC[H, reported
 * once). Line erases (ESC[K, ESC[2K) are not screen erases: a line diff uses them.
 */
export function eraseSequences(bytes: Buffer | string): Erase[] {
	const text = typeof bytes === 'string' ? bytes : bytes.toString('latin1');
	const found: Erase[] = [];
	for (const m of text.matchAll(ERASE)) {
		const seq = m[0];
		const name = seq.length > 5 ? 'clearTerminal (ESC[2J ESC[3J ESC[H)' : seq === '\x1bc' ? 'RIS (ESC c)' : `ED ${JSON.stringify(seq).slice(1, -1).replace('\\u001b', 'ESC')}`;
		found.push({offset: m.index, name, seq});
	}
	return found;
}

export const PANE_TITLES = ['1 chain', '2 peers', '3 tips', '4 mempool', '5 miner', '6 wallet', '7 BPM', '8 log'] as const;

/** Box corners by style (top left, top right, bottom left, bottom right) and the style's horizontal. */
const CORNERS = [
	{style: 'single', corners: '┌┐└┘', horizontal: '─'},
	{style: 'round', corners: '╭╮╰╯', horizontal: '─'},
	{style: 'double', corners: '╔╗╚╝', horizontal: '═'},
	{style: 'heavy', corners: '┏┓┗┛', horizontal: '━'},
	{style: 'single-double', corners: '╓╖╙╜', horizontal: '─'},
	{style: 'double-single', corners: '╒╕╘╛', horizontal: '═'},
] as const;

interface Corner {
	readonly style: string;
	readonly left: boolean;
	readonly match: string;
	readonly horizontal: string;
}

const CORNER_OF = new Map<string, Corner>(
	CORNERS.flatMap(({style, corners, horizontal}): [string, Corner][] => {
		const [tl, tr, bl, br] = [...corners] as [string, string, string, string];
		return [
			[tl, {style, left: true, match: tr, horizontal}],
			[tr, {style, left: false, match: tl, horizontal}],
			[bl, {style, left: true, match: br, horizontal}],
			[br, {style, left: false, match: bl, horizontal}],
		];
	}),
);

const BOX = /[\u2500-\u257f]/;
const STATUS = /(?:^|[^\w-])chain-tui (?:lab )?(?:main|regtest|testnet|test|signet|posregtest|pos)\b/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Occurrences of `needle` in `haystack` (case-sensitive, not overlapping). */
export function countOf(haystack: string, needle: string): number {
	return needle ? haystack.split(needle).length - 1 : 0;
}

/**
 * What is wrong with a capture as one whole frame of `size`, or [] if nothing. Strict only on
 * these markers (the layout is being redesigned):
 * - exactly `size.rows` rows, none wider than `size.columns`;
 * - the status bar (`chain-tui <network>`) exactly once, starting row 1;
 * - the footer (`? help`) exactly once, on the last row;
 * - box borders closed on every row: from each corner along its border (its style's
 *   horizontals, title text) the first other box-drawing character is the matching corner
 *   (┌…┐, ╚…╝) or the edge of a box drawn over it (an overlay covering the rest); a border
 *   that runs off the row's end, or into a corner facing the same way, is open;
 * - each pane title (`1 chain` … `8 log`) at most once where it titles a box (after a
 *   box-drawing character); a tab bar (titles side by side with no box character between
 *   them) is not counted.
 */
export function checkWholeFrame(rows: readonly string[], size: Size): string[] {
	const problems: string[] = [];
	if (rows.length !== size.rows) problems.push(`${rows.length} rows, not ${size.rows}`);
	rows.forEach((row, i) => {
		if ([...row].length > size.columns) problems.push(`row ${i + 1} is ${[...row].length} columns wide, not at most ${size.columns}`);
	});

	const statusRows = rows.flatMap((r, i) => (STATUS.test(r) ? [i + 1] : []));
	if (statusRows.length !== 1) problems.push(`the status bar (chain-tui <network>) is on ${statusRows.length} rows (${statusRows.join(', ')}), not once`);
	if (!/^\s*chain-tui \S/.test(rows[0] ?? '')) problems.push(`row 1 is not the status bar: ${JSON.stringify(rows[0] ?? '')}`);

	const footerRows = rows.flatMap((r, i) => Array(countOf(r, '? help')).fill(i + 1) as number[]);
	if (footerRows.length !== 1) problems.push(`the footer (? help) is on rows [${footerRows.join(', ')}], not once`);
	if (!(rows[rows.length - 1] ?? '').includes('? help')) problems.push(`the last row (${rows.length}) is not the footer: ${JSON.stringify(rows[rows.length - 1] ?? '')}`);

	rows.forEach((row, i) => {
		const chars = [...row];
		chars.forEach((ch, at) => {
			const corner = CORNER_OF.get(ch);
			if (!corner) return;
			const step = corner.left ? 1 : -1;
			// Along the border: this style's horizontals and title text, up to the first other
			// box-drawing character. It must be the matching corner, or the edge of a box drawn
			// over this one (an overlay); never the end of the row, nor a corner facing the same way.
			for (let k = at + step; k >= 0 && k < chars.length; k += step) {
				const c = chars[k]!;
				if (!BOX.test(c) || c === corner.horizontal) continue;
				if (c === corner.match) return;
				const other = CORNER_OF.get(c);
				if (other && other.style === corner.style && other.left === corner.left) break;
				return;
			}
			problems.push(`row ${i + 1}: ${corner.style} ${ch} without its ${corner.match}: ${JSON.stringify(row)}`);
		});
	});

	const titleRows = new Map<string, number[]>();
	rows.forEach((row, i) => {
		const hits = PANE_TITLES.flatMap(title => [...row.matchAll(new RegExp(`${escapeRegExp(title)}(?![\\w-])`, 'g'))].map(m => ({title, at: m.index})));
		hits.sort((a, b) => a.at - b.at);
		hits.forEach((hit, k) => {
			const before = row.slice(0, hit.at);
			// A box title: a box-drawing character before it, with only spaces between.
			if (!/[\u2500-\u257f][^\S\n]*$/.test(before)) return;
			// A tab bar: the next or previous title with no box-drawing character in between.
			const prev = hits[k - 1];
			const next = hits[k + 1];
			const gapBefore = prev ? row.slice(prev.at + prev.title.length, hit.at) : null;
			const gapAfter = next ? row.slice(hit.at + hit.title.length, next.at) : null;
			if ((gapBefore !== null && !BOX.test(gapBefore)) || (gapAfter !== null && !BOX.test(gapAfter))) return;
			titleRows.set(hit.title, [...(titleRows.get(hit.title) ?? []), i + 1]);
		});
	});
	for (const [title, at] of titleRows) if (at.length > 1) problems.push(`the pane title "${title}" is on rows ${at.join(', ')}, not at most once`);
	return problems;
}

/** The foreground colour of each character of a `capture-pane -e` row ('' for the default). */
export function foregrounds(row: string): {ch: string; fg: string}[] {
	const cells: {ch: string; fg: string}[] = [];
	let fg = '';
	const re = /\x1b\[([0-9;:]*)m|\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\x1b.|([^\x1b])/gsu;
	for (const m of row.matchAll(re)) {
		if (m[2] !== undefined) {
			cells.push({ch: m[2], fg});
			continue;
		}
		if (m[1] === undefined) continue;
		const params = m[1] === '' ? [0] : m[1].split(/[;:]/).map(Number);
		for (let i = 0; i < params.length; i++) {
			const p = params[i]!;
			if (p === 0 || p === 39) fg = '';
			else if ((p >= 30 && p <= 37) || (p >= 90 && p <= 97)) fg = String(p);
			else if (p === 38 && params[i + 1] === 5) {
				fg = `5;${params[i + 2]}`;
				i += 2;
			} else if (p === 38 && params[i + 1] === 2) {
				fg = `2;${params[i + 2]};${params[i + 3]};${params[i + 4]}`;
				i += 4;
			} else if (p === 48 && (params[i + 1] === 5 || params[i + 1] === 2)) i += params[i + 1] === 5 ? 2 : 4;
		}
	}
	return cells;
}

/** SGR sequences that set a colour (foreground or background) in `text`. */
export function colourCodes(text: string): string[] {
	return [...text.matchAll(/\x1b\[([0-9;:]*)m/g)].map(m => m[1]!).filter(p => /(?:^|;)(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38|48)(?:;|$)/.test(p));
}

/**
 * The colour of the box-drawing character nearest before `title` on the row showing it (the
 * border of the box it titles), from a `capture-pane -e` capture; null if not found.
 */
export function borderColourOf(escapedRows: readonly string[], title: string): string | null {
	for (const row of escapedRows) {
		const cells = foregrounds(row);
		const text = cells.map(c => c.ch).join('');
		const at = text.search(new RegExp(`${escapeRegExp(title)}(?![\\w-])`));
		if (at < 0) continue;
		const chars = [...text];
		// `at` is a UTF-16 index; cells are per code point.
		let index = [...text.slice(0, at)].length - 1;
		for (; index >= 0; index--) if (BOX.test(chars[index]!)) return cells[index]!.fg;
	}
	return null;
}

// ---------------------------------------------------------------------------------------------
// Overlays, as a person opens them

export interface OverlaySpec {
	readonly name: string;
	/** The key that opens it (send-keys name). */
	readonly key: string;
	/** Text that shows exactly once while it is open. */
	readonly title: string;
	/** Keys to press before typing (e.g. Tab past a choice field). */
	readonly before?: readonly string[];
	/** Typed into it, then waited for on the screen. */
	readonly text?: string;
	/** The key that closes it. */
	readonly close: string;
}

/** Every overlay of the main screen; `q` asks a question only while mining. */
export const OVERLAYS: readonly OverlaySpec[] = [
	{name: 'help', key: '?', title: 'Keys', close: 'Escape'},
	{name: 'send', key: 's', title: 'Send coins', before: ['Tab'], text: '1BoatSLRHtKNngkdXEeobR76b53LETtpyT', close: 'Escape'},
	{name: 'create wallet', key: 'w', title: 'Create wallet', text: 'savings', close: 'Escape'},
	{name: 'record BPM', key: 'b', title: 'heart-rate', before: ['Tab'], text: '72', close: 'Escape'},
	{name: 'clone', key: 'c', title: 'Clone a chain', text: '127.0.0.1:19', close: 'Escape'},
	{name: 'add peer', key: 'a', title: 'Add a peer', text: '127.0.0.1:19', close: 'Escape'},
	{name: 'search', key: '/', title: 'Search', text: '123456', close: 'Escape'},
	{name: 'quit question', key: 'q', title: 'Quit anyway?', close: 'n'},
];

export type Judge = (rows: string[], size: Size, what: string, extra: string[]) => void;

/** Problems if `title` does not show exactly once. */
export function titleOnce(rows: readonly string[], title: string): string[] {
	const n = countOf(rows.join('\n'), title);
	return n === 1 ? [] : [`the overlay title "${title}" shows ${n} times, not once`];
}

/**
 * Opens `o`, types into it, takes `captures` frames (each after the app wrote again, on a quiet
 * pane), then for each size in `resizes` resizes and takes `capturesAfterResize` more, then
 * closes it. Every capture goes to `judge`, with the overlay's title checked to show once.
 */
export async function exerciseOverlay(
	tmux: TmuxScreen,
	o: OverlaySpec,
	{captures = 3, resizes = [], capturesAfterResize = 2, judge}: {captures?: number; resizes?: readonly Size[]; capturesAfterResize?: number; judge: Judge},
): Promise<void> {
	tmux.keys(o.key);
	await tmux.until(s => s.includes(o.title), `the ${o.name} overlay`);
	if (o.before) tmux.keys(...o.before);
	if (o.text) {
		tmux.text(o.text);
		await tmux.until(s => s.includes(o.text!), `${JSON.stringify(o.text)} typed into ${o.name}`);
	}
	for (let i = 0; i < captures; i++) {
		const rows = await tmux.nextFrame();
		judge(rows, tmux.size, `${o.name} open, capture ${i + 1}`, titleOnce(rows, o.title));
	}
	for (const size of resizes) {
		const was = tmux.size;
		const how = size.columns * size.rows < was.columns * was.rows ? 'shrunk' : 'grown';
		await tmux.resize(size.columns, size.rows);
		for (let i = 0; i < capturesAfterResize; i++) {
			const rows = await tmux.nextFrame();
			judge(rows, size, `${o.name} open, ${how} from ${was.columns}x${was.rows}, capture ${i + 1}`, titleOnce(rows, o.title));
		}
	}
	tmux.keys(o.close);
	const rows = await tmux.until(s => !s.includes(o.title), `the ${o.name} overlay closed`);
	judge(rows, tmux.size, `after closing ${o.name}`, []);
}

/** Every screen erase since `since` came in the span of a resize or Ctrl-L (soft: the test goes on to say more). */
export function expectNoUnexcusedErases(tmux: TmuxScreen, since: number): void {
	const erases = tmux.unexcusedErases(since);
	expect
		.soft(
			erases.map(e => `${e.name} at byte ${e.offset}`),
			`screen erases outside a resize or Ctrl-L (${tmux.excused.map(x => `${x.why}: ${x.from}-${x.to}`).join(', ')})`,
		)
		.toEqual([]);
}
