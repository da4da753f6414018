import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {needsSanitizing, sanitize, stripControls} from '../../source/ui/terminal/sanitize.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('sanitize: text from peers never commands the terminal', () => {
	it.each([
		['OSC 52: set the clipboard', '\x1b]52;c;aGVsbG8=\x07', '␛]52;c;aGVsbG8=␇'],
		['erase the screen', '/Satoshi:0.1/\x1b[2J', '/Satoshi:0.1/␛[2J'],
		['C1 CSI (one byte): red', '\x9b31mred', '\ufffd31mred'],
		['carriage return: draw over the start of the line', 'a\rb', 'a␍b'],
		['DCS … ST', '\x1bPq#0;2;0;0;0\x1b\\', '␛Pq#0;2;0;0;0␛\\'],
		['cursor up and home', 'x\x1b[5A\x1b[H', 'x␛[5A␛[H'],
		['OSC 8 hyperlink', '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07', '␛]8;;https://evil.example␇click␛]8;;␇'],
		['window title', '\x1b]0;pwned\x1b\\', '␛]0;pwned␛\\'],
		['NUL, BEL, BS, TAB, LF, DEL', '\x00\x07\x08\t\n\x7f', '␀␇␈␉␊␡'],
		['C1 OSC and ST', '\x9d52;c;eA==\x9c', '\ufffd52;c;eA==\ufffd'],
		['bidi override: an address drawn backwards', 'pay \u202emoc.live\u202c now', 'pay \ufffdmoc.live\ufffd now'],
		['bidi isolate', 'a\u2067b\u2069c', 'a\ufffdb\ufffdc'],
	])('%s', (_what, hostile, shown) => {
		expect(sanitize(hostile)).toBe(shown);
		expect(CONTROL.test(sanitize(hostile))).toBe(false);
		expect(needsSanitizing(hostile)).toBe(true);
	});

	it('leaves clean text as it is: letters, accents, CJK, emoji with joiners', () => {
		for (const clean of ['', '/chain-tui:0.1.0/', 'héllo wörld', '区块链', '👩‍👩‍👧 🇨🇭', 'a\u00a0b', '¡¿…€']) {
			expect(needsSanitizing(clean)).toBe(false);
			expect(sanitize(clean)).toBe(clean);
		}
	});

	it('property: nothing unsafe comes out, one unit for one (layouts stay put), clean text unchanged', () => {
		fc.assert(
			fc.property(fc.string({unit: 'binary', maxLength: 200}), text => {
				const out = sanitize(text);
				expect(CONTROL.test(out)).toBe(false);
				expect(out.length).toBe(text.length);
				if (!CONTROL.test(text)) expect(out).toBe(text);
				expect(CONTROL.test(stripControls(text))).toBe(false);
			}),
			{numRuns: 2000},
		);
	});

	it('stripControls drops instead of escaping (for values, not the screen)', () => {
		expect(stripControls('1Bo\x1b[2Jb\u202e\x9b')).toBe('1Bo[2Jb');
		expect(stripControls('clean')).toBe('clean');
	});
});
