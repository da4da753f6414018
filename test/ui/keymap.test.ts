/** The one key table (source/ui/keymap.ts): scopes, lookups, and the help and footer made from it. */
import {describe, expect, it} from 'vitest';
import {actionFor, footerHints, KEYMAP, LAB_SHARED, labBindings, labFooterHints, SCOPE_TITLES, type KeyInput, type KeySpec, type Scope} from '../../source/ui/keymap.js';
import {helpLines} from '../../source/ui/help.js';
import {PANES} from '../../source/ui/panes/registry.js';

/** What Ink reports for a key of the table. */
function inkKey(spec: KeySpec): {input: string; key: KeyInput} {
	if (spec.name) {
		const flags: Record<string, KeyInput> = {
			tab: {tab: true},
			'shift-tab': {tab: true, shift: true},
			up: {upArrow: true},
			down: {downArrow: true},
			left: {leftArrow: true},
			right: {rightArrow: true},
			'page-up': {pageUp: true},
			'page-down': {pageDown: true},
			home: {home: true},
			end: {end: true},
			return: {return: true},
			escape: {escape: true},
		};
		return {input: '', key: flags[spec.name]!};
	}
	return {input: spec.input!, key: spec.ctrl ? {ctrl: true} : {}};
}

/** The scopes the app looks keys up in for a pane: its own, the list's, then the global ones. */
const scopesOf = (pane: (typeof PANES)[number]): Scope[] => [pane.scope, pane.list ? 'list' : undefined, 'global'].filter((s): s is Scope => s !== undefined);

describe('looking keys up', () => {
	it('/ filters in the log and searches everywhere else', () => {
		expect(actionFor('/', {}, ['log', 'list', 'global'])).toBe('filter');
		expect(actionFor('/', {}, ['list', 'global'])).toBe('search');
		expect(actionFor('/', {}, ['global'])).toBe('search');
		for (const pane of PANES) expect(actionFor('/', {}, scopesOf(pane)), pane.title).toBe(pane.id === 'log' ? 'filter' : 'search');
	});

	it('g mines one block in every pane, and nothing in any scope takes g for something else', () => {
		for (const pane of PANES) expect(actionFor('g', {}, scopesOf(pane)), pane.title).toBe('mine-one');
		// The app's g and the lab's (one block on the selected node).
		expect(KEYMAP.filter(b => b.keys.some(k => k.input === 'g' && !k.ctrl)).map(b => `${b.scope} ${b.action}`)).toEqual(['global mine-one', 'lab mine-one']);
	});

	it('list keys work only where there is a list; global keys everywhere', () => {
		expect(actionFor('j', {}, ['global'])).toBeNull();
		expect(actionFor('', {escape: true}, ['global'])).toBeNull();
		expect(actionFor('j', {}, ['list', 'global'])).toBe('down');
		expect(actionFor('', {downArrow: true}, ['list', 'global'])).toBe('down');
		expect(actionFor('', {pageDown: true}, ['list', 'global'])).toBe('page-down');
		expect(actionFor('', {end: true}, ['list', 'global'])).toBe('end');
		expect(actionFor('', {return: true}, ['list', 'global'])).toBe('open');
		expect(actionFor('', {escape: true}, ['list', 'global'])).toBe('back');
		expect(actionFor('z', {}, ['global'])).toBe('zoom');
	});

	it('Ctrl and Shift make different keys: c clones, Ctrl-C quits; Tab and Shift-Tab go opposite ways', () => {
		expect(actionFor('c', {}, ['global'])).toBe('clone');
		expect(actionFor('c', {ctrl: true}, ['global'])).toBe('interrupt');
		expect(actionFor('l', {ctrl: true}, ['global'])).toBe('redraw');
		expect(actionFor('l', {}, ['global'])).toBeNull();
		expect(actionFor('', {tab: true}, ['global'])).toBe('next-pane');
		expect(actionFor('', {tab: true, shift: true}, ['global'])).toBe('prev-pane');
	});

	it('a named key is never read as its text: Enter with input "m" is Enter, not mining', () => {
		expect(actionFor('m', {return: true}, ['list', 'global'])).toBe('open');
		expect(actionFor('m', {return: true}, ['global'])).toBeNull();
	});

	it('1-8 go to the panes in their order', () => {
		for (const [i, pane] of PANES.entries()) {
			expect(pane.number).toBe(i + 1);
			expect(actionFor(String(i + 1), {}, ['global'])).toBe('pane');
		}
		expect(actionFor('9', {}, ['global'])).toBeNull();
	});

	it('every key in the table leads to its own action in its scope, and no scope binds a key twice', () => {
		for (const scope of Object.keys(SCOPE_TITLES) as Scope[]) {
			const seen = new Map<string, string>();
			for (const b of KEYMAP.filter(x => x.scope === scope)) {
				for (const spec of b.keys) {
					const {input, key} = inkKey(spec);
					expect(actionFor(input, key, [scope]), `${b.label} in ${scope}`).toBe(b.action);
					const id = JSON.stringify(spec);
					expect(seen.get(id), `${id} bound twice in ${scope}`).toBeUndefined();
					seen.set(id, b.action);
				}
			}
		}
	});
});

describe('help and footer come from the table', () => {
	it('every binding has a help line, under its scope', () => {
		const lines = helpLines();
		for (const b of KEYMAP.filter(x => x.scope !== 'lab')) {
			const at = lines.findIndex(l => !l.heading && l.text === `${b.label.padEnd(15)} ${b.help}`);
			expect(at, `${b.label} (${b.action}, ${b.scope}) in the help`).toBeGreaterThanOrEqual(0);
			// The nearest heading above it is its scope's.
			const heading = lines.slice(0, at).reverse().find(l => l.heading);
			expect(heading?.text, `${b.label}'s heading`).toBe(SCOPE_TITLES[b.scope]);
		}
	});

	it('the help names every pane with its number', () => {
		const text = helpLines()
			.map(l => l.text)
			.join('\n');
		for (const p of PANES) expect(text).toContain(`${p.number} ${p.title}`);
	});

	it('the footer hints are the global bindings marked for it, in the table order, keys as the help writes them; t stake in m mine\'s place on a PoS network', () => {
		const expected = KEYMAP.filter(b => b.scope === 'global' && b.footer && b.action !== 'toggle-staking').map(b => `${b.label} ${b.footer}`);
		expect(expected.length).toBeGreaterThan(5);
		expect(footerHints().split(' · ')).toEqual(expected);
		expect(footerHints()).toMatch(/^\? help · Tab panes · z zoom · \/ search · m mine/);
		// On a proof-of-stake network staking takes mining's place, at the same spot.
		expect(footerHints(true)).toMatch(/^\? help · Tab panes · z zoom · \/ search · t stake/);
		expect(footerHints(true)).not.toMatch(/m mine/);
		expect(footerHints()).not.toMatch(/t stake/);
		// Each hint's key does what the hint says.
		for (const b of KEYMAP.filter(x => x.footer && x.scope === 'global')) {
			const {input, key} = inkKey(b.keys[0]!);
			expect(actionFor(input, key, ['global'])).toBe(b.action);
		}
	});
});

describe("the lab's keys", () => {
	const labScopes: Scope[] = ['lab', 'list', 'global'];

	it("the lab's own keys win over the app's: s sends between nodes, c cuts a link, a adds a node; the shared keys stay", () => {
		expect(actionFor('s', {}, labScopes)).toBe('send');
		expect(actionFor('c', {}, labScopes)).toBe('lab-link');
		expect(actionFor('a', {}, labScopes)).toBe('lab-add-node');
		expect(actionFor('p', {}, labScopes)).toBe('lab-partition');
		expect(actionFor('h', {}, labScopes)).toBe('lab-heal');
		expect(actionFor('x', {}, labScopes)).toBe('lab-kill');
		expect(actionFor('r', {}, labScopes)).toBe('lab-restart');
		expect(actionFor('', {return: true}, labScopes)).toBe('open');
		expect(actionFor('', {tab: true}, labScopes)).toBe('next-pane');
		expect(actionFor('q', {}, labScopes)).toBe('quit');
		// The app itself never sees the lab's keys.
		expect(actionFor('p', {}, ['list', 'global'])).toBeNull();
		expect(actionFor('c', {}, ['list', 'global'])).toBe('clone');
	});

	it("the lab's help lists its own keys and the shared ones; its footer's keys do what they say there", () => {
		const help = labBindings();
		for (const b of KEYMAP.filter(x => x.scope === 'lab')) expect(help).toContain(b);
		for (const action of LAB_SHARED) expect(help.some(b => b.action === action), action).toBe(true);
		expect(help.some(b => b.action === 'clone' || b.action === 'record-bpm')).toBe(false);
		const hints = labFooterHints().split(' · ');
		expect(hints[0]).toBe('? help');
		expect(hints.at(-1)).toBe('q quit');
		for (const hint of hints) {
			const b = help.find(x => `${x.label} ${x.footer}` === hint)!;
			expect(b, hint).toBeDefined();
			const {input, key} = inkKey(b.keys[0]!);
			expect(actionFor(input, key, labScopes), hint).toBe(b.action);
		}
	});
});
