/**
 * Standard script templates. chain-tui has no script interpreter: an output script is valid only
 * if it matches one of these patterns exactly, and an input is checked as a P2PKH spend.
 */
import {concatBytes, equalBytes} from '../encoding/hex.js';

export const OP = {
	OP_0: 0x00,
	PUSHDATA1: 0x4c,
	PUSHDATA2: 0x4d,
	PUSHDATA4: 0x4e,
	OP_1NEGATE: 0x4f,
	OP_1: 0x51,
	OP_16: 0x60,
	RETURN: 0x6a,
	DUP: 0x76,
	EQUALVERIFY: 0x88,
	CODESEPARATOR: 0xab,
	HASH160: 0xa9,
	CHECKSIG: 0xac,
} as const;

/** Longest data-carrier (OP_RETURN) script, as Bitcoin Core's default -datacarriersize. */
export const MAX_NULL_DATA_SCRIPT = 83;
export const MAX_SCRIPT_SIZE = 10_000;
export const SIGHASH_ALL = 0x01;

/** `CScript() << data`: the shortest push of `data`. */
export function pushData(data: Uint8Array): Uint8Array {
	const n = data.length;
	if (n < OP.PUSHDATA1) return concatBytes(Uint8Array.of(n), data);
	if (n <= 0xff) return concatBytes(Uint8Array.of(OP.PUSHDATA1, n), data);
	if (n <= 0xffff) return concatBytes(Uint8Array.of(OP.PUSHDATA2, n & 0xff, n >> 8), data);
	throw new RangeError('push too large');
}

/** CScriptNum serialisation: little-endian magnitude with a sign bit in the last byte. */
export function scriptNum(n: number): Uint8Array {
	if (n === 0) return new Uint8Array(0);
	const neg = n < 0;
	let abs = Math.abs(n);
	const out: number[] = [];
	while (abs > 0) {
		out.push(abs & 0xff);
		abs = Math.floor(abs / 256);
	}
	if (out[out.length - 1]! & 0x80) out.push(neg ? 0x80 : 0x00);
	else if (neg) out[out.length - 1]! |= 0x80;
	return Uint8Array.from(out);
}

/** `CScript() << n` for an integer, as Bitcoin Core writes the BIP34 height. */
export function pushInt(n: number): Uint8Array {
	if (n === 0) return Uint8Array.of(OP.OP_0);
	if (n === -1) return Uint8Array.of(OP.OP_1NEGATE);
	if (n >= 1 && n <= 16) return Uint8Array.of(OP.OP_1 + n - 1);
	return pushData(scriptNum(n));
}

export function p2pkhScript(hash: Uint8Array): Uint8Array {
	if (hash.length !== 20) throw new RangeError('P2PKH hash must be 20 bytes');
	return concatBytes(Uint8Array.of(OP.DUP, OP.HASH160, 20), hash, Uint8Array.of(OP.EQUALVERIFY, OP.CHECKSIG));
}

/** The 20-byte hash of a P2PKH script, or null if the script is anything else. */
export function p2pkhHash(script: Uint8Array): Uint8Array | null {
	if (
		script.length === 25 &&
		script[0] === OP.DUP &&
		script[1] === OP.HASH160 &&
		script[2] === 20 &&
		script[23] === OP.EQUALVERIFY &&
		script[24] === OP.CHECKSIG
	) {
		return script.subarray(3, 23);
	}
	return null;
}

export function nullDataScript(data: Uint8Array): Uint8Array {
	const script = concatBytes(Uint8Array.of(OP.RETURN), pushData(data));
	if (script.length > MAX_NULL_DATA_SCRIPT) throw new RangeError(`data output over ${MAX_NULL_DATA_SCRIPT} bytes`);
	return script;
}

/** The payload of `OP_RETURN <one minimal push>` (at most 83 bytes in all), else null. */
export function nullData(script: Uint8Array): Uint8Array | null {
	if (script.length < 2 || script.length > MAX_NULL_DATA_SCRIPT || script[0] !== OP.RETURN) return null;
	const op = script[1]!;
	if (op >= 1 && op < OP.PUSHDATA1) {
		return script.length === 2 + op ? script.subarray(2) : null;
	}
	if (op === OP.PUSHDATA1 && script.length >= 3) {
		const n = script[2]!;
		return n >= OP.PUSHDATA1 && script.length === 3 + n ? script.subarray(3) : null;
	}
	return null;
}

const BPM_TAG = Uint8Array.of(0x42, 0x50, 0x4d); // "BPM"

/** `6a 05 42 50 4d <u16 LE bpm>`: a heart-rate reading recorded on chain. */
export function bpmScript(bpm: number): Uint8Array {
	if (!Number.isInteger(bpm) || bpm < 0 || bpm > 0xffff) throw new RangeError('BPM must be an integer 0-65535');
	return Uint8Array.of(OP.RETURN, 0x05, ...BPM_TAG, bpm & 0xff, bpm >> 8);
}

export function parseBpm(script: Uint8Array): number | null {
	if (script.length !== 7 || script[0] !== OP.RETURN || script[1] !== 0x05) return null;
	if (!equalBytes(script.subarray(2, 5), BPM_TAG)) return null;
	return script[5]! | (script[6]! << 8);
}

export type OutputType = 'p2pkh' | 'nulldata' | 'nonstandard';

export function outputType(script: Uint8Array): OutputType {
	if (p2pkhHash(script)) return 'p2pkh';
	if (nullData(script)) return 'nulldata';
	return 'nonstandard';
}

/** What an output is: the one classification the RPC, the explorer and the screen's store share. */
export type OutputClass =
	| {readonly type: 'p2pkh'; readonly hash: Uint8Array}
	| {readonly type: 'bpm'; readonly bpm: number}
	| {readonly type: 'nulldata'; readonly data: Uint8Array}
	| {readonly type: 'nonstandard'};

export function classifyOutput(script: Uint8Array): OutputClass {
	const hash = p2pkhHash(script);
	if (hash) return {type: 'p2pkh', hash};
	const bpm = parseBpm(script);
	if (bpm !== null) return {type: 'bpm', bpm};
	const data = nullData(script);
	if (data) return {type: 'nulldata', data};
	return {type: 'nonstandard'};
}

/** `<sig+hashtype> <33-byte compressed pubkey>`, the P2PKH spend. */
export function p2pkhScriptSig(sigWithType: Uint8Array, publicKey: Uint8Array): Uint8Array {
	return concatBytes(pushData(sigWithType), pushData(publicKey));
}

/** Splits a P2PKH scriptSig into signature (with hash type) and compressed public key, or null. */
export function parseP2pkhScriptSig(script: Uint8Array): {signature: Uint8Array; publicKey: Uint8Array} | null {
	const sigLen = script[0];
	if (sigLen === undefined || sigLen < 9 || sigLen > 73) return null;
	if (script.length !== 1 + sigLen + 1 + 33) return null;
	if (script[1 + sigLen] !== 33) return null;
	const publicKey = script.subarray(2 + sigLen);
	if (publicKey[0] !== 0x02 && publicKey[0] !== 0x03) return null;
	return {signature: script.subarray(1, 1 + sigLen), publicKey};
}

/**
 * Bitcoin Core's GetScriptOp: steps over one opcode and its push data. When the script ends inside
 * a push it returns ok=false with `pc` where Core's iterator stops (the legacy sighash serialises
 * up to that point, so the exact stopping place matters).
 */
export function nextOp(script: Uint8Array, pc: number): {ok: boolean; pc: number; op: number} {
	if (pc >= script.length) return {ok: false, pc, op: -1};
	const op = script[pc++]!;
	if (op <= OP.PUSHDATA4) {
		let size = 0;
		if (op < OP.PUSHDATA1) size = op;
		else if (op === OP.PUSHDATA1) {
			if (script.length - pc < 1) return {ok: false, pc, op};
			size = script[pc++]!;
		} else if (op === OP.PUSHDATA2) {
			if (script.length - pc < 2) return {ok: false, pc, op};
			size = script[pc]! | (script[pc + 1]! << 8);
			pc += 2;
		} else {
			if (script.length - pc < 4) return {ok: false, pc, op};
			size = (script[pc]! | (script[pc + 1]! << 8) | (script[pc + 2]! << 16) | (script[pc + 3]! << 24)) >>> 0;
			pc += 4;
		}
		if (script.length - pc < size) return {ok: false, pc, op};
		pc += size;
	}
	return {ok: true, pc, op};
}
