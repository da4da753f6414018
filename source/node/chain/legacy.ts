/**
 * Datadirs made under main's rules before ASERT (its old genesis and magic) cannot be used: their
 * blocks follow another difficulty rule from another genesis. Found before the chain loads, so
 * the user reads what happened and what to do instead of "belongs to another network".
 */
import {stat} from 'node:fs/promises';
import {DatadirError} from '../errors.js';
import {hexToHash} from '../encoding/hex.js';
import {OLD_MAIN_GENESIS} from '../consensus/networks.js';
import {ChainDB} from './chain-db.js';
import {layout} from './layout.js';

/** Throws a DatadirError if the chain database at `path` holds the old main genesis. */
export async function refuseOldMainDatadir(path: string): Promise<void> {
	const exists = await stat(path).then(
		s => s.isDirectory(),
		() => false,
	);
	if (!exists) return; // a new datadir: nothing to refuse, and nothing created here
	const db = await ChainDB.open(path);
	let old: boolean;
	try {
		old = (await db.get(layout.e(hexToHash(OLD_MAIN_GENESIS)))) !== undefined;
	} finally {
		await db.close();
	}
	if (old) {
		throw new DatadirError(
			`the chain database at ${path} was made under the old main rules (before ASERT difficulty; genesis ${OLD_MAIN_GENESIS.slice(0, 12)}…), ` +
				'and this chain-tui cannot use it: move that datadir away or choose another --datadir',
		);
	}
}
