/**
 * Compact bits, targets, work and Bitcoin's retarget, ported from Bitcoin Core (arith_uint256
 * SetCompact/GetCompact, GetBlockProof, CalculateNextWorkRequired) with 256-bit wrap-around.
 */
const MASK_256 = (1n << 256n) - 1n;

export interface Compact {
	target: bigint;
	negative: boolean;
	overflow: boolean;
}

/** arith_uint256::SetCompact. */
export function decodeCompact(bits: number): Compact {
	const size = bits >>> 24;
	let word = bits & 0x007fffff;
	let target: bigint;
	if (size <= 3) {
		word >>>= 8 * (3 - size);
		target = BigInt(word);
	} else {
		target = (BigInt(word) << BigInt(8 * (size - 3))) & MASK_256;
	}
	const negative = word !== 0 && (bits & 0x00800000) !== 0;
	const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
	return {target, negative, overflow};
}

function bitLength(n: bigint): number {
	return n === 0n ? 0 : n.toString(2).length;
}

/** arith_uint256::GetCompact. */
export function encodeCompact(target: bigint, negative = false): number {
	let size = Math.floor((bitLength(target) + 7) / 8);
	let compact: number;
	if (size <= 3) {
		compact = Number(target << BigInt(8 * (3 - size))) >>> 0;
	} else {
		compact = Number((target >> BigInt(8 * (size - 3))) & 0xffffffffn) >>> 0;
	}
	if (compact & 0x00800000) {
		compact >>>= 8;
		size++;
	}
	compact = (compact | (size << 24)) >>> 0;
	if (negative && compact & 0x007fffff) compact = (compact | 0x00800000) >>> 0;
	return compact;
}

/** The target for bits, or null where Core's CheckProofOfWork would refuse it. */
export function targetFromBits(bits: number, powLimit: bigint): bigint | null {
	const {target, negative, overflow} = decodeCompact(bits);
	if (negative || overflow || target === 0n || target > powLimit) return null;
	return target;
}

/** A hash (internal byte order) read as the little-endian 256-bit number it is. */
export function hashToBigInt(hash: Uint8Array): bigint {
	let v = 0n;
	for (let i = hash.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]!);
	return v;
}

export function checkProofOfWork(hash: Uint8Array, bits: number, powLimit: bigint): boolean {
	const target = targetFromBits(bits, powLimit);
	return target !== null && hashToBigInt(hash) <= target;
}

/** GetBlockProof: expected hashes for a block at these bits, 2^256 / (target + 1). */
export function blockWork(bits: number): bigint {
	const {target, negative, overflow} = decodeCompact(bits);
	if (negative || overflow || target === 0n) return 0n;
	return (1n << 256n) / (target + 1n);
}

export interface RetargetParams {
	readonly powLimit: bigint;
	/** Seconds per retarget window (Bitcoin: 14 days = 1,209,600). */
	readonly targetTimespan: number;
}

/**
 * CalculateNextWorkRequired: scale the last target by the actual window time, clamped to [T/4, 4T].
 * Bitcoin's window retarget, kept as a pure function checked against Core's vectors; no network
 * of ours uses it (main is ASERT, consensus/asert.ts).
 */
export function nextWorkRequired(lastBits: number, lastTime: number, firstTime: number, params: RetargetParams): number {
	const T = params.targetTimespan;
	let actual = lastTime - firstTime;
	if (actual < Math.floor(T / 4)) actual = Math.floor(T / 4);
	if (actual > T * 4) actual = T * 4;
	// Core multiplies in 256 bits, which wraps for targets near 2^256 (easy test networks);
	// exact bigint arithmetic gives Core's result wherever Core does not overflow.
	let target = decodeCompact(lastBits).target;
	target = (target * BigInt(actual)) / BigInt(T);
	if (target > params.powLimit) target = params.powLimit;
	return encodeCompact(target);
}

/** Difficulty as the screen and RPC show it: the limit's target over this one (1 = easiest); the pow limit, or the stake limit for a staked block. */
export function difficulty(bits: number, powLimit: bigint): number {
	const {target} = decodeCompact(bits);
	return target > 0n ? Number((powLimit * 1000n) / target) / 1000 : 0;
}
