/**
 * Every key in one table: the input handler looks actions up here and the `?` overlay prints it
 * (after gemini-cli's keyBindings.ts). While a text field has focus, keys go to the field.
 */
export type Action =
	| 'next-pane'
	| 'prev-pane'
	| 'pane-1'
	| 'pane-2'
	| 'pane-3'
	| 'pane-4'
	| 'pane-5'
	| 'pane-6'
	| 'pane-7'
	| 'pane-8'
	| 'up'
	| 'down'
	| 'open'
	| 'back'
	| 'search'
	| 'help'
	| 'quit'
	| 'toggle-mining'
	| 'mine-one'
	| 'create-wallet'
	| 'send'
	| 'record-bpm'
	| 'clone'
	| 'add-peer';

export interface Binding {
	readonly action: Action;
	/** What the help overlay shows. */
	readonly keys: string;
	readonly help: string;
}

export const KEYMAP: readonly Binding[] = [
	{action: 'next-pane', keys: 'Tab', help: 'next pane'},
	{action: 'prev-pane', keys: 'Shift-Tab', help: 'previous pane'},
	{action: 'pane-1', keys: '1-8', help: 'go to pane 1-8'},
	{action: 'up', keys: '↑ k', help: 'move up'},
	{action: 'down', keys: '↓ j', help: 'move down'},
	{action: 'open', keys: 'Enter', help: 'open (block → transaction → address)'},
	{action: 'back', keys: 'Esc', help: 'back / cancel'},
	{action: 'search', keys: '/', help: 'search: height, block hash, txid, address'},
	{action: 'toggle-mining', keys: 'm', help: 'mining on/off'},
	{action: 'mine-one', keys: 'g', help: 'mine one block now (regtest)'},
	{action: 'create-wallet', keys: 'w', help: 'create wallet (a new address)'},
	{action: 'send', keys: 's', help: 'send coins'},
	{action: 'record-bpm', keys: 'b', help: 'record a BPM reading'},
	{action: 'clone', keys: 'c', help: 'clone a chain from host:port'},
	{action: 'add-peer', keys: 'a', help: 'add a peer'},
	{action: 'help', keys: '?', help: 'this help'},
	{action: 'quit', keys: 'q', help: 'quit'},
];

export interface KeyInput {
	readonly tab?: boolean;
	readonly shift?: boolean;
	readonly upArrow?: boolean;
	readonly downArrow?: boolean;
	readonly return?: boolean;
	readonly escape?: boolean;
	readonly ctrl?: boolean;
}

const LETTERS: Readonly<Record<string, Action>> = {
	k: 'up',
	j: 'down',
	'/': 'search',
	'?': 'help',
	q: 'quit',
	m: 'toggle-mining',
	g: 'mine-one',
	w: 'create-wallet',
	s: 'send',
	b: 'record-bpm',
	c: 'clone',
	a: 'add-peer',
};

/** The action for a key press in normal mode, or null. */
export function actionFor(input: string, key: KeyInput): Action | null {
	if (key.tab) return key.shift ? 'prev-pane' : 'next-pane';
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.return) return 'open';
	if (key.escape) return 'back';
	if (key.ctrl) return null;
	if (/^[1-8]$/.test(input)) return `pane-${input}` as Action;
	return LETTERS[input] ?? null;
}
