/**
 * Two real `chain-tui --network regtest` processes on screens in tmux, driven from the keyboard
 * as a person would, read back with capture-pane.
 */
import {execFileSync} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {cliPath, freePort} from '../helpers/proc.js';

const socket = `chain-tui-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const screen = (session: string) => tmux('capture-pane', '-p', '-t', session);
const keys = (session: string, ...k: string[]) => tmux('send-keys', '-t', session, ...k);
const text = (session: string, s: string) => tmux('send-keys', '-t', session, '-l', s);

async function until(session: string, test: (s: string) => boolean, what: string, ms = 20_000): Promise<string> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		const s = screen(session);
		if (test(s)) return s;
		await new Promise(resolve => setTimeout(resolve, 25));
	}
	throw new Error(`timed out waiting for ${what} on ${session}:\n${screen(session)}`);
}

/** Presses `key` until the screen passes `test` (a key can land before a new view listens). */
async function pressUntil(session: string, key: string, test: (s: string) => boolean, what: string): Promise<string> {
	for (let i = 0; i < 20; i++) {
		keys(session, key);
		try {
			return await until(session, test, what, 500);
		} catch {
			// again
		}
	}
	throw new Error(`pressing ${key} never led to ${what} on ${session}:\n${screen(session)}`);
}

const heightOf = (s: string) => Number(/height (\d+)/.exec(s)?.[1] ?? -1);
let home: string;

beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'chain-tui-tmux-'));
});
afterAll(async () => {
	try {
		tmux('kill-server');
	} catch {
		// already gone
	}
	await rm(home, {recursive: true, force: true});
});

it('mine on one screen, watch the other follow; send coins from the keyboard; quit both with q', async () => {
	const [p1, p2] = [await freePort(), await freePort()];
	for (const [name, args] of [
		['a', `--port ${p1} --datadir ${join(home, 'a')}`],
		['b', `--port ${p2} --datadir ${join(home, 'b')} --peer 127.0.0.1:${p1}`],
	] as const) {
		tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '40', 'bash', '--norc', '--noprofile');
		text(name, `echo BEFORE-${name}; env -u CI TERM=xterm-256color ${process.execPath} ${cliPath} --network regtest ${args}; echo EXIT-${name} $?`);
		keys(name, 'Enter');
	}
	await until('a', s => s.includes('chain-tui regtest'), 'a on screen');
	await until('b', s => s.includes('peers 0 in 1 out'), 'b connected to a');
	expect(screen('a')).not.toContain('BEFORE-a'); // the alternate screen hides the shell

	// Mine one block from a's keyboard: b's height follows.
	keys('a', 'g');
	await until('a', s => heightOf(s) === 1, 'a at height 1');
	await until('b', s => heightOf(s) === 1, 'b follows to height 1');

	// b makes an address from its keyboard; we read it off its screen.
	keys('b', 'w');
	await until('b', s => s.includes('Create wallet'), 'the form on b');
	text('b', 'bob');
	keys('b', 'Enter');
	keys('b', 'Enter');
	keys('b', 'Enter');
	const created = await until('b', s => s.includes('New address created'), 'the address');
	const bobAddress = /([mn][1-9A-HJ-NP-Za-km-z]{25,34})/.exec(created)![1]!;
	await pressUntil('b', 'Enter', s => !s.includes('New address created'), 'b back to its panes');

	// a mines past coinbase maturity (100 on regtest), a block at a time from the keyboard.
	for (let i = 0; heightOf(screen('a')) < 102 && i < 400; i++) {
		const before = heightOf(screen('a'));
		keys('a', 'g');
		await until('a', s => heightOf(s) > before, `block ${before + 1} mined from the keyboard`);
	}
	await until('a', s => heightOf(s) >= 102, 'a past maturity', 30_000);

	// Send 12.5 coins from a to bob, from the keyboard.
	keys('a', 's');
	await until('a', s => s.includes('Send coins'), 'the send form');
	keys('a', 'Tab');
	text('a', bobAddress);
	keys('a', 'Tab');
	text('a', '12.5');
	keys('a', 'Enter');
	keys('a', 'Enter');
	const confirm = await until('a', s => s.includes('Confirm'), 'the confirmation');
	expect(confirm).toContain(`send 12.5 to ${bobAddress}`);
	await pressUntil('a', 'Enter', s => s.includes('Sent'), 'sent');
	await pressUntil('a', 'Enter', s => !s.includes('Sent'), 'a back to its panes');

	// On b: unconfirmed first, confirmed once a mines it.
	// b's wallet row (its one address, shortened in the middle): confirmed, unconfirmed, immature.
	const row = (confirmed: string, unconfirmed: string) => new RegExp(`${bobAddress.slice(0, 5)}\\S*…\\S+\\s+${confirmed}\\s+${unconfirmed}\\s+0\\s`);
	await until('b', s => row('0', '12\\.5').test(s), 'unconfirmed 12.5 on b');
	// and the status bar says a payment came in
	await until('b', s => /received 12\.5 to bob \(unconfirmed\)/.test(s.split('\n')[0] ?? ''), 'the payment in b\'s status bar');
	keys('a', 'g');
	await until('b', s => row('12\\.5', '0').test(s), 'confirmed 12.5 on b');

	// Quit both with q: the shell comes back with what it showed before.
	for (const name of ['a', 'b']) {
		keys(name, 'q');
		const after = await until(name, s => s.includes(`EXIT-${name} 0`), `${name} exits 0`);
		expect(after).toContain(`BEFORE-${name}`);
		expect(after).toContain('chain-tui stopped (quit)');
	}
}, 120_000);
