/**
 * walletpassphrase over RPC: awaits the (async) unlock, and a wrong passphrase is Core's -14 by the
 * wallet error's code, whatever the message says.
 */
import {copyFile, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, expect, it} from 'vitest';
import {rpcMethods} from '../../source/node/rpc/methods.js';
import {JsonNumber} from '../../source/node/rpc/json.js';
import {RPC_ERRORS} from '../../source/node/rpc/server.js';
import type {FullNode} from '../../source/node/node.js';
import {Keystore, WalletError} from '../../source/node/wallet/keystore.js';
import {quickNet} from '../helpers/chain-env.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-rpc-unlock-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

/** The RPC methods over a node that has only a wallet (walletpassphrase needs nothing else). */
function methodsFor(keystore: Pick<Keystore, 'encrypted' | 'unlock'>) {
	const node = {chain: {network: quickNet}, wallet: {keystore}} as unknown as FullNode;
	return rpcMethods({node, startedAt: 0, stop: () => undefined});
}

it('walletpassphrase unlocks the fixture wallet once resolved, and a wrong passphrase is -14', async () => {
	const path = join(dir, 'wallet.json');
	await copyFile(fileURLToPath(new URL('fixtures/encrypted-v1.json', import.meta.url)), path);
	const keystore = await Keystore.open(path, 'test');
	const methods = methodsFor(keystore);
	await expect(methods.walletpassphrase!(['nope', new JsonNumber('60')])).rejects.toMatchObject({code: RPC_ERRORS.WALLET_PASSPHRASE_INCORRECT});
	expect(keystore.locked).toBe(true);
	await expect(methods.walletpassphrase!(['fixture passphrase', new JsonNumber('60')])).resolves.toBeNull();
	expect(keystore.locked).toBe(false);
	keystore.lock();
});

it('the -14 mapping goes by code: a reworded wrong-passphrase is -14, other wallet errors mentioning "wrong passphrase" are not', async () => {
	const failing = (error: WalletError) => methodsFor({encrypted: true, unlock: () => Promise.reject(error)});
	await expect(failing(new WalletError('wrong-passphrase', 'that is not it')).walletpassphrase!(['x', new JsonNumber('60')])).rejects.toMatchObject({code: RPC_ERRORS.WALLET_PASSPHRASE_INCORRECT});
	await expect(failing(new WalletError('file-busy', 'wrong passphrase file busy')).walletpassphrase!(['x', new JsonNumber('60')])).rejects.toMatchObject({code: RPC_ERRORS.WALLET_ERROR});
});
