/**
 * The real App over a real regtest node (temp datadir, no network unless asked), drawn by Ink in
 * debug mode into a fake terminal of any size (whole frames, as screen.tsx gets them) and driven
 * by keys, pastes and mouse events as the terminal's input filter delivers them.
 */
import {EventEmitter} from 'node:events';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React from 'react';
import {App, type TerminalControl} from '../../source/app.js';
import {logNodeEvents} from '../../source/node/log.js';
import {FullNode} from '../../source/node/node.js';
import {NodeStore} from '../../source/store/store.js';
import {Actions} from '../../source/store/actions.js';
import type {MouseEvent} from '../../source/ui/terminal/input-parser.js';
import {ThemeProvider} from '../../source/ui/theme.js';
import {quickNet} from '../helpers/chain-env.js';
import {mount, nextTurn, type Size} from './render-at.js';

export interface Harness {
	readonly node: FullNode;
	readonly store: NodeStore;
	readonly actions: Actions;
	readonly size: Size;
	frame(): string;
	/** Keys one at a time, each read (and the screen settled) before the next. */
	press(...keys: string[]): Promise<void>;
	/** Types `text` a character a read, 5 ms apart: a quick typist, faster than the screen redraws. */
	type(text: string): Promise<void>;
	/** A bracketed paste: the terminal's input filter hands it over whole, as a 'paste' event. */
	paste(text: string): Promise<void>;
	/** Several keys in one read, as a terminal (or tmux) hands them over when they come quicker than they are read. */
	keys(data: string): Promise<void>;
	/** `n` backspaces, typed as quickly. */
	erase(n: number): Promise<void>;
	/** A mouse report from the terminal's input filter. */
	mouse(event: Partial<MouseEvent> & Pick<MouseEvent, 'kind' | 'x' | 'y'>): Promise<void>;
	/** Until the screen shows `predicate` (polled, with a deadline); then the screen settled. */
	until(predicate: (frame: string) => boolean, what: string, ms?: number): Promise<string>;
	resize(size: Size): void;
	/** What `y` put on the clipboard (OSC 52), oldest first. */
	readonly copies: readonly string[];
	readonly quits: number;
	close(): Promise<void>;
}

export const KEY = {
	enter: '\r',
	esc: '\u001b',
	tab: '\t',
	shiftTab: '\u001b[Z',
	up: '\u001b[A',
	down: '\u001b[B',
	right: '\u001b[C',
	left: '\u001b[D',
	home: '\u001b[H',
	end: '\u001b[F',
	pageUp: '\u001b[5~',
	pageDown: '\u001b[6~',
	backspace: '\u007f',
} as const;

export async function startApp(options: {size?: Size; port?: number} = {}): Promise<Harness> {
	const size = options.size ?? {columns: 120, rows: 40};
	const datadir = await mkdtemp(join(tmpdir(), 'chain-tui-ui-'));
	const node = await FullNode.open({network: quickNet, datadir, verifyThreads: 1, ...(options.port === undefined ? {} : {port: options.port, host: '127.0.0.1'})});
	const store = new NodeStore({node, datadir, notifyMs: 10, pollMs: 200});
	const actions = new Actions(node, store);
	// As cli.tsx does: the node's events are the log pane's lines.
	logNodeEvents(node, line => store.log(line));
	let quits = 0;
	const copies: string[] = [];
	const events = new EventEmitter();
	const terminal: TerminalControl = {copy: text => void copies.push(text), redraw: () => undefined, suspend: () => undefined, events};
	// No fixed size: the App takes the terminal's, and follows it when it is resized.
	const ui = mount(
		<ThemeProvider theme={{color: false}}>
			<App store={store} actions={actions} addressVersion={quickNet.addressVersion} maxMoney={quickNet.maxMoney} onQuit={() => void quits++} terminal={terminal} />
		</ThemeProvider>,
		size,
	);
	await ui.settle();
	const h: Harness = {
		node,
		store,
		actions,
		size,
		frame: ui.lastFrame,
		press: ui.press,
		async type(text) {
			for (const ch of text) {
				ui.write(ch);
				await nextTurn(); // a key a read, as a person types: no fixed delay
			}
			await ui.settle();
		},
		async keys(data) {
			ui.write(data);
			await nextTurn();
			await ui.settle();
		},
		async paste(text) {
			events.emit('paste', text, false);
			await ui.settle();
		},
		async erase(n) {
			for (let i = 0; i < n; i++) {
				ui.write(KEY.backspace);
				await nextTurn(); // a key a read, as a person types: no fixed delay
			}
			await ui.settle();
		},
		async mouse(event) {
			events.emit('mouse', {button: 0, shift: false, meta: false, ctrl: false, ...event});
			await ui.settle();
		},
		until: ui.until,
		resize: ui.resize,
		copies,
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
