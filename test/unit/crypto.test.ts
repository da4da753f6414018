import {describe, expect, it} from 'vitest';
import {sha256} from '@noble/hashes/sha2.js';
import {hash160, sha256d} from '../../source/node/crypto/hash.js';
import {compactToDer, derToCompact, isLowS, isValidSignatureEncoding} from '../../source/node/crypto/der.js';
import {toHighS} from '../helpers/signatures.js';
import {generatePrivateKey, isValidPublicKey, publicKeyOf, signDigest, verifyDigest} from '../../source/node/crypto/keys.js';
import {AddressError, decodeAddress, encodeAddress} from '../../source/node/crypto/address.js';
import {fromHex, hashToHex, toHex} from '../../source/node/encoding/hex.js';
import {MuHash3072} from '../../source/node/crypto/muhash.js';
import {main, regtest} from '../../source/node/consensus/networks.js';

describe('hashes', () => {
	it('sha256d and hash160 match known values', () => {
		expect(toHex(sha256d(new Uint8Array(0)))).toBe('5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456');
		// hash160 of the secp256k1 generator's compressed key (private key 1): the well-known
		// 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH address hash.
		const g = fromHex('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
		expect(toHex(hash160(g))).toBe('751e76e8199196d454941c45d1b3a323f1433bd6');
	});
});

describe('keys and signatures', () => {
	const priv = sha256(new TextEncoder().encode('k'));
	const digest = sha256(new TextEncoder().encode('message'));

	it('derives compressed public keys; key 1 gives the generator', () => {
		const one = new Uint8Array(32);
		one[31] = 1;
		expect(toHex(publicKeyOf(one))).toBe('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
		expect(publicKeyOf(priv)).toHaveLength(33);
		expect(isValidPublicKey(publicKeyOf(priv))).toBe(true);
		expect(isValidPublicKey(Uint8Array.of(2, ...new Uint8Array(32).fill(0xff)))).toBe(false); // x >= p
		expect(isValidPublicKey(Uint8Array.of(5, ...publicKeyOf(priv).subarray(1)))).toBe(false);
	});

	it('signs deterministically (RFC 6979), low-S, strict DER, and verifies', () => {
		const a = signDigest(digest, priv);
		const b = signDigest(digest, priv);
		expect(toHex(a)).toBe(toHex(b));
		expect(isValidSignatureEncoding(Uint8Array.of(...a, 1))).toBe(true);
		expect(isLowS(derToCompact(a))).toBe(true);
		expect(verifyDigest(a, digest, publicKeyOf(priv))).toBe(true);
		const other = sha256(new TextEncoder().encode('other'));
		expect(verifyDigest(a, other, publicKeyOf(priv))).toBe(false);
	});

	it('the well-known RFC 6979 secp256k1 vector (key 1, sha256("Satoshi Nakamoto"))', () => {
		// From the widely used test set (python-ecdsa, bitcoinjs-lib): r and low-S s.
		const one = new Uint8Array(32);
		one[31] = 1;
		const sig = derToCompact(signDigest(sha256(new TextEncoder().encode('Satoshi Nakamoto')), one));
		expect(toHex(sig)).toBe(
			'934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8' + '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
		);
	});

	it('refuses high-S when our chain requires low-S, accepts it for historical checks', () => {
		const der = toHighS(signDigest(digest, priv));
		expect(verifyDigest(der, digest, publicKeyOf(priv), true)).toBe(false);
		expect(verifyDigest(der, digest, publicKeyOf(priv), false)).toBe(true);
	});

	it('generates keys from an injected random source', () => {
		let calls = 0;
		const zeroThenGood = (n: number) => (calls++ === 0 ? new Uint8Array(n) : new Uint8Array(n).fill(5));
		const key = generatePrivateKey(zeroThenGood);
		expect(calls).toBe(2); // zero is not a valid key: it drew again
		expect(toHex(key)).toBe('05'.repeat(32));
	});
});

describe('strict DER (BIP66)', () => {
	const good = '3044022057292e2d4dfe775becdd0a9e6547997c728cdf35390f6a017da56d654d374e4902206b643be2fc53763b4e284845bfea2c597d2dc7759941dce937636c9d341b71ed01';

	it('accepts a canonical signature and round-trips it through compact', () => {
		const sig = fromHex(good);
		expect(isValidSignatureEncoding(sig)).toBe(true);
		expect(toHex(compactToDer(derToCompact(sig.subarray(0, -1))))).toBe(good.slice(0, -2));
	});

	// Each breaks exactly one BIP66 rule.
	const bad: [string, string][] = [
		['too short', '300602010102010101'.slice(0, 14)],
		['wrong sequence tag', '31' + good.slice(2)],
		['wrong total length', '3045' + good.slice(4)],
		['R not an integer', good.slice(0, 4) + '03' + good.slice(6)],
		['negative R', '3044022097292e2d4dfe775becdd0a9e6547997c728cdf35390f6a017da56d654d374e4902206b643be2fc53763b4e284845bfea2c597d2dc7759941dce937636c9d341b71ed01'],
		['R with needless padding', '30450221' + '0057292e2d4dfe775becdd0a9e6547997c728cdf35390f6a017da56d654d374e49' + '02206b643be2fc53763b4e284845bfea2c597d2dc7759941dce937636c9d341b71ed01'],
		['zero-length S', '3024022057292e2d4dfe775becdd0a9e6547997c728cdf35390f6a017da56d654d374e49020001'],
		['S not an integer', good.slice(0, 72) + '03' + good.slice(74)],
		['too long', '3049' + good.slice(4, -2) + '0000000000' + '01'],
	];
	it.each(bad)('rejects %s', (_name, hex) => {
		expect(isValidSignatureEncoding(fromHex(hex))).toBe(false);
		expect(() => derToCompact(fromHex(hex).subarray(0, -1))).toThrow();
	});
});

describe('addresses', () => {
	const hash = fromHex('751e76e8199196d454941c45d1b3a323f1433bd6');

	it('Base58Check with the network version byte; Bitcoin version 0 gives the well-known address', () => {
		expect(encodeAddress(hash, 0)).toBe('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH');
		const onMain = encodeAddress(hash, main.addressVersion);
		expect(onMain.startsWith('C')).toBe(true);
		expect(toHex(decodeAddress(onMain, main.addressVersion))).toBe(toHex(hash));
		expect(encodeAddress(hash, regtest.addressVersion)).toMatch(/^[mn]/);
	});

	it('says why an address is refused', () => {
		const onMain = encodeAddress(hash, main.addressVersion);
		const typo = onMain.slice(0, -1) + (onMain.endsWith('a') ? 'b' : 'a');
		expect(() => decodeAddress(typo, main.addressVersion)).toThrow(/checksum/);
		expect(() => decodeAddress(onMain, regtest.addressVersion)).toThrow(/another network/);
		expect(() => decodeAddress('', main.addressVersion)).toThrow(/empty/);
		expect(() => decodeAddress('0OIl', main.addressVersion)).toThrow(AddressError);
		expect(() => decodeAddress('1'.repeat(100), main.addressVersion)).toThrow(/too long/);
	});
});

describe('MuHash3072 (Core\'s crypto/muhash.cpp)', () => {
	// Core's FromInt(i): the 32 bytes i, 0, 0, … as one element.
	const element = (i: number) => Uint8Array.from({length: 32}, (_, k) => (k === 0 ? i : 0));

	it('matches Core\'s crypto_tests vector: {0} * {1} / {2}', () => {
		const acc = new MuHash3072().insert(element(0)).insert(element(1)).remove(element(2));
		expect(hashToHex(acc.finalize())).toBe('10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863');
	});

	it('is a multiset hash: any order gives one digest, and a removal undoes an insert', () => {
		const forward = new MuHash3072();
		const backward = new MuHash3072();
		for (let i = 0; i < 5; i++) forward.insert(element(i));
		for (let i = 4; i >= 0; i--) backward.insert(element(i));
		expect(toHex(forward.finalize())).toBe(toHex(backward.finalize()));
		const undone = new MuHash3072().insert(element(0)).insert(element(9)).remove(element(9));
		expect(toHex(undone.finalize())).toBe(toHex(new MuHash3072().insert(element(0)).finalize()));
	});
});
