/**
 * Every key in one table (after gemini-cli's keyBindings.ts): the input handler looks actions up
 * here, the `?` overlay prints it, and the footer takes its hints from it. Keys have scopes: a
 * pane's own scope is looked up first (`/` filters in the log, where it searches elsewhere), then
 * the list keys of panes with a list, then the global keys. While a form is open its fields get
 * the keys (the `form` rows document them).
 */
import type {Move} from './lists/selection.js';

export type Scope = 'global' | 'list' | 'log' | 'bpm' | 'wire' | 'form' | 'lab';

export type Action =
	| 'next-pane'
	| 'prev-pane'
	| 'pane'
	| 'help'
	| 'quit'
	| 'search'
	| 'toggle-mining'
	| 'mine-one'
	| 'toggle-staking'
	| 'create-wallet'
	| 'send'
	| 'record-bpm'
	| 'clone'
	| 'add-peer'
	| 'zoom'
	| 'redraw'
	| 'suspend'
	| 'interrupt'
	| 'up'
	| 'down'
	| 'page-up'
	| 'page-down'
	| 'home'
	| 'end'
	| 'open'
	| 'back'
	| 'follow'
	| 'copy'
	| 'filter'
	| 'wire'
	| 'prev-peer'
	| 'next-peer'
	| 'form-move'
	| 'form-edit'
	| 'form-submit'
	| 'form-cancel'
	| 'lab-link'
	| 'lab-partition'
	| 'lab-heal'
	| 'lab-kill'
	| 'lab-restart'
	| 'lab-add-node';

type Named = 'tab' | 'shift-tab' | 'up' | 'down' | 'left' | 'right' | 'page-up' | 'page-down' | 'home' | 'end' | 'return' | 'escape';

export interface KeySpec {
	/** A printable key, or with `ctrl` the letter. */
	readonly input?: string;
	readonly ctrl?: boolean;
	readonly name?: Named;
}

export interface Binding {
	readonly action: Action;
	readonly scope: Scope;
	readonly keys: readonly KeySpec[];
	/** How the help overlay writes the keys. */
	readonly label: string;
	readonly help: string;
	/** Short words for the footer, when the binding earns a place there. */
	readonly footer?: string;
}

const k = (input: string): KeySpec => ({input});
const ctrl = (input: string): KeySpec => ({input, ctrl: true});
const named = (name: Named): KeySpec => ({name});

export const KEYMAP: readonly Binding[] = [
	{action: 'help', scope: 'global', keys: [k('?')], label: '?', help: 'this help', footer: 'help'},
	{action: 'next-pane', scope: 'global', keys: [named('tab')], label: 'Tab', help: 'next pane', footer: 'panes'},
	{action: 'prev-pane', scope: 'global', keys: [named('shift-tab')], label: 'Shift-Tab', help: 'previous pane'},
	{action: 'pane', scope: 'global', keys: ['1', '2', '3', '4', '5', '6', '7', '8'].map(k), label: '1-8', help: 'go to pane 1-8'},
	{action: 'zoom', scope: 'global', keys: [k('z')], label: 'z', help: 'zoom the pane to the whole screen and back', footer: 'zoom'},
	{action: 'search', scope: 'global', keys: [k('/')], label: '/', help: 'search: height, block hash, txid, address', footer: 'search'},
	{action: 'toggle-mining', scope: 'global', keys: [k('m')], label: 'm', help: 'mining on/off', footer: 'mine'},
	{action: 'mine-one', scope: 'global', keys: [k('g')], label: 'g', help: 'mine one block now (regtest)'},
	// `s` sends (as it always has): `t`, from s-t-ake, is free on every pane and in every scope.
	{action: 'toggle-staking', scope: 'global', keys: [k('t')], label: 't', help: 'staking on/off (proof of stake; the passphrase if locked)', footer: 'stake'},
	{action: 'send', scope: 'global', keys: [k('s')], label: 's', help: 'send coins', footer: 'send'},
	{action: 'create-wallet', scope: 'global', keys: [k('w')], label: 'w', help: 'create wallet (a new address)', footer: 'wallet'},
	{action: 'record-bpm', scope: 'global', keys: [k('b')], label: 'b', help: 'record a BPM reading', footer: 'BPM'},
	{action: 'clone', scope: 'global', keys: [k('c')], label: 'c', help: 'clone a chain from host:port', footer: 'clone'},
	{action: 'add-peer', scope: 'global', keys: [k('a')], label: 'a', help: 'add a peer', footer: 'peer'},
	{action: 'wire', scope: 'global', keys: [k('i')], label: 'i', help: "wire inspector: the peers pane's peer's messages live (from elsewhere, every peer's); i or Esc closes"},
	{action: 'redraw', scope: 'global', keys: [ctrl('l')], label: 'Ctrl-L', help: 'redraw the whole screen'},
	{action: 'suspend', scope: 'global', keys: [ctrl('z')], label: 'Ctrl-Z', help: 'suspend (fg brings it back)'},
	{action: 'quit', scope: 'global', keys: [k('q')], label: 'q', help: 'quit (asks first while mining)', footer: 'quit'},
	{action: 'interrupt', scope: 'global', keys: [ctrl('c')], label: 'Ctrl-C', help: 'quit at once'},

	{action: 'up', scope: 'list', keys: [named('up'), k('k')], label: '↑ k', help: 'move up'},
	{action: 'down', scope: 'list', keys: [named('down'), k('j')], label: '↓ j', help: 'move down'},
	{action: 'page-up', scope: 'list', keys: [named('page-up')], label: 'PgUp', help: 'page up'},
	{action: 'page-down', scope: 'list', keys: [named('page-down')], label: 'PgDn', help: 'page down'},
	{action: 'home', scope: 'list', keys: [named('home')], label: 'Home', help: 'newest (and follow it)'},
	{action: 'end', scope: 'list', keys: [named('end')], label: 'End', help: 'oldest'},
	{action: 'open', scope: 'list', keys: [named('return')], label: 'Enter', help: 'open (block → transaction → address; a peer\'s details)'},
	{action: 'back', scope: 'list', keys: [named('escape')], label: 'Esc', help: 'back'},
	{action: 'follow', scope: 'list', keys: [k('f')], label: 'f', help: 'follow the newest on/off'},
	{action: 'copy', scope: 'list', keys: [k('y')], label: 'y', help: 'copy the selected hash, txid or address (OSC 52)'},

	{action: 'filter', scope: 'log', keys: [k('/')], label: '/', help: 'in the log: filter lines (Esc clears)'},
	{action: 'filter', scope: 'wire', keys: [k('/')], label: '/', help: 'in the wire inspector: filter by command (`inv tx`; `-ping` hides; Esc clears)'},
	{action: 'prev-peer', scope: 'wire', keys: [k('[')], label: '[', help: 'in the wire inspector: the previous peer (every peer first)'},
	{action: 'next-peer', scope: 'wire', keys: [k(']')], label: ']', help: 'in the wire inspector: the next peer'},
	{action: 'up', scope: 'bpm', keys: [named('up'), k('k')], label: '↑ k', help: 'in BPM: the readings of the previous address (all first)'},
	{action: 'down', scope: 'bpm', keys: [named('down'), k('j')], label: '↓ j', help: 'in BPM: the readings of the next address'},

	// The lab (chain-tui lab): looked up before the global keys, so its s, a and c are the lab's.
	{action: 'toggle-mining', scope: 'lab', keys: [k('m')], label: 'm', help: 'the selected node: mining on/off (staking on proof of stake)', footer: 'mine'},
	{action: 'mine-one', scope: 'lab', keys: [k('g')], label: 'g', help: 'the selected node: one block now (regtest, a PoS bootstrap)', footer: 'block'},
	{action: 'send', scope: 'lab', keys: [k('s')], label: 's', help: 'send coins from one node to another', footer: 'send'},
	{action: 'lab-link', scope: 'lab', keys: [k('c')], label: 'c', help: 'cut the selected link, or restore it (Network pane)', footer: 'cut'},
	{action: 'lab-partition', scope: 'lab', keys: [k('p')], label: 'p', help: 'partition: cut every link between the two halves', footer: 'split'},
	{action: 'lab-heal', scope: 'lab', keys: [k('h')], label: 'h', help: 'heal: restore every cut link', footer: 'heal'},
	{action: 'lab-kill', scope: 'lab', keys: [k('x')], label: 'x', help: 'kill -9 the selected node', footer: 'kill'},
	{action: 'lab-restart', scope: 'lab', keys: [k('r')], label: 'r', help: 'restart the selected node', footer: 'restart'},
	{action: 'lab-add-node', scope: 'lab', keys: [k('a')], label: 'a', help: 'add a node, linked to the selected one', footer: 'add'},
	{action: 'wire', scope: 'lab', keys: [k('i')], label: 'i', help: "wire inspector: the selected link's messages live, both ways ([ ] other links; i or Esc closes)", footer: 'wire'},
	{action: 'open', scope: 'lab', keys: [named('return')], label: 'Enter', help: "the selected node's own panes, read over its RPC (q comes back)", footer: 'node'},

	{action: 'form-move', scope: 'form', keys: [], label: 'Tab ↑ ↓', help: 'next / previous field'},
	{action: 'form-edit', scope: 'form', keys: [], label: '← → Home End', help: 'move in a field; ← → pick a choice'},
	{action: 'form-edit', scope: 'form', keys: [], label: 'Ctrl-A E U K W', help: 'start, end, delete to start, to end, a word'},
	{action: 'form-submit', scope: 'form', keys: [], label: 'Enter', help: 'next field / submit'},
	{action: 'form-cancel', scope: 'form', keys: [], label: 'Esc', help: 'cancel (a running clone too)'},
];

export const SCOPE_TITLES: Readonly<Record<Scope, string>> = {global: 'everywhere', list: 'in a list', log: 'in the log', bpm: 'in BPM', wire: 'in the wire inspector', form: 'in a form', lab: 'in the lab'};

/** Ink's key flags, as much as the table needs. */
export interface KeyInput {
	readonly tab?: boolean;
	readonly shift?: boolean;
	readonly upArrow?: boolean;
	readonly downArrow?: boolean;
	readonly leftArrow?: boolean;
	readonly rightArrow?: boolean;
	readonly pageUp?: boolean;
	readonly pageDown?: boolean;
	readonly home?: boolean;
	readonly end?: boolean;
	readonly return?: boolean;
	readonly escape?: boolean;
	readonly ctrl?: boolean;
	readonly meta?: boolean;
}

/** The list moves, by action: what ↑ ↓ PgUp PgDn Home End do to a selection. */
export const MOVE_OF: Readonly<Partial<Record<Action, Move>>> = {up: 'up', down: 'down', 'page-up': 'page-up', 'page-down': 'page-down', home: 'home', end: 'end'};

/**
 * Keys typed faster than a read (a held key, tmux send-keys) come as one string of printable
 * characters: each is a key of its own. (Text fields take their strings whole: pastes, fast typing.)
 */
export function isKeyBurst(input: string, key: KeyInput): boolean {
	return input.length > 1 && !key.ctrl && !key.meta && [...input].every(ch => ch >= ' ' && ch !== '\x7f');
}

function nameOf(key: KeyInput): Named | null {
	if (key.tab) return key.shift ? 'shift-tab' : 'tab';
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'page-up';
	if (key.pageDown) return 'page-down';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'return';
	if (key.escape) return 'escape';
	return null;
}

function matches(spec: KeySpec, input: string, key: KeyInput, name: Named | null): boolean {
	if (spec.name) return spec.name === name;
	if (name !== null) return false;
	return spec.input === input && Boolean(spec.ctrl) === Boolean(key.ctrl);
}

/** The action for a key in the given scopes (looked up in that order), or null. */
export function actionFor(input: string, key: KeyInput, scopes: readonly Scope[]): Action | null {
	const name = nameOf(key);
	for (const scope of scopes) {
		for (const b of KEYMAP) if (b.scope === scope && b.keys.some(s => matches(s, input, key, name))) return b.action;
	}
	return null;
}

/** The footer's hints, from the table: `? help · Tab panes · …`. */
/** The footer's hints: staking in mining's place on a proof-of-stake network. */
export function footerHints(stake = false): string {
	const hidden = stake ? 'toggle-mining' : 'toggle-staking';
	return KEYMAP.filter(b => b.footer && b.scope === 'global' && b.action !== hidden)
		.map(b => `${b.label} ${b.footer}`)
		.join(' · ');
}

/** The app's keys the lab's screen keeps: panes, help, zoom, redraw, suspend and quit. */
export const LAB_SHARED: readonly Action[] = ['help', 'next-pane', 'prev-pane', 'pane', 'zoom', 'redraw', 'suspend', 'quit', 'interrupt'];

/** How the lab's help says the shared keys that mean something else there. */
const LAB_WORDING: Partial<Record<Action, Pick<Binding, 'label' | 'help'>>> = {
	pane: {label: '1-4', help: 'go to pane 1-4'},
	quit: {label: 'q', help: 'quit the lab (asks first): every node stops'},
};

/** The lab's bindings, as its help lists them: its own, moving in a list, then those it keeps from everywhere. */
export function labBindings(): Binding[] {
	return [
		...KEYMAP.filter(b => b.scope === 'lab'),
		...KEYMAP.filter(b => b.scope === 'list' && MOVE_OF[b.action] !== undefined),
		...KEYMAP.filter(b => b.scope === 'global' && LAB_SHARED.includes(b.action)).map(b => ({...b, ...LAB_WORDING[b.action]})),
	];
}

/** The lab's footer: `? help · Tab panes · m mine · …`. */
export function labFooterHints(): string {
	const shared = KEYMAP.filter(b => b.scope === 'global' && b.footer && LAB_SHARED.includes(b.action) && b.action !== 'quit');
	const quit = KEYMAP.find(b => b.scope === 'global' && b.action === 'quit')!;
	return [...shared, ...KEYMAP.filter(b => b.scope === 'lab' && b.footer), quit].map(b => `${b.label} ${b.footer}`).join(' · ');
}
