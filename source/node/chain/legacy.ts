/**
 * Datadirs made under main's rules before ASERT (its old genesis and magic) cannot be used: their
 * blocks follow another difficulty rule from another genesis. Found before the chain loads, so
 * the user reads what happened and what to do instead of "belongs to another network".
 */
import {stat} from 'node:fs/promises';
import {DatadirError, StorageError} from '../errors.js';
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
	let old: boolean;
	try {
		const db = await ChainDB.open(path);
		try {
			old = (await db.get(layout.e(hexToHash(OLD_MAIN_GENESIS)))) !== undefined;
		} finally {
			await db.close();
		}
	} catch (error) {
		// A damaged database is Chain.open's to report, or --reindex's to repair.
		if (error instanceof StorageError && error.code === 'corrupt') return;
		throw error;
	}
	if (old) {
		throw new DatadirError(
			`the chain database at ${path} was made under the old main rules (before ASERT difficulty; genesis ${OLD_MAIN_GENESIS.slice(0, 12)}…), ` +
				'and this chain-tui cannot use it: move that datadir away or choose another --datadir',
		);
	}
}
