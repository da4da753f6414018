/**
 * Property-based fuzzing (fast-check) of everything that reads outside input: the message parser,
 * every payload decoder, block and transaction decoders, the RPC request handler, the form field
 * parsers. A short run inside `npm test`; `npm run test:fuzz` runs 100,000 cases a target.
 * Never a crash (only the typed error), never a hang; decode(encode(x)) == x for valid values.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {Parser, ProtocolError} from '../../source/node/net/parser.js';
import {encodeMessage} from '../../source/node/net/framer.js';
import {COMMANDS, decodePayload, encodePayload, type Command, type Message} from '../../source/node/net/messages.js';
import {Block} from '../../source/node/primitives/block.js';
import {Header} from '../../source/node/primitives/header.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {EncodingError} from '../../source/node/errors.js';
import {toHex} from '../../source/node/encoding/hex.js';
import {JsonSyntaxError, parseJson, stringifyJson} from '../../source/node/rpc/json.js';
import {RpcServer} from '../../source/node/rpc/server.js';
import {AmountError, parseAmount, parseFeeRate} from '../../source/node/wallet/amount.js';
import {checkAddress, checkBpm, checkHostPort, checkLabel} from '../../source/store/validate.js';
import {applyKeys} from '../../source/ui/components/text-field.js';
import {regtest} from '../../source/node/consensus/networks.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const opts = {numRuns: RUNS};
const magic = regtest.magic;
const MAX = 21_000_000n * 100_000_000n;

const bytes = (max = 300) => fc.uint8Array({maxLength: max});
const hash32 = fc.uint8Array({minLength: 32, maxLength: 32});
const txArb = fc
	.record({
		version: fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}),
		inputs: fc.array(fc.record({txid: hash32, index: fc.nat({max: 0xffffffff}), script: bytes(120), sequence: fc.nat({max: 0xffffffff})}), {minLength: 1, maxLength: 4}),
		outputs: fc.array(fc.record({value: fc.bigInt({min: -(2n ** 63n), max: 2n ** 63n - 1n}), script: bytes(60)}), {minLength: 1, maxLength: 4}),
		locktime: fc.nat({max: 0xffffffff}),
	})
	.map(t => new Transaction(t.version, t.inputs.map(i => new TxIn(new OutPoint(i.txid, i.index), i.script, i.sequence)), t.outputs.map(o => new TxOut(o.value, o.script)), t.locktime));
const headerArb = fc
	.record({version: fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}), prev: hash32, root: hash32, time: fc.nat({max: 0xffffffff}), bits: fc.nat({max: 0xffffffff}), nonce: fc.nat({max: 0xffffffff})})
	.map(h => new Header(h.version, h.prev, h.root, h.time, h.bits, h.nonce));
const ipv4 = fc.tuple(fc.nat({max: 255}), fc.nat({max: 255}), fc.nat({max: 255}), fc.nat({max: 255})).map(p => p.join('.'));
const addr = fc.record({services: fc.bigInt({min: 0n, max: 2n ** 64n - 1n}), host: ipv4, port: fc.nat({max: 65535})});
const messageArb: fc.Arbitrary<Message> = fc.oneof(
	fc.record({type: fc.constant('version' as const), version: fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}), services: fc.bigInt({min: 0n, max: 2n ** 64n - 1n}), time: fc.bigInt({min: -(2n ** 63n), max: 2n ** 63n - 1n}), recv: addr, from: addr, nonce: fc.bigInt({min: 0n, max: 2n ** 64n - 1n}), agent: fc.string({unit: 'grapheme-ascii', maxLength: 256}), height: fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}), relay: fc.boolean()}),
	fc.constantFrom<Message>({type: 'verack'}, {type: 'getaddr'}, {type: 'mempool'}, {type: 'sendheaders'}),
	fc.record({type: fc.constantFrom('ping' as const, 'pong' as const), nonce: fc.bigInt({min: 0n, max: 2n ** 64n - 1n})}),
	fc.record({type: fc.constant('addr' as const), addrs: fc.array(fc.record({time: fc.nat({max: 0xffffffff}), services: fc.bigInt({min: 0n, max: 2n ** 64n - 1n}), host: ipv4, port: fc.nat({max: 65535})}), {maxLength: 20})}),
	fc.record({type: fc.constant('getheaders' as const), version: fc.nat({max: 0xffffffff}), locator: fc.array(hash32, {maxLength: 101}), stop: hash32}),
	fc.record({type: fc.constant('headers' as const), headers: fc.array(headerArb, {maxLength: 30})}),
	fc.record({type: fc.constantFrom('inv' as const, 'getdata' as const, 'notfound' as const), items: fc.array(fc.record({type: fc.nat({max: 0xffffffff}), hash: hash32}), {maxLength: 50})}),
	txArb.map(tx => ({type: 'tx' as const, tx})),
	fc.tuple(headerArb, fc.array(txArb, {minLength: 1, maxLength: 3})).map(([h, txs]) => ({type: 'block' as const, block: new Block(h, txs)})),
);

describe('fuzzing', () => {
	it('the parser: any bytes in any chunks give messages or a ProtocolError, nothing else', () => {
		fc.assert(
			fc.property(fc.array(bytes(200), {maxLength: 8}), chunks => {
				const parser = new Parser(magic);
				try {
					for (const chunk of chunks) parser.feed(chunk);
				} catch (error) {
					expect(error).toBeInstanceOf(ProtocolError);
				}
			}),
			opts,
		);
	});

	it('valid messages, split anywhere, come back byte for byte', () => {
		fc.assert(
			fc.property(fc.array(messageArb, {minLength: 1, maxLength: 4}), fc.array(fc.nat(), {maxLength: 6}), (messages, cuts) => {
				const stream = Uint8Array.from(messages.flatMap(m => [...encodeMessage(magic, m)]));
				const points = [...new Set(cuts.map(c => c % (stream.length + 1)))].sort((a, b) => a - b);
				const parser = new Parser(magic);
				const out: Message[] = [];
				let at = 0;
				for (const p of [...points, stream.length]) {
					for (const r of parser.feed(stream.subarray(at, p))) if (r.kind === 'message') out.push(r.message);
					at = p;
				}
				expect(out.map(m => toHex(encodePayload(m)))).toEqual(messages.map(m => toHex(encodePayload(m))));
			}),
			{numRuns: Math.max(50, Math.floor(RUNS / 4))},
		);
	});

	it('every payload decoder: random bytes decode or throw EncodingError', () => {
		fc.assert(
			fc.property(fc.constantFrom(...COMMANDS), bytes(400), (command: Command, payload) => {
				try {
					decodePayload(command, payload);
				} catch (error) {
					expect(error).toBeInstanceOf(EncodingError);
				}
			}),
			opts,
		);
	});

	it('blocks and transactions: random bytes decode or throw EncodingError; valid ones round-trip', () => {
		fc.assert(
			fc.property(bytes(600), raw => {
				for (const decode of [Block.fromRaw, Transaction.fromRaw, Header.fromRaw]) {
					try {
						decode(raw);
					} catch (error) {
						expect(error).toBeInstanceOf(EncodingError);
					}
				}
			}),
			opts,
		);
		fc.assert(
			fc.property(txArb, tx => {
				const raw = tx.toRaw();
				expect(toHex(Transaction.fromRaw(raw).toRaw())).toBe(toHex(raw));
			}),
			opts,
		);
	});

	it('the RPC request handler: any body gets a JSON reply, never a throw', async () => {
		const server = new RpcServer({port: 0, datadir: '/nonexistent', methods: {echo: params => params, getblockcount: () => 1, fail: () => Promise.reject(new Error('x'))}});
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.string({maxLength: 200}), fc.json().map(j => `{"method":"echo","params":[${j}],"id":1}`), fc.constantFrom('{"method":"fail"}', '[{"method":"getblockcount"}]', '{"method":1}', '[]')), async text => {
				const {body, status} = await server.handleBody(text);
				expect(() => JSON.parse(body)).not.toThrow();
				expect([200, 400, 404, 500]).toContain(status);
			}),
			opts,
		);
	});

	it('the exact JSON: any JSON text parses or throws JsonSyntaxError; values round-trip', () => {
		fc.assert(
			fc.property(fc.string({maxLength: 100}), text => {
				try {
					parseJson(text);
				} catch (error) {
					expect(error).toBeInstanceOf(JsonSyntaxError);
				}
			}),
			opts,
		);
		fc.assert(
			fc.property(fc.jsonValue(), value => {
				const text = JSON.stringify(value);
				expect(JSON.parse(stringifyJson(parseJson(text)))).toEqual(JSON.parse(text));
			}),
			opts,
		);
	});

	it('form parsers: any text gives a value, a message or the typed error; amounts round-trip', () => {
		fc.assert(
			fc.property(fc.string({maxLength: 60}), text => {
				try {
					const units = parseAmount(text, MAX);
					expect(units > 0n && units <= MAX).toBe(true);
				} catch (error) {
					expect(error).toBeInstanceOf(AmountError);
				}
				try {
					parseFeeRate(text);
				} catch (error) {
					expect(error).toBeInstanceOf(AmountError);
				}
				for (const check of [checkBpm, checkHostPort, checkLabel, (t: string) => checkAddress(t, regtest.addressVersion)]) {
					const r = check(text);
					expect(r === null || typeof r === 'string').toBe(true);
				}
				const edit = applyKeys(text.slice(0, 10), 3, text, {});
				expect(edit.cursor).toBeLessThanOrEqual(edit.value.length);
			}),
			opts,
		);
		fc.assert(
			fc.property(fc.bigInt({min: 1n, max: MAX}), units => {
				const text = `${units / 100_000_000n}.${(units % 100_000_000n).toString().padStart(8, '0')}`;
				expect(parseAmount(text, MAX)).toBe(units);
			}),
			opts,
		);
	});
});
