/**
 * aserti3-2d: the calculation against Bitcoin Cash Node's published vectors (test/vectors/asert,
 * see SOURCE.md there), then the rule as our networks apply it (nextBitsFromTip) and the future
 * time limit scaled to main's spacing.
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {asertTarget, nextBitsFromTip} from '../../source/node/consensus/asert.js';
import {decodeCompact, encodeCompact} from '../../source/node/consensus/pow.js';
import {main, regtest} from '../../source/node/consensus/networks.js';
import {checkHeaderContext} from '../../source/node/consensus/rules.js';
import {Header} from '../../source/node/primitives/header.js';
import {VerifyError} from '../../source/node/errors.js';

// Bitcoin Cash main's parameters, which the vectors were generated with.
const BCH_POW_LIMIT = (1n << 224n) - 1n;
const BCH_SPACING = 600n;
const BCH_HALF_LIFE = 2n * 24n * 3600n;

interface Run {
	name: string;
	anchorHeight: bigint;
	anchorParentTime: bigint;
	anchorBits: number;
	iterations: number;
	rows: {height: bigint; time: bigint; bits: number}[];
}

function readRun(name: string): Run {
	const text = readFileSync(new URL(`../vectors/asert/${name}`, import.meta.url), 'utf8');
	const header = (label: RegExp): string => {
		const match = text.match(new RegExp(`^##\\s+${label.source}:\\s*(\\S+)`, 'm'));
		if (!match) throw new Error(`${name}: no "${label.source}" line`);
		return match[1]!;
	};
	const rows = text
		.split('\n')
		.filter(line => /^\d/.test(line))
		.map(line => {
			const [, height, time, bits] = line.trim().split(/\s+/);
			return {height: BigInt(height!), time: BigInt(time!), bits: Number(bits)};
		});
	return {
		name,
		anchorHeight: BigInt(header(/anchor height/)),
		// The older files say "ancestor", run11 and run12 "parent": the same datum.
		anchorParentTime: BigInt(header(/anchor (?:ancestor|parent) time/)),
		anchorBits: Number(header(/anchor nBits/)),
		iterations: Number(header(/iterations/)),
		rows,
	};
}

const RUNS = Array.from({length: 12}, (_, i) => readRun(`run${String(i + 1).padStart(2, '0')}`));

describe('aserti3-2d against the published vectors', () => {
	it('has all twelve runs with every row the header promises', () => {
		expect(RUNS.map(r => r.rows.length)).toEqual(RUNS.map(r => r.iterations));
		expect(RUNS.reduce((n, r) => n + r.rows.length, 0)).toBe(14_000);
	});

	for (const run of RUNS) {
		it(`${run.name}: every row`, () => {
			const refTarget = decodeCompact(run.anchorBits).target;
			const wrong: string[] = [];
			for (const row of run.rows) {
				const target = asertTarget(refTarget, BCH_SPACING, row.time - run.anchorParentTime, row.height - run.anchorHeight, BCH_POW_LIMIT, BCH_HALF_LIFE);
				const bits = encodeCompact(target);
				if (bits !== row.bits) wrong.push(`height ${row.height} time ${row.time}: ${bits.toString(16)} != ${row.bits.toString(16)}`);
			}
			expect(wrong).toEqual([]);
		});
	}

	it('refuses what BCHN asserts against: a target of 0 or above the limit, a negative height difference', () => {
		expect(() => asertTarget(0n, BCH_SPACING, 600n, 0n, BCH_POW_LIMIT, BCH_HALF_LIFE)).toThrow(RangeError);
		expect(() => asertTarget(BCH_POW_LIMIT + 1n, BCH_SPACING, 600n, 0n, BCH_POW_LIMIT, BCH_HALF_LIFE)).toThrow(RangeError);
		expect(() => asertTarget(1n, BCH_SPACING, 600n, -1n, BCH_POW_LIMIT, BCH_HALF_LIFE)).toThrow(RangeError);
	});

	it('clamps a huge lead to 1 and a huge lag to the limit without building huge numbers', () => {
		expect(asertTarget(1n << 200n, BCH_SPACING, -(2n ** 40n), 0n, BCH_POW_LIMIT, 1n)).toBe(1n);
		expect(asertTarget(1n, BCH_SPACING, 2n ** 40n, 0n, BCH_POW_LIMIT, 1n)).toBe(BCH_POW_LIMIT);
	});
});

describe('nextBitsFromTip on main', () => {
	const g = main.genesis.header;
	const spacing = main.targetSpacing;
	const blockOne = {time: g.time + 5 * 86_400, bits: g.bits}; // days after genesis, as real block 1s are

	it('gives block 1 and block 2 the genesis bits', () => {
		expect(nextBitsFromTip(main, {height: 0, time: g.time, bits: g.bits}, null)).toBe(g.bits);
		// Block 1's time starts the schedule (not genesis's, days before), however late it came.
		expect(nextBitsFromTip(main, {height: 1, ...blockOne}, blockOne)).toBe(g.bits);
	});

	it('keeps the anchor bits on schedule, halves the target one half-life ahead and doubles it one behind', () => {
		const target = decodeCompact(g.bits).target;
		const onSchedule = blockOne.time + 180 * spacing; // block 181
		expect(nextBitsFromTip(main, {height: 181, time: onSchedule, bits: g.bits}, blockOne)).toBe(g.bits);
		expect(main.halfLife).toBe(3600);
		expect(nextBitsFromTip(main, {height: 181, time: onSchedule - 3600, bits: 0}, blockOne)).toBe(encodeCompact(target / 2n));
		expect(nextBitsFromTip(main, {height: 181, time: onSchedule + 3600, bits: 0}, blockOne)).toBe(encodeCompact(target * 2n));
		// prev's own bits play no part: the anchor and the schedule decide.
		expect(nextBitsFromTip(main, {height: 181, time: onSchedule, bits: 0x1d00ffff}, blockOne)).toBe(g.bits);
	});

	it('stops at the pow limit however far behind', () => {
		const limitBits = encodeCompact(main.powLimit);
		expect(nextBitsFromTip(main, {height: 2, time: blockOne.time + 30 * 86_400, bits: g.bits}, blockOne)).toBe(limitBits);
	});

	it('is the genesis bits always on regtest, and needs block 1 on main', () => {
		const r = regtest.genesis.header;
		expect(nextBitsFromTip(regtest, {height: 500, time: r.time + 1, bits: 0x1d00ffff}, {time: r.time, bits: 0x1d00ffff})).toBe(r.bits);
		expect(() => nextBitsFromTip(main, {height: 5, time: g.time, bits: g.bits}, null)).toThrow(/block 1/);
	});
});

describe('future block time on main: 10 minutes, scaled to 20 s blocks', () => {
	const now = main.genesis.header.time + 86_400;
	const ctx = {requiredBits: main.genesis.header.bits, medianTimePast: now - 3600, now};
	const header = (time: number) => new Header(1, new Uint8Array(32), new Uint8Array(32), time, main.genesis.header.bits, 0);

	it('accepts a header exactly 10 minutes ahead and rejects one a second later as time-too-new, unpunished', () => {
		expect(main.maxFutureBlockTime).toBe(600);
		expect(() => checkHeaderContext(header(now + 600), ctx, main)).not.toThrow();
		let error: unknown;
		try {
			checkHeaderContext(header(now + 601), ctx, main);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(VerifyError);
		expect(error).toMatchObject({reason: 'time-too-new', score: 0, kind: 'header'});
	});

	it('keeps Core’s 2 h on regtest', () => {
		const r = regtest.genesis.header;
		const rctx = {requiredBits: r.bits, medianTimePast: now - 3600, now};
		const h = (time: number) => new Header(1, new Uint8Array(32), new Uint8Array(32), time, r.bits, 0);
		expect(() => checkHeaderContext(h(now + 7200), rctx, regtest)).not.toThrow();
		expect(() => checkHeaderContext(h(now + 7201), rctx, regtest)).toThrow(expect.objectContaining({reason: 'time-too-new'}));
	});
});
