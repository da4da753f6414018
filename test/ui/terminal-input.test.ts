import {EventEmitter} from 'node:events';
import {PassThrough} from 'node:stream';
import fc from 'fast-check';
import React, {useState} from 'react';
import {render, Text, useInput, type Key} from 'ink';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {InputParser, TerminalInput, type MouseEvent, type ParsedInput} from '../../source/ui/terminal/input.js';
import {applyKeys} from '../../source/ui/components/text-field.js';

/** What a parser made of some reads, adjacent key runs joined (how they break is not the point). */
type Out = {keys: string} | {paste: string; truncated: boolean} | {mouse: MouseEvent};

function collect(events: readonly ParsedInput[], into: Out[] = []): Out[] {
	for (const e of events) {
		if (e.type === 'keys') {
			const last = into.at(-1);
			if (last && 'keys' in last) last.keys += e.bytes.toString('latin1');
			else into.push({keys: e.bytes.toString('latin1')});
		} else if (e.type === 'paste') into.push({paste: e.text, truncated: e.truncated});
		else into.push({mouse: e.mouse});
	}
	return into;
}

/** Feeds `chunks` (latin1: one char one byte) one read each; flushes at the end like the timeout would. */
function parse(chunks: readonly (string | Buffer)[], parser = new InputParser()): Out[] {
	const out: Out[] = [];
	for (const chunk of chunks) collect(parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk), out);
	collect(parser.flush(), out);
	expect(parser.state).toBe('idle');
	return out;
}

/** `bytes` cut at every position into two reads, and into single bytes. */
function splits(bytes: Buffer): Buffer[][] {
	const ways: Buffer[][] = [];
	for (let at = 0; at <= bytes.length; at++) ways.push([bytes.subarray(0, at), bytes.subarray(at)]);
	ways.push([...bytes].map(b => Buffer.from([b])));
	return ways;
}

const mouse = (kind: MouseEvent['kind'], button: 0 | 1 | 2, x: number, y: number, mods: Partial<Pick<MouseEvent, 'shift' | 'meta' | 'ctrl'>> = {}): {mouse: MouseEvent} => ({
	mouse: {kind, button, x, y, shift: false, meta: false, ctrl: false, ...mods},
});

describe('InputParser: bracketed paste', () => {
	it('takes a paste out whole, keys around it in order; line ends become \\n', () => {
		expect(parse(['ab\x1b[200~one\r\ntwo\rthree\nfour\x1b[201~cd'])).toEqual([{keys: 'ab'}, {paste: 'one\ntwo\nthree\nfour', truncated: false}, {keys: 'cd'}]);
	});

	it('puts a paste back together wherever the reads split it, UTF-8 included', () => {
		const text = 'héllo € 😀\tend';
		const bytes = Buffer.concat([Buffer.from('x\x1b[200~'), Buffer.from(text, 'utf8'), Buffer.from('\x1b[201~y')]);
		for (const chunks of splits(bytes)) {
			expect(parse(chunks)).toEqual([{keys: 'x'}, {paste: text, truncated: false}, {keys: 'y'}]);
		}
	});

	it('nothing in a paste reaches Ink as keys: Enter, Esc, arrows, a fake end marker half-sent', () => {
		const inside = 'rm -rf /\r\x1b[A\x1b\x1b[201\x03';
		expect(parse([`\x1b[200~${inside}\x1b[201~`])).toEqual([{paste: 'rm -rf /\n\x1b[A\x1b\x1b[201\x03', truncated: false}]);
	});

	it('keeps the first maxPasteBytes of a long paste, never half a character, and goes on after it', () => {
		const parser = new InputParser({maxPasteBytes: 10});
		expect(parse(['\x1b[200~abcdefghijklmnop\x1b[201~q'], parser)).toEqual([{paste: 'abcdefghij', truncated: true}, {keys: 'q'}]);
		const euro = new InputParser({maxPasteBytes: 6});
		const bytes = Buffer.concat([Buffer.from('\x1b[200~'), Buffer.from('aaaa€€', 'utf8'), Buffer.from('\x1b[201~')]);
		for (const chunks of splits(bytes)) expect(parse(chunks, euro)).toEqual([{paste: 'aaaa', truncated: true}]);
	});

	it('a 1 MB paste in 4 KB reads is one event of the capped size', () => {
		const parser = new InputParser();
		const big = Buffer.concat([Buffer.from('\x1b[200~'), Buffer.alloc(1 << 20, 'z'), Buffer.from('\x1b[201~')]);
		const chunks: Buffer[] = [];
		for (let at = 0; at < big.length; at += 4096) chunks.push(big.subarray(at, at + 4096));
		const out = parse(chunks, parser);
		expect(out).toHaveLength(1);
		expect(out[0]).toEqual({paste: 'z'.repeat(64 * 1024), truncated: true});
	});

	it('a paste whose end never comes ends at flush; the late end marker is then dropped', () => {
		const parser = new InputParser();
		expect(collect(parser.push(Buffer.from('\x1b[200~abc\x1b[20')))).toEqual([]);
		expect(parser.state).toBe('paste');
		expect(collect(parser.flush())).toEqual([{paste: 'abc\x1b[20', truncated: false}]);
		expect(parse(['\x1b[201~k'], parser)).toEqual([{keys: 'k'}]);
	});
});

describe('InputParser: mouse reports', () => {
	const cases: [string, Out][] = [
		['\x1b[<0;1;1M', mouse('press', 0, 0, 0)],
		['\x1b[<0;10;5m', mouse('release', 0, 9, 4)],
		['\x1b[<1;3;4M', mouse('press', 1, 2, 3)],
		['\x1b[<2;300;120M', mouse('press', 2, 299, 119)],
		['\x1b[<2;300;120m', mouse('release', 2, 299, 119)],
		['\x1b[<64;7;8M', mouse('wheel-up', 0, 6, 7)],
		['\x1b[<65;7;8M', mouse('wheel-down', 0, 6, 7)],
		['\x1b[<66;7;8M', mouse('wheel-left', 0, 6, 7)],
		['\x1b[<67;7;8M', mouse('wheel-right', 0, 6, 7)],
		['\x1b[<32;2;2M', mouse('drag', 0, 1, 1)],
		['\x1b[<34;2;2M', mouse('drag', 2, 1, 1)],
		['\x1b[<35;2;2M', mouse('move', 0, 1, 1)],
		['\x1b[<4;1;1M', mouse('press', 0, 0, 0, {shift: true})],
		['\x1b[<8;1;1M', mouse('press', 0, 0, 0, {meta: true})],
		['\x1b[<16;1;1M', mouse('press', 0, 0, 0, {ctrl: true})],
		['\x1b[<81;1;1M', mouse('wheel-down', 0, 0, 0, {ctrl: true})],
		// The old X10 form (no 1006): ESC [ M and three bytes, each + 32.
		['\x1b[M\x20\x21\x21', mouse('press', 0, 0, 0)],
		['\x1b[M\x22\x2a\x25', mouse('press', 2, 9, 4)],
		['\x1b[M\x23\x2a\x25', mouse('release', 0, 9, 4)],
		['\x1b[M\x60\xff\xfe', mouse('wheel-up', 0, 222, 221)],
	];

	it('reads every kind, 0-based, split at every byte, between keys', () => {
		for (const [report, expected] of cases) {
			for (const chunks of splits(Buffer.from(`a${report}b`, 'latin1'))) {
				expect(parse(chunks), JSON.stringify(report)).toEqual([{keys: 'a'}, expected, {keys: 'b'}]);
			}
		}
	});

	it('drops what only looks like a report (nothing types it); a wheel "release" is no event', () => {
		expect(parse(['a\x1b[<1;2Mb\x1b[<x', 'c'])).toEqual([{keys: 'abc'}]);
		// ESC [ < and then no CSI at all: not ours, on to Ink as it came.
		expect(parse(['\x1b[<\x01z'])).toEqual([{keys: '\x1b[<\x01z'}]);
		expect(parse(['\x1b[<64;1;1m\x1b[<128;1;1M'])).toEqual([]);
		// A report cut off for good (the rest never came) is not typed either.
		expect(parse(['\x1b[<0;12'])).toEqual([]);
	});
});

describe('InputParser: everything else goes to Ink unchanged', () => {
	const keys = [
		'\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', '\x1bOA', '\x1bOH', '\x1b[H', '\x1b[F', '\x1b[1~', '\x1b[4~', '\x1b[5~', '\x1b[6~',
		'\x1b[2~', '\x1b[1;5D', '\x1b[1;3C', '\x1b[Z', '\x1b[15~', '\x1b[20~', '\x1bOP', '\x1b[[A', '\x1b[[5~', '\x1b\x1b[A', '\x1b\x1bOB',
		'\x1bb', '\x1bf', '\x1b\x7f', '\x1b\r', '\x1b ', '\x1b\x1b', '\x7f', '\b', '\r', '\n', '\t', '\x01', '\x03', '\x15', '\x1a',
		'q', 'é', '😀', '\x1b[97;5u', '\x1b[127u', '\x1b[3;1:3~', '\x1b[?1u',
	];

	it('keys, Alt-keys, function keys: byte for byte, in order, however the reads split them', () => {
		const all = keys.join('');
		const bytes = Buffer.from(all, 'utf8');
		for (const chunks of splits(bytes)) {
			const out = parse(chunks);
			expect(out).toEqual([{keys: bytes.toString('latin1')}]);
		}
	});

	it('a lone ESC (the Esc key) waits for more, then goes on by itself', () => {
		const parser = new InputParser();
		expect(parser.push(Buffer.from('x\x1b')).map(e => e.type === 'keys' && e.bytes.toString())).toEqual(['x']);
		expect(parser.state).toBe('escape');
		expect(collect(parser.flush())).toEqual([{keys: '\x1b'}]);
		expect(parser.state).toBe('idle');
		// ESC and a key in one read is Alt + that key: no waiting.
		expect(collect(parser.push(Buffer.from('\x1bx')))).toEqual([{keys: '\x1bx'}]);
		expect(parser.state).toBe('idle');
		// ESC, then (before the timeout) the rest of a mouse report: one report.
		expect(collect(parser.push(Buffer.from('\x1b')))).toEqual([]);
		expect(collect(parser.push(Buffer.from('[<0;3;4M')))).toEqual([mouse('press', 0, 2, 3)]);
	});

	it('Esc read together with a click or a paste is Esc, then the click or the paste', () => {
		for (const chunks of splits(Buffer.from('\x1b\x1b[<0;2;3M\x1b\x1b[200~p\x1b[201~\x1b\x1b[M !!'))) {
			expect(parse(chunks)).toEqual([{keys: '\x1b'}, mouse('press', 0, 1, 2), {keys: '\x1b'}, {paste: 'p', truncated: false}, {keys: '\x1b'}, mouse('press', 0, 0, 0)]);
		}
		// Alt + a special key stays as it was.
		expect(parse(['\x1b\x1b[A\x1b\x1b[5~'])).toEqual([{keys: '\x1b\x1b[A\x1b\x1b[5~'}]);
	});

	it('an unfinished sequence that never ends is not held forever', () => {
		const endless = `\x1b[${'1;'.repeat(40)}`;
		expect(parse([endless, 'x'])).toEqual([{keys: `${endless}x`}]);
	});

	it('marks the Delete key so it can be told from Backspace (see isForwardDelete)', () => {
		for (const chunks of splits(Buffer.from('a\x1b[3~b'))) expect(parse(chunks)).toEqual([{keys: 'a\x1b[3;1:1~b'}]);
		expect(parse(['\x1b[3;5~\x1b[3;2~\x1b\x1b[3~'])).toEqual([{keys: '\x1b[3;5:1~\x1b[3;2:1~\x1b[3;3:1~'}]);
		// Not the Delete key: untouched.
		expect(parse(['\x1b[30~\x1b[3$\x7f'])).toEqual([{keys: '\x1b[30~\x1b[3$\x7f'}]);
		expect(parse(['\x1b[3~'], new InputParser({markDeleteKey: false}))).toEqual([{keys: '\x1b[3~'}]);
	});

	it('property: bytes without ESC pass through unchanged whatever the reads', () => {
		fc.assert(
			fc.property(fc.uint8Array({maxLength: 300}), fc.array(fc.nat(300), {maxLength: 10}), (raw, cuts) => {
				const bytes = Buffer.from(raw.map(b => (b === 0x1b ? 0x1c : b)));
				const at = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b);
				const chunks = [0, ...at].map((from, i) => bytes.subarray(from, [...at, bytes.length][i]));
				const parser = new InputParser();
				const out = collect(chunks.flatMap(c => parser.push(c)));
				expect(parser.state).toBe('idle');
				expect(out).toEqual(bytes.length > 0 ? [{keys: bytes.toString('latin1')}] : []);
			}),
			{numRuns: 500},
		);
	});

	it('property: keys, pastes and mouse reports in any mix and any split come out as sent', () => {
		const text = fc.string({unit: fc.constantFrom('a', 'Z', '1', ' ', '\r', '\x7f', '\x03', 'é', '€', '😀', '['), minLength: 1, maxLength: 6}).map(s => ({bytes: s, out: {keys: s} as Out}));
		const key = fc.constantFrom(...keys.filter(k => k !== '\x1b\x1b')).map(k => ({bytes: k, out: {keys: k} as Out}));
		const report = fc
			.tuple(fc.constantFrom(0, 1, 2, 64, 65, 32, 4 + 16), fc.integer({min: 1, max: 400}), fc.integer({min: 1, max: 200}), fc.boolean())
			.map(([b, x, y, up]) => {
				const kind = b === 64 ? 'wheel-up' : b === 65 ? 'wheel-down' : b === 32 ? 'drag' : up ? 'release' : 'press';
				const released = up && b < 64 && b !== 32;
				return {bytes: `\x1b[<${b};${x};${y}${released ? 'm' : 'M'}`, out: mouse(released ? 'release' : kind, (b >= 64 ? 0 : b & 3) as 0 | 1 | 2, x - 1, y - 1, {shift: (b & 4) !== 0, ctrl: (b & 16) !== 0})};
			});
		const paste = fc.string({unit: fc.constantFrom('p', '\n', '\x1b', '[', '2', '0', '1', '~', 'ü'), maxLength: 20}).filter(s => !s.includes('\x1b[201~')).map(s => ({bytes: `\x1b[200~${s}\x1b[201~`, out: {paste: s, truncated: false} as Out}));
		fc.assert(
			fc.property(fc.array(fc.oneof(text, key, report, paste), {maxLength: 12}), fc.array(fc.nat(2000), {maxLength: 8}), (tokens, cuts) => {
				const bytes = Buffer.from(tokens.map(t => t.bytes).join(''), 'utf8');
				const at = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b);
				const chunks = [0, ...at].map((from, i) => bytes.subarray(from, [...at, bytes.length][i]));
				const expected = collect([]);
				for (const t of tokens) {
					const last = expected.at(-1);
					if ('keys' in t.out && last && 'keys' in last) last.keys += Buffer.from(t.out.keys, 'utf8').toString('latin1');
					else expected.push('keys' in t.out ? {keys: Buffer.from(t.out.keys, 'utf8').toString('latin1')} : t.out);
				}
				expect(parse(chunks)).toEqual(expected);
			}),
			{numRuns: 1000},
		);
	});
});

/** process.stdin as far as TerminalInput is concerned: a stream with raw mode. */
class FakeTty extends PassThrough {
	readonly isTTY = true;
	readonly rawModes: boolean[] = [];
	setRawMode(mode: boolean) {
		this.rawModes.push(mode);
		return this;
	}

	get raw() {
		return this.rawModes.at(-1) ?? false;
	}
}

/** Reads TerminalInput.stdin exactly as Ink's App does (components/App.js). */
function inkLikeReader(stdin: TerminalInput['stdin']) {
	const got: string[] = [];
	stdin.setEncoding('utf8');
	stdin.ref();
	stdin.setRawMode(true);
	const onReadable = () => {
		let chunk: string | null;
		while ((chunk = stdin.read() as string | null) !== null) got.push(chunk);
	};
	stdin.addListener('readable', onReadable);
	return {
		got,
		text: () => got.join(''),
		stop() {
			stdin.setRawMode(false);
			stdin.removeListener('readable', onReadable);
			stdin.unref();
		},
	};
}

const waitFor = <T>(check: () => T) => vi.waitFor(check, {timeout: 5000, interval: 2});

describe('TerminalInput', () => {
	const opened: TerminalInput[] = [];
	const open = (tty: FakeTty, options = {}) => {
		const input = new TerminalInput(tty, options);
		opened.push(input);
		return input;
	};
	afterEach(() => {
		for (const input of opened.splice(0)) input.dispose();
	});

	it('hands Ink the same bytes (UTF-8 split across reads included), pastes and clicks as events', async () => {
		const tty = new FakeTty();
		const input = open(tty);
		const ink = inkLikeReader(input.stdin);
		const pastes: string[] = [];
		const clicks: MouseEvent[] = [];
		input.on('paste', text => pastes.push(text));
		input.on('mouse', m => clicks.push(m));
		const euro = Buffer.from('€', 'utf8');
		tty.write(Buffer.concat([Buffer.from('ab\x1b[Aé'), euro.subarray(0, 1)]));
		tty.write(Buffer.concat([euro.subarray(1), Buffer.from('\x1b[200~pasted\x1b[201~\x1b[<0;5;6M\x1b[1;5C')]));
		await waitFor(() => expect(ink.text()).toBe('ab\x1b[Aé€\x1b[1;5C'));
		await waitFor(() => expect(clicks).toEqual([mouse('press', 0, 4, 5).mouse]));
		expect(pastes).toEqual(['pasted']);
	});

	it('keeps keys, pastes and clicks in the order typed, within one read', async () => {
		const tty = new FakeTty();
		const input = open(tty);
		const log: string[] = [];
		const stdin = input.stdin;
		stdin.setEncoding('utf8');
		stdin.on('readable', () => {
			let chunk: string | null;
			while ((chunk = stdin.read() as string | null) !== null) log.push(`keys ${chunk}`);
		});
		input.on('paste', text => log.push(`paste ${text}`));
		input.on('mouse', m => log.push(`mouse ${m.kind}`));
		tty.write('a\x1b[200~b\x1b[201~c\x1b[<0;1;1Md\x1b[<65;1;1M');
		await waitFor(() => expect(log).toEqual(['keys a', 'paste b', 'keys c', 'mouse press', 'keys d', 'mouse wheel-down']));
	});

	it('the Esc key reaches Ink after escapeTimeoutMs; ESC and the rest of a report before it is a click', async () => {
		const tty = new FakeTty();
		const input = open(tty, {escapeTimeoutMs: 20});
		const ink = inkLikeReader(input.stdin);
		tty.write('\x1b');
		await waitFor(() => expect(ink.text()).toBe('\x1b'));
		expect(input.pending).toBe('idle');

		const tty2 = new FakeTty();
		const slow = open(tty2, {escapeTimeoutMs: 60_000});
		const slowInk = inkLikeReader(slow.stdin);
		const clicks: MouseEvent[] = [];
		slow.on('mouse', m => clicks.push(m));
		tty2.write('\x1b');
		await waitFor(() => expect(slow.pending).toBe('escape'));
		tty2.write('[<2;3;4M');
		await waitFor(() => expect(clicks).toEqual([mouse('press', 2, 2, 3).mouse]));
		expect(slowInk.text()).toBe('');
	});

	it('owns raw mode: Ink turning it off is ignored until release(); resume() takes the terminal again', async () => {
		const tty = new FakeTty();
		const input = open(tty);
		expect(tty.raw).toBe(true);
		const ink = inkLikeReader(input.stdin);
		ink.stop(); // Ink: no useInput active any more → setRawMode(false)
		expect(input.stdin.isRaw).toBe(false);
		expect(tty.raw).toBe(true);
		expect(tty.rawModes).toEqual([true]);

		// Keys typed meanwhile wait for Ink, not echoed by a cooked terminal.
		tty.write('typed while no one listened');
		const again = inkLikeReader(input.stdin);
		await waitFor(() => expect(again.text()).toBe('typed while no one listened'));

		input.release();
		expect(tty.raw).toBe(false);
		expect(input.active).toBe(false);
		tty.write('for the shell');
		// Released: nothing is read (the bytes stay in the terminal for whoever reads next).
		await waitFor(() => expect(tty.readableLength).toBe('for the shell'.length));
		expect(again.text()).toBe('typed while no one listened');

		input.resume();
		expect(tty.raw).toBe(true);
		await waitFor(() => expect(again.text()).toBe('typed while no one listened' + 'for the shell'));
		expect(tty.rawModes).toEqual([true, false, true]);
	});

	it('leaves raw mode alone on an input that is no TTY', () => {
		const pipe = new PassThrough() as PassThrough & {setRawMode?: (m: boolean) => void};
		const calls: boolean[] = [];
		pipe.setRawMode = m => calls.push(m);
		const input = open(pipe as unknown as FakeTty);
		input.release();
		expect(calls).toEqual([]);
	});
});

/** A stdout Ink can draw on. */
class FakeStdout extends EventEmitter {
	columns = 80;
	rows = 24;
	write = () => true;
}

describe('TerminalInput in front of the real Ink', () => {
	it('Ink reads through it; each editing key arrives with the flags applyKeys expects', async () => {
		const tty = new FakeTty();
		const input = new TerminalInput(tty);
		const seen: {input: string; key: Key}[] = [];
		let field = {value: '', cursor: 0};
		const Field = () => {
			const [, redraw] = useState(0);
			useInput((text, key) => {
				seen.push({input: text, key});
				const edit = applyKeys(field.value, field.cursor, text, key);
				field = {value: edit.value, cursor: edit.cursor};
				redraw(n => n + 1);
			});
			return React.createElement(Text, null, field.value);
		};
		const ink = render(React.createElement(Field), {
			stdin: input.inkStdin,
			stdout: new FakeStdout() as unknown as NodeJS.WriteStream,
			debug: true,
			exitOnCtrlC: false,
			patchConsole: false,
		});
		const press = async (bytes: string) => {
			const before = seen.length;
			tty.write(bytes);
			await waitFor(() => expect(seen.length).toBeGreaterThan(before));
			return seen.at(-1)!;
		};
		try {
			await waitFor(() => expect(input.stdin.isRaw).toBe(true));
			await press('hello world');
			expect(field).toEqual({value: 'hello world', cursor: 11});

			// Backspace: 0x7f, which Ink calls delete (no eventType), erases backwards.
			let k = await press('\x7f');
			expect([k.input, k.key.delete, k.key.backspace, k.key.eventType]).toEqual(['', true, false, undefined]);
			expect(field).toEqual({value: 'hello worl', cursor: 10});
			k = await press('\b');
			expect([k.key.backspace, k.key.delete]).toEqual([true, false]);
			expect(field).toEqual({value: 'hello wor', cursor: 9});

			k = await press('\x1b[D');
			expect(k.key.leftArrow).toBe(true);
			await press('\x1b[D');
			expect(field.cursor).toBe(7);
			// Delete: ESC[3~ reaches Ink marked, erases at the cursor.
			k = await press('\x1b[3~');
			expect([k.input, k.key.delete, k.key.eventType, k.key.ctrl, k.key.meta]).toEqual(['', true, 'press', false, false]);
			expect(field).toEqual({value: 'hello wr', cursor: 7});

			k = await press('\x1b[H');
			expect(k.key.home).toBe(true);
			expect(field.cursor).toBe(0);
			k = await press('\x1b[F');
			expect(k.key.end).toBe(true);
			expect(field.cursor).toBe(8);
			k = await press('\x01');
			expect([k.input, k.key.ctrl]).toEqual(['a', true]);
			expect(field).toEqual({value: 'hello wr', cursor: 0});
			k = await press('\x05');
			expect([k.input, k.key.ctrl]).toEqual(['e', true]);
			expect(field.cursor).toBe(8);

			// Ctrl-W, Ctrl-U, Ctrl-K: edits, never a typed letter.
			k = await press('\x17');
			expect([k.input, k.key.ctrl]).toEqual(['w', true]);
			expect(field).toEqual({value: 'hello ', cursor: 6});
			await press('\x1b[1;5D'); // Ctrl-←
			expect(field.cursor).toBe(0);
			await press('\x1b[C\x1b[C'); // two arrows in one read: Ink passes them one at a time
			await waitFor(() => expect(field.cursor).toBe(2));
			k = await press('\x0b');
			expect([k.input, k.key.ctrl]).toEqual(['k', true]);
			expect(field).toEqual({value: 'he', cursor: 2});
			k = await press('\x15');
			expect([k.input, k.key.ctrl]).toEqual(['u', true]);
			expect(field).toEqual({value: '', cursor: 0});

			// Alt-Backspace erases a word; Alt + a letter types nothing.
			await press('one two');
			k = await press('\x1b\x7f');
			expect([k.key.delete, k.key.meta, k.key.eventType]).toEqual([true, true, undefined]);
			expect(field.value).toBe('one ');
			k = await press('\x1bx');
			expect([k.input, k.key.meta]).toEqual(['x', true]);
			expect(field.value).toBe('one ');

			// Esc, alone, reaches Ink as Esc (after escapeTimeoutMs).
			k = await press('\x1b');
			expect([k.input, k.key.escape]).toEqual(['', true]);

			// Esc, a click and a key read together: Esc, then the key (not Alt + the key).
			const clicks: MouseEvent[] = [];
			input.on('mouse', m => clicks.push(m));
			const n = seen.length;
			tty.write('\x1b\x1b[<0;4;2Mz');
			await waitFor(() => expect(seen.length).toBe(n + 2));
			expect(seen.slice(n).map(e => [e.input, e.key.escape, e.key.meta])).toEqual([
				['', true, true],
				['z', false, false],
			]);
			expect(clicks).toEqual([mouse('press', 0, 3, 1).mouse]);
			await press('\x7f');

			// A held Esc handed on just before the next key arrives (the timeout firing as the
			// key comes in; here release() flushing it): Ink still sees Esc, then the key.
			const m = seen.length;
			tty.write('\x1b');
			await waitFor(() => expect(input.pending).toBe('escape'));
			input.release();
			input.resume();
			tty.write('y');
			await waitFor(() => expect(seen.length).toBe(m + 2));
			expect(seen.slice(m).map(e => [e.input, e.key.escape, e.key.meta])).toEqual([
				['', true, true],
				['y', false, false],
			]);
			await press('\x7f');

			// A paste (its Enter included) and a click: nothing of them reaches useInput.
			const pasted: string[] = [];
			input.on('paste', text => pasted.push(text));
			const before = seen.length;
			tty.write('\x1b[200~two\rlines\x1b[201~\x1b[<0;4;2M');
			await waitFor(() => expect(pasted).toEqual(['two\nlines']));
			k = await press('z');
			expect(seen.length).toBe(before + 1);
			expect(field.value).toBe('one z');
		} finally {
			ink.unmount();
			input.dispose();
		}
		// Unmounting turned raw mode off as far as Ink knows; the terminal stayed raw until release() and dispose().
		expect(tty.rawModes).toEqual([true, false, true, false]);
	});
});
