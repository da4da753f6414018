import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {Block} from '../../source/node/primitives/block.js';
import {Header} from '../../source/node/primitives/header.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {Coin} from '../../source/node/primitives/coin.js';
import {signP2pkhInput, verifyP2pkhInput} from '../../source/node/primitives/sign.js';
import {bpmScript} from '../../source/node/primitives/script.js';
import {EncodingError} from '../../source/node/errors.js';
import {fromHex, toHex} from '../../source/node/encoding/hex.js';
import {key, spend} from '../helpers/builder.js';

const block100000 = JSON.parse(readFileSync(new URL('../vectors/block100000.json', import.meta.url), 'utf8')) as {hex: string};

describe('decoders refuse every malformed input with a typed error', () => {
	it('block 100000 cut at every length throws EncodingError, never anything else', () => {
		const raw = fromHex(block100000.hex);
		for (let n = 0; n < raw.length; n++) {
			expect(() => Block.fromRaw(raw.subarray(0, n)), `length ${n}`).toThrow(EncodingError);
		}
	});

	it('a transaction count larger than the bytes could hold is refused before allocating', () => {
		const header = Block.fromRaw(fromHex(block100000.hex)).header.toRaw();
		const claim = Uint8Array.of(...header, 0xfe, 0xff, 0xff, 0xff, 0x0f); // ~268 M transactions
		expect(() => Block.fromRaw(claim)).toThrow(/truncated: \d+ items need/);
	});

	it('header and coin round trips', () => {
		const header = new Header(2, new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), 1_700_000_000, 0x1d00ffff, 42);
		expect(toHex(Header.fromRaw(header.toRaw()).toRaw())).toBe(toHex(header.toRaw()));
		expect(header.toRaw()).toHaveLength(80);
		expect(() => Header.fromRaw(new Uint8Array(79))).toThrow(EncodingError);
		const coin = new Coin(12345n, bpmScript(60), 7, true);
		expect(Coin.fromRaw(coin.toRaw())).toEqual(coin);
	});
});

describe('signing and verifying an input', () => {
	const alice = key('alice');
	const bob = key('bob');
	const prevout = new OutPoint(new Uint8Array(32).fill(5), 1);

	it('a signed P2PKH input verifies; any change to what it signs breaks it', () => {
		const tx = spend([{prevout, value: 10n, key: alice}], [new TxOut(9n, bob.script)]);
		expect(verifyP2pkhInput(tx, 0, alice.script)).toBe(true);
		expect(verifyP2pkhInput(tx, 0, bob.script)).toBe(false); // another output's key
		const changed = new Transaction(tx.version, tx.inputs, [new TxOut(8n, bob.script)], tx.locktime);
		expect(verifyP2pkhInput(changed, 0, alice.script)).toBe(false);
		const relocked = new Transaction(tx.version, tx.inputs, tx.outputs, 1);
		expect(verifyP2pkhInput(relocked, 0, alice.script)).toBe(false);
	});

	it('signatures are deterministic and each input signs its own position', () => {
		const unsigned = new Transaction(1, [new TxIn(prevout, new Uint8Array(0)), new TxIn(new OutPoint(prevout.txid, 2), new Uint8Array(0))], [new TxOut(1n, bob.script)]);
		const a = signP2pkhInput(unsigned, 0, alice.script, alice.priv);
		expect(toHex(signP2pkhInput(unsigned, 0, alice.script, alice.priv))).toBe(toHex(a));
		expect(toHex(signP2pkhInput(unsigned, 1, alice.script, alice.priv))).not.toBe(toHex(a));
		const tx = spend([{prevout, value: 1n, key: alice}, {prevout: new OutPoint(prevout.txid, 2), value: 1n, key: bob}], [new TxOut(1n, bob.script)]);
		expect(verifyP2pkhInput(tx, 0, alice.script)).toBe(true);
		expect(verifyP2pkhInput(tx, 1, bob.script)).toBe(true);
		const swapped = new Transaction(1, [new TxIn(tx.inputs[0]!.prevout, tx.inputs[1]!.script), new TxIn(tx.inputs[1]!.prevout, tx.inputs[0]!.script)], tx.outputs);
		expect(verifyP2pkhInput(swapped, 0, bob.script)).toBe(false);
	});

	it('toJSON shows what a block explorer needs', () => {
		const tx = spend([{prevout, value: 10n, key: alice}], [new TxOut(9n, bob.script)]);
		const json = tx.toJSON();
		expect(json.txid).toBe(tx.txid());
		expect(json.vin[0]).toMatchObject({txid: '05'.repeat(32), vout: 1});
		expect(json.vout[0]).toEqual({value: '9', n: 0, scriptPubKey: {hex: toHex(bob.script)}});
		expect(json.vin[0]!).toMatchObject({scriptSig: {hex: toHex(tx.inputs[0]!.script)}});
		expect(json.hash).toBe(json.txid); // Core's shape: hash is the wtxid, the txid without witnesses
	});
});
