/**
 * The wire inspector's tap: every whole framed message a peer reads (from its parser) or writes
 * (from the framer), with its time, direction, peer, command and size. While nobody listens no
 * peer has a tap and each message costs one null check; a tapped message is handed on as the
 * bytes the peer already holds (no copy, no decoding here: the listener decodes what it shows).
 *
 * `Pool.tap(peerId | null, listener)` adds a listener for one peer or all of them (new ones
 * included) and returns its untap; how much a listener keeps is its own business.
 */
import {frameCommand, HEADER_SIZE} from './framer.js';
import type {Peer, PeerTap, WireDirection} from './peer.js';

export type {WireDirection} from './peer.js';

/** One message as it crossed the wire. */
export interface WireRecord {
	/** Milliseconds since the epoch. */
	readonly time: number;
	readonly direction: WireDirection;
	readonly peerId: number;
	/** host:port. */
	readonly peer: string;
	/** The envelope's command as it stands (unchecked: sanitize before drawing it). */
	readonly command: string;
	/** Payload bytes (the envelope's 24 not counted). */
	readonly size: number;
	/** The whole framed message: envelope and payload. Shared with the peer: never change it. */
	readonly bytes: Uint8Array;
}

export type WireListener = (record: WireRecord) => void;

interface Tap {
	readonly peer: number | null;
	readonly listener: WireListener;
}

/** The listeners, and which peers need a tap for them. */
export class WireTaps {
	private readonly taps = new Set<Tap>();

	constructor(
		/** Every connected peer (handshake done or not). */
		private readonly peers: () => Iterable<Peer>,
		private readonly now: () => number = Date.now,
	) {}

	/** Listens to one peer's messages (by id) or, with null, every peer's; returns the untap. */
	add(peer: number | null, listener: WireListener): () => void {
		const tap: Tap = {peer, listener};
		this.taps.add(tap);
		this.apply();
		return () => {
			if (this.taps.delete(tap)) this.apply();
		};
	}

	/** The tap a peer connecting now gets: the dispatcher if someone listens to every peer. */
	get forNewPeer(): PeerTap | null {
		for (const t of this.taps) if (t.peer === null) return this.dispatch;
		return null;
	}

	/** Sets or clears each peer's tap: only peers someone listens to have one. */
	private apply(): void {
		for (const peer of this.peers()) peer.tap = this.wants(peer.id) ? this.dispatch : null;
	}

	private wants(id: number): boolean {
		for (const t of this.taps) if (t.peer === null || t.peer === id) return true;
		return false;
	}

	private readonly dispatch: PeerTap = (peer, direction, frame) => {
		const record: WireRecord = {time: this.now(), direction, peerId: peer.id, peer: peer.address, command: frameCommand(frame), size: Math.max(0, frame.length - HEADER_SIZE), bytes: frame};
		for (const t of this.taps) if (t.peer === null || t.peer === peer.id) t.listener(record);
	};
}
