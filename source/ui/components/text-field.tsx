/**
 * Text editing for form fields. The form owns the keys (one handler, state in refs) and this file
 * holds the editing rule and the drawing: every key applies to the newest value, however fast
 * keys arrive. (ink-text-input computes each edit from the value it last rendered, so keys that
 * arrive between two renders are lost: measured in this project's tests at 25 ms a key.)
 *
 * The keys, as Ink 6.8 reports them (input, key) and what they do here:
 *
 *   ← / →               leftArrow / rightArrow            a character left / right
 *   Ctrl-← / Ctrl-→     leftArrow / rightArrow + ctrl     a word left / right (also with Alt,
 *   Alt-b / Alt-f       'b' / 'f' + meta                  and Alt-b / Alt-f as in readline)
 *   Home / End          home / end                        start / end (ESC[H, ESC[1~, ESC OH …)
 *   Ctrl-A / Ctrl-E     'a' / 'e' + ctrl                  start / end
 *   Backspace           delete (0x7f: most terminals)     erase the character before the cursor
 *                       or backspace (0x08: some, and Ctrl-H)
 *   Alt-Backspace       delete / backspace + meta         erase the word before the cursor
 *   Delete (ESC[3~)     delete + eventType 'press'        erase the character at the cursor
 *                       (see isForwardDelete)
 *   Ctrl-U / Ctrl-K     'u' / 'k' + ctrl                  erase to the start / to the end
 *   Ctrl-W              'w' + ctrl                        erase the word before the cursor
 *                                                         (back to a space, as in a shell)
 *   Enter               return (or '\n' in the input)     submitted
 *
 * No key with ctrl or meta types anything (Ink hands Ctrl-U over as input 'u' with key.ctrl).
 * Esc, Tab, ↑/↓ and Page Up/Down do nothing here: they are the form's.
 *
 * Several keys can come in one read (a fast typist, a slow screen): Ink then passes them as one
 * string of raw bytes with no key flags, and applyKeys applies each in order: DEL and BS erase
 * back, ^A ^E ^U ^K ^W as above, CR or LF submits (the rest is for the next field), Tab moves on,
 * other control characters are dropped.
 */
import React from 'react';
import {Text} from 'ink';
import {sanitize, stripControls} from '../terminal/sanitize.js';

export interface EditKey {
	readonly leftArrow?: boolean;
	readonly rightArrow?: boolean;
	readonly upArrow?: boolean;
	readonly downArrow?: boolean;
	readonly pageUp?: boolean;
	readonly pageDown?: boolean;
	readonly home?: boolean;
	readonly end?: boolean;
	readonly backspace?: boolean;
	readonly delete?: boolean;
	readonly return?: boolean;
	readonly escape?: boolean;
	readonly tab?: boolean;
	readonly ctrl?: boolean;
	readonly meta?: boolean;
	readonly shift?: boolean;
	/** Ink sets it only for keys in the kitty keyboard protocol's form (see isForwardDelete). */
	readonly eventType?: 'press' | 'repeat' | 'release';
}

export interface Edit {
	readonly value: string;
	readonly cursor: number;
	/** An Enter came in this read (after the edits before it). */
	readonly submitted: boolean;
	/** A Tab came in this read: move to the next field. */
	readonly tabbed?: boolean;
	/** What came after that Enter or Tab, for the next field. */
	readonly rest: string;
}

/**
 * Whether a `key.delete` is the Delete key (erase forward) rather than Backspace. Ink 6 calls
 * both `delete` with no input: Backspace sends DEL (0x7f), which Ink names delete, and Delete
 * sends ESC[3~. TerminalInput (terminal/input.ts) hands the Delete key to Ink as ESC[3;1:1~,
 * the same key in the kitty protocol's form, for which Ink also sets `eventType`; a legacy key
 * like 0x7f never has one. Without TerminalInput in front of Ink, Delete erases backwards, as
 * it always did.
 */
export function isForwardDelete(key: EditKey): boolean {
	return key.delete === true && key.eventType !== undefined;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The start of the character before `at` (a character: a code point; an emoji is two units). */
function previous(v: string, at: number): number {
	if (at <= 0) return 0;
	return at >= 2 && isLowSurrogate(v.charCodeAt(at - 1)) && isHighSurrogate(v.charCodeAt(at - 2)) ? at - 2 : at - 1;
}

/** The end of the character at `at`. */
function next(v: string, at: number): number {
	if (at >= v.length) return v.length;
	return isHighSurrogate(v.charCodeAt(at)) && isLowSurrogate(v.charCodeAt(at + 1)) ? at + 2 : at + 1;
}

const WORD = /[\p{L}\p{N}_]/u;
const SPACE = /\s/u;

/** Back over what `inWord` rejects, then over what it accepts: the start of the word before `at`. */
function wordStart(v: string, at: number, inWord: (ch: string) => boolean): number {
	let c = at;
	while (c > 0 && !inWord(v.slice(previous(v, c), c))) c = previous(v, c);
	while (c > 0 && inWord(v.slice(previous(v, c), c))) c = previous(v, c);
	return c;
}

/** Forward over what `inWord` rejects, then over what it accepts: the end of the word after `at`. */
function wordEnd(v: string, at: number, inWord: (ch: string) => boolean): number {
	let c = at;
	while (c < v.length && !inWord(v.slice(c, next(v, c)))) c = next(v, c);
	while (c < v.length && inWord(v.slice(c, next(v, c)))) c = next(v, c);
	return c;
}

/** Letters, digits and _ make words for moving and Alt-Backspace (readline's backward-word). */
const alnum = (ch: string) => WORD.test(ch);
/** Ctrl-W erases back to a space, as in a shell (readline's unix-word-rubout): "127.0.0.1:1111" is one word. */
const nonSpace = (ch: string) => !SPACE.test(ch);

/** A filter line (the log's, the wire inspector's) and whether it is being typed. */
export interface FilterLine {
	readonly text: string;
	readonly cursor: number;
	readonly editing: boolean;
}

/** One read of input while a filter line is typed: Esc clears it and stops, Enter stops, the rest edits it. */
export function editFilter(line: FilterLine, input: string, key: EditKey): FilterLine {
	if (key.escape) return {text: '', cursor: 0, editing: false};
	if (key.return) return {...line, editing: false};
	const edit = applyKeys(line.text, line.cursor, input, key);
	return {text: edit.value, cursor: edit.cursor, editing: !edit.submitted};
}

/** Applies one read of input to a field. Several keys in one read are applied in order. */
export function applyKeys(value: string, cursor: number, input: string, key: EditKey): Edit {
	let v = value;
	let c = Math.max(0, Math.min(cursor, v.length));
	const edit = (submitted = false, rest = ''): Edit => ({value: v, cursor: c, submitted, rest});
	const cut = (from: number, to: number) => {
		v = v.slice(0, from) + v.slice(to);
		c = from;
	};

	// A key's release (kitty protocol with event types) is not a second press.
	if (key.eventType === 'release') return edit();
	if (key.return) return edit(true);
	if (key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return edit();
	const byWord = key.ctrl === true || key.meta === true;
	if (key.leftArrow) {
		c = byWord ? wordStart(v, c, alnum) : previous(v, c);
		return edit();
	}
	if (key.rightArrow) {
		c = byWord ? wordEnd(v, c, alnum) : next(v, c);
		return edit();
	}
	if (key.home) {
		c = 0;
		return edit();
	}
	if (key.end) {
		c = v.length;
		return edit();
	}
	if (isForwardDelete(key)) {
		const to = byWord ? wordEnd(v, c, alnum) : next(v, c);
		v = v.slice(0, c) + v.slice(to);
		return edit();
	}
	if (key.backspace || key.delete) {
		cut(byWord ? wordStart(v, c, alnum) : previous(v, c), c);
		return edit();
	}
	if (key.ctrl) {
		if (input === 'a') c = 0;
		else if (input === 'e') c = v.length;
		else if (input === 'u') cut(0, c);
		else if (input === 'k') v = v.slice(0, c);
		else if (input === 'w') cut(wordStart(v, c, nonSpace), c);
		else if (input === 'h') cut(previous(v, c), c);
		return edit();
	}
	if (key.meta) {
		// Alt + a key is a command, never text.
		if (input === 'b') c = wordStart(v, c, alnum);
		else if (input === 'f') c = wordEnd(v, c, alnum);
		else if (input === 'd') v = v.slice(0, c) + v.slice(wordEnd(v, c, alnum));
		return edit();
	}

	const chars = [...input];
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i]!;
		if (ch === '\r' || ch === '\n') return edit(true, chars.slice(i + 1).join(''));
		if (ch === '\t') return {...edit(), tabbed: true, rest: chars.slice(i + 1).join('')};
		if (ch === '\u007f' || ch === '\b') cut(previous(v, c), c);
		else if (ch === '\u0001') c = 0;
		else if (ch === '\u0005') c = v.length;
		else if (ch === '\u0015') cut(0, c);
		else if (ch === '\u000b') v = v.slice(0, c);
		else if (ch === '\u0017') cut(wordStart(v, c, nonSpace), c);
		else if (stripControls(ch) === ch) {
			v = v.slice(0, c) + ch + v.slice(c);
			c += ch.length;
		}
	}
	return edit();
}

/**
 * A paste into a field: nothing in it acts as a key. Line ends are dropped, joining the lines (an
 * address or txid copied from a wrapped line comes back whole, a copied line's trailing newline
 * goes), a tab becomes a space, and every other control character is dropped.
 */
export function insertText(value: string, cursor: number, text: string): Edit {
	const clean = stripControls(text.replace(/[\r\n]/g, '').replace(/\t/g, ' '));
	const c = Math.max(0, Math.min(cursor, value.length));
	return {value: value.slice(0, c) + clean + value.slice(c), cursor: c + clean.length, submitted: false, rest: ''};
}

/**
 * What an empty field shows. In brackets, so that it never looks like something typed (dim alone
 * does not show on every terminal, nor in a screen capture): `(e.g. 1.5)` stays as it is,
 * `20-300` becomes `(20-300)`, and a placeholder the form uses as the default value becomes
 * `(default 127.0.0.1:1111)`.
 */
export function placeholderText(placeholder: string, isDefault = false): string {
	if (placeholder.length === 0) return '';
	if (isDefault) return `(default ${placeholder})`;
	return placeholder.startsWith('(') ? placeholder : `(${placeholder})`;
}

export interface TextFieldProps {
	readonly value: string;
	readonly cursor: number;
	readonly focus: boolean;
	/** Shown instead of each character (passphrases). */
	readonly mask?: string;
	/** Shown, dim and in brackets, while the field is empty. */
	readonly placeholder?: string;
	/**
	 * The placeholder is the value the form uses when the field is left empty: drawn as
	 * `(default …)`. (Only the drawing: using it is the form's.)
	 */
	readonly sampleIsDefault?: boolean;
}

/** Draws a field: the value (or its mask), the cursor when focused, a placeholder when empty. */
export function TextField({value, cursor, focus, mask, placeholder = '', sampleIsDefault = false}: TextFieldProps) {
	if (value.length === 0) {
		const hint = sanitize(placeholderText(placeholder, sampleIsDefault));
		if (!focus) return <Text dimColor>{hint}</Text>;
		return (
			<Text>
				<Text inverse> </Text>
				{hint ? <Text dimColor> {hint}</Text> : null}
			</Text>
		);
	}
	// Characters, not UTF-16 units: the cursor never splits an emoji. sanitize keeps the length,
	// one unit for one, and keeps a value from outside (an initial label) from reaching the terminal raw.
	const chars = [...sanitize(value)];
	const shown = mask ? chars.map(() => mask) : chars;
	if (!focus) return <Text>{shown.join('')}</Text>;
	const at = [...value.slice(0, Math.max(0, Math.min(cursor, value.length)))].length;
	return (
		<Text>
			{shown.slice(0, at).join('')}
			<Text inverse>{shown[at] ?? ' '}</Text>
			{shown.slice(at + 1).join('')}
		</Text>
	);
}
