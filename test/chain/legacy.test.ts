/**
 * A datadir made under main's rules before ASERT (old genesis, old magic) is refused at start
 * with a plain message, on a real LevelDB.
 */
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Chain} from '../../source/node/chain/chain.js';
import {refuseOldMainDatadir} from '../../source/node/chain/legacy.js';
import {MAIN_SPEC, OLD_MAIN_GENESIS, main, makeNetwork} from '../../source/node/consensus/networks.js';
import {DatadirError} from '../../source/node/errors.js';
import {FullNode} from '../../source/node/node.js';

/** Main as it was before ASERT: its genesis of 2026-11-20 and magic c7 1a 75 e1. */
const oldMain = makeNetwork({
	...MAIN_SPEC,
	magic: [0xc7, 0x1a, 0x75, 0xe1],
	genesis: {time: 1795132800, bits: 0x1e00ffff, nonce: 2086179, message: 'chain-tui main 2026-11-20: every node a full node, every block in plain sight'},
});

let dir: string;
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

async function datadirOf(network: typeof main): Promise<string> {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-legacy-'));
	const chain = await Chain.open({network, path: join(dir, 'chain'), now: () => network.genesis.header.time + 1000});
	await chain.close();
	return dir;
}

describe('a datadir of the old main rules', () => {
	it('is refused with a plain DatadirError saying what it is and what to do', async () => {
		expect(oldMain.genesis.hashHex()).toBe(OLD_MAIN_GENESIS);
		const datadir = await datadirOf(oldMain);
		const error = await refuseOldMainDatadir(join(datadir, 'chain')).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatadirError);
		expect((error as Error).message).toMatch(/made under the old main rules \(before ASERT/);
		expect((error as Error).message).toMatch(/cannot use it: move that datadir away or choose another --datadir/);
		// The check only reads: the old chain opens as before under its own rules.
		const chain = await Chain.open({network: oldMain, path: join(datadir, 'chain')});
		expect(chain.tip.hashHex).toBe(OLD_MAIN_GENESIS);
		await chain.close();
	});

	it('stops a main node at start, before the chain loads', async () => {
		const datadir = await datadirOf(oldMain);
		const error = await FullNode.open({network: main, datadir, verifyThreads: 1}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatadirError);
		expect((error as Error).message).toMatch(/old main rules/);
	});

	it('lets a new main datadir and a missing one through, creating nothing', async () => {
		const datadir = await datadirOf(main);
		await expect(refuseOldMainDatadir(join(datadir, 'chain'))).resolves.toBeUndefined();
		const missing = join(datadir, 'not-yet');
		await expect(refuseOldMainDatadir(missing)).resolves.toBeUndefined();
		expect(existsSync(missing)).toBe(false);
	});
});
