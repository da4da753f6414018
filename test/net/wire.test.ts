import {describe, expect, it} from 'vitest';
import {encodeMessage, frame} from '../../source/node/net/framer.js';
import {bytesToIp, decodePayload, encodePayload, ipToBytes, LIMITS, type Message} from '../../source/node/net/messages.js';
import {Parser, ProtocolError} from '../../source/node/net/parser.js';
import {Writer} from '../../source/node/encoding/writer.js';
import {fromHex, toHex} from '../../source/node/encoding/hex.js';
import {regtest} from '../../source/node/consensus/networks.js';

const bitcoinMagic = fromHex('f9beb4d9');
const magic = regtest.magic;
const genesis = regtest.genesis;

const samples: Message[] = [
	{
		type: 'version',
		version: 70016,
		services: 1n,
		time: 1_700_000_000n,
		recv: {services: 1n, host: '127.0.0.1', port: 1111},
		from: {services: 1n, host: '10.0.0.2', port: 1112},
		nonce: 0x0123456789abcdefn,
		agent: '/chain-tui:0.1.0/',
		height: 42,
		relay: true,
	},
	{type: 'verack'},
	{type: 'ping', nonce: 7n},
	{type: 'pong', nonce: 0xffffffffffffffffn},
	{type: 'getaddr'},
	{type: 'addr', addrs: [{time: 1_700_000_000, services: 1n, host: '192.168.1.7', port: 1111}, {time: 5, services: 0n, host: '2001:db8:0:0:0:0:0:1', port: 8333}]},
	{type: 'getheaders', version: 70016, locator: [genesis.hash(), new Uint8Array(32).fill(1)], stop: new Uint8Array(32)},
	{type: 'headers', headers: [genesis.header]},
	{type: 'inv', items: [{type: 2, hash: genesis.hash()}]},
	{type: 'getdata', items: [{type: 1, hash: new Uint8Array(32).fill(9)}]},
	{type: 'notfound', items: []},
	{type: 'block', block: genesis},
	{type: 'tx', tx: genesis.txs[0]!},
	{type: 'mempool'},
	{type: 'sendheaders'},
];

describe('messages', () => {
	it.each(samples.map(m => [m.type, m] as const))('%s round-trips', (_t, msg) => {
		const payload = encodePayload(msg);
		const back = decodePayload(msg.type, payload);
		expect(toHex(encodePayload(back))).toBe(toHex(payload));
	});

	it("frames verack exactly as Bitcoin does (mainnet magic: f9beb4d9 'verack' 0 5df6e0e2)", () => {
		expect(toHex(encodeMessage(bitcoinMagic, {type: 'verack'}))).toBe('f9beb4d976657261636b000000000000000000005df6e0e2');
	});

	it('addresses: IPv4 as IPv4-mapped IPv6, IPv6 in full', () => {
		expect(toHex(ipToBytes('127.0.0.1'))).toBe('00000000000000000000ffff7f000001');
		expect(bytesToIp(ipToBytes('::ffff:10.1.2.3'))).toBe('10.1.2.3');
		expect(bytesToIp(ipToBytes('::1'))).toBe('0:0:0:0:0:0:0:1');
		expect(() => ipToBytes('300.1.1.1')).toThrow();
		expect(() => ipToBytes('not-an-ip')).toThrow();
	});

	const tooMany: [string, () => Uint8Array, string][] = [
		['headers', () => {
			const w = new Writer().varint(LIMITS.headers + 1);
			for (let i = 0; i <= LIMITS.headers; i++) w.bytes(genesis.header.toRaw()).varint(0);
			return w.finish();
		}, 'headers'],
		['inv', () => {
			const w = new Writer().varint(LIMITS.inv + 1);
			for (let i = 0; i <= LIMITS.inv; i++) w.u32(1).bytes(new Uint8Array(32));
			return w.finish();
		}, 'inv'],
		['addr', () => new Writer().varint(LIMITS.addr + 1).finish(), 'addr'],
		['getheaders', () => new Writer().u32(1).varint(LIMITS.locator + 1).finish(), 'locator'],
	];
	it.each(tooMany)('refuses %s over its limit', (command, build, what) => {
		expect(() => decodePayload(command as Message['type'], build())).toThrow(new RegExp(`${what}: \\d+ entries`));
	});

	it('refuses a user agent over 256 bytes and trailing bytes', () => {
		const version = samples[0] as Extract<Message, {type: 'version'}>;
		const long = encodePayload({...version, agent: 'x'.repeat(257)});
		expect(() => decodePayload('version', long)).toThrow(/user agent of 257 bytes/);
		expect(() => decodePayload('ping', fromHex('0700000000000000ff'))).toThrow(/trailing/);
	});
});

describe('parser', () => {
	const stream = [samples[1]!, samples[2]!, samples[11]!, samples[7]!].map(m => encodeMessage(magic, m));
	const all = Uint8Array.from(stream.flatMap(b => [...b]));

	it('handles many messages in one read and one message over many reads', () => {
		const oneRead = new Parser(magic).feed(all);
		expect(oneRead.map(r => (r.kind === 'message' ? r.message.type : r.kind))).toEqual(['verack', 'ping', 'block', 'headers']);
		const parser = new Parser(magic);
		const got: string[] = [];
		for (const byte of all) for (const r of parser.feed(Uint8Array.of(byte))) got.push(r.kind === 'message' ? r.message.type : r.kind);
		expect(got).toEqual(['verack', 'ping', 'block', 'headers']);
		expect(parser.pendingBytes).toBe(0);
	});

	it('refuses an oversized declared length before the body arrives', () => {
		const header = frame(magic, 'block', new Uint8Array(0));
		new DataView(header.buffer).setUint32(16, 4_000_001, true);
		const parser = new Parser(magic);
		expect(() => parser.feed(header)).toThrow(ProtocolError);
		expect(() => new Parser(magic).feed(header)).toThrow(/4000001 bytes declared/);
	});

	it('wrong magic and junk are fatal; a bad checksum drops only that message', () => {
		expect(() => new Parser(magic).feed(encodeMessage(bitcoinMagic, {type: 'verack'}))).toThrow(/wrong network magic/);
		expect(() => new Parser(magic).feed(new Uint8Array(40).fill(0x41))).toThrow(ProtocolError);
		const bad = encodeMessage(magic, {type: 'ping', nonce: 1n});
		bad[20]! ^= 0xff;
		const results = new Parser(magic).feed(Uint8Array.from([...bad, ...encodeMessage(magic, {type: 'pong', nonce: 2n})]));
		expect(results.map(r => r.kind)).toEqual(['error', 'message']);
		expect(results[0]!.kind === 'error' && results[0]!.error.fatal).toBe(false);
	});

	it('ignores unknown commands and reports malformed payloads with a score', () => {
		const results = new Parser(magic).feed(Uint8Array.from([...frame(magic, 'feefilter', new Uint8Array(8)), ...frame(magic, 'ping', Uint8Array.of(1, 2))]));
		expect(results[0]).toMatchObject({kind: 'unknown', command: 'feefilter'});
		expect(results[1]).toMatchObject({kind: 'error', command: 'ping'});
		expect(results[1]!.kind === 'error' && results[1]!.error.score).toBe(100);
	});
});
