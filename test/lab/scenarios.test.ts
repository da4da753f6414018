/**
 * `chain-tui lab --headless --scenario NAME`: the real binary starts node processes joined by links
 * on 127.0.0.1, runs the scenario (partition-heal: cuts the line in the middle, lets the halves mine
 * apart, heals) and reports; its last line is the JSON report, its exit code 0 when every
 * expectation held. npm test runs partition-heal and double-spend on 4 regtest nodes and the
 * refusals; npm run test:lab (LAB_ALL) every scenario, deep-reorg on posregtest too.
 */
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {cliPath} from '../helpers/proc.js';

async function scenario(name: string, ...flags: string[]): Promise<{ok: boolean; expectations: Record<string, boolean>; figures: Record<string, unknown>}> {
	// Exit 1 (an expectation failed, or a wait timed out) still prints the report: read it either way,
	// so a failure shows the report's own error.
	const stdout = await promisify(execFile)(process.execPath, [cliPath, 'lab', '--headless', '--scenario', name, ...(flags.length > 0 ? flags : ['--nodes', '4'])], {timeout: 150_000}).then(
		r => r.stdout,
		(error: {stdout?: string; message: string}) => error.stdout || error.message,
	);
	return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('chain-tui lab', () => {
	it('partition-heal on 4 nodes: exit 0, the halves held two tips while cut, every node ends on the heavier one at height 5, the time to converge reported', async () => {
		const report = (await scenario('partition-heal')) as {ok: boolean; expectations: Record<string, boolean>; figures: {nodes: number; linksCut: number; convergeMs: number; heights: number[]}};
		expect(report.expectations).toEqual({
			'the halves held different tips while cut': true,
			'every node ends on the heavier tip': true,
			'every node at height 5': true,
		});
		expect(report.ok).toBe(true);
		expect(report.figures).toMatchObject({nodes: 4, linksCut: 1, heights: [5, 5, 5, 5]});
		expect(report.figures.convergeMs).toBeGreaterThan(0);
	}, 150_000);

	it('double-spend on 4 nodes: exit 0, A\'s wallet copied to B, the same coin paid in each half; after the heal the heavier half\'s payment is confirmed, the other is confirmed nowhere and in no mempool, and both wallets show the same balance', async () => {
		const report = await scenario('double-spend');
		expect(report.expectations).toEqual({
			'both payments spent the same coin': true,
			"the heavier half's payment is confirmed": true,
			'the other payment is confirmed nowhere': true,
			'the other payment is in no mempool': true,
			'both wallets show the same balance': true,
		});
		expect(report.ok).toBe(true);
	}, 150_000);

	// The other scenarios in npm run test:lab (partition-heal and double-spend above stand for them in npm test).
	it.skipIf(!process.env.LAB_ALL)('deep-reorg on 4 nodes: exit 0, every node switches to the released 7-block chain (a 4-block reorganisation), each switch timed', async () => {
		const report = await scenario('deep-reorg');
		expect(report.expectations).toEqual({'every node switched to the released chain': true, 'every node at height 8': true});
		expect(report.figures).toMatchObject({nodes: 4, reorgDepth: 4});
		expect((report.figures.switchedMs as number[]).every(ms => ms >= 0)).toBe(true);
	}, 150_000);

	it.skipIf(!process.env.LAB_ALL)('late-joiner on 4 nodes: exit 0, a fifth node joins during mining, reaches block 300, then follows 3 new blocks; its sync rate reported', async () => {
		const report = await scenario('late-joiner');
		expect(report.expectations).toEqual({'the joiner reached block 300': true, 'the joiner then followed 3 new blocks': true, 'every node on one tip': true});
		expect(report.figures).toMatchObject({nodes: 5, syncedBlocks: 300});
		expect(report.figures.blocksPerSecond as number).toBeGreaterThan(0);
	}, 150_000);

	it.skipIf(!process.env.LAB_ALL)('churn on 4 nodes: exit 0, nodes killed with SIGKILL and restarted 4 times while mining, every node on one tip with the same UTXO set hash', async () => {
		const report = await scenario('churn');
		expect(report.expectations).toEqual({'every node on one tip': true, "every node's UTXO set hash agrees": true});
		expect((report.figures.kills as string[]).length).toBe(4);
	}, 150_000);

	it.skipIf(!process.env.LAB_ALL)('deep-reorg on 4 posregtest nodes: exit 0, the attacker\'s staked branch forks more than the 20-block limit below the public tip with more work; every public node refuses it, stays on its tip, takes in none of it and says so in its log', async () => {
		const report = await scenario('deep-reorg', '--nodes', '4', '--network', 'posregtest');
		expect(report.expectations).toEqual({
			'the private branch has more work than the public chain': true,
			'the branch forks more than 20 blocks below the public tip': true,
			'every public node refused the branch and says so in its log': true,
			'every public node stayed on its tip': true,
			'no public node took in the branch (getchaintips)': true,
			'the attacker stayed on its branch': true,
		});
		expect(report.ok).toBe(true);
		const figures = report.figures as {maxReorgDepth: number; reorgDepth: number; refusedMs: (number | null)[]; said: string};
		expect(figures.reorgDepth).toBeGreaterThan(figures.maxReorgDepth);
		expect(figures.refusedMs.slice(0, 3).every(ms => ms !== null && ms >= 0)).toBe(true);
		expect(figures.said).toMatch(/offers a branch leaving our chain at height \d+, \d+ blocks below our tip, deeper than the 20-block limit: refused/);
	}, 150_000);

	it.skipIf(!process.env.LAB_ALL)('partition-heal on 4 posregtest nodes: exit 0, the halves stake apart (a third and two thirds of the stake), and after the heal every node ends on the heavier tip, the lighter branch reorganised away within the 20-block limit', async () => {
		const report = await scenario('partition-heal', '--nodes', '4', '--network', 'posregtest');
		expect(report.expectations).toEqual({
			'the halves held different tips while cut': true,
			'every node ends on the heavier tip': true,
			'the lighter branch reorganised away within the 20-block limit': true,
		});
		expect(report.ok).toBe(true);
		const figures = report.figures as {leftBlocks: number; rightBlocks: number; heights: number[]};
		expect(Math.min(figures.leftBlocks, figures.rightBlocks)).toBeGreaterThanOrEqual(3);
		expect(new Set(figures.heights).size).toBe(1);
	}, 150_000);

	it.skipIf(!process.env.LAB_ALL)('churn on 4 posregtest nodes: exit 0, the first node stakes on a fast clock while others are killed with SIGKILL and restarted 4 times, every node on one tip with the same UTXO set hash', async () => {
		const report = await scenario('churn', '--nodes', '4', '--network', 'posregtest');
		expect(report.expectations).toEqual({'every node on one tip': true, "every node's UTXO set hash agrees": true});
		expect(report.figures).toMatchObject({network: 'posregtest'});
		expect(report.figures.height as number).toBeGreaterThanOrEqual(10 + 4 * (5 + 3));
	}, 150_000);

	it.skipIf(!process.env.LAB_ALL)('partition-heal on a 5-node mesh: exit 0, the links between the halves cut (6), every node on the heavier tip', async () => {
		const report = await scenario('partition-heal', '--nodes', '5', '--topology', 'mesh');
		expect(report.ok).toBe(true);
		expect(report.figures).toMatchObject({nodes: 5, linksCut: 6, heights: [5, 5, 5, 5, 5]});
	}, 150_000);

	it('partition-heal on a star says plainly that its halves are not joined by links (the leaves meet only at the hub), exit 1', async () => {
		const report = (await scenario('partition-heal', '--nodes', '4', '--topology', 'star')) as {ok: boolean; error?: string};
		expect(report.ok).toBe(false);
		expect(report.error).toBe('partition-heal splits the nodes in two halves that must each be joined by links; in this star n2, n3 are not');
	}, 150_000);

	it('bad lab flags exit 2 with one plain line each', async () => {
		const run = (...args: string[]) => promisify(execFile)(process.execPath, [cliPath, 'lab', ...args]).then(
			() => ({code: 0, stderr: ''}),
			(error: {code: number; stderr: string}) => ({code: error.code, stderr: error.stderr}),
		);
		for (const [args, message] of [
			[['--headless', '--scenario', 'nope'], /unknown scenario "nope" \(expected one of: partition-heal, deep-reorg, late-joiner, churn, double-spend\)/],
			[['--headless', '--scenario', 'partition-heal', '--nodes', '1'], /--nodes must be a whole number from 2 to 32/],
			[['--headless', '--scenario', 'partition-heal', '--topology', 'tree'], /--topology must be one of line, ring, star, mesh/],
			[['--scenario', 'partition-heal'], /--scenario runs headless: add --headless/],
			[['--headless', '--scenario', 'late-joiner', '--network', 'posregtest'], /late-joiner runs on regtest, not posregtest/],
		] as const) {
			const {code, stderr} = await run(...args);
			expect(code, args.join(' ')).toBe(2);
			expect(stderr.trim().split('\n')).toHaveLength(1);
			expect(stderr).toMatch(message);
		}
	});
});
