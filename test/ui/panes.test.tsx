/**
 * Pane snapshots at 80x24, 100x30, 120x40 and 200x60: the whole App drawn from the fixture
 * snapshot, checked for what must hold of every frame and for what each pane must show (README's
 * pane table) where there is room, then compared with its snapshot. Plus the panes' own states:
 * empty, paused, filtered, drilled.
 */
import React from 'react';
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {App} from '../../source/app.js';
import {regtest} from '../../source/node/consensus/networks.js';
import type {Snapshot} from '../../source/store/snapshot.js';
import {bytes, coins} from '../../source/store/format.js';
import {sparkline} from '../../source/ui/components/sparkline.js';
import {chartColumns} from '../../source/ui/panes/bpm.js';
import {StatusBar} from '../../source/ui/panes/status-bar.js';
import {PANES} from '../../source/ui/panes/registry.js';
import {ThemeProvider} from '../../source/ui/theme.js';
import {blocks, explorerActions, fixtureActions, fixtureApp, HEIGHT, MINING_ADDRESS, NOW, SAVINGS_ADDRESS, snapshot as s, views} from './fixtures.js';
import {cells, frameProblems, hashShown, mount, paneText, renderAt, type Size} from './render-at.js';
import {KEY} from './harness.js';

const SIZES: readonly Size[] = [
	{columns: 80, rows: 24},
	{columns: 100, rows: 30},
	{columns: 120, rows: 40},
	{columns: 200, rows: 60},
];

const screen = (size: Size, snapshot: Snapshot = s) => renderAt(fixtureApp(snapshot, {size}), size);

/** Pane titles in the borders (`┌─ 2 peers ` or, focused, `╔═ 1 chain `). */
const titles = (frame: string) => [...frame.matchAll(/[┌╔][─═] (\d) (\w+) /g)].map(m => `${m[1]} ${m[2]}`);
const ALL_TITLES = PANES.map(p => `${p.number} ${p.title}`);

/** The row of a table whose text holds `needle`. */
const rowWith = (rows: readonly string[], needle: string) => rows.find(r => r.includes(needle)) ?? `(no row with ${needle})`;

describe.each(SIZES)('the whole screen at %o', size => {
	const frame = screen(size);
	const lines = frame.split('\n');

	it('is exactly the terminal: its rows, none wider than its columns; status bar first, footer last', () => {
		expect(lines).toHaveLength(size.rows);
		for (const [i, l] of lines.entries()) expect(stringWidth(l), `row ${i + 1}`).toBeLessThanOrEqual(size.columns);
		expect(lines[0]!.startsWith('chain-tui regtest · height 1234')).toBe(true);
		expect(lines[size.rows - 1]).toMatch(/\? help$/);
		expect(frameProblems(frame, size)).toEqual([]);
	});

	it('the footer gives the keys from the table, as many as fit', () => {
		const footer = lines[size.rows - 1]!;
		expect(footer.startsWith('Tab panes · z zoom · / search · m mine')).toBe(true);
		// The hints fit whole or are left out: none is cut.
		for (const hint of footer.replace(/\s+\? help$/, '').split(' · ')) expect(['Tab panes', 'z zoom', '/ search', 'm mine', 's send', 'w wallet', 'b BPM', 'c clone', 'a peer', 'q quit']).toContain(hint.trim());
	});

	if (size.columns >= 120) {
		it('shows all eight panes, each title once', () => {
			expect(titles(frame)).toEqual(ALL_TITLES);
			for (const t of ALL_TITLES) expect(frame.split(` ${t} `).length - 1, t).toBe(1);
		});
	} else if (size.columns >= 100) {
		it('shows all eight panes in two columns', () => {
			expect(titles(frame)).toEqual(ALL_TITLES);
			for (let i = 0; i < 8; i += 2) {
				const row = lines.find(l => l.includes(` ${ALL_TITLES[i]} `))!;
				expect(row, `${ALL_TITLES[i]} and ${ALL_TITLES[i + 1]} on one row`).toContain(` ${ALL_TITLES[i + 1]} `);
				const at = cells(row).indexOf('┌', 1);
				expect(at, 'the right column starts half way').toBe(size.columns / 2);
			}
		});
	} else {
		it('shows the tab line under the status bar and one pane, full width', () => {
			expect(lines[1]!.trim()).toBe(ALL_TITLES.join('  '));
			expect(titles(frame)).toEqual(['1 chain']);
			expect(lines[2]![0]).toBe('╔');
			expect(cells(lines[2]!)[size.columns - 1]).toBe('╗');
		});
	}

	it('matches its snapshot', () => {
		expect(frame).toMatchSnapshot();
	});
});

/** The column titles of a table's heading row. */
const heading = (row: string | undefined) => (row ?? '').trim().split(/\s{1,}/);

/**
 * At 120x40 what must show whole (or, hashes, shortened in the middle): block hashes, the peers'
 * bytes in and out, agent and ban score, the wallet's immature balances, the tips' status, BPM
 * min/max/last, the miner's expected time. At 200x60 every field of README's pane table.
 */
describe.each(SIZES.filter(z => z.columns >= 120))("nothing in README's pane table is cut at %o", size => {
	const frame = screen(size);
	const wide = size.columns >= 200;

	it(`1 chain: recent blocks, hashes whole or shortened in the middle${wide ? ', every column' : ''}`, () => {
		const rows = paneText(frame, '1 chain');
		expect(heading(rows[0]).slice(0, 2)).toEqual(['height', 'hash']);
		if (wide) expect(rows[0]).toMatch(/^height\s+hash\s+time\s+age\s+txs\s+size\s+miner$/);
		const miner = heading(rows[0]).includes('miner');
		const shown = rows.slice(1);
		expect(shown.length).toBeGreaterThan(5);
		for (const [i, row] of shown.entries()) {
			const b = blocks[i]!;
			expect(row.startsWith(String(b.height)), row).toBe(true);
			expect(['whole', 'middle'], `block ${b.height}: ${row}`).toContain(hashShown([row], b.hash));
			if (miner && b.miner) expect(['whole', 'middle'], `miner of ${b.height}: ${row}`).toContain(hashShown([row], b.miner));
			if (wide) {
				expect(row).toContain(bytes(b.size));
				expect(row).toMatch(new RegExp(`\\b${b.txs}\\b`));
			}
		}
	});

	it(`2 peers: bytes in and out, ban score and agent${wide ? ', and address, direction, height, ping' : ''}`, () => {
		const rows = paneText(frame, '2 peers');
		expect(heading(rows[0])).toEqual(expect.arrayContaining(['in', 'out', 'ban', 'agent']));
		if (wide) expect(rows[0]).toMatch(/^address\s+dir\s+height\s+ping\s+in\s+out\s+ban\s+agent$/);
		const out = rowWith(rows, '127.0.0.1:');
		expect(out).toMatch(/\s1\.2 MB\s+45\.7 kB\s+0\s+\/chain-tui:0\.1\.0\/$/);
		const inbound = rowWith(rows, '192.168.1.');
		expect(inbound).toMatch(/\s900 B\s+120\.0 kB\s+20\s+\/Satoshi:27\.0\.0\/$/);
		if (wide) {
			expect(out).toMatch(/^127\.0\.0\.1:19112\s+out\s+1500\s+3ms\s/);
			expect(inbound).toMatch(/^192\.168\.1\.20:40112\s+in\s+1234\s+—\s/);
		}
	});

	it(`3 tips: every tip with its status${wide ? ' and branch length' : ''}, hashes whole or shortened in the middle; the reorg with its depth`, () => {
		const rows = paneText(frame, '3 tips');
		expect(heading(rows[0])).toEqual(expect.arrayContaining(['height', 'tip', 'status']));
		if (wide) expect(rows[0]).toMatch(/^height\s+tip\s+len\s+status$/);
		for (const t of s.tips) {
			const row = rowWith(rows, ` ${t.status}`);
			expect(row).toMatch(new RegExp(`^${t.height}\\s.*\\s${t.status}$`));
			expect(['whole', 'middle'], row).toContain(hashShown([row], t.hash));
			if (wide) expect(row).toMatch(new RegExp(`\\s${t.branchLength}\\s+${t.status}$`));
		}
		expect(rows.join('\n')).toContain('reorg 2 deep at 1228 → 1230');
	});

	it('4 mempool: count, bytes, how full, fee-rate spread, the newest transactions', () => {
		const rows = paneText(frame, '4 mempool');
		expect(rows[0]).toBe('2 tx · 450 B · <1% of 50.0 MB');
		expect(rows[1]).toMatch(/^per byte 1\.0 · 2\.5 · 2\.5/);
		expect(heading(rows[2])).toEqual(expect.arrayContaining(['txid', 'fee']));
		if (wide) expect(rows[2]).toMatch(/^txid\s+size\s+fee\s+per byte\s+age$/);
		for (const t of s.mempool.newest) {
			const row = rows.find(r => hashShown([r], t.txid) !== 'missing') ?? '';
			expect(['whole', 'middle'], `${t.txid} in ${rows.join('\n')}`).toContain(hashShown([row], t.txid));
			expect(row).toContain(coins(t.fee));
			if (wide) expect(row).toMatch(new RegExp(`\\s225 B\\s.*\\s${t.feeRate.toFixed(1)}\\s`));
		}
	});

	it('5 miner: hash rate, sparkline, blocks found, difficulty, expected time to a block, kernel', () => {
		const rows = paneText(frame, '5 miner');
		expect(rows[0]).toMatch(/^mining · 6\.78 MH\/s\b.*\b2 threads$/);
		expect(rows[1]!.endsWith(sparkline(s.miner.history, 5))).toBe(true);
		expect(rows).toContain('blocks found 7');
		expect(rows).toContain('difficulty 1.000');
		expect(rows).toContain('next block in ~12m 34s');
		expect(rows.join('\n')).toContain('kernel simd');
		expect(rows.join('\n')).toContain('kernel simd (WebAssembly, 4 lanes) · verify native');
	});

	it('6 wallet: addresses with confirmed, unconfirmed and immature balances', () => {
		const rows = paneText(frame, '6 wallet');
		expect(rows[0]).toBe('150.12345678 confirmed · locked');
		expect(rows[1]).toMatch(/address\s+confirmed\s+unconfirmed\s+immature$/);
		const mining = rows.find(r => hashShown([r], MINING_ADDRESS) === 'whole' || hashShown([r], MINING_ADDRESS) === 'middle') ?? '(no row with the mining address)';
		expect(mining).toMatch(/\s150\s+2\.5\s+500$/);
		const savings = rows.find(r => hashShown([r], SAVINGS_ADDRESS) !== 'missing') ?? '(no row with the savings address)';
		expect(savings).toMatch(/\s0\.12345678\s+0\s+0$/);
	});

	it('7 BPM: the chart of all readings, min, max and last', () => {
		const rows = paneText(frame, '7 BPM');
		expect(rows[0]).toMatch(/^4 readings · /);
		// min, max and last, whole, on as many lines as the width needs; then the chart.
		const chart = rows.findIndex(r => r.includes('│'));
		expect(rows.slice(0, chart).join(' · ')).toContain('min 62 · max 120 · last 68 BPM');
		expect(rows.slice(chart).every(r => /^\s*\d*\s*│/.test(r))).toBe(true);
		expect(rows.join('')).toContain('█');
	});

	it('8 log: one line an event, newest first, each with its time', () => {
		const rows = paneText(frame, '8 log');
		expect(rows[0]).toMatch(/^18:39:50 block 1234 /);
		expect(rows[1]).toMatch(/^18:39:40 reorganize: /);
		// Free text: cut at its end where the pane is narrow.
		expect(rows[2]).toMatch(/^18:39:30 peer 127\.0\.0\.1/);
	});
});

describe('the status bar', () => {
	const bar = (snapshot: Snapshot, width: number) => renderAt(<ThemeProvider theme={{color: false}}><StatusBar snapshot={snapshot} width={width} /></ThemeProvider>, {columns: width, rows: 1});

	it('says network, height, sync progress, peers, mining, a payment just received, tip, port and datadir when there is room', () => {
		const out = bar(s, 300);
		expect(out).toBe(`chain-tui regtest · height 1234 · sync ████████░░ 82% 1234/1500 · 35.5 blk/s · ETA 8s · peers 1 in 1 out · mining 6.78 MH/s · received 0.12345678 to savings (2 conf) · tip ${blocks[0]!.hash.slice(0, 10)}…${blocks[0]!.hash.slice(-4)} · port 19111 · datadir /home/ada/.chain-tui/regtest/19111`);
	});

	it('shortens, then drops whole segments, lowest priority first, and never goes past its width', () => {
		// Each segment whole, or its short form (peers 1/1, a payment as +amount, the rate alone).
		const pieces = [...bar(s, 300).split(' · '), 'peers 1/1', '+0.12345678 (2 conf)', '6.78 MH/s'];
		for (let width = 20; width <= 300; width += 7) {
			const out = bar(s, width);
			expect(stringWidth(out), `at ${width}`).toBeLessThanOrEqual(width);
			// What shows is whole segments of the full bar, none cut.
			for (const piece of out.split(' · ')) expect(pieces, `at ${width}`).toContain(piece);
			expect(out.startsWith('chain-tui regtest')).toBe(true);
			// The datadir goes first, the height last.
			if (out.includes('datadir')) expect(out).toContain('port 19111');
			if (width >= 40) expect(out).toContain('height 1234');
		}
	});

	it('synced and not mining; a payment old or deep enough is no longer news', () => {
		const out = bar({...s, sync: {...s.sync, synced: true, blocks: 1500}, miner: {...s.miner, running: false}, payments: [{...s.payments[0]!, time: NOW - 700}]}, 300);
		expect(out).toContain('synced');
		expect(out).toContain('mining off');
		expect(out).not.toContain('received');
		expect(bar({...s, payments: [{...s.payments[0]!, height: HEIGHT - 6}]}, 300)).not.toContain('received');
		expect(bar({...s, payments: [{...s.payments[0]!, height: null}]}, 300)).toContain('received 0.12345678 to savings (unconfirmed)');
	});

	it('paced mining (regtest) shows the pace, not a hash rate that means nothing there', () => {
		const paced = {...s, miner: {...s.miner, rate: 1, pacedSeconds: 20}};
		expect(bar(paced, 300)).toContain('mining (paced)');
		const miner = paneTextOf(paced, {columns: 200, rows: 60}, '5 miner');
		expect(miner.join('\n')).toContain('paced: a block every 20 s');
		expect(miner.join('\n')).not.toContain('H/s');
	});
});

function paneTextOf(snapshot: Snapshot, size: Size, title: string): string[] {
	return paneText(screen(size, snapshot), title);
}

describe('pane states', () => {
	const big = {columns: 200, rows: 60};
	const empty: Snapshot = {
		...s,
		peers: [],
		blocks: [],
		height: 0,
		tips: [],
		mempool: {...s.mempool, count: 0, bytes: 0, usage: 0, newest: [], minRate: 0, medianRate: 0, maxRate: 0},
		wallet: {...s.wallet, addresses: [], encrypted: false, locked: false},
		bpm: [],
		log: [],
		reorgs: [],
		payments: [],
	};

	it('empty panes say what is missing and how to get it', () => {
		const frame = screen(big, empty);
		expect(paneText(frame, '2 peers')).toContain('no peers yet (a to add one)');
		expect(paneText(frame, '4 mempool')).toContain('empty');
		expect(paneText(frame, '6 wallet')).toEqual(expect.arrayContaining(['0 confirmed · not encrypted', 'no addresses yet: w creates one']));
		expect(paneText(frame, '7 BPM')).toContain('no readings yet: b records one');
		expect(paneText(frame, '8 log')).toContain('nothing yet');
		expect(frameProblems(frame, big)).toEqual([]);
	});

	it('a chain row not read yet (outside the window) shows as …, not as another block', () => {
		const rows = paneTextOf({...s, blocks: blocks.slice(0, 3)}, big, '1 chain');
		expect(rows.slice(1, 4).map(r => r.split(/\s+/)[0])).toEqual(['1234', '1233', '1232']);
		expect(rows[4]).toBe('…');
	});

	it('the log shows the newest line first, with its time; a peer agent with control characters shows them as pictures', () => {
		const hostile = {...s, log: [...s.log, {seq: 4, time: NOW, text: 'peer says \x1b[2Jhello\x07'}], peers: [{...s.peers[0]!, agent: '/evil\x1b]52;c;AAAA\x07/'}]};
		const frame = screen(big, hostile);
		expect(paneText(frame, '8 log')[0]).toBe('18:40:00 peer says ␛[2Jhello␇');
		expect(frame).toContain('/evil␛]52;c;AAAA␇/');
		expect(frame).not.toContain('\x1b');
	});

	it('the BPM chart spreads the readings over the width, the newest at the right', () => {
		expect(chartColumns([1, 2, 3], 9)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
		expect(chartColumns([1, 2, 3, 4], 2)).toEqual([3, 4]);
		expect(chartColumns([], 5)).toEqual([]);
	});

	it('sparkline scales to the maximum, the newest on the right', () => {
		expect(sparkline([0, 1, 2, 4], 4)).toBe('▁▂▄█');
		expect(sparkline([1, 2], 4)).toBe('  ▄█');
		expect(sparkline([], 3)).toBe('   ');
	});

});

describe.each(SIZES)('the explorer in the chain pane at %o', size => {
	it('block, transaction, address: facts on lines that fit, hashes and addresses whole or shortened in the middle', async () => {
		const app = mount(fixtureApp(s, {size, actions: explorerActions}), size);
		try {
			await app.settle();
			await app.press(KEY.enter);
			let frame = await app.until(f => f.includes('block · Esc back'), 'the block');
			expect(frameProblems(frame, size)).toEqual([]);
			let rows = paneText(frame, '1 chain');
			expect(rows[0]).toMatch(new RegExp(`^block ${HEIGHT}\\b`));
			expect(['whole', 'middle'], rows.join('\n')).toContain(hashShown(rows, views.block.id));
			for (const tx of views.block.rows) expect(['whole', 'middle'], `${tx.id} in\n${rows.join('\n')}`).toContain(hashShown(rows.filter(r => r.startsWith(`${tx.cells.n} `)), tx.id));
			expect(rows.join('\n')).toContain('confirmations 1');
			await app.press(KEY.down, KEY.enter);
			frame = await app.until(f => f.includes('tx · Esc back'), 'the transaction');
			expect(frameProblems(frame, size)).toEqual([]);
			rows = paneText(frame, '1 chain');
			expect(['whole', 'middle'], rows.join('\n')).toContain(hashShown(rows, views.tx.id));
			expect(rows.join('\n')).toContain(`block ${HEIGHT}, 1 confirmation`);
			const out = rows.find(r => /^out\s+0\s/.test(r)) ?? '(no row out 0)';
			expect(['whole', 'middle'], out).toContain(hashShown([out], SAVINGS_ADDRESS));
			expect(out).toMatch(/\s0\.12345678$/);
			await app.press(KEY.down, KEY.enter);
			frame = await app.until(f => f.includes('address · Esc back'), 'the address');
			rows = paneText(frame, '1 chain');
			expect(['whole', 'middle'], rows.join('\n')).toContain(hashShown(rows, SAVINGS_ADDRESS));
			expect(rows.join('\n')).toMatch(/balance 0\.12345678/);
			await app.press(KEY.esc, KEY.esc, KEY.esc);
			frame = await app.until(f => !f.includes('Esc back'), 'back to the block list');
			expect(paneText(frame, '1 chain')[0]).toMatch(/^height\s+hash/);
		} finally {
			app.unmount();
		}
	});
});

describe('keys on the fixture screen', () => {
	it('f pauses following (the border says so) and f follows again', async () => {
		const size = {columns: 120, rows: 40};
		const app = mount(fixtureApp(s, {size}), size);
		try {
			await app.until(f => f.includes('1 chain  following'), 'the chain list following');
			await app.press('f');
			await app.until(f => !f.includes('1 chain  following'), 'following off');
			await app.press('f');
			await app.until(f => f.includes('1 chain  following'), 'following again');
			await app.press(KEY.down);
			await app.until(f => !f.includes('1 chain  following'), 'moving down stops following');
			await app.press(KEY.home);
			await app.until(f => f.includes('1 chain  following'), 'Home follows again');
		} finally {
			app.unmount();
		}
	});

	it('the log filter (8, /, text) shows only the matching lines and says how many; Esc clears it', async () => {
		const size = {columns: 200, rows: 60};
		const app = mount(fixtureApp(s, {size}), size);
		const filterRow = (f: string) => paneText(f, '8 log').find(r => r.startsWith('filter'));
		const logRows = (f: string) => paneText(f, '8 log').filter(r => /^\d\d:\d\d:\d\d /.test(r));
		try {
			await app.settle();
			await app.press('8', '/');
			await app.until(f => filterRow(f) === 'filter', 'the filter line');
			// Typed keys go to the filter, not to the keys (r, e, g, … would do things).
			await app.press(...'REORG');
			const filtered = await app.until(f => filterRow(f) === 'filter REORG', 'the filter typed');
			expect(logRows(filtered)).toEqual([expect.stringMatching(/^18:39:40 reorganize: /)]);
			expect(filtered).not.toContain('Record a heart-rate');
			await app.press(KEY.enter);
			const kept = await app.until(f => filterRow(f)?.includes('(1 lines') === true, 'the filter kept, with its count');
			expect(filterRow(kept)).toMatch(/^filter REORG \(1 lines · \/ edits/);
			expect(logRows(kept)).toHaveLength(1);
			await app.press('/', KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace, ...'no such', KEY.enter);
			const none = await app.until(f => filterRow(f)?.startsWith('filter no such (0 lines') === true, 'a filter that matches nothing');
			expect(paneText(none, '8 log')).toContain('no line matches');
			await app.press(KEY.esc);
			const cleared = await app.until(f => filterRow(f) === undefined, 'the filter cleared');
			expect(logRows(cleared)).toHaveLength(3);
		} finally {
			app.unmount();
		}
	});

	it('moving the focus leaves the content of every pane where it was: Tab round all eight gives the first frame back', async () => {
		const size = {columns: 120, rows: 40};
		const app = mount(fixtureApp(s, {size}), size);
		try {
			const first = await app.until(f => f.includes('╔═ 1 chain'), 'the first frame');
			await app.press('2');
			const second = await app.until(f => f.includes('╔═ 2 peers'), 'the peers pane focused');
			// The first row inside each pane is still its first line of content.
			expect(paneText(second, '1 chain')[0]).toMatch(/^height\s+hash/);
			expect(paneText(second, '2 peers')[0]).toMatch(/^address\s+dir/);
			expect(paneText(second, '6 wallet')[0]).toBe('150.12345678 confirmed · locked');
			await app.press('1');
			await app.until(f => f.includes('╔═ 1 chain'), 'the chain pane focused again');
			for (let i = 0; i < PANES.length; i++) await app.press(KEY.tab);
			expect(await app.until(f => f.includes('╔═ 1 chain'), 'round to the chain pane')).toBe(first);
		} finally {
			app.unmount();
		}
	});

	it('Enter on a peer shows every field of it; Esc goes back to the list', async () => {
		const size = {columns: 120, rows: 40};
		const app = mount(fixtureApp(s, {size}), size);
		try {
			await app.settle();
			await app.press('2', KEY.down, KEY.enter);
			const detail = paneText(await app.until(f => f.includes('2 peers  details'), 'the peer details'), '2 peers').join(' · ');
			// Every field, packed into as few lines as the pane is wide.
			for (const field of ['address 192.168.1.20:40112', 'direction inbound', 'agent /Satoshi:27.0.0/', 'bytes in / out 900 B / 120.0 kB', 'ban score 20', 'connected 1m 0s ago', 'blocks in flight']) expect(detail).toContain(field);
			await app.press(KEY.esc);
			await app.until(f => f.includes('2 peers  2 ') && !f.includes('details'), 'the list');
		} finally {
			app.unmount();
		}
	});
});

describe('colour', () => {
	it('with colours on, the text is the same as without; NO_COLOR leaves no colour codes', () => {
		const size = {columns: 120, rows: 40};
		const store = {subscribe: () => () => undefined, getSnapshot: () => s};
		const coloured = renderAt(
			<ThemeProvider theme={{color: true}}>
				<App store={store} actions={fixtureActions} addressVersion={regtest.addressVersion} maxMoney={regtest.maxMoney} onQuit={() => undefined} size={size} />
			</ThemeProvider>,
			size,
		);
		const plain = screen(size);
		expect(plain).not.toMatch(/\x1b\[3\dm/);
		// eslint-disable-next-line no-control-regex
		expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(plain);
	});
});
