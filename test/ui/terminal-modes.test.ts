import {describe, expect, it} from 'vitest';
import {
	ALT_SCREEN_OFF,
	ALT_SCREEN_ON,
	CURSOR_HIDE,
	CURSOR_SHOW,
	ERASE_SCREEN,
	MOUSE_OFF,
	MOUSE_ON,
	PASTE_OFF,
	PASTE_ON,
	SYNC_BEGIN,
	SYNC_END,
	enterScreen,
	leaveScreen,
	osc52,
} from '../../source/ui/terminal/modes.js';

/** The DEC private modes a string sets (h) or resets (l), in order. */
const modes = (s: string, action: 'h' | 'l') => [...s.matchAll(/\x1b\[\?(\d+)([hl])/g)].filter(m => m[2] === action).map(m => Number(m[1]));

describe('terminal modes', () => {
	it('are the sequences the terminals document', () => {
		expect([ALT_SCREEN_ON, ALT_SCREEN_OFF, CURSOR_HIDE, CURSOR_SHOW]).toEqual(['\x1b[?1049h', '\x1b[?1049l', '\x1b[?25l', '\x1b[?25h']);
		expect([PASTE_ON, PASTE_OFF, SYNC_BEGIN, SYNC_END, ERASE_SCREEN]).toEqual(['\x1b[?2004h', '\x1b[?2004l', '\x1b[?2026h', '\x1b[?2026l', '\x1b[2J\x1b[H']);
		// SGR form on before reports start, reports off before the SGR form goes: never an X10 report.
		expect(modes(MOUSE_ON, 'h')).toEqual([1006, 1000]);
		expect(modes(MOUSE_OFF, 'l')).toEqual([1000, 1006]);
	});

	it('enterScreen sets everything in one string; leaveScreen undoes every mode it set, the alternate screen last', () => {
		for (const options of [{}, {mouse: false}, {paste: false}, {mouse: true, paste: true}]) {
			const enter = enterScreen(options);
			const leave = leaveScreen();
			expect(enter.startsWith(ALT_SCREEN_ON + ERASE_SCREEN)).toBe(true);
			expect(modes(enter, 'h').includes(1000)).toBe(options.mouse !== false);
			expect(modes(enter, 'h').includes(2004)).toBe(options.paste !== false);
			const reset = new Set(modes(leave, 'l'));
			for (const mode of modes(enter, 'h')) expect(reset.has(mode), `mode ${mode}`).toBe(true);
			for (const mode of modes(enter, 'l')) expect(modes(leave, 'h'), `mode ${mode}`).toContain(mode); // the cursor
			expect(modes(leave, 'h')).toEqual([25]);
			expect(leave.endsWith(ALT_SCREEN_OFF)).toBe(true);
			// A frame left open by a crash would freeze a terminal that knows 2026.
			expect(leave.startsWith(SYNC_END)).toBe(true);
		}
	});

	it('osc52 carries the UTF-8 text as base64, ended by BEL', () => {
		const seq = osc52('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 → ünï 😀');
		const match = /^\x1b\]52;c;([A-Za-z0-9+/=]*)\x07$/.exec(seq);
		expect(match).not.toBeNull();
		expect(Buffer.from(match![1]!, 'base64').toString('utf8')).toBe('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 → ünï 😀');
		expect(osc52('hello')).toBe('\x1b]52;c;aGVsbG8=\x07');
		expect(osc52('')).toBe('\x1b]52;c;\x07');
	});
});
