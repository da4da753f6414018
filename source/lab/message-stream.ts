/**
 * Splits a byte stream into whole wire messages (24-byte header + payload) and hands back each
 * message's exact bytes. The relay must never re-encode, so unlike the node's Parser this neither
 * decodes payloads nor checks checksums: a corrupt message goes through as a real wire would carry it.
 * Only what makes the stream unreadable is fatal: a wrong magic or a declared length over the limit.
 */
import {HEADER_SIZE, MAX_PAYLOAD} from '../node/net/framer.js';

export class StreamError extends Error {
	override readonly name = 'StreamError';
	constructor(
		readonly code: 'wrong-magic' | 'oversized',
		message: string,
	) {
		super(message);
	}
}

export class MessageStream {
	private chunks: Buffer[] = [];
	private buffered = 0;
	/** Size of the message whose header has been read and checked; 0 while awaiting a header. */
	private expected = 0;
	/** Without a magic given, the first header fixes it: later headers must match. */
	private magic: Buffer | undefined;

	constructor(options: {magic?: Uint8Array; maxPayload?: number} = {}) {
		if (options.magic) this.magic = Buffer.from(options.magic);
		this.maxPayload = options.maxPayload ?? MAX_PAYLOAD;
	}

	private readonly maxPayload: number;

	get pendingBytes(): number {
		return this.buffered;
	}

	/** The magic in force (given, or learnt from the first header), if any yet. */
	get knownMagic(): Uint8Array | undefined {
		return this.magic;
	}

	/** Adds bytes; returns the bytes of every message now complete. Throws a StreamError. */
	feed(data: Uint8Array): Buffer[] {
		if (data.length > 0) {
			this.chunks.push(Buffer.from(data.buffer, data.byteOffset, data.length));
			this.buffered += data.length;
		}
		const out: Buffer[] = [];
		for (;;) {
			if (this.expected === 0) {
				if (this.buffered < HEADER_SIZE) return out;
				// Buffer.concat with a length copies just the header, not the whole backlog.
				const header = Buffer.concat(this.chunks, HEADER_SIZE);
				if (this.magic === undefined) this.magic = Buffer.from(header.subarray(0, 4));
				if (!header.subarray(0, 4).equals(this.magic)) throw new StreamError('wrong-magic', 'wrong network magic');
				const length = header.readUInt32LE(16);
				// Checked before the body is awaited, so a hostile length cannot make us buffer 4 GB.
				if (length > this.maxPayload) throw new StreamError('oversized', `message of ${length} bytes declared, at most ${this.maxPayload}`);
				this.expected = HEADER_SIZE + length;
			}
			// Joined only once the message is whole: a big message in many reads is copied once.
			if (this.buffered < this.expected) return out;
			const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
			// A copy, so the message does not pin the rest of the read buffer in memory.
			out.push(Buffer.from(all.subarray(0, this.expected)));
			const rest = all.subarray(this.expected);
			this.chunks = rest.length > 0 ? [rest] : [];
			this.buffered = rest.length;
			this.expected = 0;
		}
	}
}
