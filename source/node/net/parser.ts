/**
 * Turns a byte stream from a socket into whole messages: any split across reads, any number per
 * read. As Core's V1Transport: wrong magic and a declared length over 4,000,000 bytes are fatal
 * (checked before the body is waited for; the stream cannot go on, but neither is proof of malice,
 * so neither scores); a bad checksum or a malformed command name drops just that message.
 */
import {sha256d} from '../crypto/hash.js';
import {EncodingError} from '../errors.js';
import {COMMANDS, decodePayload, type Command, type Message} from './messages.js';
import {HEADER_SIZE, MAX_PAYLOAD} from './framer.js';

/** What went wrong in the envelope or payload; callers decide by this, never by the text. */
export type ProtocolErrorCode =
	/** Not our network's magic: fatal, scores nothing (Core: "Wrong MessageStart", disconnect). */
	| 'wrong-magic'
	/** Declared length over the limit: fatal, scores nothing (Core: "Size too large", disconnect). */
	| 'oversized'
	/** Checksum mismatch: that message is dropped (Core: "Wrong checksum"). */
	| 'bad-checksum'
	/** Command with a byte outside 0x20-0x7e, or a non-NUL after a NUL: that message is dropped (Core: "Invalid message type"). */
	| 'bad-command'
	/** A known command whose payload does not decode. */
	| 'malformed-payload';

/** A broken protocol: what to tell, and the misbehaviour score it earns. */
export class ProtocolError extends Error {
	override readonly name = 'ProtocolError';
	constructor(
		readonly code: ProtocolErrorCode,
		message: string,
		readonly score: number,
		/** The stream cannot go on: disconnect. */
		readonly fatal: boolean,
	) {
		super(message);
	}
}

export type ParseResult =
	| {readonly kind: 'message'; readonly message: Message; readonly size: number}
	/** A well-framed message we do not know: ignored, as Core does. */
	| {readonly kind: 'unknown'; readonly command: string; readonly size: number}
	| {readonly kind: 'error'; readonly error: ProtocolError; readonly command: string; readonly size: number};

export class Parser {
	private chunks: Uint8Array[] = [];
	private buffered = 0;
	/**
	 * Sees each whole framed message (envelope and payload, whatever its checksum or command) as it
	 * is taken off the stream: the message's own bytes, never to be changed. Null while nobody
	 * watches, which costs one check a message (the wire inspector's tap, see wire-tap.ts).
	 */
	tap: ((frame: Uint8Array) => void) | null = null;

	constructor(
		private readonly magic: Uint8Array,
		private readonly maxPayload = MAX_PAYLOAD,
	) {}

	get pendingBytes(): number {
		return this.buffered;
	}

	/** Copies the first n buffered bytes without consuming them. */
	private peek(n: number): Uint8Array {
		const out = new Uint8Array(n);
		let at = 0;
		for (const chunk of this.chunks) {
			const take = Math.min(chunk.length, n - at);
			out.set(chunk.subarray(0, take), at);
			at += take;
			if (at === n) break;
		}
		return out;
	}

	private consume(n: number): void {
		this.buffered -= n;
		while (n > 0) {
			const first = this.chunks[0]!;
			if (first.length <= n) {
				n -= first.length;
				this.chunks.shift();
			} else {
				this.chunks[0] = first.subarray(n);
				n = 0;
			}
		}
	}

	/** Adds bytes; returns every message now complete. Throws a fatal ProtocolError. */
	feed(data: Uint8Array): ParseResult[] {
		if (data.length > 0) {
			this.chunks.push(data);
			this.buffered += data.length;
		}
		const out: ParseResult[] = [];
		while (this.buffered >= HEADER_SIZE) {
			const header = this.peek(HEADER_SIZE);
			for (let i = 0; i < 4; i++) {
				if (header[i] !== this.magic[i]) throw new ProtocolError('wrong-magic', 'wrong network magic', 0, true);
			}
			const command = readCommand(header.subarray(4, 16));
			const length = new DataView(header.buffer).getUint32(16, true);
			if (length > this.maxPayload) {
				throw new ProtocolError('oversized', `message of ${length} bytes declared, at most ${this.maxPayload}`, 0, true);
			}
			if (this.buffered < HEADER_SIZE + length) break;
			const whole = this.peek(HEADER_SIZE + length);
			this.consume(HEADER_SIZE + length);
			if (this.tap !== null) this.tap(whole);
			const payload = whole.subarray(HEADER_SIZE);
			const check = sha256d(payload);
			const size = HEADER_SIZE + length;
			// Core's order: the checksum first, then the command name; either drops the message only.
			if (check[0] !== header[20] || check[1] !== header[21] || check[2] !== header[22] || check[3] !== header[23]) {
				out.push({kind: 'error', error: new ProtocolError('bad-checksum', 'bad checksum: message dropped', 0, false), command: command ?? '', size});
				continue;
			}
			if (command === null) {
				out.push({kind: 'error', error: new ProtocolError('bad-command', 'malformed command name: message dropped', 0, false), command: '', size});
				continue;
			}
			if (!(COMMANDS as readonly string[]).includes(command)) {
				out.push({kind: 'unknown', command, size});
				continue;
			}
			try {
				out.push({kind: 'message', message: decodePayload(command as Command, payload), size});
			} catch (error) {
				if (!(error instanceof EncodingError)) throw error;
				out.push({kind: 'error', error: new ProtocolError('malformed-payload', `malformed ${command}: ${error.message}`, 100, false), command, size});
			}
		}
		return out;
	}
}

/**
 * Printable ASCII, NUL-padded to 12 bytes; null if malformed (Core's IsMessageTypeValid: a byte
 * outside 0x20-0x7e, or anything but NUL after the first NUL). All NULs is a valid, unknown name.
 */
export function readCommand(bytes: Uint8Array): string | null {
	let end = bytes.indexOf(0);
	if (end < 0) end = 12;
	for (let i = end; i < 12; i++) if (bytes[i] !== 0) return null;
	let s = '';
	for (let i = 0; i < end; i++) {
		const c = bytes[i]!;
		if (c < 0x20 || c > 0x7e) return null;
		s += String.fromCharCode(c);
	}
	return s;
}
