/** Selections that follow the item, not the row (source/ui/lists/selection.ts). */
import {describe, expect, it} from 'vitest';
import {arrayList, FOLLOW_NEWEST, moveSelection, scrollBy, selectedIndex, selectIndex, toggleFollow, viewTop, type ListModel, type Selection} from '../../source/ui/lists/selection.js';

/** Items newest first, as every list on the screen: `list(5)` is e5 … e1. */
const list = (newest: number, oldest = 1): ListModel =>
	arrayList(
		Array.from({length: newest - oldest + 1}, (_, i) => `e${newest - i}`),
		id => id,
	);

const selected = (sel: Selection, model: ListModel) => model.idAt(selectedIndex(sel, model));

const moves = (sel: Selection, model: ListModel, space: number, ...ms: Parameters<typeof moveSelection>[2][]) => ms.reduce((s, m) => moveSelection(s, model, m, space), sel);

describe('following the newest', () => {
	it('follow keeps the selection on the top row as items arrive', () => {
		expect(FOLLOW_NEWEST.follow).toBe(true);
		expect(selected(FOLLOW_NEWEST, list(5))).toBe('e5');
		expect(selected(FOLLOW_NEWEST, list(9))).toBe('e9');
		expect(viewTop(FOLLOW_NEWEST, list(90), 10)).toBe(0);
	});

	it('moving off the top stops following; up back to the top does not follow again', () => {
		const model = list(10);
		const down = moveSelection(FOLLOW_NEWEST, model, 'down', 5);
		expect(down.follow).toBe(false);
		expect(selected(down, model)).toBe('e9');
		const up = moveSelection(down, model, 'up', 5);
		expect(selected(up, model)).toBe('e10');
		expect(up.follow).toBe(false);
		// So a new item arrives above it and it stays where it was.
		expect(selected(up, list(11))).toBe('e10');
	});

	it('up at the top while following keeps following', () => {
		const model = list(10);
		const up = moveSelection(FOLLOW_NEWEST, model, 'up', 5);
		expect(up.follow).toBe(true);
		expect(selected(up, list(12))).toBe('e12');
	});

	it('Home follows again', () => {
		const model = list(10);
		const away = moves(FOLLOW_NEWEST, model, 5, 'down', 'down', 'down');
		expect(away.follow).toBe(false);
		const home = moveSelection(away, model, 'home', 5);
		expect(home.follow).toBe(true);
		expect(selected(home, list(14))).toBe('e14');
	});

	it('f stops following on the item shown at the top, and f again follows', () => {
		const model = list(10);
		const paused = toggleFollow(FOLLOW_NEWEST, model);
		expect(paused.follow).toBe(false);
		expect(selected(paused, list(13))).toBe('e10');
		const again = toggleFollow(paused, list(13));
		expect(again).toEqual(FOLLOW_NEWEST);
		expect(selected(again, list(13))).toBe('e13');
	});
});

describe('the selection follows its item', () => {
	it('stays on the item when items are added above it, and the view moves with it', () => {
		const model = list(20);
		const sel = moves(FOLLOW_NEWEST, model, 5, 'down', 'down');
		expect(selected(sel, model)).toBe('e18');
		const grown = list(23);
		expect(selectedIndex(sel, grown)).toBe(5);
		expect(selected(sel, grown)).toBe('e18');
		// Still in view in a 5-row space (rows 1-5): the view scrolled by as little as it had to.
		expect(viewTop(sel, grown, 5)).toBe(1);
	});

	it('stays on the item when items go from the bottom', () => {
		const sel = moves(FOLLOW_NEWEST, list(20), 5, 'down', 'down');
		expect(selected(sel, list(20, 15))).toBe('e18');
	});

	it('a vanished item falls back to the row it was last seen at, within the list', () => {
		const model = list(20);
		const sel = moves(FOLLOW_NEWEST, model, 5, 'down', 'down', 'down');
		expect(selected(sel, model)).toBe('e17');
		// e17 gone (a reorg): the row it was on.
		const without = arrayList(['e21', 'e20', 'e19', 'e18', 'e16', 'e15'], id => id);
		expect(selectedIndex(sel, without)).toBe(3);
		expect(selected(sel, without)).toBe('e18');
		// Fewer rows than that: the last.
		expect(selected(sel, arrayList(['x2', 'x1'], id => id))).toBe('x1');
		expect(selectedIndex(sel, arrayList([], id => id))).toBe(0);
	});

	it('a row whose item is not known yet (outside the loaded window) is held by its index', () => {
		// The chain list: 100 blocks, only the newest 10 read.
		const known = new Map(Array.from({length: 10}, (_, i) => [i, `h${100 - i}`]));
		const chain: ListModel = {length: 100, idAt: i => known.get(i), indexOf: id => [...known].find(([, v]) => v === id)?.[0] ?? -1};
		const far = moves(FOLLOW_NEWEST, chain, 10, 'page-down', 'page-down');
		expect(far.id).toBeNull();
		expect(selectedIndex(far, chain)).toBe(18);
	});
});

describe('moving', () => {
	const model = list(50);

	it('PgDn and PgUp move a page less one row (one row stays in view), and stop at the ends', () => {
		const space = 10;
		let sel = moveSelection(FOLLOW_NEWEST, model, 'page-down', space);
		expect(selectedIndex(sel, model)).toBe(9);
		expect(sel.follow).toBe(false);
		sel = moveSelection(sel, model, 'page-down', space);
		expect(selectedIndex(sel, model)).toBe(18);
		expect(viewTop(sel, model, space)).toBe(9);
		sel = moveSelection(sel, model, 'page-up', space);
		expect(selectedIndex(sel, model)).toBe(9);
		sel = moves(sel, model, space, 'page-up', 'page-up');
		expect(selectedIndex(sel, model)).toBe(0);
		sel = moves(sel, model, space, 'page-down', 'page-down', 'page-down', 'page-down', 'page-down', 'page-down', 'page-down');
		expect(selectedIndex(sel, model)).toBe(49);
	});

	it('End goes to the oldest item with the last page in view; down there stays', () => {
		const sel = moveSelection(FOLLOW_NEWEST, model, 'end', 10);
		expect(selected(sel, model)).toBe('e1');
		expect(sel.follow).toBe(false);
		expect(viewTop(sel, model, 10)).toBe(40);
		expect(selected(moveSelection(sel, model, 'down', 10), model)).toBe('e1');
	});

	it('moves the view as little as it must: up inside the view leaves it', () => {
		let sel = moveSelection(FOLLOW_NEWEST, model, 'end', 10);
		sel = moves(sel, model, 10, 'up', 'up', 'up');
		expect(viewTop(sel, model, 10)).toBe(40);
		sel = moves(sel, model, 10, ...Array<'up'>(7).fill('up'));
		expect(selectedIndex(sel, model)).toBe(39);
		expect(viewTop(sel, model, 10)).toBe(39);
	});

	it('an empty list has nothing to move', () => {
		const empty = arrayList([], id => id);
		expect(moveSelection(FOLLOW_NEWEST, empty, 'down', 5)).toBe(FOLLOW_NEWEST);
		expect(selectIndex(FOLLOW_NEWEST, empty, 3, 5)).toBe(FOLLOW_NEWEST);
		expect(scrollBy(FOLLOW_NEWEST, empty, 3, 5)).toBe(FOLLOW_NEWEST);
	});

	it('a click selects a row and stops following; the wheel scrolls and keeps the selection in view', () => {
		const click = selectIndex(FOLLOW_NEWEST, model, 4, 10);
		expect(selected(click, model)).toBe('e46');
		expect(click.follow).toBe(false);
		const wheel = scrollBy(click, model, 9, 10);
		expect(viewTop(wheel, model, 10)).toBe(9);
		expect(selectedIndex(wheel, model)).toBe(9);
		// Scrolling never goes past the last page.
		expect(viewTop(scrollBy(wheel, model, 1000, 10), model, 10)).toBe(40);
		expect(viewTop(scrollBy(wheel, model, -1000, 10), model, 10)).toBe(0);
	});
});
