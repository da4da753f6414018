/** The whole screen from the fixture snapshot at 80x24 and 120x40, and every form as it opens. */
import React from 'react';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {renderAt} from './render-at.js';
import {App} from '../../source/app.js';
import {ThemeProvider} from '../../source/ui/theme.js';
import {regtest} from '../../source/node/consensus/networks.js';
import {snapshot} from './fixtures.js';
import {KEY, startApp, type Harness} from './harness.js';

let real: Harness;
beforeAll(async () => {
	real = await startApp();
});
afterAll(async () => {
	await real.close();
});

/** A store that always shows the fixture. */
const fixed = {subscribe: () => () => undefined, getSnapshot: () => snapshot};

function screen(size: {columns: number; rows: number}): string {
	return renderAt(
		<ThemeProvider theme={{color: false}}>
			<App store={fixed} actions={real.actions} addressVersion={regtest.addressVersion} maxMoney={regtest.maxMoney} onQuit={() => undefined} size={size} />
		</ThemeProvider>,
		size,
	);
}

describe('layouts', () => {
	it('80x24: status bar, a one-line list of panes, the selected pane full width', () => {
		const out = screen({columns: 80, rows: 24});
		const lines = out.split('\n');
		expect(lines.length).toBeLessThanOrEqual(24);
		expect(Math.max(...lines.map(l => l.length))).toBeLessThanOrEqual(80);
		expect(lines[2]).toContain('1 chain  2 peers  3 tips');
		expect(out).toMatchSnapshot();
	});

	it('120x40: several panes side by side', () => {
		const out = screen({columns: 120, rows: 40});
		const lines = out.split('\n');
		expect(lines.length).toBeLessThanOrEqual(40);
		for (const title of ['1 chain', '2 peers', '3 tips', '4 mempool', '5 miner', '6 wallet', '7 BPM', '8 log']) expect(out).toContain(title);
		expect(out).toMatchSnapshot();
	});
});

describe('every form as it opens', () => {
	// Without the status bar's first two lines, which name a temporary datadir.
	const body = (frame: string) => frame.split('\n').slice(2).join('\n');
	it.each([
		['w', 'Create wallet'],
		['s', 'Send coins'],
		['b', 'Record a heart-rate'],
		['c', 'Clone a chain'],
		['a', 'Add a peer'],
		['/', 'Search'],
	])('%s opens %s', async (keyName, title) => {
		await real.press(keyName);
		const frame = await real.until(f => f.includes(title), title);
		expect(body(frame)).toMatchSnapshot();
		await real.pressUntil(KEY.esc, f => !f.includes(title), 'closed');
	});
});
