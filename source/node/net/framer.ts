/**
 * Bitcoin's message envelope: magic(4) | command(12, NUL-padded) | length u32 | checksum(4) |
 * payload; checksum = first 4 bytes of sha256d(payload).
 */
import {sha256d} from '../crypto/hash.js';
import {encodePayload, type Message} from './messages.js';

export const HEADER_SIZE = 24;
export const MAX_PAYLOAD = 4_000_000;

export function frame(magic: Uint8Array, command: string, payload: Uint8Array): Uint8Array {
	const out = new Uint8Array(HEADER_SIZE + payload.length);
	out.set(magic, 0);
	for (let i = 0; i < command.length && i < 12; i++) out[4 + i] = command.charCodeAt(i);
	new DataView(out.buffer).setUint32(16, payload.length, true);
	out.set(sha256d(payload).subarray(0, 4), 20);
	out.set(payload, HEADER_SIZE);
	return out;
}

export function encodeMessage(magic: Uint8Array, msg: Message): Uint8Array {
	return frame(magic, msg.type, encodePayload(msg));
}

/**
 * The command name in a frame's envelope as it stands: the bytes before the first NUL, unchecked
 * (the parser decides whether a name is valid; this is for showing one). Text from a peer: it may
 * hold control characters, so whatever draws it sanitizes it.
 */
export function frameCommand(frame: Uint8Array): string {
	let s = '';
	for (let i = 4; i < 16 && i < frame.length; i++) {
		const c = frame[i]!;
		if (c === 0) break;
		s += String.fromCharCode(c);
	}
	return s;
}
