/** The real App over a real regtest node (temp datadir, no network unless asked), driven by keys. */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React from 'react';
import {render} from 'ink-testing-library';
import {App} from '../../source/app.js';
import {FullNode} from '../../source/node/node.js';
import {NodeStore} from '../../source/store/store.js';
import {Actions} from '../../source/store/actions.js';
import {ThemeProvider} from '../../source/ui/theme.js';
import {quickNet} from '../helpers/chain-env.js';

export interface Harness {
	readonly node: FullNode;
	readonly store: NodeStore;
	readonly actions: Actions;
	frame(): string;
	/** Types keys one at a time, letting the screen catch up between them. */
	press(...keys: string[]): Promise<void>;
	type(text: string): Promise<void>;
	/** Writes `text` in one go, as a terminal delivers a paste. */
	paste(text: string): Promise<void>;
	/** `n` backspaces. */
	erase(n: number): Promise<void>;
	until(predicate: (frame: string) => boolean, what: string, ms?: number): Promise<string>;
	/**
	 * Presses `key` until the screen shows `predicate` (a key pressed in the very frame a view
	 * appears can land before that view listens; a person would simply press again).
	 */
	pressUntil(key: string, predicate: (frame: string) => boolean, what: string): Promise<string>;
	quits: number;
	close(): Promise<void>;
}

export const KEY = {enter: '\r', esc: '\u001b', tab: '\t', shiftTab: '\u001b[Z', up: '\u001b[A', down: '\u001b[B', left: '\u001b[D', right: '\u001b[C', backspace: '\u007f'} as const;

export async function startApp(options: {size?: {columns: number; rows: number}; port?: number} = {}): Promise<Harness> {
	const datadir = await mkdtemp(join(tmpdir(), 'chain-tui-ui-'));
	const node = await FullNode.open({network: quickNet, datadir, verifyThreads: 1, ...(options.port === undefined ? {} : {port: options.port, host: '127.0.0.1'})});
	const store = new NodeStore({node, datadir, notifyMs: 10, pollMs: 200});
	const actions = new Actions(node, store);
	let quits = 0;
	const ui = render(
		<ThemeProvider theme={{color: false}}>
			<App store={store} actions={actions} addressVersion={quickNet.addressVersion} maxMoney={quickNet.maxMoney} onQuit={() => void quits++} size={options.size ?? {columns: 100, rows: 30}} />
		</ThemeProvider>,
	);
	/** Keys as fast as a quick typist: the fields must not lose any (see TextField). */
	const keyAndRedraw = async (key: string) => {
		ui.stdin.write(key);
		await new Promise(resolve => setTimeout(resolve, 5));
	};
	const h: Harness = {
		node,
		store,
		actions,
		frame: () => ui.lastFrame() ?? '',
		async press(...keys) {
			for (const key of keys) {
				ui.stdin.write(key);
				await new Promise(resolve => setTimeout(resolve, 25));
			}
		},
		async type(text) {
			for (const ch of text) await keyAndRedraw(ch);
		},
		async paste(text) {
			await keyAndRedraw(text);
		},
		async erase(n) {
			for (let i = 0; i < n; i++) await keyAndRedraw(KEY.backspace);
		},
		async until(predicate, what, ms = 10_000) {
			const deadline = Date.now() + ms;
			while (Date.now() < deadline) {
				const f = h.frame();
				if (predicate(f)) {
					// Let a view that just appeared attach its key handlers before the next key.
					await new Promise(resolve => setTimeout(resolve, 40));
					return f;
				}
				await new Promise(resolve => setTimeout(resolve, 20));
			}
			throw new Error(`timed out waiting for ${what}; the screen shows:\n${h.frame()}`);
		},
		async pressUntil(key, predicate, what) {
			for (let i = 0; i < 20; i++) {
				await h.press(key);
				try {
					return await h.until(predicate, what, 300);
				} catch {
					// not yet: press again
				}
			}
			throw new Error(`pressing ${JSON.stringify(key)} never led to ${what}; the screen shows:\n${h.frame()}`);
		},
		get quits() {
			return quits;
		},
		async close() {
			ui.unmount();
			store.close();
			await node.close();
			await rm(datadir, {recursive: true, force: true});
		},
	};
	return h;
}
