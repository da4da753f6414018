/** The line-diffing writer between Ink's whole frames and the terminal (source/ui/terminal/frame-writer.ts). */
import {EventEmitter} from 'node:events';
import {describe, expect, it} from 'vitest';
import {diffRows, fitRows, FrameWriter, ROW_RESET, type Terminal} from '../../source/ui/terminal/frame-writer.js';
import {ERASE_SCREEN, SYNC_BEGIN, SYNC_END} from '../../source/ui/terminal/modes.js';

/** A terminal that records what is written to it. */
class FakeTerminal extends EventEmitter implements Terminal {
	readonly writes: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}

	write(data: string): boolean {
		this.writes.push(data);
		return true;
	}

	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

/** The writer draws on the next turn of the event loop (setImmediate): one turn later it has. */
const drawn = () => new Promise<void>(resolve => setImmediate(resolve));

/** The rows a write put where: `\x1b[row;1H`, the row reset and erased, then text, as diffRows writes them. */
function rowsWritten(out: string): Map<number, string> {
	const rows = new Map<number, string>();
	const re = /\x1b\[(\d+);1H\x1b\[0m\x1b\[2K([^\x1b]*)/g;
	for (let m = re.exec(out); m; m = re.exec(out)) rows.set(Number(m[1]), m[2]!);
	return rows;
}

const erases = (out: string) => out.split(ERASE_SCREEN).length - 1;

const frameOf = (...rows: string[]) => `${rows.join('\n')}\n`;

describe('diffRows', () => {
	it('with nothing on screen writes every row at its absolute position, each erased first', () => {
		const {out, rows} = diffRows(null, ['one', 'two', 'three']);
		expect(rows).toBe(3);
		expect(out).toBe(`\x1b[1;1H${ROW_RESET}one\x1b[2;1H${ROW_RESET}two\x1b[3;1H${ROW_RESET}three`);
	});

	it('writes only the rows that changed', () => {
		const {out, rows} = diffRows(['a', 'b', 'c', 'd'], ['a', 'B', 'c', 'D']);
		expect(rows).toBe(2);
		expect([...rowsWritten(out)]).toEqual([
			[2, 'B'],
			[4, 'D'],
		]);
		expect(diffRows(['a', 'b'], ['a', 'b'])).toEqual({out: '', rows: 0});
	});

	it('erases a row before its text, never after (from the last column an erase would take its cell)', () => {
		const {out} = diffRows(null, ['0123456789', '日'.repeat(10)]);
		expect(out).not.toContain('\x1b[K');
		expect(out.endsWith('0123456789') || out.endsWith('日'.repeat(10))).toBe(true);
		for (const [, text] of rowsWritten(out)) expect(text.length).toBeGreaterThan(0);
	});
});

describe('fitRows', () => {
	it('pads a short frame with empty rows to exactly the terminal rows', () => {
		expect(fitRows('a\nb\n', 4)).toEqual(['a', 'b', '', '']);
		expect(fitRows('a\nb', 4)).toEqual(['a', 'b', '', '']);
	});

	it('cuts a tall frame to the terminal rows (nothing may scroll)', () => {
		expect(fitRows('1\n2\n3\n4\n5\n', 3)).toEqual(['1', '2', '3']);
	});

	it('a frame of exactly the rows, with or without the trailing newline, stays as it is', () => {
		expect(fitRows('1\n2\n3\n', 3)).toEqual(['1', '2', '3']);
		expect(fitRows('1\n2\n3', 3)).toEqual(['1', '2', '3']);
		// An empty last row is a row.
		expect(fitRows('1\n2\n\n', 3)).toEqual(['1', '2', '']);
	});
});

describe('FrameWriter', () => {
	it('the first frame erases the screen and draws every row, inside one synchronized update', async () => {
		const term = new FakeTerminal(20, 4);
		const writer = new FrameWriter(term);
		writer.stream.write(frameOf('status', 'body', 'footer'));
		expect(term.writes).toEqual([]); // not before the next turn
		await drawn();
		expect(term.writes).toHaveLength(1);
		const out = term.writes[0]!;
		expect(out.startsWith(SYNC_BEGIN)).toBe(true);
		expect(out.endsWith(SYNC_END)).toBe(true);
		expect(erases(out)).toBe(1);
		expect([...rowsWritten(out)]).toEqual([
			[1, 'status'],
			[2, 'body'],
			[3, 'footer'],
			[4, ''],
		]);
		expect(writer.stats).toMatchObject({frames: 1, redraws: 1, rows: 4, erases: 1});
	});

	it('later frames write only their changed rows and never erase; an unchanged frame writes nothing', async () => {
		const term = new FakeTerminal(20, 3);
		const writer = new FrameWriter(term);
		writer.stream.write(frameOf('height 1', 'block a', '? help'));
		await drawn();
		writer.stream.write(frameOf('height 2', 'block a', '? help'));
		await drawn();
		expect(term.writes).toHaveLength(2);
		expect(erases(term.writes[1]!)).toBe(0);
		expect([...rowsWritten(term.writes[1]!)]).toEqual([[1, 'height 2']]);
		writer.stream.write(frameOf('height 2', 'block a', '? help'));
		await drawn();
		expect(term.writes).toHaveLength(2);
		expect(writer.stats).toMatchObject({frames: 3, redraws: 2, rows: 4, erases: 1});
	});

	it('frames handed over in one tick are coalesced: only the last is drawn', async () => {
		const term = new FakeTerminal(20, 2);
		const writer = new FrameWriter(term);
		writer.stream.write(frameOf('first', 'x'));
		writer.stream.write(frameOf('second', 'x'));
		writer.stream.write(frameOf('third', 'x'));
		await drawn();
		expect(term.writes).toHaveLength(1);
		expect(term.writes[0]).not.toContain('first');
		expect(term.writes[0]).not.toContain('second');
		expect(rowsWritten(term.writes[0]!).get(1)).toBe('third');
		expect(writer.stats).toMatchObject({frames: 3, redraws: 1});
		// The next tick's frames are diffed against what was drawn, not against the dropped ones.
		writer.stream.write(frameOf('first', 'x'));
		writer.stream.write(frameOf('third', 'y'));
		await drawn();
		expect([...rowsWritten(term.writes[1]!)]).toEqual([[2, 'y']]);
	});

	it('a frame taller than the terminal is cut: no row is written past the last', async () => {
		const term = new FakeTerminal(20, 3);
		const writer = new FrameWriter(term);
		writer.stream.write(frameOf('1', '2', '3', '4', '5'));
		await drawn();
		expect([...rowsWritten(term.writes[0]!).keys()]).toEqual([1, 2, 3]);
	});

	it('after a resize the next frame erases and draws whole, and the one after does not erase', async () => {
		const term = new FakeTerminal(20, 3);
		const writer = new FrameWriter(term);
		const seen: string[] = [];
		writer.stream.on('resize', () => seen.push(`${writer.stream.columns}x${writer.stream.rows}`));
		writer.stream.write(frameOf('a', 'b', 'c'));
		await drawn();
		term.resize(30, 4);
		// Ink hears of it through its stdout, which reports the new size.
		expect(seen).toEqual(['30x4']);
		writer.stream.write(frameOf('a', 'b', 'c', 'd'));
		await drawn();
		expect(erases(term.writes[1]!)).toBe(1);
		expect([...rowsWritten(term.writes[1]!)]).toEqual([
			[1, 'a'],
			[2, 'b'],
			[3, 'c'],
			[4, 'd'],
		]);
		writer.stream.write(frameOf('a', 'B', 'c', 'd'));
		await drawn();
		expect(erases(term.writes[2]!)).toBe(0);
		expect([...rowsWritten(term.writes[2]!)]).toEqual([[2, 'B']]);
		expect(writer.stats.erases).toBe(2);
	});

	it('over many frames only the first and the ones after resizes erase', async () => {
		const term = new FakeTerminal(40, 5);
		const writer = new FrameWriter(term);
		const erasing: number[] = [];
		for (let i = 0; i < 30; i++) {
			if (i === 10 || i === 20) term.resize(40 + i, 5);
			writer.stream.write(frameOf(`frame ${i}`, 'same', `${i % 3}`));
			await drawn();
			if (erases(term.writes[term.writes.length - 1]!) > 0) erasing.push(i);
		}
		expect(erasing).toEqual([0, 10, 20]);
	});

	it('Ctrl-L (redrawAll) erases and draws the last frame whole', async () => {
		const term = new FakeTerminal(20, 2);
		const writer = new FrameWriter(term);
		writer.stream.write(frameOf('top', 'bottom'));
		await drawn();
		writer.redrawAll();
		await drawn();
		expect(term.writes).toHaveLength(2);
		expect(erases(term.writes[1]!)).toBe(1);
		expect([...rowsWritten(term.writes[1]!)]).toEqual([
			[1, 'top'],
			[2, 'bottom'],
		]);
	});

	it('stopped, it writes nothing and ignores resizes; started again, it draws the whole screen', async () => {
		const term = new FakeTerminal(20, 2);
		const writer = new FrameWriter(term);
		writer.stream.write(frameOf('one', 'x'));
		await drawn();
		writer.stop();
		expect(term.listenerCount('resize')).toBe(0);
		writer.stream.write(frameOf('two', 'x'));
		await drawn();
		expect(term.writes).toHaveLength(1);
		writer.start();
		expect(term.listenerCount('resize')).toBe(1);
		await drawn();
		expect(term.writes).toHaveLength(2);
		expect(erases(term.writes[1]!)).toBe(1);
		expect([...rowsWritten(term.writes[1]!)]).toEqual([
			[1, 'two'],
			[2, 'x'],
		]);
	});

	it('its stream is the size of the terminal, as a TTY (Ink reads both)', () => {
		const term = new FakeTerminal(123, 45);
		const writer = new FrameWriter(term);
		expect([writer.stream.columns, writer.stream.rows, writer.stream.isTTY]).toEqual([123, 45, true]);
	});
});
