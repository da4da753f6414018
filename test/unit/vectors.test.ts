/**
 * Published vectors (test/vectors/*.json, each naming its source): Bitcoin Core's data files and
 * unit-test tables, and real mainnet blocks.
 */
import {readFileSync} from 'node:fs';
import bs58 from 'bs58';
import bs58check from 'bs58check';
import {describe, expect, it} from 'vitest';
import {Block} from '../../source/node/primitives/block.js';
import {Transaction} from '../../source/node/primitives/tx.js';
import {legacySighash} from '../../source/node/primitives/sighash.js';
import {OP, nextOp, parseP2pkhScriptSig} from '../../source/node/primitives/script.js';
import {prepareP2pkhCheck} from '../../source/node/primitives/sign.js';
import {decodeCompact, encodeCompact, nextWorkRequired} from '../../source/node/consensus/pow.js';
import {verifyDigest} from '../../source/node/crypto/keys.js';
import {isValidSignatureEncoding} from '../../source/node/crypto/der.js';
import {hash160} from '../../source/node/crypto/hash.js';
import {fromHex, hashToHex, toHex} from '../../source/node/encoding/hex.js';
import {decodeAddress} from '../../source/node/crypto/address.js';

function vectors<T>(name: string): T {
	return JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8')) as T;
}

describe('Bitcoin mainnet genesis block', () => {
	const g = vectors<{hex: string; hash: string; merkleRoot: string; time: number; nonce: number; bits: string}>('genesis.json');
	it('parses, hashes to 000000000019d6…e26f and round-trips byte for byte', () => {
		const block = Block.fromRaw(fromHex(g.hex));
		expect(block.hashHex()).toBe(g.hash);
		expect(block.hashHex()).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
		expect(hashToHex(block.header.merkleRoot)).toBe(g.merkleRoot);
		expect(hashToHex(block.computeMerkleRoot().root)).toBe(g.merkleRoot);
		expect([block.header.time, block.header.nonce, block.header.bits]).toEqual([g.time, g.nonce, Number.parseInt(g.bits, 16)]);
		expect(toHex(block.toRaw())).toBe(g.hex.toLowerCase());
		expect(block.getSize()).toBe(285);
	});
});

describe('Bitcoin mainnet block 100000 (four transactions)', () => {
	const b = vectors<{hex: string; hash: string; merkleRoot: string; prevHash: string; txids: string[]}>('block100000.json');
	it('round-trips byte for byte with the right hash, merkle root and txids', () => {
		const block = Block.fromRaw(fromHex(b.hex));
		expect(block.hashHex()).toBe('000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506');
		expect(block.hashHex()).toBe(b.hash);
		expect(hashToHex(block.header.prevHash)).toBe(b.prevHash);
		expect(block.txs.map(tx => tx.txid())).toEqual(b.txids);
		const {root, mutated} = block.computeMerkleRoot();
		expect(hashToHex(root)).toBe('f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766');
		expect(mutated).toBe(false);
		expect(toHex(block.toRaw())).toBe(b.hex.toLowerCase());
		expect(block.txs[0]!.isCoinbase()).toBe(true);
	});

	it('rejects the same bytes truncated or with a trailing byte', () => {
		expect(() => Block.fromRaw(fromHex(b.hex.slice(0, -2)))).toThrow(/truncated/);
		expect(() => Block.fromRaw(fromHex(b.hex + '00'))).toThrow(/trailing/);
	});
});

describe('real mainnet P2PKH signatures (the spends in block 100000)', () => {
	const p = vectors<{cases: {txHex: string; inputIndex: number; prevScriptPubKey: string; sighash: string}[]}>('p2pkh-mainnet-input.json');
	it.each(p.cases.map((c, i) => [i, c] as const))('input %i verifies with our digest and DER decoder', (_i, c) => {
		const tx = Transaction.fromRaw(fromHex(c.txHex));
		const prevScript = fromHex(c.prevScriptPubKey);
		const digest = legacySighash(tx, c.inputIndex, prevScript, 1);
		expect(hashToHex(digest)).toBe(c.sighash);
		// 2010 spends push an uncompressed key, so read the script generically here.
		const script = tx.inputs[c.inputIndex]!.script;
		const sigLen = script[0]!;
		const signature = script.subarray(1, 1 + sigLen);
		const pub = script.subarray(2 + sigLen);
		expect(toHex(hash160(pub))).toBe(c.prevScriptPubKey.slice(6, 46));
		expect(isValidSignatureEncoding(signature)).toBe(true);
		expect(verifyDigest(signature.subarray(0, -1), digest, pub, false)).toBe(true);
		// A different digest must fail: the check is real.
		const wrong = digest.slice();
		wrong[0]! ^= 1;
		expect(verifyDigest(signature.subarray(0, -1), wrong, pub, false)).toBe(false);
		// chain-tui's own rules are stricter: compressed keys only.
		expect(parseP2pkhScriptSig(script)).toBeNull();
		expect(prepareP2pkhCheck(tx, c.inputIndex, prevScript)).toEqual({error: 'scriptsig-not-p2pkh', code: 'scriptsig-not-p2pkh'});
	});
});

describe("Bitcoin Core's sighash.json", () => {
	const {cases} = vectors<{cases: unknown[][]}>('sighash.json');
	const rows = cases.slice(1) as [string, string, number, number, string][];
	const hasCodeSeparator = (script: Uint8Array) => {
		for (let s = nextOp(script, 0); s.ok; s = nextOp(script, s.pc)) if (s.op === OP.CODESEPARATOR) return true;
		return false;
	};
	const behavesAsAll = rows.filter(([, script, , type]) => (type & 0x1f) !== 2 && (type & 0x1f) !== 3 && (type & 0x80) === 0 && !hasCodeSeparator(fromHex(script)));

	it('has its 500 cases, about a fifth of them behaving as SIGHASH_ALL', () => {
		expect(rows).toHaveLength(500);
		expect(behavesAsAll.length).toBeGreaterThan(50);
	});

	it.each(behavesAsAll.map((row, i) => [i, row] as const))('ALL-like case %i', (_i, [rawTx, script, index, type, expected]) => {
		const tx = Transaction.fromRaw(fromHex(rawTx));
		expect(toHex(tx.toRaw())).toBe(rawTx);
		expect(hashToHex(legacySighash(tx, index, fromHex(script), type))).toBe(expected);
	});

	it('every other case too (NONE, SINGLE, ANYONECANPAY, OP_CODESEPARATOR), as Core computes them', () => {
		let checked = 0;
		for (const [rawTx, script, index, type, expected] of rows) {
			const tx = Transaction.fromRaw(fromHex(rawTx));
			expect(hashToHex(legacySighash(tx, index, fromHex(script), type)), `${rawTx.slice(0, 16)}… type ${type}`).toBe(expected);
			checked++;
		}
		expect(checked).toBe(500);
	});
});

describe('Base58 and Base58Check', () => {
	const {cases} = vectors<{cases: [string, string][]}>('base58_encode_decode.json');
	it.each(cases)("Core's base58_encode_decode: %s <-> %s", (hex, b58) => {
		expect(bs58.encode(fromHex(hex))).toBe(b58);
		expect(toHex(bs58.decode(b58))).toBe(hex.toLowerCase());
	});

	const check = vectors<{valid: {payload: string; string: string}[]; invalid: {string: string; reason: string}[]}>('base58check_invalid.json');
	it('valid Base58Check strings decode to their payloads and back', () => {
		for (const v of check.valid) {
			expect(toHex(bs58check.decode(v.string))).toBe(v.payload);
			expect(bs58check.encode(fromHex(v.payload))).toBe(v.string);
		}
		expect(check.valid.length).toBeGreaterThan(40);
	});

	it.each(check.invalid.map(v => [v.string, v.reason]))('refuses %s (%s), and addresses say why', (s, reason) => {
		expect(() => bs58check.decode(s)).toThrow();
		const message = reason.includes('checksum') ? /checksum/ : /not valid Base58Check/;
		expect(() => decodeAddress(s, 0)).toThrow(message);
	});

	it('refuses strings too short to hold a checksum', () => {
		expect(() => decodeAddress('1111', 0)).toThrow();
		expect(() => decodeAddress('2g', 0)).toThrow();
	});
});

describe("compact bits (arith_uint256_tests.cpp's bignum_SetCompact)", () => {
	type Case = {compact: string; targetHex: string | null; negative: boolean; overflow: boolean; getCompact: string | null; getCompactCalledWithNegativeTrue: boolean | null};
	const {cases, getCompactOnly} = vectors<{cases: Case[]; getCompactOnly: {valueHex: string; getCompact: string}[]}>('compact-bits.json');
	it.each(cases.map(c => [c.compact, c] as const))('%s', (_name, c) => {
		const decoded = decodeCompact(Number(c.compact));
		expect(decoded.negative).toBe(c.negative);
		expect(decoded.overflow).toBe(c.overflow);
		if (c.targetHex !== null) expect(decoded.target.toString(16).padStart(64, '0')).toBe(c.targetHex);
		if (c.getCompact !== null) {
			expect(encodeCompact(decoded.target, c.getCompactCalledWithNegativeTrue ?? false)).toBe(Number(c.getCompact));
		}
	});

	it.each(getCompactOnly.map(c => [c.valueHex, c] as const))('GetCompact of %s never sets the sign bit', (_name, c) => {
		expect(encodeCompact(BigInt(`0x${c.valueHex}`))).toBe(Number(c.getCompact));
	});
});

describe("retarget (pow_tests.cpp, with Bitcoin's mainnet parameters)", () => {
	type Case = {name: string; nLastRetargetTime: number; lastTime: number; lastBits: string; expectedBits: string};
	const {params, cases} = vectors<{params: {powLimit: string; nPowTargetTimespan: number}; cases: Case[]}>('retarget.json');
	const bitcoin = {powLimit: BigInt(`0x${params.powLimit}`), targetTimespan: params.nPowTargetTimespan};
	it('has the four cases', () => expect(cases).toHaveLength(4));
	it.each(cases.map(c => [c.name, c] as const))('%s', (_name, c) => {
		expect(nextWorkRequired(Number(c.lastBits), c.lastTime, c.nLastRetargetTime, bitcoin)).toBe(Number(c.expectedBits));
	});
});
