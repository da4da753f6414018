/**
 * The pieces behind punishment as Core does it: the parser's typed codes and scores (Core's
 * V1Transport), CheckTransaction's scores for empty or null parts, and the low-S rule's code and
 * Core's words, in the mempool and in a block (real LevelDB).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeMessage, frame} from '../../source/node/net/framer.js';
import {Parser, ProtocolError} from '../../source/node/net/parser.js';
import {checkTransaction} from '../../source/node/consensus/rules.js';
import {VerifyError} from '../../source/node/errors.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {p2pkhScriptSig, SIGHASH_ALL} from '../../source/node/primitives/script.js';
import {legacySighash} from '../../source/node/primitives/sighash.js';
import {prepareP2pkhCheck} from '../../source/node/primitives/sign.js';
import {signDigest} from '../../source/node/crypto/keys.js';
import {concatBytes} from '../../source/node/encoding/hex.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {toHighS} from '../helpers/signatures.js';
import {coinbaseOf, extend, key, nextBlock, spend, type Spendable} from '../helpers/builder.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';

const magic = quickNet.magic;

function thrown(f: () => unknown): unknown {
	try {
		f();
	} catch (error) {
		return error;
	}
	return null;
}

describe('the parser, as Core\'s V1Transport', () => {
	it('a declared length over 4,000,000 bytes: fatal, code oversized, no score, before the body', () => {
		const header = frame(magic, 'block', new Uint8Array(0));
		new DataView(header.buffer).setUint32(16, 4_000_001, true);
		expect(thrown(() => new Parser(magic).feed(header))).toMatchObject({code: 'oversized', score: 0, fatal: true});
		// Exactly the limit is fine: the parser waits for the body.
		new DataView(header.buffer).setUint32(16, 4_000_000, true);
		expect(new Parser(magic).feed(header)).toEqual([]);
	});

	it('wrong magic: fatal, code wrong-magic, no score', () => {
		const error = thrown(() => new Parser(magic).feed(encodeMessage(Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9), {type: 'verack'})));
		expect(error).toBeInstanceOf(ProtocolError);
		expect(error).toMatchObject({code: 'wrong-magic', score: 0, fatal: true});
	});

	it('a malformed command name drops that message only, once its body is in, with no score', () => {
		const cases: [string, (b: Uint8Array) => void][] = [
			['NUL then a letter', b => (b[4 + 2] = 0)],
			['a control byte', b => (b[4 + 1] = 0x01)],
			['DEL', b => (b[4 + 3] = 0x7f)],
			['a high byte', b => (b[4] = 0xe9)],
			['a letter in the padding', b => (b[4 + 11] = 0x61)],
		];
		for (const [what, spoil] of cases) {
			const bad = encodeMessage(magic, {type: 'ping', nonce: 1n});
			spoil(bad);
			const parser = new Parser(magic);
			// Header alone: nothing yet, nothing thrown (Core reads the whole message first).
			expect(parser.feed(bad.subarray(0, 24)), what).toEqual([]);
			const results = parser.feed(Uint8Array.from([...bad.subarray(24), ...encodeMessage(magic, {type: 'pong', nonce: 2n})]));
			expect(results.map(r => r.kind), what).toEqual(['error', 'message']);
			expect(results[0], what).toMatchObject({kind: 'error', error: {code: 'bad-command', score: 0, fatal: false}, size: 32});
		}
	});

	it('a bad checksum is reported before a bad command name (Core\'s order)', () => {
		const bad = encodeMessage(magic, {type: 'ping', nonce: 1n});
		bad[4 + 2] = 0;
		bad[20]! ^= 0xff;
		expect(new Parser(magic).feed(bad)[0]).toMatchObject({kind: 'error', error: {code: 'bad-checksum', score: 0, fatal: false}});
	});

	it('an all-NUL command name is valid (Core) and unknown: ignored', () => {
		const empty = frame(magic, '', new Uint8Array(2));
		expect(new Parser(magic).feed(empty)).toEqual([{kind: 'unknown', command: '', size: 26}]);
	});

	it('a payload that does not decode keeps its code and score', () => {
		expect(new Parser(magic).feed(frame(magic, 'ping', Uint8Array.of(1, 2)))[0]).toMatchObject({error: {code: 'malformed-payload', score: 100}});
	});
});

describe('CheckTransaction: empty or null parts are consensus failures that disconnect', () => {
	const input = new TxIn(new OutPoint(new Uint8Array(32).fill(7), 0), new Uint8Array(0));
	const output = new TxOut(1000n, key('x').script);
	it.each([
		['bad-txns-vin-empty', new Transaction(1, [], [output])],
		['bad-txns-vout-empty', new Transaction(1, [input], [])],
		['bad-txns-prevout-null', new Transaction(1, [input, new TxIn(OutPoint.null(), new Uint8Array(0))], [output])],
	])('%s scores 100', (reason, tx) => {
		const error = thrown(() => checkTransaction(tx, quickNet));
		expect(error).toBeInstanceOf(VerifyError);
		expect(error).toMatchObject({reason, score: 100, kind: 'tx'});
	});
});

describe('low S: consensus on our chain, refused with Core\'s words', () => {
	let env: TempChain;
	let coins: Spendable[];
	beforeAll(async () => {
		env = await tempChain();
		const blocks = await extend(env.chain, 2 + quickNet.coinbaseMaturity);
		coins = blocks.slice(0, 2).map(b => coinbaseOf(b));
	});
	afterAll(async () => {
		await env.cleanup();
	});

	function highS(coin: Spendable): Transaction {
		const signed = spend([coin], [new TxOut(49n * 100_000_000n, key('x').script)]);
		const der = toHighS(signDigest(legacySighash(signed, 0, coin.key.script, SIGHASH_ALL), coin.key.priv));
		return new Transaction(1, [new TxIn(coin.prevout, p2pkhScriptSig(concatBytes(der, Uint8Array.of(SIGHASH_ALL)), coin.key.pub))], signed.outputs);
	}

	it('the form check names it before any curve arithmetic', () => {
		const tx = highS(coins[0]!);
		expect(prepareP2pkhCheck(tx, 0, coins[0]!.key.script)).toEqual({error: 'Non-canonical signature: S value is unnecessarily high', code: 'sig-high-s'});
		const low = spend([coins[0]!], tx.outputs);
		expect('check' in prepareP2pkhCheck(low, 0, coins[0]!.key.script)).toBe(true);
	});

	it('the mempool refuses it: mandatory-script-verify-flag-failed, code sig-high-s, score 100', async () => {
		const mempool = new Mempool({chain: env.chain});
		const tx = highS(coins[0]!);
		const error = await mempool.add(tx).then(
			() => null,
			(e: unknown) => e,
		);
		expect(error).toMatchObject({reason: 'mandatory-script-verify-flag-failed', score: 100, scriptError: 'sig-high-s'});
		expect((error as Error).message).toContain('Non-canonical signature: S value is unnecessarily high');
	});

	it('a block holding it is refused with the same words and code', async () => {
		const block = nextBlock(env.chain, env.chain.tip, {txs: [highS(coins[1]!)], fees: 1n * 100_000_000n});
		const error = await env.chain.add(block).then(
			() => null,
			(e: unknown) => e,
		);
		expect(error).toMatchObject({reason: 'mandatory-script-verify-flag-failed', score: 100, scriptError: 'sig-high-s'});
		expect((error as Error).message).toContain('Non-canonical signature: S value is unnecessarily high');
	});
});
