/**
 * Bitcoin's P2P message payloads, byte for byte, each with its size limits checked while
 * decoding (after btcd's wire/: every message has encode, decode and its limits).
 */
import {Reader} from '../encoding/reader.js';
import {Writer} from '../encoding/writer.js';
import {Block} from '../primitives/block.js';
import {Header} from '../primitives/header.js';
import {Transaction} from '../primitives/tx.js';
import {EncodingError} from '../errors.js';

export const PROTOCOL_VERSION = 70016;
/** NODE_NETWORK: we serve the full chain. */
export const SERVICES = 1n;

export const LIMITS = {
	headers: 2000,
	inv: 50_000,
	addr: 1000,
	locator: 101,
	userAgent: 256,
} as const;

export const InvType = {TX: 1, BLOCK: 2} as const;

export interface InvItem {
	readonly type: number;
	readonly hash: Uint8Array;
}

export interface NetAddress {
	readonly services: bigint;
	readonly host: string;
	readonly port: number;
}

export interface TimedAddress extends NetAddress {
	readonly time: number;
}

export type Message =
	| {
			readonly type: 'version';
			readonly version: number;
			readonly services: bigint;
			readonly time: bigint;
			readonly recv: NetAddress;
			readonly from: NetAddress;
			readonly nonce: bigint;
			readonly agent: string;
			readonly height: number;
			readonly relay: boolean;
	  }
	| {readonly type: 'verack'}
	| {readonly type: 'ping'; readonly nonce: bigint}
	| {readonly type: 'pong'; readonly nonce: bigint}
	| {readonly type: 'getaddr'}
	| {readonly type: 'addr'; readonly addrs: readonly TimedAddress[]}
	| {readonly type: 'getheaders'; readonly version: number; readonly locator: readonly Uint8Array[]; readonly stop: Uint8Array}
	| {readonly type: 'headers'; readonly headers: readonly Header[]}
	| {readonly type: 'inv' | 'getdata' | 'notfound'; readonly items: readonly InvItem[]}
	| {readonly type: 'block'; readonly block: Block}
	| {readonly type: 'tx'; readonly tx: Transaction}
	| {readonly type: 'mempool'}
	| {readonly type: 'sendheaders'};

export type Command = Message['type'];
export const COMMANDS: readonly Command[] = ['version', 'verack', 'ping', 'pong', 'getaddr', 'addr', 'getheaders', 'headers', 'inv', 'getdata', 'notfound', 'block', 'tx', 'mempool', 'sendheaders'];

// ---------------------------------------------------------------- addresses

/** 16-byte IPv6 form of an address; IPv4 as IPv4-mapped (::ffff:a.b.c.d). */
export function ipToBytes(host: string): Uint8Array {
	const out = new Uint8Array(16);
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host.replace(/^::ffff:/i, ''));
	if (v4) {
		out[10] = 0xff;
		out[11] = 0xff;
		for (let i = 0; i < 4; i++) {
			const n = Number(v4[i + 1]);
			if (n > 255) throw new EncodingError(`bad IPv4 address ${host}`);
			out[12 + i] = n;
		}
		return out;
	}
	const parts = host.split('::');
	if (parts.length > 2 || !/^[0-9a-fA-F:]+$/.test(host)) throw new EncodingError(`bad IP address ${host}`);
	const head = parts[0] ? parts[0].split(':') : [];
	const tail = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
	const groups = parts.length === 2 ? [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail] : head;
	if (groups.length !== 8) throw new EncodingError(`bad IPv6 address ${host}`);
	groups.forEach((g: string, i: number) => {
		const v = Number.parseInt(g, 16);
		if (!(v >= 0 && v <= 0xffff) || g.length > 4) throw new EncodingError(`bad IPv6 address ${host}`);
		out[i * 2] = v >> 8;
		out[i * 2 + 1] = v & 0xff;
	});
	return out;
}

export function bytesToIp(b: Uint8Array): string {
	const mapped = b.subarray(0, 10).every(x => x === 0) && b[10] === 0xff && b[11] === 0xff;
	if (mapped) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
	const groups: string[] = [];
	for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
	return groups.join(':');
}

function writeNetAddress(w: Writer, a: NetAddress): void {
	w.u64(a.services).bytes(ipToBytes(a.host)).u16be(a.port);
}

function readNetAddress(r: Reader): NetAddress {
	const services = r.u64();
	const host = bytesToIp(r.bytes(16));
	return {services, host, port: r.u16be()};
}

// ---------------------------------------------------------------- encode

export function encodePayload(msg: Message): Uint8Array {
	const w = new Writer(64);
	switch (msg.type) {
		case 'version': {
			const agent = new TextEncoder().encode(msg.agent);
			w.i32(msg.version).u64(msg.services).i64(msg.time);
			writeNetAddress(w, msg.recv);
			writeNetAddress(w, msg.from);
			w.u64(msg.nonce).varBytes(agent).i32(msg.height).u8(msg.relay ? 1 : 0);
			break;
		}
		case 'ping':
		case 'pong':
			w.u64(msg.nonce);
			break;
		case 'addr':
			w.varint(msg.addrs.length);
			for (const a of msg.addrs) {
				w.u32(a.time);
				writeNetAddress(w, a);
			}
			break;
		case 'getheaders':
			w.u32(msg.version).varint(msg.locator.length);
			for (const h of msg.locator) w.bytes(h);
			w.bytes(msg.stop);
			break;
		case 'headers':
			w.varint(msg.headers.length);
			for (const h of msg.headers) {
				h.write(w);
				w.varint(0);
			}
			break;
		case 'inv':
		case 'getdata':
		case 'notfound':
			w.varint(msg.items.length);
			for (const item of msg.items) w.u32(item.type).bytes(item.hash);
			break;
		case 'block':
			return msg.block.toRaw();
		case 'tx':
			return msg.tx.toRaw();
		case 'verack':
		case 'getaddr':
		case 'mempool':
		case 'sendheaders':
			break;
	}
	return w.finish();
}

// ---------------------------------------------------------------- decode

function over(what: string, n: number, limit: number): never {
	throw new EncodingError(`${what}: ${n} entries, at most ${limit}`);
}

/** Decodes a payload; throws EncodingError on malformed bytes or a count over its limit. */
export function decodePayload(command: Command, payload: Uint8Array): Message {
	const r = new Reader(payload);
	let msg: Message;
	switch (command) {
		case 'version': {
			const version = r.i32();
			const services = r.u64();
			const time = r.i64();
			const recv = readNetAddress(r);
			const from = readNetAddress(r);
			const nonce = r.u64();
			const agentLength = r.varint();
			if (agentLength > LIMITS.userAgent) throw new EncodingError(`user agent of ${agentLength} bytes, at most ${LIMITS.userAgent}`);
			const agent = new TextDecoder('utf-8', {fatal: false}).decode(r.bytes(agentLength));
			const height = r.i32();
			const relay = r.left > 0 ? r.u8() !== 0 : true;
			msg = {type: 'version', version, services, time, recv, from, nonce, agent, height, relay};
			break;
		}
		case 'ping':
		case 'pong':
			msg = {type: command, nonce: r.u64()};
			break;
		case 'addr': {
			const n = r.varint();
			if (n > LIMITS.addr) over('addr', n, LIMITS.addr);
			const addrs: TimedAddress[] = [];
			for (let i = 0; i < n; i++) {
				const time = r.u32();
				addrs.push({time, ...readNetAddress(r)});
			}
			msg = {type: 'addr', addrs};
			break;
		}
		case 'getheaders': {
			const version = r.u32();
			const n = r.varint();
			if (n > LIMITS.locator) over('locator', n, LIMITS.locator);
			const locator: Uint8Array[] = [];
			for (let i = 0; i < n; i++) locator.push(r.hash());
			msg = {type: 'getheaders', version, locator, stop: r.hash()};
			break;
		}
		case 'headers': {
			const n = r.varint();
			if (n > LIMITS.headers) over('headers', n, LIMITS.headers);
			const headers: Header[] = [];
			for (let i = 0; i < n; i++) {
				headers.push(Header.read(r));
				if (r.varint() !== 0) throw new EncodingError('headers carry a non-zero transaction count');
			}
			msg = {type: 'headers', headers};
			break;
		}
		case 'inv':
		case 'getdata':
		case 'notfound': {
			const n = r.varint();
			if (n > LIMITS.inv) over(command, n, LIMITS.inv);
			const items: InvItem[] = [];
			for (let i = 0; i < n; i++) items.push({type: r.u32(), hash: r.hash()});
			msg = {type: command, items};
			break;
		}
		case 'block':
			return {type: 'block', block: Block.fromRaw(payload)};
		case 'tx':
			return {type: 'tx', tx: Transaction.fromRaw(payload)};
		case 'verack':
		case 'getaddr':
		case 'mempool':
		case 'sendheaders':
			msg = {type: command};
			break;
	}
	r.end();
	return msg;
}
