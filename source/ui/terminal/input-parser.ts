/**
 * The part of the terminal's input that Ink 6 does not parse, read out of the byte stream before
 * Ink sees it: bracketed pastes and mouse reports. Without this, a paste reaches Ink as typed
 * keys (each newline an Enter that submits a form) and every click types `[<0;12;5M`.
 *
 * Pure and incremental: `push` takes the bytes of one read and returns, in order, runs of bytes
 * for Ink (`keys`), whole pastes and mouse events. Sequences split across reads are put back
 * together. Everything that is not a paste or a mouse report goes to Ink byte for byte and in
 * order, with one deliberate exception: the Delete key (see `markDeleteKey`).
 *
 * Escape sequences are delimited the way Ink's own input parser (ink/build/input-parser.js)
 * does it, so the runs handed over break where Ink would break them anyway: `ESC [` params
 * final (CSI), `ESC O` x (SS3), `ESC ESC` + one of those (Alt + a special key), `ESC` x
 * (Alt + x). An ESC at the end of a read may be the Esc key or the start of a sequence split
 * across reads: it is held (`state` 'escape') until the next read or `flush`. `ESC ESC` before
 * a mouse report or a paste is Esc read together with it (no terminal sends Alt-click or
 * Alt-paste that way).
 */
import {Buffer} from 'node:buffer';

export type MouseKind = 'press' | 'release' | 'drag' | 'move' | 'wheel-up' | 'wheel-down' | 'wheel-left' | 'wheel-right';

export interface MouseEvent {
	/**
	 * With modes 1000 + 1006 (what `enterScreen` turns on) a terminal sends press, release and
	 * wheel-up/-down; `drag` and `move` come only with 1002/1003, `wheel-left/-right` from
	 * horizontal wheels and tilting wheels.
	 */
	readonly kind: MouseKind;
	/** 0 left, 1 middle, 2 right. 0 for the wheel, for `move`, and for releases in the old X10 form (which does not say which button). */
	readonly button: 0 | 1 | 2;
	/** Column, 0-based. */
	readonly x: number;
	/** Row, 0-based. */
	readonly y: number;
	readonly shift: boolean;
	/** Alt (or Meta). */
	readonly meta: boolean;
	readonly ctrl: boolean;
}

export type ParsedInput =
	| {readonly type: 'keys'; readonly bytes: Buffer}
	/** `text` is the paste as the terminal sent it, except line ends: CR LF and CR become LF. It may hold any character, control characters included. */
	| {readonly type: 'paste'; readonly text: string; readonly truncated: boolean}
	| {readonly type: 'mouse'; readonly mouse: MouseEvent};

export interface InputParserOptions {
	/** A paste longer than this (in bytes of UTF-8) keeps its first `maxPasteBytes` and drops the rest (`truncated`). Default 64 KiB. */
	readonly maxPasteBytes?: number;
	/**
	 * Ink 6 reports the Backspace key (which sends DEL, 0x7f, on nearly every terminal) and the
	 * Delete key (`ESC[3~`) alike: `key.delete` and no input. Nothing downstream could tell them
	 * apart, so the Delete key is handed to Ink in the kitty keyboard protocol's form of the same
	 * key, `ESC[3;1:1~` (`ESC[3;m~` becomes `ESC[3;m:1~`): Ink still reports `key.delete` (and
	 * the same modifiers) but adds `eventType: 'press'`, which it never sets for legacy keys such
	 * as 0x7f. (`ESC ESC[3~`, Alt-Delete on terminals that send Alt as a leading ESC, becomes
	 * `ESC[3;3:1~`.) `isForwardDelete` in text-field.tsx reads it. Default true.
	 */
	readonly markDeleteKey?: boolean;
}

const ESC = 0x1b;
const LEFT_BRACKET = 0x5b; // [
const LETTER_O = 0x4f; // O
const LESS_THAN = 0x3c; // <
const LETTER_M = 0x4d; // M
const PASTE_START = Buffer.from('\x1b[200~');
const PASTE_END = Buffer.from('\x1b[201~');
const DELETE_KEY = '\x1b[3~';
const MODIFIED_DELETE_KEY = /^\x1b\[3;(\d{1,3})~$/;
const SGR_MOUSE = /^\x1b\[<(\d{1,5});(\d{1,5});(\d{1,5})([Mm])$/;
const EMPTY = Buffer.alloc(0);
/** An unfinished escape sequence longer than this is no sequence this parser or Ink knows: it goes on as it is. */
const MAX_HELD = 64;

const isCsiParameter = (byte: number) => byte >= 0x30 && byte <= 0x3f;
const isCsiIntermediate = (byte: number) => byte >= 0x20 && byte <= 0x2f;
const isCsiFinal = (byte: number) => byte >= 0x40 && byte <= 0x7e;

/** What starts at an ESC: still unfinished, or how far it goes and what to do with it. */
type Sequence =
	| {readonly kind: 'incomplete'}
	| {readonly kind: 'forward'; readonly end: number}
	| {readonly kind: 'replace'; readonly end: number; readonly bytes: Buffer}
	| {readonly kind: 'drop'; readonly end: number}
	| {readonly kind: 'mouse'; readonly end: number; readonly mouse: MouseEvent}
	| {readonly kind: 'paste'; readonly end: number};

const INCOMPLETE: Sequence = {kind: 'incomplete'};

/**
 * Decodes the button byte both mouse forms share (xterm's ctlseqs): bits 0-1 the button (3: none
 * or released), 4 shift, 8 meta, 16 ctrl, 32 motion, 64 wheel (+ bits 0-1: up, down, left,
 * right), 128 buttons 8-11 (ignored). `released` is the SGR form's final `m`.
 */
export function decodeMouse(code: number, column: number, row: number, released: boolean): MouseEvent | null {
	const low = code & 3;
	const base = {x: Math.max(0, column - 1), y: Math.max(0, row - 1), shift: (code & 4) !== 0, meta: (code & 8) !== 0, ctrl: (code & 16) !== 0};
	if (code & 128) return null;
	if (code & 64) {
		if (released) return null; // Some terminals send a release for wheel "buttons": nothing happened.
		const kind = (['wheel-up', 'wheel-down', 'wheel-left', 'wheel-right'] as const)[low]!;
		return {kind, button: 0, ...base};
	}
	if (code & 32) {
		if (low === 3) return {kind: 'move', button: 0, ...base};
		return {kind: 'drag', button: low as 0 | 1 | 2, ...base};
	}
	if (low === 3) return {kind: 'release', button: 0, ...base}; // X10 form: "a button was released"
	return {kind: released ? 'release' : 'press', button: low as 0 | 1 | 2, ...base};
}

/** How many bytes at the end of `data` could be the start of `marker` (at most marker.length - 1). */
function partialMarkerAtEnd(data: Buffer, marker: Buffer): number {
	for (let keep = Math.min(marker.length - 1, data.length); keep > 0; keep--) {
		if (data.subarray(data.length - keep).equals(marker.subarray(0, keep))) return keep;
	}
	return 0;
}

/** `bytes` without a UTF-8 character cut off at its end (a paste cut at the size limit). */
function wholeCharacters(bytes: Buffer): Buffer {
	for (let back = 1; back <= Math.min(4, bytes.length); back++) {
		const byte = bytes[bytes.length - back]!;
		if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
		const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
		return length > back ? bytes.subarray(0, bytes.length - back) : bytes;
	}
	return bytes;
}

export class InputParser {
	private readonly maxPasteBytes: number;
	private readonly markDeleteKey: boolean;
	/** An unfinished escape sequence from the end of the last read (outside a paste). */
	private held: Buffer = EMPTY;
	private pasting = false;
	private pasteParts: Buffer[] = [];
	private pasteBytes = 0;
	private pasteTruncated = false;
	/** The end of the last read in a paste, when it could be the start of `ESC[201~`. */
	private pasteTail: Buffer = EMPTY;

	constructor(options: InputParserOptions = {}) {
		this.maxPasteBytes = options.maxPasteBytes ?? 64 * 1024;
		this.markDeleteKey = options.markDeleteKey ?? true;
	}

	/**
	 * What is waiting for more bytes: nothing, an unfinished escape sequence (a lone ESC is one:
	 * it may be the Esc key or the start of a sequence split across reads), or a paste without
	 * its end. The caller waits a little for more, then calls `flush`.
	 */
	get state(): 'idle' | 'escape' | 'paste' {
		if (this.pasting) return 'paste';
		return this.held.length > 0 ? 'escape' : 'idle';
	}

	/** The events in one read, in order. */
	push(chunk: Uint8Array | string): ParsedInput[] {
		const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		let buf = this.held.length > 0 ? Buffer.concat([this.held, bytes]) : bytes;
		this.held = EMPTY;
		// The usual read: typed keys, no escape sequence.
		if (!this.pasting && !buf.includes(ESC)) return buf.length > 0 ? [{type: 'keys', bytes: buf}] : [];

		const out: ParsedInput[] = [];
		const keys: Buffer[] = [];
		const endKeys = () => {
			if (keys.length === 0) return;
			out.push({type: 'keys', bytes: keys.length === 1 ? keys[0]! : Buffer.concat(keys)});
			keys.length = 0;
		};
		let i = 0;
		while (i < buf.length) {
			if (this.pasting) {
				const rest = this.pasteTail.length > 0 ? Buffer.concat([this.pasteTail, buf.subarray(i)]) : buf.subarray(i);
				this.pasteTail = EMPTY;
				const end = rest.indexOf(PASTE_END);
				if (end < 0) {
					const keep = partialMarkerAtEnd(rest, PASTE_END);
					this.addToPaste(rest.subarray(0, rest.length - keep));
					this.pasteTail = Buffer.from(rest.subarray(rest.length - keep));
					break;
				}
				this.addToPaste(rest.subarray(0, end));
				out.push(this.endPaste());
				buf = rest.subarray(end + PASTE_END.length);
				i = 0;
				continue;
			}
			const escape = buf.indexOf(ESC, i);
			if (escape < 0) {
				keys.push(buf.subarray(i));
				break;
			}
			if (escape > i) keys.push(buf.subarray(i, escape));
			const seq = this.sequenceAt(buf, escape);
			if (seq.kind === 'incomplete') {
				if (buf.length - escape > MAX_HELD) {
					keys.push(buf.subarray(escape));
				} else {
					this.held = Buffer.from(buf.subarray(escape));
				}
				break;
			}
			i = seq.end;
			if (seq.kind === 'forward') keys.push(buf.subarray(escape, seq.end));
			else if (seq.kind === 'replace') keys.push(seq.bytes);
			else if (seq.kind === 'mouse') {
				endKeys();
				out.push({type: 'mouse', mouse: seq.mouse});
			} else if (seq.kind === 'paste') {
				endKeys();
				this.pasting = true;
			}
		}
		endKeys();
		return out;
	}

	/**
	 * Stops waiting: an unfinished escape sequence goes to Ink as it is (a lone ESC is the Esc
	 * key; an unfinished mouse report is dropped), a paste without its end ends here with what
	 * came.
	 */
	flush(): ParsedInput[] {
		if (this.pasting) {
			this.addToPaste(this.pasteTail);
			this.pasteTail = EMPTY;
			return [this.endPaste()];
		}
		if (this.held.length === 0) return [];
		const bytes = this.held;
		this.held = EMPTY;
		// Part of a mouse report whose end never came: no key starts ESC [ <, so it is not typed.
		if (bytes[1] === LEFT_BRACKET && bytes[2] === LESS_THAN) return [];
		return [{type: 'keys', bytes}];
	}

	/** Forgets anything waiting. */
	reset(): void {
		this.held = EMPTY;
		this.pasting = false;
		this.pasteParts = [];
		this.pasteBytes = 0;
		this.pasteTruncated = false;
		this.pasteTail = EMPTY;
	}

	private addToPaste(bytes: Buffer): void {
		const room = this.maxPasteBytes - this.pasteBytes;
		if (bytes.length > room) this.pasteTruncated = true;
		const kept = bytes.length > room ? bytes.subarray(0, Math.max(0, room)) : bytes;
		if (kept.length === 0) return;
		this.pasteParts.push(Buffer.from(kept)); // a copy: the read's buffer is not ours to keep
		this.pasteBytes += kept.length;
	}

	private endPaste(): ParsedInput {
		let bytes: Buffer = Buffer.concat(this.pasteParts);
		const truncated = this.pasteTruncated;
		if (truncated) bytes = wholeCharacters(bytes);
		this.pasting = false;
		this.pasteParts = [];
		this.pasteBytes = 0;
		this.pasteTruncated = false;
		// Terminals send a pasted line end as CR (what the Enter key sends); one form for consumers.
		return {type: 'paste', text: bytes.toString('utf8').replace(/\r\n?/g, '\n'), truncated};
	}

	/** The sequence at `buf[at]` (an ESC), delimited as Ink's input parser delimits it. */
	private sequenceAt(buf: Buffer, at: number): Sequence {
		const next = buf[at + 1];
		if (next === undefined) return INCOMPLETE;
		if (next === LEFT_BRACKET || next === LETTER_O) return this.controlSequence(buf, at, 1);
		if (next === ESC) {
			const third = buf[at + 2];
			if (third === undefined) return INCOMPLETE;
			if (third === LEFT_BRACKET) {
				// Esc, then a report or a paste read together (the terminal sends no Alt-click nor
				// Alt-paste): the first ESC is the Esc key, and what follows is read afresh.
				const inner = this.controlSequence(buf, at + 1, 1);
				if (inner.kind === 'incomplete') return INCOMPLETE;
				if (inner.kind === 'mouse' || inner.kind === 'paste' || inner.kind === 'drop') return {kind: 'forward', end: at + 1};
			}
			// Alt + a special key (ESC ESC [ A): Ink's; passed on untouched.
			if (third === LEFT_BRACKET || third === LETTER_O) return this.controlSequence(buf, at, 2);
			return {kind: 'forward', end: at + 2};
		}
		// Alt + a character: the character goes on as ordinary input.
		return {kind: 'forward', end: at + 1};
	}

	/** A CSI or SS3 sequence after `prefix` ESCs; with one ESC, it may be a paste, a mouse report or the Delete key. */
	private controlSequence(buf: Buffer, at: number, prefix: 1 | 2): Sequence {
		const introducer = at + prefix; // the '[' or 'O'
		if (buf[introducer] === LETTER_O) {
			// SS3: one more byte. If it is no final byte, Ink takes ESC O as Alt-O and goes on; so do we.
			return introducer + 1 < buf.length ? {kind: 'forward', end: introducer + 1} : INCOMPLETE;
		}
		const first = introducer + 1;
		if (first >= buf.length) return INCOMPLETE;
		if (prefix === 1 && buf[first] === LETTER_M) return this.x10Mouse(buf, at, first);
		let j = first;
		for (; j < buf.length; j++) {
			const byte = buf[j]!;
			if (isCsiParameter(byte) || isCsiIntermediate(byte)) continue;
			if (byte === LEFT_BRACKET && j === first) continue; // legacy ESC [ [ A (Ink keeps these)
			if (isCsiFinal(byte)) break;
			// Not a CSI sequence after all: what came so far goes on, and the rest is read afresh.
			return {kind: 'forward', end: j};
		}
		if (j >= buf.length) return INCOMPLETE;
		const end = j + 1;
		if (prefix === 2) {
			// Alt-Delete from terminals that send Alt as an ESC before the key: Alt (modifier 3) marked.
			if (this.markDeleteKey && buf.subarray(at + 1, end).toString('latin1') === DELETE_KEY) {
				return {kind: 'replace', end, bytes: Buffer.from('\x1b[3;3:1~')};
			}
			return {kind: 'forward', end};
		}
		const seq = buf.subarray(at, end);
		if (seq.equals(PASTE_START)) return {kind: 'paste', end};
		// A paste end with no paste: left from a paste cut short by `flush`. No key sends it.
		if (seq.equals(PASTE_END)) return {kind: 'drop', end};
		if (buf[first] === LESS_THAN) {
			// No key sends ESC [ <: a report that does not parse is dropped, not typed.
			const match = SGR_MOUSE.exec(seq.toString('latin1'));
			const mouse = match ? decodeMouse(Number(match[1]), Number(match[2]), Number(match[3]), match[4] === 'm') : null;
			return mouse ? {kind: 'mouse', end, mouse} : {kind: 'drop', end};
		}
		if (this.markDeleteKey) {
			const text = seq.toString('latin1');
			if (text === DELETE_KEY) return {kind: 'replace', end, bytes: Buffer.from('\x1b[3;1:1~')};
			const modified = MODIFIED_DELETE_KEY.exec(text);
			if (modified) return {kind: 'replace', end, bytes: Buffer.from(`\x1b[3;${modified[1]}:1~`)};
		}
		return {kind: 'forward', end};
	}

	/**
	 * The old mouse form, `ESC [ M` and three bytes (each value + 32), sent by terminals that know
	 * mode 1000 but not 1006 (GNU screen, for one). Not parsed, its three bytes would be typed.
	 */
	private x10Mouse(buf: Buffer, at: number, m: number): Sequence {
		if (m + 3 >= buf.length) return INCOMPLETE;
		const [code, column, row] = [buf[m + 1]!, buf[m + 2]!, buf[m + 3]!];
		if (code < 32 || column < 32 || row < 32) return {kind: 'forward', end: m + 1};
		const mouse = decodeMouse(code - 32, column - 32, row - 32, false);
		return mouse ? {kind: 'mouse', end: m + 4, mouse} : {kind: 'drop', end: m + 4};
	}
}
