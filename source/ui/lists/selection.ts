/**
 * A list's selection follows the item (a block by hash, a peer by address, a transaction by txid),
 * never the row: new items above it move it down with them. `follow` keeps it on the newest
 * (the top) as items arrive; moving off the top turns that off, Home or `f` turns it back on.
 */
export interface ListModel {
	readonly length: number;
	/** The id of the item at a row, when known (the chain list holds only a window of rows). */
	idAt(index: number): string | undefined;
	/** The row of an item, or -1. */
	indexOf(id: string): number;
}

export interface Selection {
	readonly id: string | null;
	/** Where it was last seen: used when its item is gone. */
	readonly index: number;
	/** The first row shown. */
	readonly top: number;
	readonly follow: boolean;
}

export const FOLLOW_NEWEST: Selection = {id: null, index: 0, top: 0, follow: true};

export type Move = 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end';

export function arrayList<T>(items: readonly T[], id: (item: T) => string): ListModel {
	let ids: Map<string, number> | null = null;
	return {
		length: items.length,
		idAt: i => (items[i] === undefined ? undefined : id(items[i])),
		indexOf: wanted => {
			ids ??= new Map(items.map((item, i) => [id(item), i]));
			return ids.get(wanted) ?? -1;
		},
	};
}

const clamp = (n: number, length: number) => Math.max(0, Math.min(n, length - 1));

/** The row the selection is on now. */
export function selectedIndex(sel: Selection, list: ListModel): number {
	if (list.length === 0) return 0;
	if (sel.follow) return 0;
	if (sel.id !== null) {
		const at = list.indexOf(sel.id);
		if (at >= 0) return at;
	}
	return clamp(sel.index, list.length);
}

/** The first row to show so the selection stays in view, moving the view as little as possible. */
export function viewTop(sel: Selection, list: ListModel, space: number): number {
	const at = selectedIndex(sel, list);
	let top = Math.min(sel.top, Math.max(0, list.length - space));
	if (at < top) top = at;
	if (at >= top + space) top = at - space + 1;
	return Math.max(0, top);
}

export function moveSelection(sel: Selection, list: ListModel, move: Move, space: number): Selection {
	if (list.length === 0) return sel;
	const at = selectedIndex(sel, list);
	const page = Math.max(1, space - 1);
	const to = clamp(
		move === 'up' ? at - 1 : move === 'down' ? at + 1 : move === 'page-up' ? at - page : move === 'page-down' ? at + page : move === 'home' ? 0 : list.length - 1,
		list.length,
	);
	const next = {id: list.idAt(to) ?? null, index: to, top: sel.top, follow: move === 'home' || (to === 0 && move === 'up' && sel.follow)};
	return {...next, top: viewTop(next, list, space)};
}

/** `f`: follow the newest, or stop following and stay on the item shown. */
export function toggleFollow(sel: Selection, list: ListModel): Selection {
	if (sel.follow) return {...sel, follow: false, id: list.idAt(0) ?? null, index: 0};
	return FOLLOW_NEWEST;
}

/** Selects the item at `index` (a click). */
export function selectIndex(sel: Selection, list: ListModel, index: number, space: number): Selection {
	if (list.length === 0) return sel;
	const to = clamp(index, list.length);
	const next = {id: list.idAt(to) ?? null, index: to, top: sel.top, follow: false};
	return {...next, top: viewTop(next, list, space)};
}

/** Scrolls the view by `rows` (the mouse wheel), keeping the selection within it. */
export function scrollBy(sel: Selection, list: ListModel, rows: number, space: number): Selection {
	if (list.length === 0) return sel;
	const top = Math.max(0, Math.min(viewTop(sel, list, space) + rows, Math.max(0, list.length - space)));
	const at = selectedIndex(sel, list);
	const kept = Math.max(top, Math.min(at, top + space - 1));
	return {id: list.idAt(kept) ?? null, index: kept, top, follow: kept === 0 && sel.follow};
}
