/**
 * LevelDB key table for one node's chain database (keys and values are raw bytes).
 *
 *   V                                  -> u32 schema version
 *   X                                  -> present while a --reindex is under way (resumed at start)
 *   R                                  -> tip marker: hash of the active chain's tip
 *   e[hash]                            -> block index entry: header(80) height(u32) chainwork(32, BE) status(u8)
 *   H[height u32 BE]                   -> hash of the active-chain block at that height
 *   b[hash]                            -> block body (the serialised block)
 *   u[hash]                            -> undo data: the coins the block spent, in input order
 *   c[txid][vout u32 BE]               -> unspent coin: height(u32) coinbase(u8) value(i64) script
 *   t[txid]                            -> tx index: block hash(32) position in block(u32)
 *   A[hash160][height BE][txid][n BE][kind] -> address history: value(i64); kind 0 = output n
 *                                         received, 1 = input n spent a coin of the address
 *   U[hash160][txid][vout BE]          -> address UTXO membership (the coin itself is under c)
 *   P[height BE][txid]                 -> BPM record: hash160 of input 0's address(20) bpm(u16)
 *   m[hash]                            -> stake modifier after the block (proof-of-stake networks)
 *
 * The values of e, u, c, t, m, A, U and P end in 4 more bytes: the CRC-32 of key and value
 * (checksum.ts), checked on every read (e, u, c, t and m since version 2; A, U and P since 3; a
 * U value is only that checksum, of its key). Blocks (b) are checked against their key's hash and
 * their merkle root instead.
 *
 * `hash` and `txid` are in internal byte order. Heights are big-endian so keys sort by height.
 * Connecting or disconnecting a block writes every key it touches, R included, in one batch.
 */
import {concatBytes} from '../encoding/hex.js';

/**
 * 2: e, u, c, t and m records carry a checksum. 3: the address (A, U) and BPM (P) index records
 * too. An older datadir is rebuilt by --reindex.
 */
export const SCHEMA_VERSION = 3;

const tag = (c: string) => Uint8Array.of(c.charCodeAt(0));

function u32be(n: number): Uint8Array {
	const b = new Uint8Array(4);
	new DataView(b.buffer).setUint32(0, n >>> 0, false);
	return b;
}

/**
 * `letter ‖ hash [‖ n as u32 BE]` in one allocation: the keys every connected block builds by the
 * dozen (coins, undo, index entries), where three small arrays and a DataView each were 2% of IBD.
 */
function hashKey(letter: string, hash: Uint8Array, n?: number): Uint8Array {
	const out = new Uint8Array(1 + hash.length + (n === undefined ? 0 : 4));
	out[0] = letter.charCodeAt(0);
	out.set(hash, 1);
	if (n !== undefined) {
		const at = 1 + hash.length;
		out[at] = n >>> 24;
		out[at + 1] = (n >>> 16) & 0xff;
		out[at + 2] = (n >>> 8) & 0xff;
		out[at + 3] = n & 0xff;
	}
	return out;
}

export const layout = {
	V: tag('V'),
	X: tag('X'),
	R: tag('R'),
	e: (hash: Uint8Array) => hashKey('e', hash),
	H: (height: number) => concatBytes(tag('H'), u32be(height)),
	b: (hash: Uint8Array) => hashKey('b', hash),
	u: (hash: Uint8Array) => hashKey('u', hash),
	c: (txid: Uint8Array, vout: number) => hashKey('c', txid, vout),
	t: (txid: Uint8Array) => hashKey('t', txid),
	A: (addr: Uint8Array, height: number, txid: Uint8Array, n: number, kind: 0 | 1) =>
		concatBytes(tag('A'), addr, u32be(height), txid, u32be(n), Uint8Array.of(kind)),
	U: (addr: Uint8Array, txid: Uint8Array, vout: number) => concatBytes(tag('U'), addr, txid, u32be(vout)),
	P: (height: number, txid: Uint8Array) => concatBytes(tag('P'), u32be(height), txid),
	m: (hash: Uint8Array) => hashKey('m', hash),
	/** Prefix bounds for iterating everything under a one-letter tag plus optional bytes. */
	range(letter: string, ...rest: Uint8Array[]): {gte: Uint8Array; lt: Uint8Array} {
		const prefix = concatBytes(tag(letter), ...rest);
		const lt = prefix.slice();
		let i = lt.length - 1;
		while (i >= 0 && lt[i] === 0xff) lt[i--] = 0;
		if (i < 0) throw new RangeError('prefix has no upper bound');
		lt[i]!++;
		return {gte: prefix, lt};
	},
	/** Tags of the chain state that --reindex rebuilds from the stored blocks. */
	stateTags: ['R', 'H', 'u', 'c', 't', 'A', 'U', 'P', 'm'] as const,
};
