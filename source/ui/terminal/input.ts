/**
 * A filter between the terminal's input (process.stdin, a TTY in raw mode) and Ink. Ink 6 parses
 * neither bracketed paste nor mouse reports: here they are read out (see input-parser.ts) and
 * emitted as 'paste' and 'mouse' events, and everything else goes on to Ink through `stdin`, a
 * stream that looks to Ink like a TTY (`inkStdin` is the same, typed for Ink's render option):
 *
 *     const input = new TerminalInput(process.stdin);
 *     render(<App />, {stdin: input.inkStdin, exitOnCtrlC: false});
 *     input.on('paste', (text, truncated) => …);
 *     input.on('mouse', (event) => …);
 *
 * It also owns raw mode. Ink turns raw mode off whenever no `useInput` is active (between two
 * views, or while a form is busy), and with it off the terminal echoes what is typed over the
 * screen and cooks it (Ctrl-C becomes SIGINT). So the terminal stays raw from the constructor
 * until `release()`; Ink's `setRawMode` only tells this filter what Ink wants.
 */
import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import {InputParser, type InputParserOptions, type MouseEvent, type ParsedInput} from './input-parser.js';

export {InputParser, decodeMouse, type InputParserOptions, type MouseEvent, type MouseKind, type ParsedInput} from './input-parser.js';

/** The terminal's input: process.stdin, or a stream standing in for it in tests. */
export interface TerminalInputSource extends NodeJS.ReadableStream {
	readonly isTTY?: boolean;
	setRawMode?(mode: boolean): unknown;
}

export interface TerminalInputOptions extends InputParserOptions {
	/**
	 * How long an unfinished escape sequence at the end of a read waits for the rest before it
	 * goes on as it is. A lone ESC is the Esc key or the first byte of a sequence the terminal (or
	 * ssh) split across two reads; waiting puts a split mouse report back together instead of
	 * reading it as Esc and typing the rest. 50 ms, as Neovim's 'ttimeoutlen'. Default 50.
	 */
	readonly escapeTimeoutMs?: number;
	/**
	 * How long a paste may go without a byte before it is taken as ended (its end marker lost),
	 * so that a terminal that never sends the end cannot swallow every key after it. Default 2000.
	 */
	readonly pasteTimeoutMs?: number;
}

export interface TerminalInputEvents {
	/** A bracketed paste, whole: line ends are '\n'; may hold control characters (see insertText). */
	paste: [text: string, truncated: boolean];
	mouse: [event: MouseEvent];
}

/** What Ink's App calls on its stdin: a PassThrough with these is enough. */
export class InkStdin extends PassThrough {
	readonly isTTY = true;
	private wanted = false;

	/** Raw mode as Ink last asked for it (not the terminal's: that stays raw, see TerminalInput). */
	get isRaw(): boolean {
		return this.wanted;
	}

	setRawMode(mode: boolean): this {
		// Only noted: the terminal is raw from TerminalInput's constructor to release().
		this.wanted = mode;
		return this;
	}

	// Ink refs stdin while it reads and unrefs it when it stops, so that an app with nothing
	// else to do can exit. The real input is read (and so keeps the process alive) from the
	// constructor until release(); this stream has no handle to ref.
	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}
}

export class TerminalInput extends EventEmitter<TerminalInputEvents> {
	/** For Ink's `render(…, {stdin})`. */
	readonly stdin: InkStdin;
	private readonly parser: InputParser;
	private readonly escapeTimeoutMs: number;
	private readonly pasteTimeoutMs: number;
	private reading = false;
	private timer: NodeJS.Timeout | undefined;
	/** Events waiting for Ink to read the keys before them (see deliver). */
	private readonly queue: ParsedInput[] = [];
	/** Set from a write to Ink until Ink has read it (see deliver). */
	private inkTurn: NodeJS.Immediate | undefined;
	private wroteLoneEscape = false;

	constructor(
		private readonly input: TerminalInputSource,
		options: TerminalInputOptions = {},
	) {
		super();
		this.parser = new InputParser(options);
		this.escapeTimeoutMs = options.escapeTimeoutMs ?? 50;
		this.pasteTimeoutMs = options.pasteTimeoutMs ?? 2000;
		this.stdin = new InkStdin();
		this.resume();
	}

	/** `stdin` typed as Ink's render option wants it (Ink uses only what InkStdin has). */
	get inkStdin(): NodeJS.ReadStream {
		return this.stdin as unknown as NodeJS.ReadStream;
	}

	/** What waits for more bytes (see InputParser.state): for tests and diagnostics. */
	get pending(): 'idle' | 'escape' | 'paste' {
		return this.parser.state;
	}

	/** True from the constructor or resume() until release(). */
	get active(): boolean {
		return this.reading;
	}

	/**
	 * Gives the terminal back: cooked mode, no reading (for Ctrl-Z, and before exit). What was
	 * waiting (a lone Esc) goes on to Ink first.
	 */
	release(): void {
		if (!this.reading) return;
		this.reading = false;
		this.input.off('data', this.onData);
		this.input.off('end', this.onEnd);
		this.clearTimer();
		this.deliver(this.parser.flush());
		this.input.pause();
		this.setTerminalRaw(false);
	}

	/** Takes the terminal again (after `fg`): raw mode on, reading. */
	resume(): void {
		if (this.reading) return;
		this.reading = true;
		this.setTerminalRaw(true);
		this.input.on('data', this.onData);
		this.input.on('end', this.onEnd);
		this.input.resume();
	}

	/** release(), and Ink's stream ends. */
	dispose(): void {
		this.release();
		if (this.inkTurn) clearImmediate(this.inkTurn);
		this.inkTurn = undefined;
		this.stdin.end();
	}

	private readonly onData = (chunk: Buffer | string) => {
		this.clearTimer();
		this.deliver(this.parser.push(chunk));
		const state = this.parser.state;
		if (state === 'idle') return;
		this.timer = setTimeout(
			() => {
				this.timer = undefined;
				this.deliver(this.parser.flush());
			},
			state === 'paste' ? this.pasteTimeoutMs : this.escapeTimeoutMs,
		);
		this.timer.unref();
	};

	private readonly onEnd = () => {
		this.clearTimer();
		this.deliver(this.parser.flush());
		this.stdin.end();
	};

	private clearTimer(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}

	private setTerminalRaw(mode: boolean): void {
		if (this.input.isTTY && typeof this.input.setRawMode === 'function') this.input.setRawMode(mode);
	}

	/**
	 * Keys go to Ink's stream at once; a paste or mouse event that came after keys waits until
	 * Ink has read them, so that "type a, paste b, type c" arrives as a, b, c.
	 *
	 * Ink reads on 'readable', which the stream emits on the next tick. A read that ends in a
	 * lone ESC Ink keeps until a setImmediate of its own, and the next read cancels that and
	 * joins the two (Esc + "a" becomes Alt-a). So after a write this waits two setImmediates
	 * (the second runs after any Ink scheduled while reading) before the next event, and,
	 * when the write ended in ESC, before the next keys too.
	 */
	private deliver(events: readonly ParsedInput[]): void {
		this.queue.push(...events);
		while (this.queue.length > 0) {
			const next = this.queue[0]!;
			if (this.inkTurn && (next.type !== 'keys' || this.wroteLoneEscape)) return;
			this.queue.shift();
			if (next.type === 'keys') {
				this.stdin.write(next.bytes);
				this.wroteLoneEscape = next.bytes.at(-1) === 0x1b;
				this.waitForInk();
			} else if (next.type === 'paste') this.emit('paste', next.text, next.truncated);
			else this.emit('mouse', next.mouse);
		}
	}

	private waitForInk(): void {
		if (this.inkTurn) clearImmediate(this.inkTurn);
		this.inkTurn = setImmediate(() => {
			this.inkTurn = setImmediate(() => {
				this.inkTurn = undefined;
				this.deliver([]);
			});
		});
	}
}
