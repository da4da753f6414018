/**
 * Block 1 of an entry's branch: the ASERT anchor. A header sync adds long branches of headers
 * beyond the active chain, where Chain.getAncestor walks back to the active chain each time; what
 * was walked is remembered here, so the anchor of each new header costs O(1).
 */
import type {ChainEntry} from './entry.js';

const known = new WeakMap<ChainEntry, ChainEntry>();

/**
 * Block 1 below (or at) `entry`, null for genesis. `shortcut` answers at once where it can (the
 * active chain: its block 1); entries walked past remember the answer.
 */
export function blockOneOf(entry: ChainEntry, shortcut: (e: ChainEntry) => ChainEntry | null): ChainEntry | null {
	if (entry.height < 1) return null;
	const walked: ChainEntry[] = [];
	let e: ChainEntry = entry;
	let found: ChainEntry | null | undefined;
	for (;;) {
		found = e.height === 1 ? e : (known.get(e) ?? shortcut(e));
		if (found) break;
		walked.push(e);
		if (!e.prev) throw new Error(`block ${e.hashHex} at height ${e.height} has no parent in memory`);
		e = e.prev;
	}
	for (const w of walked) known.set(w, found);
	return found;
}
