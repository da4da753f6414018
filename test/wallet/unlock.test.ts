/**
 * Unlocking runs scrypt off the event loop and derives the same key as before: a file written by
 * the synchronous version (fixtures/encrypted-v1.json, made by the code before this change with
 * passphrase "fixture passphrase") still opens.
 */
import {copyFile, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Keystore} from '../../source/node/wallet/keystore.js';
import {fromHex, toHex} from '../../source/node/encoding/hex.js';

const FIXTURE = fileURLToPath(new URL('fixtures/encrypted-v1.json', import.meta.url));
const FIXTURE_PUBLIC = '02187d78086500534ec08c31b9e2b9522f72a057283679e2d6c0cb1314ef2a948c';
const FIXTURE_PRIVATE = 'e578c394e70f3c52b6cbe6c10273516d910c5c9f1e97c7bdd486d5cf14ae7911';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-unlock-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

async function fixtureCopy(): Promise<Keystore> {
	const path = join(dir, 'wallet.json');
	await copyFile(FIXTURE, path);
	return Keystore.open(path, 'test');
}

describe('unlock', () => {
	it('a file encrypted before scrypt went async unlocks to the same private key, and refuses a wrong passphrase by code', async () => {
		const store = await fixtureCopy();
		expect(store.locked).toBe(true);
		await expect(store.unlock('fixture passphrase!', 60)).rejects.toMatchObject({code: 'wrong-passphrase'});
		expect(store.locked).toBe(true);
		await store.unlock('fixture passphrase', 60);
		expect(toHex(store.privateKey(fromHex(FIXTURE_PUBLIC)))).toBe(FIXTURE_PRIVATE);
		store.lock();
	});

	it('a key added to that file after unlocking is sealed so that a fresh open unlocks both', async () => {
		const store = await fixtureCopy();
		await store.unlock('fixture passphrase', 60);
		const added = await store.createKey('after');
		store.lock();
		const again = await Keystore.open(join(dir, 'wallet.json'), 'test');
		await again.unlock('fixture passphrase', 60);
		expect(toHex(again.privateKey(fromHex(FIXTURE_PUBLIC)))).toBe(FIXTURE_PRIVATE);
		expect(again.privateKey(added.publicKey)).toHaveLength(32);
		again.lock();
	});

	it('the event loop keeps turning while unlock runs scrypt', async () => {
		const store = await fixtureCopy();
		// Counts event-loop turns (setImmediate runs once per turn) until unlock settles; a
		// synchronous scrypt would hold the loop for the whole derivation and leave this near 0.
		let turns = 0;
		let settled = false;
		const spin = () => {
			if (settled || turns >= 10_000_000) return;
			turns++;
			setImmediate(spin);
		};
		setImmediate(spin);
		await store.unlock('fixture passphrase', 60).finally(() => (settled = true));
		expect(turns).toBeGreaterThan(20);
		store.lock();
	});
});
