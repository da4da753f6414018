/** The wire inspector's decoder over messages our own code builds, malformed ones, and hostile text. */
import {describe, expect, it} from 'vitest';
import {regtest} from '../../source/node/consensus/networks.js';
import {hashToHex} from '../../source/node/encoding/hex.js';
import {Writer} from '../../source/node/encoding/writer.js';
import {encodeMessage, frame, HEADER_SIZE} from '../../source/node/net/framer.js';
import {COMMANDS, InvType, PROTOCOL_VERSION, type Message} from '../../source/node/net/messages.js';
import {decodeFrame, envelopeParts, MAX_LIST, payloadHex, summarizeFrame, type WireField} from '../../source/node/net/wire-decode.js';
import {Header} from '../../source/node/primitives/header.js';
import {TxOut} from '../../source/node/primitives/tx.js';
import {sanitize} from '../../source/ui/terminal/sanitize.js';
import {assemble, coinbaseOf, key, spend} from '../helpers/builder.js';

const magic = regtest.magic;
const genesis = regtest.genesis;
const end = (hash: Uint8Array) => `…${hashToHex(hash).slice(-4)}`;

// A real block on genesis with a signed spend in it: the coinbase pays key "miner".
const first = assemble({hash: genesis.hash(), time: genesis.header.time}, 1, {}, regtest, genesis.header.bits);
const payment = spend([coinbaseOf(first)], [new TxOut(10n * 100_000_000n, key('bob').script), new TxOut(first.txs[0]!.outputs[0]!.value - 10n * 100_000_000n - 1000n, key('miner').script)]);
const second = assemble({hash: first.hash(), time: first.header.time}, 2, {txs: [payment], fees: 1000n}, regtest, genesis.header.bits);

const version: Message = {
	type: 'version',
	version: PROTOCOL_VERSION,
	services: 1n,
	time: 1_700_000_000n,
	recv: {services: 0n, host: '127.0.0.1', port: 19111},
	from: {services: 1n, host: '0.0.0.0', port: 19112},
	nonce: 0x0123456789abcdefn,
	agent: '/chain-tui:0.1.0/',
	height: 120,
	relay: true,
};

const hashes = Array.from({length: 2000}, (_, i) => {
	const h = new Uint8Array(32);
	new DataView(h.buffer).setUint32(0, i + 1, true);
	return h;
});

/** Every command our node sends or receives, built by our own encoder, with the summary it gets. */
const cases: readonly (readonly [Message, string])[] = [
	[version, 'version 70016 /chain-tui:0.1.0/ h=120'],
	[{type: 'verack'}, 'verack'],
	[{type: 'ping', nonce: 0x1234n}, 'ping nonce 0000000000001234'],
	[{type: 'pong', nonce: 0xffffffffffffffffn}, 'pong nonce ffffffffffffffff'],
	[{type: 'getaddr'}, 'getaddr'],
	[{type: 'addr', addrs: Array.from({length: 12}, (_, i) => ({time: 1_700_000_000, services: 1n, host: `10.0.0.${i + 1}`, port: 19111}))}, 'addr 12'],
	[{type: 'addr', addrs: [{time: 1_700_000_000, services: 1n, host: '10.0.0.1', port: 19111}]}, 'addr 1 10.0.0.1:19111'],
	[{type: 'getheaders', version: PROTOCOL_VERSION, locator: [second.hash(), first.hash(), genesis.hash()], stop: new Uint8Array(32)}, `getheaders 3 locator hashes from ${end(second.hash())}`],
	[{type: 'headers', headers: [first.header, second.header]}, `headers 2 (${end(first.hash())} → ${end(second.hash())})`],
	[{type: 'headers', headers: [genesis.header]}, `headers 1 (${end(genesis.hash())})`],
	[{type: 'headers', headers: []}, 'headers 0'],
	[{type: 'inv', items: [1, 2, 3].map(i => ({type: InvType.TX, hash: hashes[i]!}))}, 'inv 3 tx'],
	[{type: 'inv', items: [{type: InvType.BLOCK, hash: second.hash()}]}, `inv 1 block ${end(second.hash())}`],
	[{type: 'inv', items: [{type: InvType.TX, hash: hashes[0]!}, {type: InvType.TX, hash: hashes[1]!}, {type: InvType.BLOCK, hash: hashes[2]!}]}, 'inv 2 tx 1 block'],
	[{type: 'getdata', items: [{type: InvType.TX, hash: hashes[0]!}, {type: InvType.TX, hash: hashes[1]!}]}, 'getdata 2 tx'],
	[{type: 'notfound', items: [{type: InvType.BLOCK, hash: first.hash()}]}, `notfound 1 block ${end(first.hash())}`],
	[{type: 'block', block: second}, `block ${end(second.hash())} 2 tx`],
	[{type: 'block', block: genesis}, `block ${end(genesis.hash())} 1 tx`],
	[{type: 'tx', tx: payment}, `tx ${end(payment.hash())} 1 in 2 out ${payment.getSize()} B`],
	[{type: 'mempool'}, 'mempool'],
	[{type: 'sendheaders'}, 'sendheaders'],
];

/** Every label and value of a field tree, flattened. */
const flat = (fields: readonly WireField[]): string[] => fields.flatMap(f => [`${f.label} ${f.value}`, ...flat(f.children ?? [])]);

describe('decodeFrame: every command our node sends or receives', () => {
	it('covers every command', () => {
		expect(new Set(cases.map(([m]) => m.type))).toEqual(new Set(COMMANDS));
	});

	it.each(cases.map(([m, s]) => [s, m] as const))('%s', (summary, message) => {
		const bytes = encodeMessage(magic, message);
		const d = decodeFrame(bytes);
		expect(d.summary).toBe(summary);
		expect(summarizeFrame(bytes)).toBe(summary);
		expect(d.problem).toBeNull();
		expect(d.command).toBe(message.type);
		expect(d.size).toBe(bytes.length - HEADER_SIZE);
		expect(d.message?.type).toBe(message.type);
		expect(d.fields.length).toBeGreaterThan(0);
	});

	it('fields: the version, a block with its transactions, a transaction with its outputs', () => {
		const v = flat(decodeFrame(encodeMessage(magic, version)).fields);
		expect(v).toContain('user agent /chain-tui:0.1.0/');
		expect(v).toContain('height 120');
		expect(v).toContain('to 127.0.0.1:19111');
		expect(v).toContain('services 0x1 (NODE_NETWORK)');
		expect(v).toContain('time 2023-11-14T22:13:20Z (1700000000)');
		const b = flat(decodeFrame(encodeMessage(magic, {type: 'block', block: second})).fields);
		expect(b).toContain(`hash ${second.hashHex()}`);
		expect(b).toContain(`prev ${first.hashHex()}`);
		expect(b).toContain('transactions 2');
		expect(b).toContain(`tx 1 ${payment.txid()} 1 in 2 out ${payment.getSize()} B`);
		const t = flat(decodeFrame(encodeMessage(magic, {type: 'tx', tx: payment})).fields);
		expect(t).toContain(`txid ${payment.txid()}`);
		expect(t.some(l => l.startsWith(`in 0 ${first.txs[0]!.txid()}:0 script `))).toBe(true);
		expect(t).toContain(`out 0 10 p2pkh ${Buffer.from(key('bob').hash).toString('hex')}`);
	});

	it('2,000 headers: first and last in the summary, the list bounded', () => {
		// Headers chained by prev hash, as a real reply would be (their proof of work is not checked here).
		const headers = [first.header];
		for (let i = 1; i < 2000; i++) {
			const prev = headers[i - 1]!;
			headers.push(new Header(1, prev.hash(), prev.merkleRoot, prev.time + 1, prev.bits, i));
		}
		const d = decodeFrame(encodeMessage(magic, {type: 'headers', headers}));
		expect(d.summary).toBe(`headers 2000 (${end(headers[0]!.hash())} → ${end(headers[1999]!.hash())})`);
		const list = d.fields[0]!;
		expect(list.value).toBe('2000');
		expect(list.children).toHaveLength(MAX_LIST + 1);
		expect(list.children!.at(-1)).toEqual({label: '…', value: `${2000 - MAX_LIST} more`});
	});
});

describe('decodeFrame: what is wrong is said, never thrown', () => {
	it('a bad checksum: said first, the payload still decoded', () => {
		const bytes = encodeMessage(magic, {type: 'ping', nonce: 5n});
		bytes[20] = bytes[20]! ^ 0xff;
		const d = decodeFrame(bytes);
		expect(d.problem).toBe('bad checksum');
		expect(d.summary).toBe('bad checksum: ping nonce 0000000000000005');
		expect(envelopeParts(bytes).find(p => p.label === 'checksum')!.meaning).toMatch(/^bad: the payload's is /);
	});

	it('a malformed payload of a known command', () => {
		const d = decodeFrame(frame(magic, 'headers', Uint8Array.of(1, 0, 0)));
		expect(d.problem).toBe('malformed headers');
		expect(d.summary).toMatch(/^malformed headers: truncated/);
		expect(d.message).toBeNull();
		// Over the limit: Core's 2,000 headers.
		const w = new Writer(8).varint(2001);
		expect(decodeFrame(frame(magic, 'headers', w.finish())).summary).toBe('malformed headers: headers: 2001 entries, at most 2000');
		// Trailing bytes after a ping's nonce.
		expect(decodeFrame(frame(magic, 'ping', new Uint8Array(9))).problem).toBe('malformed ping');
		expect(decodeFrame(frame(magic, 'block', new Uint8Array(10))).problem).toBe('malformed block');
		expect(decodeFrame(frame(magic, 'tx', Uint8Array.of(1, 2, 3))).problem).toBe('malformed tx');
		expect(decodeFrame(frame(magic, 'version', new Uint8Array(50))).problem).toBe('malformed version');
	});

	it('an unknown command, a bad command name, a truncated frame, a length that disagrees', () => {
		expect(decodeFrame(frame(magic, 'wtxidrelay', new Uint8Array(0))).summary).toBe('unknown command: "wtxidrelay" 0 B');
		const bad = frame(magic, 'ping', new Uint8Array(8));
		bad[5] = 0x1b;
		const d = decodeFrame(bad);
		expect(d.problem).toBe('bad command name');
		expect(d.summary).toBe('bad command name: "p\u001bng" 8 B');
		expect(decodeFrame(bad.subarray(0, 10)).summary).toBe('truncated: 10 bytes, no whole envelope');
		expect(decodeFrame(bad.subarray(0, 24)).summary).toMatch(/^length says 8 B, 0 B present, bad checksum, bad command name/);
		expect(envelopeParts(bad.subarray(0, 10))).toEqual([]);
	});

	it('random bytes never throw', () => {
		let seed = 7;
		const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
		for (let i = 0; i < 300; i++) {
			const command = COMMANDS[next() % COMMANDS.length]!;
			const payload = Uint8Array.from({length: next() % 200}, () => next() & 0xff);
			const bytes = frame(magic, command, payload);
			expect(() => decodeFrame(bytes)).not.toThrow();
			expect(() => decodeFrame(bytes.subarray(0, next() % bytes.length))).not.toThrow();
		}
	});

	it('reject (BIP 61), which older peers send: read for showing', () => {
		const w = new Writer(64);
		const text = (s: string) => w.varBytes(new TextEncoder().encode(s));
		text('tx');
		w.u8(0x10);
		text('bad-txns-inputs-missingorspent');
		w.bytes(payment.hash());
		expect(decodeFrame(frame(magic, 'reject', w.finish())).summary).toBe(`reject tx 0x10 bad-txns-inputs-missingorspent ${end(payment.hash())}`);
		expect(decodeFrame(frame(magic, 'reject', Uint8Array.of(5, 1))).problem).toBe('malformed reject');
	});
});

describe('hostile text', () => {
	it('a user agent or reject reason with control characters is kept as it came, and sanitize makes it harmless', () => {
		const agent = '/evil\u001b[2J\u001b]52;c;AAAA\u0007\u009b31m/';
		const d = decodeFrame(encodeMessage(magic, {...version, agent}));
		expect(d.summary).toBe(`version 70016 ${agent} h=120`);
		const shown = sanitize(d.summary);
		expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
		expect(shown).toContain('/evil␛[2J␛]52;c;AAAA␇�31m/');
		for (const line of flat(d.fields)) expect(sanitize(line)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
	});

	it('text from a message is cut to a bounded length', () => {
		const w = new Writer(64);
		w.varBytes(new TextEncoder().encode('tx')).u8(1).varBytes(new TextEncoder().encode('x'.repeat(900)));
		const d = decodeFrame(frame(magic, 'reject', w.finish()));
		expect(d.summary.length).toBeLessThan(300);
	});
});

describe('envelope and hex dump', () => {
	it('the envelope apart: magic, command, length, checksum; the payload in lines from offset 24', () => {
		const bytes = encodeMessage(magic, {type: 'ping', nonce: 0x4142434445464748n});
		expect(envelopeParts(bytes)).toEqual([
			{label: 'magic', offset: 0, hex: 'c7 1a 75 e2', meaning: 'network'},
			{label: 'command', offset: 4, hex: '70 69 6e 67 00 00 00 00 00 00 00 00', meaning: '"ping"'},
			{label: 'length', offset: 16, hex: '08 00 00 00', meaning: '8 B'},
			{label: 'checksum', offset: 20, hex: [...bytes.subarray(20, 24)].map(b => b.toString(16).padStart(2, '0')).join(' '), meaning: 'ok'},
		]);
		const {lines, more} = payloadHex(bytes, 4);
		expect(more).toBe(0);
		expect(lines).toEqual([
			{offset: 24, hex: '48 47 46 45', ascii: 'HGFE'},
			{offset: 28, hex: '44 43 42 41', ascii: 'DCBA'},
		]);
	});

	it('a big payload is dumped up to a bound, saying how much is left out', () => {
		const bytes = frame(magic, 'tx', new Uint8Array(1000).fill(0x1b));
		const {lines, more} = payloadHex(bytes, 16, 256);
		expect(lines).toHaveLength(16);
		expect(more).toBe(744);
		expect(lines[0]!.ascii).toBe('.'.repeat(16));
		expect(payloadHex(frame(magic, 'ping', new Uint8Array(5)), 16).lines[0]!.hex).toBe('00 00 00 00 00'.padEnd(47));
	});
});
