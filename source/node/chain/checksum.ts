/**
 * A checksum of a stored record's key and value, appended to the value: LevelDB as classic-level
 * opens it verifies no block checksum on reads, and a length check misses flipped bytes. Covering
 * the key too catches a value read back under another key.
 */

// CRC-32 (IEEE 802.3, reflected, as zlib's), one table lookup a byte.
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	TABLE[n] = c;
}

export function crc32(data: Uint8Array, crc = 0): number {
	let c = ~crc;
	for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
	return ~c >>> 0;
}

export const CHECKSUM_SIZE = 4;

/** `value` with the CRC-32 of key and value appended (little-endian). */
export function seal(key: Uint8Array, value: Uint8Array): Uint8Array {
	const out = new Uint8Array(value.length + CHECKSUM_SIZE);
	out.set(value);
	new DataView(out.buffer).setUint32(value.length, crc32(value, crc32(key)), true);
	return out;
}

/** The value without its checksum, or null when the checksum does not match (or is missing). */
export function unseal(key: Uint8Array, sealed: Uint8Array): Uint8Array | null {
	if (sealed.length < CHECKSUM_SIZE) return null;
	const value = sealed.subarray(0, sealed.length - CHECKSUM_SIZE);
	const stored = new DataView(sealed.buffer, sealed.byteOffset, sealed.byteLength).getUint32(value.length, true);
	return stored === crc32(value, crc32(key)) ? value : null;
}
