import {describe, expect, it} from 'vitest';
import {drawMap, type MapLink, type MapNode} from '../../source/lab/screen/network-map.js';
import {bytes} from '../../source/store/format.js';

const nodes = (n: number, height = 5): MapNode[] => Array.from({length: n}, (_, i) => ({name: `n${i}`, height, tipColour: 0, up: true}));
const text = (rows: ReturnType<typeof drawMap>) => rows.map(r => r.segments.map(s => s.text).join('').trimEnd());

describe('network map', () => {
	it('a line of four: names and heights (with the tip letter) in columns, one row a link spanning its two nodes, a cut link broken in the middle', () => {
		const links: MapLink[] = [
			{a: 0, b: 1, cut: false, pairs: 1, bytes: 1200},
			{a: 1, b: 2, cut: true, pairs: 0, bytes: 900},
			{a: 2, b: 3, cut: false, pairs: 0, bytes: 0},
		];
		const rows = drawMap(nodes(4), links, 80);
		expect(text(rows)).toEqual([
			'n0        n1        n2        n3',
			'#5 A      #5 A      #5 A      #5 A',
			'├─────────┤                              n0–n1 up 1.2 kB',
			'          ├────╳────┤                    n1–n2 cut',
			'                    ├─────────┤          n2–n3 idle 0 B',
		]);
		expect(rows.map(r => r.link)).toEqual([null, null, 0, 1, 2]);
		// The cut link is toned as cut; heights carry their tip's colour.
		expect(rows[3]!.segments[1]!.tone).toEqual({kind: 'cut'});
		expect(rows[1]!.segments[0]!.tone).toEqual({kind: 'tip', colour: 0});
	});

	it('a link drawn from its higher node to its lower spans the same columns (a ring closing back to n0)', () => {
		const rows = drawMap(nodes(3), [{a: 2, b: 0, cut: false, pairs: 1, bytes: 10}], 80);
		expect(text(rows)[2]).toBe('├───────────────────┤          n2–n0 up 10 B');
	});

	it('a node that is down says so in place of its height', () => {
		const rows = drawMap([{name: 'n0', height: null, tipColour: null, up: false}, ...nodes(1)], [], 60);
		expect(text(rows)[1]).toMatch(/^down\s+#5 A$/);
		expect(rows[1]!.segments[0]!.tone).toEqual({kind: 'down'});
	});

	it('too many nodes for columns: one row a link, both ends named with their heights', () => {
		const many = nodes(12);
		const rows = drawMap(many, [{a: 0, b: 11, cut: true, pairs: 0, bytes: 0}, {a: 3, b: 4, cut: false, pairs: 2, bytes: 2_500_000}], 60);
		expect(text(rows)).toEqual(['n0  #5 A     ──╳── n11 #5 A     cut', 'n3  #5 A     ───── n4  #5 A     up 2.5 MB']);
	});

	it('a height and its tip letter always fit their column: six nodes at height 12345 in 120 columns', () => {
		const rows = drawMap(nodes(6, 12345), [{a: 0, b: 5, cut: false, pairs: 1, bytes: 5}], 120);
		expect(text(rows)[1]).toBe('#12345 A  #12345 A  #12345 A  #12345 A  #12345 A  #12345 A');
		// Too wide for columns at 60: one row a link, nothing cut short.
		expect(text(drawMap(nodes(6, 12345), [{a: 0, b: 5, cut: false, pairs: 1, bytes: 5}], 60))).toEqual(['n0  #12345 A ───── n5  #12345 A up 5 B']);
	});

	it('link bytes in the units the app uses', () => {
		expect([bytes(999), bytes(1000), bytes(123_456), bytes(7_200_000)]).toEqual(['999 B', '1.0 kB', '123.5 kB', '7.2 MB']);
	});
});
