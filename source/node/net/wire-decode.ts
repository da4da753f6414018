/**
 * What the wire inspector shows of one framed message (24-byte envelope + payload), from its raw
 * bytes alone: a one-line summary (`headers 2000 (…c3d5 → …91aa)`, `inv 3 tx`), the decoded
 * fields (label and value, nested for lists, each list bounded), the envelope's four parts, and
 * a hex dump. Payloads are decoded by messages.ts, the node's own decoder; a bad checksum, a
 * malformed name or payload, an unknown command or a short frame is said in the summary, never
 * thrown. Pure: the node's tap (wire-tap.ts) and the lab's links both feed it.
 *
 * Text taken from a message (a user agent, a reject reason, a command name) is returned as it
 * came, cut to a bounded length: whatever draws it sanitizes it (ui/terminal/sanitize.ts).
 */
import {sha256d} from '../crypto/hash.js';
import {equalBytes, hashToHex, toHex} from '../encoding/hex.js';
import {addressKey} from './addrman.js';
import {Reader} from '../encoding/reader.js';
import type {Block} from '../primitives/block.js';
import type {Header} from '../primitives/header.js';
import {classifyOutput} from '../primitives/script.js';
import type {Transaction} from '../primitives/tx.js';
import {formatAmount} from '../wallet/amount.js';
import {frameCommand, HEADER_SIZE} from './framer.js';
import {COMMANDS, decodePayload, InvType, type Command, type InvItem, type Message, type NetAddress} from './messages.js';
import {readCommand} from './parser.js';

/** A list shows this many entries, then how many more there are. */
export const MAX_LIST = 50;
/** Text from a message is cut to this many characters. */
const MAX_TEXT = 256;

export interface WireField {
	readonly label: string;
	readonly value: string;
	/** A list's entries or a structure's parts. */
	readonly children?: readonly WireField[];
}

/** The envelope: magic(4) | command(12, NUL-padded) | length u32 | checksum(4). */
export interface Envelope {
	readonly magic: Uint8Array;
	readonly command: Uint8Array;
	/** The length the envelope declares. */
	readonly length: number;
	readonly checksum: Uint8Array;
	/** The first 4 bytes of sha256d of the payload present. */
	readonly actualChecksum: Uint8Array;
}

export interface DecodedFrame {
	/** The command as the envelope has it (may hold anything: sanitize before drawing). */
	readonly command: string;
	/** Payload bytes present. */
	readonly size: number;
	readonly envelope: Envelope | null;
	/** The decoded payload, when it decoded. */
	readonly message: Message | null;
	/** What is wrong with the message, if anything; the summary starts with it. */
	readonly problem: string | null;
	readonly summary: string;
	readonly fields: readonly WireField[];
}

/** `…c3d5`: the end of a hash as shown (byte-reversed), enough to tell hashes apart in a list. */
export const tail = (hash: Uint8Array): string => `…${hashToHex(hash).slice(-4)}`;

const cut = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function bounded<T>(items: readonly T[], field: (item: T, index: number) => WireField): WireField[] {
	const out = items.slice(0, MAX_LIST).map(field);
	if (items.length > MAX_LIST) out.push({label: '…', value: `${items.length - MAX_LIST} more`});
	return out;
}

const isZero = (b: Uint8Array) => b.every(x => x === 0);
const address = (a: NetAddress) => addressKey(a.host, a.port);
const services = (s: bigint) => `0x${s.toString(16)}${s & 1n ? ' (NODE_NETWORK)' : ''}`;
const unixTime = (t: number | bigint) => {
	const n = Number(t);
	const iso = Number.isFinite(n) && Math.abs(n) < 8.64e12 ? new Date(n * 1000).toISOString().replace('.000Z', 'Z') : '?';
	return `${iso} (${t})`;
};
const invType = (t: number) => (t === InvType.TX ? 'tx' : t === InvType.BLOCK ? 'block' : `type ${t}`);

// ---------------------------------------------------------------- summaries

function invSummary(type: string, items: readonly InvItem[]): string {
	if (items.length === 1) return `${type} 1 ${invType(items[0]!.type)} ${tail(items[0]!.hash)}`;
	const counts = new Map<string, number>();
	for (const item of items) counts.set(invType(item.type), (counts.get(invType(item.type)) ?? 0) + 1);
	return [type, ...(counts.size === 0 ? ['0'] : [...counts].map(([t, n]) => `${n} ${t}`))].join(' ');
}

function txSummary(tx: Transaction): string {
	return `${tail(tx.hash())} ${tx.inputs.length} in ${tx.outputs.length} out ${tx.getSize()} B`;
}

/** The one line a message gets in the list. */
export function summarize(message: Message): string {
	switch (message.type) {
		case 'version':
			return `version ${message.version} ${cut(message.agent)} h=${message.height}`;
		case 'ping':
		case 'pong':
			return `${message.type} nonce ${message.nonce.toString(16).padStart(16, '0')}`;
		case 'addr':
			return message.addrs.length === 1 ? `addr 1 ${address(message.addrs[0]!)}` : `addr ${message.addrs.length}`;
		case 'getheaders': {
			const from = message.locator[0];
			return `getheaders ${plural(message.locator.length, 'locator hash', 'locator hashes')}${from ? ` from ${tail(from)}` : ''}${isZero(message.stop) ? '' : ` stop ${tail(message.stop)}`}`;
		}
		case 'headers': {
			const h = message.headers;
			if (h.length === 0) return 'headers 0';
			if (h.length === 1) return `headers 1 (${tail(h[0]!.hash())})`;
			return `headers ${h.length} (${tail(h[0]!.hash())} → ${tail(h[h.length - 1]!.hash())})`;
		}
		case 'inv':
		case 'getdata':
		case 'notfound':
			return invSummary(message.type, message.items);
		case 'block':
			return `block ${tail(message.block.hash())} ${plural(message.block.txs.length, 'tx', 'tx')}`;
		case 'tx':
			return `tx ${txSummary(message.tx)}`;
		case 'verack':
		case 'getaddr':
		case 'mempool':
		case 'sendheaders':
			return message.type;
	}
}

// ---------------------------------------------------------------- fields

function headerFields(h: Header): WireField[] {
	return [
		{label: 'hash', value: h.hashHex()},
		{label: 'version', value: String(h.version)},
		{label: 'prev', value: hashToHex(h.prevHash)},
		{label: 'merkle root', value: hashToHex(h.merkleRoot)},
		{label: 'time', value: unixTime(h.time)},
		{label: 'bits', value: `0x${h.bits.toString(16).padStart(8, '0')}`},
		{label: 'nonce', value: String(h.nonce)},
	];
}

function outputText(value: bigint, script: Uint8Array): string {
	const c = classifyOutput(script);
	const what = c.type === 'p2pkh' ? `p2pkh ${toHex(c.hash)}` : c.type === 'bpm' ? `bpm ${c.bpm}` : c.type === 'nulldata' ? `data ${c.data.length} B` : `script ${script.length} B`;
	return `${formatAmount(value)} ${what}`;
}

function txFields(tx: Transaction): WireField[] {
	return [
		{label: 'txid', value: tx.txid()},
		{label: 'version', value: String(tx.version)},
		{label: 'size', value: `${tx.getSize()} B`},
		{label: 'locktime', value: String(tx.locktime)},
		{
			label: 'inputs',
			value: String(tx.inputs.length),
			children: bounded(tx.inputs, (input, i) => ({
				label: `in ${i}`,
				value: input.prevout.isNull() ? `coinbase, script ${input.script.length} B` : `${hashToHex(input.prevout.txid)}:${input.prevout.index} script ${input.script.length} B seq 0x${input.sequence.toString(16)}`,
			})),
		},
		{label: 'outputs', value: String(tx.outputs.length), children: bounded(tx.outputs, (output, i) => ({label: `out ${i}`, value: outputText(output.value, output.script)}))},
	];
}

function blockFields(block: Block): WireField[] {
	return [
		...headerFields(block.header),
		{label: 'size', value: `${block.getSize()} B`},
		{label: 'transactions', value: String(block.txs.length), children: bounded(block.txs, (tx, i) => ({label: `tx ${i}`, value: `${tx.txid()} ${tx.inputs.length} in ${tx.outputs.length} out ${tx.getSize()} B`}))},
	];
}

function netAddressFields(a: NetAddress): WireField[] {
	return [
		{label: 'address', value: address(a)},
		{label: 'services', value: services(a.services)},
	];
}

/** The decoded fields of a message, lists bounded to MAX_LIST entries. */
export function fieldsOf(message: Message): WireField[] {
	switch (message.type) {
		case 'version':
			return [
				{label: 'version', value: String(message.version)},
				{label: 'services', value: services(message.services)},
				{label: 'time', value: unixTime(message.time)},
				{label: 'to', value: address(message.recv), children: netAddressFields(message.recv)},
				{label: 'from', value: address(message.from), children: netAddressFields(message.from)},
				{label: 'nonce', value: message.nonce.toString(16).padStart(16, '0')},
				{label: 'user agent', value: cut(message.agent)},
				{label: 'height', value: String(message.height)},
				{label: 'relay', value: message.relay ? 'yes' : 'no'},
			];
		case 'ping':
		case 'pong':
			return [{label: 'nonce', value: message.nonce.toString(16).padStart(16, '0')}];
		case 'addr':
			return [{label: 'addresses', value: String(message.addrs.length), children: bounded(message.addrs, a => ({label: address(a), value: `${services(a.services)} seen ${unixTime(a.time)}`}))}];
		case 'getheaders':
			return [
				{label: 'version', value: String(message.version)},
				{label: 'locator', value: String(message.locator.length), children: bounded(message.locator, (h, i) => ({label: String(i), value: hashToHex(h)}))},
				{label: 'stop', value: isZero(message.stop) ? 'none (as many as fit)' : hashToHex(message.stop)},
			];
		case 'headers':
			return [{label: 'headers', value: String(message.headers.length), children: bounded(message.headers, (h, i) => ({label: String(i), value: h.hashHex(), children: headerFields(h).slice(1)}))}];
		case 'inv':
		case 'getdata':
		case 'notfound':
			return [{label: 'items', value: String(message.items.length), children: bounded(message.items, item => ({label: invType(item.type), value: hashToHex(item.hash)}))}];
		case 'block':
			return blockFields(message.block);
		case 'tx':
			return txFields(message.tx);
		case 'verack':
		case 'getaddr':
		case 'mempool':
		case 'sendheaders':
			return [{label: 'payload', value: 'none'}];
	}
}

// ---------------------------------------------------------------- reject (BIP 61)

/**
 * Reject (BIP 61), which our nodes never send and older peers may: the rejected command, a code,
 * a reason and perhaps a hash. Read here only to be shown; the node ignores it as unknown.
 */
function decodeReject(payload: Uint8Array): {summary: string; fields: WireField[]} {
	const r = new Reader(payload);
	const text = () => cut(new TextDecoder('utf-8', {fatal: false}).decode(r.bytes(r.varint(MAX_TEXT * 4))));
	const rejected = text();
	const code = r.u8();
	const reason = text();
	const hash = r.left >= 32 ? r.hash() : null;
	return {
		summary: `reject ${rejected} 0x${code.toString(16).padStart(2, '0')} ${reason}${hash ? ` ${tail(hash)}` : ''}`,
		fields: [
			{label: 'rejected', value: rejected},
			{label: 'code', value: `0x${code.toString(16).padStart(2, '0')}`},
			{label: 'reason', value: reason},
			...(hash ? [{label: 'hash', value: hashToHex(hash)}] : []),
		],
	};
}

// ---------------------------------------------------------------- frames

const errorText = (error: unknown) => cut(error instanceof Error ? error.message : String(error));

/** Everything the inspector shows of one framed message (`fields: false`: all but the fields); never throws. */
export function decodeFrame(frame: Uint8Array, options: {readonly fields?: boolean} = {}): DecodedFrame {
	if (frame.length < HEADER_SIZE) {
		return {command: '', size: 0, envelope: null, message: null, problem: 'truncated', summary: `truncated: ${frame.length} bytes, no whole envelope`, fields: []};
	}
	const length = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(16, true);
	const payload = frame.subarray(HEADER_SIZE, HEADER_SIZE + length);
	const envelope: Envelope = {magic: frame.subarray(0, 4), command: frame.subarray(4, 16), length, checksum: frame.subarray(20, 24), actualChecksum: sha256d(payload).subarray(0, 4)};
	const name = readCommand(envelope.command);
	const raw = frameCommand(frame);
	const base = {command: name ?? raw, size: payload.length, envelope};
	const problems: string[] = [];
	if (frame.length - HEADER_SIZE !== length) problems.push(`length says ${length} B, ${frame.length - HEADER_SIZE} B present`);
	if (!equalBytes(envelope.checksum, envelope.actualChecksum)) problems.push('bad checksum');
	if (name === null) {
		problems.push('bad command name');
		return {...base, message: null, problem: problems.join(', '), summary: `${problems.join(', ')}: "${cut(raw)}" ${payload.length} B`, fields: []};
	}
	const say = (summary: string) => (problems.length > 0 ? `${problems.join(', ')}: ${summary}` : summary);
	if ((COMMANDS as readonly string[]).includes(name)) {
		try {
			const message = decodePayload(name as Command, payload);
			return {...base, message, problem: problems.length > 0 ? problems.join(', ') : null, summary: say(summarize(message)), fields: options.fields === false ? [] : fieldsOf(message)};
		} catch (error) {
			problems.push(`malformed ${name}`);
			return {...base, message: null, problem: problems.join(', '), summary: `${problems.join(', ')}: ${errorText(error)}`, fields: [{label: 'error', value: errorText(error)}]};
		}
	}
	if (name === 'reject') {
		try {
			const reject = decodeReject(payload);
			return {...base, message: null, problem: problems.length > 0 ? problems.join(', ') : null, summary: say(reject.summary), fields: reject.fields};
		} catch (error) {
			problems.push('malformed reject');
			return {...base, message: null, problem: problems.join(', '), summary: `${problems.join(', ')}: ${errorText(error)}`, fields: [{label: 'error', value: errorText(error)}]};
		}
	}
	problems.push('unknown command');
	return {...base, message: null, problem: problems.join(', '), summary: `${problems.join(', ')}: "${cut(name)}" ${payload.length} B`, fields: []};
}

/** The list's one line for a framed message. */
export function summarizeFrame(frame: Uint8Array): string {
	// A row's one line: the fields (a txid hashed per transaction of a block, …) wait for Enter.
	return decodeFrame(frame, {fields: false}).summary;
}

// ---------------------------------------------------------------- hex

/** The envelope's parts, each with its bytes in hex and what they say. */
export interface EnvelopePart {
	readonly label: 'magic' | 'command' | 'length' | 'checksum';
	/** Offset in the frame. */
	readonly offset: number;
	readonly hex: string;
	readonly meaning: string;
}

const spaced = (b: Uint8Array) => [...b].map(x => x.toString(16).padStart(2, '0')).join(' ');

export function envelopeParts(frame: Uint8Array, d: DecodedFrame = decodeFrame(frame)): EnvelopePart[] {
	const e = d.envelope;
	if (!e) return [];
	const checksumOk = equalBytes(e.checksum, e.actualChecksum);
	return [
		{label: 'magic', offset: 0, hex: spaced(e.magic), meaning: 'network'},
		{label: 'command', offset: 4, hex: spaced(e.command), meaning: `"${cut(d.command)}"`},
		{label: 'length', offset: 16, hex: spaced(frame.subarray(16, 20)), meaning: `${e.length} B${d.size === e.length ? '' : ` (${d.size} present)`}`},
		{label: 'checksum', offset: 20, hex: spaced(e.checksum), meaning: checksumOk ? 'ok' : `bad: the payload's is ${spaced(e.actualChecksum)}`},
	];
}

export interface HexLine {
	/** Offset of the line's first byte in the frame. */
	readonly offset: number;
	/** The bytes in hex, padded to a whole line. */
	readonly hex: string;
	/** Printable ASCII as is, anything else as `.`. */
	readonly ascii: string;
}

/**
 * The payload as hex lines of `perLine` bytes, offsets counted from the frame's start (the
 * payload starts at 24), at most `maxBytes` of it; `more` says how many bytes were left out.
 */
export function payloadHex(frame: Uint8Array, perLine = 16, maxBytes = 16_384): {lines: HexLine[]; more: number} {
	const payload = frame.subarray(HEADER_SIZE);
	const shown = payload.subarray(0, maxBytes);
	const lines: HexLine[] = [];
	const width = perLine * 3 - 1;
	for (let at = 0; at < shown.length; at += perLine) {
		const chunk = shown.subarray(at, at + perLine);
		let ascii = '';
		for (const c of chunk) ascii += c >= 0x20 && c <= 0x7e ? String.fromCharCode(c) : '.';
		lines.push({offset: HEADER_SIZE + at, hex: spaced(chunk).padEnd(width), ascii});
	}
	return {lines, more: payload.length - shown.length};
}
