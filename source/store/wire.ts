/**
 * The wire inspector's rows: plain data for the wire pane, whoever feeds it (the node's tap,
 * Pool.tap, in the app; a lab link's, Link.tap, in the lab). A WireRing keeps the newest few
 * hundred and decodes summaries only when asked (once a redraw, not once a message), and only of
 * what it keeps. The decoder (node/net/wire-decode.ts) is handed on here, as the UI imports from
 * the store only.
 */
import {frameCommand, HEADER_SIZE} from '../node/net/framer.js';
import {summarizeFrame} from '../node/net/wire-decode.js';

export {decodeFrame, envelopeParts, payloadHex, type DecodedFrame, type EnvelopePart, type HexLine, type WireField} from '../node/net/wire-decode.js';

/** How many messages the app's inspector keeps. */
export const WIRE_ROWS = 500;

/** One message, as the wire pane lists it. */
export interface WireRow {
	/** Increases by one a message: the list's ids. */
	readonly seq: number;
	/** Milliseconds since the epoch (or on a lab's clock). */
	readonly time: number;
	/** out (→): sent by the node watched, or a→b on a link; in (←): received, or b→a. */
	readonly direction: 'in' | 'out';
	/** Who it went to or came from: host:port, or a link's name. */
	readonly peer: string;
	/** The envelope's command as it came (sanitize before drawing). */
	readonly command: string;
	/** Payload bytes. */
	readonly size: number;
	/** One line: `headers 2000 (…c3d5 → …91aa)`, `inv 3 tx`; text from a peer, sanitize it. */
	readonly summary: string;
	/** The whole framed message, envelope and payload. */
	readonly bytes: Uint8Array;
	/** A lab link dropped it. */
	readonly dropped?: boolean;
}

/** What a tap hands over: a row without its number and summary. */
export type WireInput = Omit<WireRow, 'seq' | 'summary'>;

/**
 * A lab link's tap record (lab/link.ts LinkWireRecord) as a row to keep: a→b (toTarget) is `out`
 * (→), b→a `in` (←); `peer` names the link.
 */
export function linkWireInput(record: {readonly time: number; readonly direction: 'toTarget' | 'fromTarget'; readonly bytes: Uint8Array; readonly dropped: boolean}, peer: string): WireInput {
	return {
		time: record.time,
		direction: record.direction === 'toTarget' ? 'out' : 'in',
		peer,
		command: frameCommand(record.bytes),
		size: Math.max(0, record.bytes.length - HEADER_SIZE),
		bytes: record.bytes,
		...(record.dropped ? {dropped: true} : {}),
	};
}

/** What the app's inspector shows (Snapshot.wire), while it is open. */
export interface WireView {
	/** The peer watched (by id), or null for every peer. */
	readonly peer: number | null;
	/** Oldest first, at most WIRE_ROWS. */
	readonly rows: readonly WireRow[];
	/** Messages seen since it opened. */
	readonly seen: number;
}

/** How many bytes of messages the app's inspector keeps at most (500 blocks of 4 MB would be 2 GB). */
export const WIRE_BYTES = 32_000_000;

/** The newest items of `items` within `limit` of them and `maxBytes` of bytes (the newest always). */
function newest<T extends {readonly bytes: Uint8Array}>(items: readonly T[], limit: number, maxBytes: number): T[] {
	let from = items.length;
	let bytes = 0;
	while (from > 0 && items.length - from < limit) {
		const size = items[from - 1]!.bytes.length;
		if (from < items.length && bytes + size > maxBytes) break;
		bytes += size;
		from--;
	}
	return items.slice(from);
}

/**
 * The newest `limit` messages within `maxBytes`; summaries are decoded in `rows()`, only for those
 * kept. The bytes are the tap's own (not copied), so the byte bound is what bounds its memory.
 */
export class WireRing {
	private kept: WireRow[] = [];
	private pending: WireInput[] = [];
	private pendingBytes = 0;
	/** Messages added since it was made. */
	seen = 0;

	constructor(
		readonly limit = WIRE_ROWS,
		readonly maxBytes = WIRE_BYTES,
	) {}

	/** Adds a message: no decoding here, just a push (older pending ones beyond the bounds go). */
	add(input: WireInput): void {
		this.seen++;
		this.pending.push(input);
		this.pendingBytes += input.bytes.length;
		if (this.pending.length >= 2 * this.limit || this.pendingBytes > 2 * this.maxBytes) {
			this.pending = newest(this.pending, this.limit, this.maxBytes);
			this.pendingBytes = this.pending.reduce((sum, p) => sum + p.bytes.length, 0);
		}
	}

	get dirty(): boolean {
		return this.pending.length > 0;
	}

	/** The rows kept, oldest first: what came since the last call is decoded now. */
	rows(): readonly WireRow[] {
		if (this.pending.length === 0) return this.kept;
		const fresh = newest(this.pending, this.limit, this.maxBytes);
		// Numbers count every message seen, so a row's id never changes and gaps show what was skipped.
		let seq = this.seen - fresh.length;
		const rows = fresh.map(input => ({...input, seq: ++seq, summary: summarizeFrame(input.bytes)}));
		this.pending = [];
		this.pendingBytes = 0;
		this.kept = newest([...this.kept, ...rows], this.limit, this.maxBytes);
		return this.kept;
	}
}
