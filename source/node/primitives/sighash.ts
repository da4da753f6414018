/**
 * Bitcoin's legacy signature digest (SignatureHash for SigVersion::BASE), ported from Bitcoin Core
 * so its published sighash.json vectors apply. chain-tui itself signs and accepts only SIGHASH_ALL.
 */
import {Writer} from '../encoding/writer.js';
import {sha256d} from '../crypto/hash.js';
import {OP, nextOp} from './script.js';
import type {Transaction} from './tx.js';

const SIGHASH_NONE = 2;
const SIGHASH_SINGLE = 3;
const SIGHASH_ANYONECANPAY = 0x80;

/** uint256::ONE, what Core returns for the SIGHASH_SINGLE-without-output bug. */
function one(): Uint8Array {
	const h = new Uint8Array(32);
	h[0] = 1;
	return h;
}

/** The script code with OP_CODESEPARATORs removed, exactly as Core's SerializeScriptCode does. */
function writeScriptCode(w: Writer, script: Uint8Array): void {
	let separators = 0;
	for (let step = nextOp(script, 0); step.ok; step = nextOp(script, step.pc)) {
		if (step.op === OP.CODESEPARATOR) separators++;
	}
	w.varint(script.length - separators);
	let begin = 0;
	let pc = 0;
	for (;;) {
		const step = nextOp(script, pc);
		pc = step.pc;
		if (!step.ok) break;
		if (step.op === OP.CODESEPARATOR) {
			w.bytes(script.subarray(begin, pc - 1));
			begin = pc;
		}
	}
	if (begin !== script.length) w.bytes(script.subarray(begin, pc));
}

/** The 32-byte digest (internal order) that input `index` signs, for a u32 hash type. */
export function legacySighash(tx: Transaction, index: number, scriptCode: Uint8Array, hashType: number): Uint8Array {
	if (index >= tx.inputs.length) return one();
	const base = hashType & 0x1f;
	const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
	const single = base === SIGHASH_SINGLE;
	const none = base === SIGHASH_NONE;
	if (single && index >= tx.outputs.length) return one();

	const w = new Writer(256);
	w.i32(tx.version);
	const inputs = anyoneCanPay ? [index] : tx.inputs.map((_, i) => i);
	w.varint(inputs.length);
	for (const i of inputs) {
		const input = tx.inputs[i]!;
		input.prevout.write(w);
		if (i === index) writeScriptCode(w, scriptCode);
		else w.varint(0);
		w.u32(i !== index && (single || none) ? 0 : input.sequence);
	}
	const outCount = none ? 0 : single ? index + 1 : tx.outputs.length;
	w.varint(outCount);
	for (let i = 0; i < outCount; i++) {
		if (single && i !== index) {
			w.i64(-1n).varint(0);
		} else {
			tx.outputs[i]!.write(w);
		}
	}
	w.u32(tx.locktime);
	w.u32(hashType >>> 0);
	return sha256d(w.finish());
}
