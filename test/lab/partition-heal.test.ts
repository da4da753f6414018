/**
 * `chain-tui lab --headless --scenario partition-heal`: the real binary starts four node processes
 * joined by links on 127.0.0.1, cuts the line in the middle, lets the halves mine apart, heals,
 * and reports; its last line is the JSON report, its exit code 0 when every expectation held.
 */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {cliPath} from '../helpers/proc.js';

describe('chain-tui lab', () => {
	it('partition-heal on 4 nodes: exit 0, the halves held two tips while cut, every node ends on the heavier one at height 5, the time to converge reported', async () => {
		const {stdout} = await promisify(execFile)(process.execPath, [cliPath, 'lab', '--headless', '--scenario', 'partition-heal', '--nodes', '4'], {timeout: 120_000});
		const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {ok: boolean; expectations: Record<string, boolean>; figures: {nodes: number; linksCut: number; convergeMs: number; heights: number[]}};
		expect(report.expectations).toEqual({
			'the halves held different tips while cut': true,
			'every node ends on the heavier tip': true,
			'every node at height 5': true,
		});
		expect(report.ok).toBe(true);
		expect(report.figures).toMatchObject({nodes: 4, linksCut: 1, heights: [5, 5, 5, 5]});
		expect(report.figures.convergeMs).toBeGreaterThan(0);
	}, 150_000);

	it('bad lab flags exit 2 with one plain line each', async () => {
		const run = (...args: string[]) => promisify(execFile)(process.execPath, [cliPath, 'lab', ...args]).then(
			() => ({code: 0, stderr: ''}),
			(error: {code: number; stderr: string}) => ({code: error.code, stderr: error.stderr}),
		);
		for (const [args, message] of [
			[['--headless', '--scenario', 'nope'], /unknown scenario "nope" \(expected one of: partition-heal\)/],
			[['--headless', '--scenario', 'partition-heal', '--nodes', '1'], /--nodes must be a whole number from 2 to 32/],
			[['--headless', '--scenario', 'partition-heal', '--topology', 'tree'], /--topology must be one of line, ring, star, mesh/],
			[['--scenario', 'partition-heal'], /the lab's screen is not built yet/],
		] as const) {
			const {code, stderr} = await run(...args);
			expect(code, args.join(' ')).toBe(2);
			expect(stderr.trim().split('\n')).toHaveLength(1);
			expect(stderr).toMatch(message);
		}
	});
});
