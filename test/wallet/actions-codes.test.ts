/**
 * The screen's actions pick the form field for a wallet failure by the error's code, not by its
 * words: a reworded message still lands on the right field, and words alone move nothing.
 */
import {describe, expect, it, vi} from 'vitest';
import {Actions} from '../../source/store/actions.js';
import type {FullNode} from '../../source/node/node.js';
import type {NodeStore} from '../../source/store/store.js';
import {WalletError, WalletLockedError} from '../../source/node/wallet/keystore.js';
import {encodeAddress} from '../../source/node/crypto/address.js';
import {quickNet} from '../helpers/chain-env.js';
import {key} from '../helpers/builder.js';

// No host:port form is used here: the network layer is left out, so these tests load only the wallet and the actions.
vi.mock('../../source/node/net/pool.js', () => ({parseHostPort: () => null}));

const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);

/** Actions over a node whose wallet throws `error` from every call. */
function actionsThrowing(error: Error): Actions {
	const fails = () => Promise.reject(error);
	const keystore = {encrypted: true, locked: true, unlock: fails, encrypt: fails};
	const node = {chain: {network: quickNet}, wallet: {keystore, prepareSend: fails, recordBpm: fails, createAddress: fails}} as unknown as FullNode;
	const store = {log: () => undefined, walletChanged: () => undefined} as unknown as NodeStore;
	return new Actions(node, store);
}

const sendForm = {from: '', to: bob, amount: '1', feeRate: '1'};

describe('actions decide by wallet error codes', () => {
	it('send: insufficient-funds goes to amount, locked to passphrase, bad-fee-rate to fee rate, whatever the words', async () => {
		const cases: [Error, string][] = [
			[new WalletError('insufficient-funds', 'reworded: you cannot afford that'), 'amount'],
			[new WalletError('bad-amount', 'too small to send'), 'amount'],
			[new WalletLockedError('reworded: please type the secret first'), 'passphrase'],
			[new WalletError('bad-fee-rate', 'too cheap'), 'feeRate'],
			// Words that the old text checks caught, with codes that say otherwise.
			[new WalletError('bad-address', 'insufficient locked more than'), 'to'],
		];
		for (const [error, field] of cases) {
			const r = await actionsThrowing(error).prepareSend(sendForm);
			expect(r).toEqual({ok: false, error: error.message, field});
		}
	});

	it('BPM: locked goes to passphrase, anything else (even a message saying "locked") to address', async () => {
		const form = {address: bob, bpm: '70'};
		expect(await actionsThrowing(new WalletLockedError('keys are shut')).recordBpm(form)).toMatchObject({ok: false, field: 'passphrase'});
		expect(await actionsThrowing(new WalletError('insufficient-funds', 'the wallet is locked out of funds')).recordBpm(form)).toMatchObject({ok: false, field: 'address'});
	});

	it('create wallet: wrong-passphrase goes to the passphrase field, other failures mentioning a passphrase to no field', async () => {
		const form = {label: 'x', passphrase: 'p', repeat: 'p'};
		expect(await actionsThrowing(new WalletError('wrong-passphrase', 'nope')).createWallet(form)).toEqual({ok: false, error: 'nope', field: 'passphrase'});
		expect(await actionsThrowing(new WalletError('file-busy', 'passphrase file busy')).createWallet(form)).toEqual({ok: false, error: 'passphrase file busy'});
	});

	it('unlock is awaited and a refusal is reported on the passphrase field', async () => {
		expect(await actionsThrowing(new WalletError('wrong-passphrase', 'wrong passphrase')).unlock('x')).toEqual({ok: false, error: 'wrong passphrase', field: 'passphrase'});
	});
});
