/**
 * The stake pane from a fixed snapshot: on a proof-of-stake network it takes the miner's place
 * (5, in every layout) and shows my coins and weight against the network's, the chance per slot
 * and time to a block, blocks won against expected, and the last slots' best kernels against
 * their targets; each reason for not staking said plainly; `t` starts staking or asks for the
 * passphrase first.
 */
import {describe, expect, it} from 'vitest';
import stringWidth from 'string-width';
import type {Actions} from '../../source/store/actions.js';
import type {Snapshot, StakeView} from '../../source/store/snapshot.js';
import {helpLines} from '../../source/ui/help.js';
import {chanceText, kernelBar} from '../../source/ui/panes/stake.js';
import {fixtureActions, fixtureApp, HEIGHT, NOW, snapshot as s} from './fixtures.js';
import {frameProblems, mount, paneText, renderAt, type Size} from './render-at.js';

const COIN = 100_000_000n;
const SLOT = 16;

export const stake: StakeView = {
	enabled: true,
	staking: true,
	reason: null,
	coins: 3,
	weight: 150n * COIN,
	netWeight: 2000n * COIN,
	chancePerSlot: 0.0125,
	expectedSeconds: SLOT / 0.0125,
	won: 4,
	expected: 3.7,
	slotsTried: 300,
	lastTries: [
		{slot: NOW - 4 * SLOT, height: HEIGHT, coins: 3, best: 1.42, won: false},
		{slot: NOW - 3 * SLOT, height: HEIGHT, coins: 3, best: 0.31, won: true},
		{slot: NOW - 2 * SLOT, height: HEIGHT + 1, coins: 3, best: 2.75, won: false},
		{slot: NOW - SLOT, height: HEIGHT + 1, coins: 3, best: 812.5, won: false},
	],
	height: HEIGHT + 1,
	bits: 0x1e00ffff,
	slot: SLOT,
	powBlocks: 10,
};

const pos: Snapshot = {...s, network: 'posregtest', stake, miner: {...s.miner, running: false}, wallet: {...s.wallet, locked: false}};
const with_ = (st: Partial<StakeView>, snap: Partial<Snapshot> = {}): Snapshot => ({...pos, ...snap, stake: {...stake, ...st}});

const SIZES: readonly Size[] = [
	{columns: 80, rows: 24},
	{columns: 100, rows: 30},
	{columns: 120, rows: 40},
	{columns: 200, rows: 60},
];

/** The stake pane's rows at `size` (focused with 5 first, so one-pane mode shows it too). */
async function stakeRows(snapshot: Snapshot, size: Size = {columns: 120, rows: 40}): Promise<{rows: string[]; frame: string}> {
	const app = mount(fixtureApp(snapshot, {size}), size);
	try {
		await app.settle();
		await app.press('5');
		const frame = app.lastFrame();
		const rows = paneText(frame, '5 stake').map(r => r.trimEnd());
		while (rows.length > 0 && rows.at(-1) === '') rows.pop();
		return {rows, frame};
	} finally {
		app.unmount();
	}
}

describe('the stake pane', () => {
	it.each(SIZES)('takes the miner pane\'s place at %o, inside its box', async size => {
		const {frame, rows} = await stakeRows(pos, size);
		expect(frameProblems(frame, size)).toEqual([]);
		for (const line of frame.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(size.columns);
		expect(frame).not.toContain('5 miner');
		expect(frame).toContain('5 stake');
		expect(rows[0]).toBe('staking · 3 coins · 150.00 weight');
		expect(rows[1]).toBe('network 2000.00 · chance 1.25% a 16s slot');
		expect(frame).toMatch(/5 stake {2}300 slots tried /);
	});

	it('at 100x30 (four rows) keeps the numbers and the hint, no slot rows', async () => {
		const {rows} = await stakeRows(pos, {columns: 100, rows: 30});
		expect(rows).toEqual(['staking · 3 coins · 150.00 weight', 'network 2000.00 · chance 1.25% a 16s slot', 'won 4 · expected 3.7 · next block in ~21m 20s', 't stops staking · b: BPM into the next block']);
	});

	it('shows coins and weight, network weight, chance per slot, expected time, won against expected, the last slots', async () => {
		const {rows} = await stakeRows(pos, {columns: 200, rows: 60});
		expect(rows).toContain('won 4 · expected 3.7 · next block in ~21m 20s');
		// The last slots, newest first: the best kernel as a share of its target, under 1 wins.
		const slots = rows.filter(r => /^\d\d:\d\d:\d\d #\d+/.test(r));
		expect(slots).toHaveLength(4);
		expect(slots[0]).toMatch(/#1235 █{10} 8\.1e\+2$/);
		expect(slots[1]).toMatch(/#1235 █{10} 2\.75$/);
		expect(slots[2]).toMatch(/#1234 ██···│···· 0\.31 ✓ won$/);
		expect(slots[3]).toMatch(/#1234 ███████··· 1\.42$/);
		expect(rows.at(-1)).toBe('t stops staking · b: BPM into the next block');
	});

	it('at 120x40 (a short pane) keeps the numbers and the newest slots, and the hint last', async () => {
		const {rows} = await stakeRows(pos);
		expect(rows[1]).toContain('chance 1.25%');
		expect(rows[2]).toBe('won 4 · expected 3.7 · next block in ~21m 20s');
		expect(rows.at(-1)).toContain('t stops staking');
		expect(rows.some(r => r.includes('8.1e+2'))).toBe(true);
	});

	it('says plainly why it does not stake', async () => {
		const first = async (snapshot: Snapshot) => (await stakeRows(snapshot)).rows[0];
		expect(await first(with_({enabled: false, staking: false, reason: 'disabled'}))).toBe('off · t starts staking');
		expect(await first(with_({enabled: false, staking: false, reason: 'disabled'}, {wallet: {...s.wallet, encrypted: true, locked: true}}))).toBe('off · t starts staking (asks for the passphrase)');
		expect(await first(with_({staking: false, reason: 'locked'}))).toBe('locked: t asks for the passphrase');
		expect(await first(with_({staking: false, reason: 'bootstrap', height: 4}))).toBe('mined bootstrap: blocks 1-10 are mined (g/m)');
		expect(await first(with_({staking: false, reason: 'no-coins'}))).toBe('no coin old enough to stake yet');
		expect(await first(with_({staking: false, reason: 'syncing'}))).toBe('catching up with peers: staking waits until synced');
		// Off during the bootstrap: both said.
		const off = (await stakeRows(with_({enabled: false, staking: false, reason: 'disabled', height: 4, lastTries: [], slotsTried: 0}))).rows;
		expect(off.slice(0, 2)).toEqual(['off · t starts staking', 'mined bootstrap: blocks 1-10 are mined (g/m)']);
		expect(off.at(-1)).toBe('t starts staking · g mines one');
		// m mines the bootstrap: the pane says which block.
		const mining = (await stakeRows(with_({enabled: false, staking: false, reason: 'disabled', height: 4}, {miner: {...s.miner, running: true}}))).rows;
		expect(mining[1]).toBe('mining the bootstrap: block 4 of 10 (m stops)');
	});

	it('a kernel bar: the target in the middle, shares 0-2 across, a no-try slot blank; chances as percentages', () => {
		expect(kernelBar(0)).toBe('·····│····');
		expect(kernelBar(1)).toBe('█████│····');
		expect(kernelBar(0.31)).toBe('██···│····');
		expect(kernelBar(2.75)).toBe('██████████');
		expect(kernelBar(null)).toBe(' '.repeat(10));
		expect(chanceText(0)).toBe('0%');
		expect(chanceText(0.0125)).toBe('1.25%');
		expect(chanceText(0.000012)).toBe('0.0012%');
	});

	it('t starts staking; with the wallet locked it asks for the passphrase first', async () => {
		const size = {columns: 100, rows: 30};
		const calls: string[] = [];
		const actions = {
			...fixtureActions,
			toggleStaking: async () => {
				calls.push('toggle');
				return {ok: true, value: calls.length === 1 ? 'started' : 'locked'};
			},
			startStaking: async (passphrase: string) => {
				calls.push(`start ${passphrase}`);
				return {ok: true, value: 'started'};
			},
		} as unknown as Actions;
		const app = mount(fixtureApp(pos, {size, actions}), size);
		try {
			await app.settle();
			await app.press('t');
			await app.until(f => f.split('\n').at(-1)!.startsWith('staking started'), 'the footer to say staking started');
			await app.press('t');
			await app.until(f => f.includes('Start staking'), 'the passphrase form');
			await app.press(...'pw', '\r');
			await app.until(f => !f.includes('Start staking') && f.split('\n').at(-1)!.startsWith('staking started'), 'the form to close, staking started');
			expect(calls).toEqual(['toggle', 'toggle', 'start pw']);
		} finally {
			app.unmount();
		}
	});

	it('? help lists t and the stake pane; proof of work keeps the miner', () => {
		const text = helpLines(true).map(l => l.text);
		expect(text.some(l => /^t\s+staking on\/off/.test(l))).toBe(true);
		expect(text.at(-1)).toContain('5 stake');
		expect(helpLines(false).at(-1)!.text).toContain('5 miner');
		expect(renderAt(fixtureApp(s, {size: {columns: 120, rows: 40}}), {columns: 120, rows: 40})).toContain('5 miner');
	});
});
