import fc from 'fast-check';
import React from 'react';
import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {TextField, applyKeys, insertText, isForwardDelete, placeholderText, type EditKey} from '../../source/ui/components/text-field.js';

/** A field as "text|text": the bar is the cursor. */
const field = (s: string) => ({value: s.replace('|', ''), cursor: s.indexOf('|')});
const show = (e: {value: string; cursor: number}) => `${e.value.slice(0, e.cursor)}|${e.value.slice(e.cursor)}`;
/** One key, as Ink 6.8 reports it (input, flags), applied to the field drawn as `at`. */
const press = (at: string, input: string, key: EditKey = {}) => {
	const f = field(at);
	return show(applyKeys(f.value, f.cursor, input, key));
};

describe('editing a field', () => {
	it('inserts at the cursor, moves it, erases before it', () => {
		let e = applyKeys('', 0, 'abc', {});
		expect(e).toEqual({value: 'abc', cursor: 3, submitted: false, rest: ''});
		e = applyKeys(e.value, e.cursor, '', {leftArrow: true});
		e = applyKeys(e.value, e.cursor, 'X', {});
		expect(e).toMatchObject({value: 'abXc', cursor: 3});
		e = applyKeys(e.value, e.cursor, '', {backspace: true});
		expect(e).toMatchObject({value: 'abc', cursor: 2});
		expect(applyKeys('', 0, '', {backspace: true})).toMatchObject({value: '', cursor: 0});
	});

	it('applies several keys from one read in order: backspaces act, Enter submits what came before', () => {
		expect(applyKeys('pw2', 3, '\u007f1', {})).toEqual({value: 'pw1', cursor: 3, submitted: false, rest: ''});
		expect(applyKeys('', 0, '42\rab', {})).toEqual({value: '42', cursor: 2, submitted: true, rest: 'ab'});
		expect(applyKeys('', 0, 'a\tbc', {})).toEqual({value: 'a', cursor: 1, submitted: false, tabbed: true, rest: 'bc'});
		expect(applyKeys('a', 1, '\u001b[Zb\u0007', {})).toMatchObject({value: 'a[Zb'});
	});

	it('← → Home End, and Ctrl-A / Ctrl-E', () => {
		expect(press('ab|c', '', {leftArrow: true})).toBe('a|bc');
		expect(press('|abc', '', {leftArrow: true})).toBe('|abc');
		expect(press('ab|c', '', {rightArrow: true})).toBe('abc|');
		expect(press('abc|', '', {rightArrow: true})).toBe('abc|');
		expect(press('ab|c', '', {home: true})).toBe('|abc');
		expect(press('a|bc', '', {end: true})).toBe('abc|');
		expect(press('ab|c', 'a', {ctrl: true})).toBe('|abc');
		expect(press('a|bc', 'e', {ctrl: true})).toBe('abc|');
	});

	it('Ctrl-← / Ctrl-→ (and Alt, Alt-b, Alt-f) move by words of letters and digits', () => {
		expect(press('send 1.5 coins|', '', {leftArrow: true, ctrl: true})).toBe('send 1.5 |coins');
		expect(press('send 1.5 |coins', '', {leftArrow: true, ctrl: true})).toBe('send 1.|5 coins');
		expect(press('|send 1.5', '', {rightArrow: true, meta: true})).toBe('send| 1.5');
		expect(press('send| 1.5', '', {rightArrow: true, ctrl: true})).toBe('send 1|.5');
		expect(press('one two|', 'b', {meta: true})).toBe('one |two');
		expect(press('|one two', 'f', {meta: true})).toBe('one| two');
	});

	it('Backspace erases before the cursor, in every form Ink reports it', () => {
		// 0x7f (most terminals): Ink says delete, with no eventType.
		expect(press('abc|', '', {delete: true})).toBe('ab|');
		// 0x08 (some terminals, Ctrl-H): Ink says backspace.
		expect(press('ab|c', '', {backspace: true})).toBe('a|c');
		expect(press('|abc', '', {backspace: true})).toBe('|abc');
		expect(press('|abc', '', {delete: true})).toBe('|abc');
	});

	it('Delete (ESC[3~, marked by TerminalInput) erases at the cursor', () => {
		const del: EditKey = {delete: true, eventType: 'press'};
		expect(isForwardDelete(del)).toBe(true);
		expect(isForwardDelete({delete: true})).toBe(false);
		expect(isForwardDelete({backspace: true, eventType: 'press'})).toBe(false);
		expect(press('a|bc', '', del)).toBe('a|c');
		expect(press('abc|', '', del)).toBe('abc|');
		expect(press('|abc', '', del)).toBe('|bc');
		expect(press('a|bc def', '', {...del, ctrl: true})).toBe('a| def');
		// A release (kitty protocol with event types) is not a second press.
		expect(press('a|bc', '', {delete: true, eventType: 'release'})).toBe('a|bc');
	});

	it('Ctrl-U, Ctrl-K, Ctrl-W, Alt-Backspace', () => {
		expect(press('127.0|.0.1', 'u', {ctrl: true})).toBe('|.0.1');
		expect(press('127.0|.0.1', 'k', {ctrl: true})).toBe('127.0|');
		// Ctrl-W: back to a space, as a shell does; trailing spaces go with the word.
		expect(press('peer 127.0.0.1:1111|', 'w', {ctrl: true})).toBe('peer |');
		expect(press('peer 127.0.0.1:1111  |', 'w', {ctrl: true})).toBe('peer |');
		expect(press('one two| three', 'w', {ctrl: true})).toBe('one | three');
		expect(press('|abc', 'w', {ctrl: true})).toBe('|abc');
		// Alt-Backspace: a word of letters and digits.
		expect(press('127.0.0.1:1111|', '', {delete: true, meta: true})).toBe('127.0.0.1:|');
		expect(press('one two|', '', {backspace: true, meta: true})).toBe('one |');
	});

	it('no Ctrl or Alt combination types anything', () => {
		for (const letter of 'abcdefghijklmnopqrstuvwxyz0123456789`[]\\/ ') {
			for (const mod of [{ctrl: true}, {meta: true}, {ctrl: true, meta: true}]) {
				const e = applyKeys('xy', 1, letter, mod);
				expect(e.value.length, `${JSON.stringify(mod)} ${letter}`).toBeLessThanOrEqual(2);
				expect(e.value.includes(letter) && letter !== 'x' && letter !== 'y').toBe(false);
				expect(e.submitted).toBe(false);
			}
		}
	});

	it('Esc, Tab, ↑ ↓ and Page Up/Down are the form’s: no edit', () => {
		for (const key of [{escape: true, meta: true}, {tab: true}, {tab: true, shift: true}, {upArrow: true}, {downArrow: true}, {pageUp: true}, {pageDown: true}] as EditKey[]) {
			expect(applyKeys('ab', 1, '', key)).toEqual({value: 'ab', cursor: 1, submitted: false, rest: ''});
		}
		expect(applyKeys('ab', 1, '', {return: true})).toEqual({value: 'ab', cursor: 1, submitted: true, rest: ''});
	});

	it('control keys that come several to a read act in order, as their flagged forms do', () => {
		// ^A ^E ^U ^K ^W, DEL, BS amid typing (a fast typist, a slow redraw).
		expect(press('|', 'abc\u0001X\u0005Y', {})).toBe('XabcY|');
		expect(press('|', 'hello world\u0017there', {})).toBe('hello there|');
		expect(press('|', 'abc\u0001\u000bxyz', {})).toBe('xyz|');
		expect(press('|', 'abc\u0015def', {})).toBe('def|');
		expect(press('|', 'abcd\u007f\bX', {})).toBe('abX|');
		// Other control characters (^B, ^G, NUL, ESC, C1) are dropped, not typed.
		expect(press('|', 'a\u0002\u0007\u0000\u001b\u009bb', {})).toBe('ab|');
	});

	it('never splits an emoji: one character, two UTF-16 units', () => {
		let e = applyKeys('', 0, 'a😀b', {});
		expect(e).toMatchObject({value: 'a😀b', cursor: 4});
		e = applyKeys(e.value, e.cursor, '', {leftArrow: true});
		expect(e.cursor).toBe(3);
		e = applyKeys(e.value, e.cursor, '', {leftArrow: true});
		expect(e.cursor).toBe(1);
		e = applyKeys(e.value, e.cursor, '', {delete: true, eventType: 'press'});
		expect(e).toMatchObject({value: 'ab', cursor: 1});
		e = applyKeys('a😀', 3, '\u007f', {});
		expect(e).toMatchObject({value: 'a', cursor: 1});
	});

	it('property: any keys leave the cursor inside the value, never mid-character, and no control character in it', () => {
		const key = fc.record(
			{
				leftArrow: fc.boolean(),
				rightArrow: fc.boolean(),
				home: fc.boolean(),
				end: fc.boolean(),
				backspace: fc.boolean(),
				delete: fc.boolean(),
				ctrl: fc.boolean(),
				meta: fc.boolean(),
				eventType: fc.constantFrom(undefined, 'press' as const),
			},
			{requiredKeys: []},
		);
		const input = fc.string({unit: fc.oneof(fc.constantFrom('\r', '\t', '\u007f', '\b', '\u0001', '\u0005', '\u0015', '\u000b', '\u0017', '\u001b', ' ', '😀'), fc.string({unit: 'binary', maxLength: 1})), maxLength: 12});
		fc.assert(
			fc.property(fc.array(fc.tuple(input, key), {maxLength: 20}), steps => {
				let value = '';
				let cursor = 0;
				for (const [text, k] of steps) {
					const e = applyKeys(value, cursor, text, k);
					({value, cursor} = e);
					expect(cursor).toBeGreaterThanOrEqual(0);
					expect(cursor).toBeLessThanOrEqual(value.length);
					const unit = value.charCodeAt(cursor);
					expect(unit >= 0xdc00 && unit <= 0xdfff && cursor > 0 && value.charCodeAt(cursor - 1) >= 0xd800 && value.charCodeAt(cursor - 1) <= 0xdbff).toBe(false);
					expect(/[\u0000-\u001f\u007f-\u009f]/.test(value)).toBe(false);
				}
			}),
			{numRuns: 1000},
		);
	});
});

describe('pasting into a field', () => {
	it('inserts at the cursor; nothing in it acts as a key', () => {
		expect(insertText('ab', 1, 'XYZ')).toEqual({value: 'aXYZb', cursor: 4, submitted: false, rest: ''});
		// Lines join (an address copied from a wrapped line), a copied line's newline goes.
		expect(insertText('', 0, '1BvBMSEYstWetq\r\nTFn5Au4m4GFg7xJaNVN2\n')).toMatchObject({value: '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', cursor: 34});
		expect(insertText('', 0, 'a\tb')).toMatchObject({value: 'a b'});
		expect(insertText('', 0, 'x\x1b[2J\x7f\x03\u202ey')).toMatchObject({value: 'x[2Jy', cursor: 5});
		expect(insertText('abc', 99, 'd')).toMatchObject({value: 'abcd', cursor: 4});
	});
});

/** A drawn field as its text runs: `[text]` under the cursor (inverse), `~text~` dim. */
function runs(node: React.ReactNode, style: {inverse?: boolean; dim?: boolean} = {}): string {
	if (node === null || node === undefined || typeof node === 'boolean') return '';
	if (typeof node === 'string' || typeof node === 'number') {
		const text = String(node);
		if (text === '') return '';
		return style.inverse ? `[${text}]` : style.dim ? `~${text}~` : text;
	}
	if (Array.isArray(node)) {
		if (node.every(n => typeof n === 'string' || typeof n === 'number')) return runs(node.join(''), style);
		return node.map(n => runs(n as React.ReactNode, style)).join('');
	}
	const element = node as React.ReactElement<{children?: React.ReactNode; inverse?: boolean; dimColor?: boolean}>;
	return runs(element.props.children, {inverse: style.inverse || element.props.inverse, dim: style.dim || element.props.dimColor});
}
/** TextField's own output (Ink's Text elements, which hold the style, are not rendered). */
const draw = (props: React.ComponentProps<typeof TextField>) => runs(TextField(props));

describe('drawing a field', () => {
	it('an empty field shows its placeholder dim and in brackets, never like typed text', () => {
		expect(placeholderText('20-300')).toBe('(20-300)');
		expect(placeholderText('(optional)')).toBe('(optional)');
		expect(placeholderText('127.0.0.1:1111', true)).toBe('(default 127.0.0.1:1111)');
		expect(placeholderText('')).toBe('');
		expect(draw({value: '', cursor: 0, focus: false, placeholder: 'coins, e.g. 1.5'})).toBe('~(coins, e.g. 1.5)~');
		// The cursor is a block of its own before the placeholder, not on its first letter.
		expect(draw({value: '', cursor: 0, focus: true, placeholder: '127.0.0.1:1111', sampleIsDefault: true})).toBe('[ ]~ (default 127.0.0.1:1111)~');
		expect(draw({value: '', cursor: 0, focus: true})).toBe('[ ]');
		// And as Ink prints it (no colour in tests: the brackets carry it).
		expect(render(React.createElement(TextField, {value: '', cursor: 0, focus: false, placeholder: '20-300'})).lastFrame()).toBe('(20-300)');
	});

	it('draws the value, a mask for passphrases, the cursor on a whole character, control characters escaped', () => {
		expect(draw({value: 'abc', cursor: 1, focus: false})).toBe('abc');
		expect(draw({value: 'abc', cursor: 1, focus: true})).toBe('a[b]c');
		expect(draw({value: 'ab', cursor: 2, focus: true})).toBe('ab[ ]');
		expect(draw({value: 'a😀b', cursor: 1, focus: true})).toBe('a[😀]b');
		expect(draw({value: 'p😀w', cursor: 3, focus: true, mask: '*'})).toBe('**[*]');
		expect(draw({value: 'p😀w', cursor: 4, focus: true, mask: '*'})).toBe('***[ ]');
		expect(draw({value: 'a\x1b[2Jb', cursor: 0, focus: false})).toBe('a␛[2Jb');
		expect(render(React.createElement(TextField, {value: 'a😀b', cursor: 1, focus: true})).lastFrame()).toBe('a😀b');
	});
});
