/**
 * The wire inspector's rows: plain data for the wire pane, whoever feeds it (the node's tap,
 * Pool.tap, in the app; a lab link's, Link.tap, in the lab). A WireRing keeps the newest few
 * hundred and decodes summaries only when asked (once a redraw, not once a message), and only of
 * what it keeps. The decoder (node/net/wire-decode.ts) is handed on here, as the UI imports from
 * the store only.
 */
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

/** What the app's inspector shows (Snapshot.wire), while it is open. */
export interface WireView {
	/** The peer watched (by id), or null for every peer. */
	readonly peer: number | null;
	/** Oldest first, at most WIRE_ROWS. */
	readonly rows: readonly WireRow[];
	/** Messages seen since it opened. */
	readonly seen: number;
}

/** The newest `limit` messages; summaries are decoded in `rows()`, only for those kept. */
export class WireRing {
	private kept: WireRow[] = [];
	private pending: WireInput[] = [];
	/** Messages added since it was made. */
	seen = 0;

	constructor(readonly limit = WIRE_ROWS) {}

	/** Adds a message: no decoding here, just a push (older pending ones beyond the limit go). */
	add(input: WireInput): void {
		this.seen++;
		this.pending.push(input);
		if (this.pending.length >= 2 * this.limit) this.pending = this.pending.slice(-this.limit);
	}

	get dirty(): boolean {
		return this.pending.length > 0;
	}

	/** The rows kept, oldest first: what came since the last call is decoded now. */
	rows(): readonly WireRow[] {
		if (this.pending.length === 0) return this.kept;
		const fresh = this.pending.slice(-this.limit);
		// Numbers count every message seen, so a row's id never changes and gaps show what was skipped.
		let seq = this.seen - fresh.length;
		const rows = fresh.map(input => ({...input, seq: ++seq, summary: summarizeFrame(input.bytes)}));
		this.pending = [];
		this.kept = [...this.kept, ...rows].slice(-this.limit);
		return this.kept;
	}
}
