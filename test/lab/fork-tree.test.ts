import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {buildForkTree, commonAncestor, laneText, type HeaderInfo, type TreeRow} from '../../source/lab/screen/fork-tree.js';

/** A header cache from branches: each branch is [name of its fork parent, length]. */
function chain(headers: Map<string, HeaderInfo>, from: string | null, length: number, prefix: string): string[] {
	const hashes: string[] = [];
	let prev = from;
	let height = from === null ? -1 : headers.get(from)!.height;
	for (let i = 0; i < length; i++) {
		height++;
		const hash = `${prefix}${height}`;
		headers.set(hash, {hash, height, prev});
		hashes.push(hash);
		prev = hash;
	}
	return hashes;
}

const draw = (rows: readonly TreeRow[]) =>
	rows.map(r => `${r.lanes.map(laneText).join('')}${r.kind === 'block' ? `#${r.height} ${r.hash}${r.nodes.length ? ` [${r.nodes.join(' ')}]` : ''}` : r.kind === 'run' ? `${r.folded} blocks` : `${r.folded} blocks down to genesis`}`.trimEnd());

describe('fork tree', () => {
	it('one chain: the tips, the blocks between folded, and the blocks below the lowest tip counted down to genesis', () => {
		const headers = new Map<string, HeaderInfo>();
		const main = chain(headers, null, 21, 'a');
		const tree = buildForkTree([{hash: main[20]!, nodes: [0, 1]}, {hash: main[15]!, nodes: [2]}], headers);
		expect(tree.base?.hash).toBe('a15');
		expect(draw(tree.rows)).toEqual(['● #20 a20 [0 1]', '┆ 4 blocks', '● #15 a15 [2]', '15 blocks down to genesis']);
	});

	it('a fork: the heavier branch keeps lane 0, the other leaves it at the fork and joins there', () => {
		const headers = new Map<string, HeaderInfo>();
		const main = chain(headers, null, 6, 'a'); // a0..a5
		const left = chain(headers, 'a3', 4, 'b'); // b4..b7
		const tree = buildForkTree([{hash: main[5]!, nodes: [0]}, {hash: left[3]!, nodes: [1, 2]}], headers);
		expect(tree.base?.hash).toBe('a3');
		expect(draw(tree.rows)).toEqual(['●   #7 b7 [1 2]', '┆   3 blocks', '│ ● #5 a5 [0]', '│ ┆ 1 blocks', '●─┘ #3 a3', '3 blocks down to genesis']);
	});

	it('three branches from one fork, and a stale tip no node is on drawn hollow', () => {
		const headers = new Map<string, HeaderInfo>();
		chain(headers, null, 3, 'a'); // a0..a2
		const b = chain(headers, 'a2', 3, 'b'); // b3..b5
		const c = chain(headers, 'a2', 2, 'c'); // c3..c4
		const d = chain(headers, 'a2', 1, 'd'); // d3
		const tree = buildForkTree([{hash: b[2]!, nodes: [0]}, {hash: c[1]!, nodes: [1]}, {hash: d[0]!, nodes: []}], headers);
		expect(draw(tree.rows)).toEqual(['●     #5 b5 [0]', '┆     2 blocks', '│ ●   #4 c4 [1]', '│ ┆   1 blocks', '│ │ ○ #3 d3', '●─┴─┘ #2 a2', '2 blocks down to genesis']);
	});

	it('branches of equal height, a branch off a branch, and forks at several heights: every lane runs unbroken from its tip to its fork', () => {
		const split = new Map<string, HeaderInfo>();
		chain(split, null, 4, 'a');
		chain(split, 'a3', 2, 'A');
		chain(split, 'a3', 2, 'B');
		expect(draw(buildForkTree([{hash: 'A5', nodes: [0, 1]}, {hash: 'B5', nodes: [2, 3]}], split).rows)).toEqual(['●   #5 A5 [0 1]', '│ ● #5 B5 [2 3]', '┆ │ 1 blocks', '│ ┆ 1 blocks', '●─┘ #3 a3', '3 blocks down to genesis']);

		const nested = new Map<string, HeaderInfo>();
		chain(nested, null, 12, 'a');
		chain(nested, 'a7', 4, 'b');
		chain(nested, 'a3', 5, 'c');
		expect(draw(buildForkTree([{hash: 'a11', nodes: [0]}, {hash: 'b11', nodes: [1]}, {hash: 'c8', nodes: [2]}], nested).rows)).toEqual([
			'●     #11 a11 [0]',
			'│ ●   #11 b11 [1]',
			'┆ │   3 blocks',
			'│ ┆   3 blocks',
			'│ │ ● #8 c8 [2]',
			'│ │ ┆ 4 blocks',
			'●─┘ │ #7 a7',
			'┆   │ 3 blocks',
			'●───┘ #3 a3',
			'3 blocks down to genesis',
		]);
	});

	it('a tip no node is on is drawn hollow wherever it lies, inside another branch too', () => {
		const headers = new Map<string, HeaderInfo>();
		chain(headers, null, 8, 'a');
		chain(headers, 'a3', 6, 'b');
		const rows = buildForkTree([{hash: 'a7', nodes: [0]}, {hash: 'b9', nodes: [1]}, {hash: 'b6', nodes: []}], headers).rows;
		expect(draw(rows).find(r => r.includes('#6 b6'))).toMatch(/^│ ○ #6 b6$|^○ │ #6 b6$/);
	});

	it('common ancestor asks for the first header it lacks', () => {
		const headers = new Map<string, HeaderInfo>();
		chain(headers, null, 3, 'a');
		headers.set('x5', {hash: 'x5', height: 5, prev: 'x4'});
		expect(commonAncestor(['a2', 'x5'], headers)).toEqual({base: null, missing: 'x4'});
		expect(commonAncestor(['a2', 'nope'], headers)).toEqual({base: null, missing: 'nope'});
	});

	it('random trees: every tip gets a row with its nodes, rows run newest first, folded counts add up, every lane unbroken from its tip to its fork', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.nat(30), fc.integer({min: 1, max: 12})), {minLength: 1, maxLength: 6}), branches => {
				const headers = new Map<string, HeaderInfo>();
				const trunk = chain(headers, null, 31, 't');
				const tips = [{hash: trunk[30]!, nodes: [0]}];
				branches.forEach(([at, length], i) => {
					const hashes = chain(headers, trunk[at]!, length, `b${i}-`);
					tips.push({hash: hashes.at(-1)!, nodes: [i + 1]});
				});
				const tree = buildForkTree(tips, headers);
				for (const t of tips) expect(tree.rows.find(r => r.kind === 'block' && r.hash === t.hash)?.nodes).toEqual(t.nodes);
				const heights = tree.rows.filter(r => r.kind !== 'base').map(r => r.height);
				expect(heights).toEqual([...heights].sort((a, b) => b - a));
				// Lane 0 from the highest tip down: its blocks and runs count every height to the base.
				const lane0 = tree.rows.filter(r => r.lanes[0] === 'block' || r.lanes[0] === 'run' || r.lanes[0] === 'fork');
				const counted = lane0.reduce((n, r) => n + (r.kind === 'run' ? r.folded : 1), 0);
				const top = Math.max(...tips.map(t => headers.get(t.hash)!.height));
				expect(counted).toBe(top - tree.base!.height + 1);
				expect(tree.rows.every(r => r.kind === 'base' || r.lanes.length === tree.rows[0]!.lanes.length)).toBe(true);
				// Every lane is drawn on one unbroken run of rows: from its tip (the first) to its fork (the last).
				const drawn = tree.rows.filter(r => r.kind !== 'base');
				for (let l = 0; l < (drawn[0]?.lanes.length ?? 0); l++) {
					const on = drawn.flatMap((r, i) => (r.lanes[l] === 'none' || r.lanes[l] === 'across' ? [] : [i]));
					expect(on, `lane ${l}`).toEqual(Array.from({length: on.length}, (_, k) => on[0]! + k));
					if (l > 0) expect(['join', 'join-mid'], `lane ${l} ends at its fork`).toContain(drawn[on.at(-1)!]!.lanes[l]);
				}
			}),
			{numRuns: 200},
		);
	});
});
