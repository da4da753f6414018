import {describe, expect, it} from 'vitest';
import {Reader} from '../../source/node/encoding/reader.js';
import {Writer} from '../../source/node/encoding/writer.js';
import {fromHex, hashToHex, hexToHash, toHex} from '../../source/node/encoding/hex.js';
import {EncodingError} from '../../source/node/errors.js';

describe('CompactSize', () => {
	// [value, canonical encoding]
	const cases: [number, string][] = [
		[0, '00'],
		[0xfc, 'fc'],
		[0xfd, 'fdfd00'],
		[0xffff, 'fdffff'],
		[0x10000, 'fe00000100'],
		[0xffffffff, 'feffffffff'],
		[0x100000000, 'ff0000000001000000'],
	];
	it.each(cases)('%d <-> %s', (value, hex) => {
		expect(toHex(new Writer().varint(value).finish())).toBe(hex);
		const r = new Reader(fromHex(hex));
		expect(r.varint()).toBe(value);
		r.end();
	});

	it.each(['fd0000', 'fdfc00', 'feffff0000', 'fe00000000', 'ffffffffff00000000'])('rejects non-canonical %s', hex => {
		expect(() => new Reader(fromHex(hex)).varint()).toThrow(/non-canonical/);
	});

	it('rejects truncated encodings and values over a limit', () => {
		expect(() => new Reader(fromHex('fd00')).varint()).toThrow(EncodingError);
		expect(() => new Reader(fromHex('fe0000')).varint()).toThrow(/truncated/);
		expect(() => new Reader(fromHex('fde803')).varint(999)).toThrow(/exceeds limit/);
	});
});

describe('Reader', () => {
	it('reads little-endian integers of every width', () => {
		const w = new Writer(1).u8(0xab).u16(0x1234).u32(0xdeadbeef).i32(-2).u64(0x0102030405060708n).i64(-5n);
		const r = new Reader(w.finish());
		expect([r.u8(), r.u16(), r.u32(), r.i32(), r.u64(), r.i64()]).toEqual([0xab, 0x1234, 0xdeadbeef, -2, 0x0102030405060708n, -5n]);
		r.end();
	});

	it('refuses to allocate for a claimed length the input does not hold', () => {
		// Claims 2^32-1 bytes with 3 present.
		const r = new Reader(fromHex('feffffffff010203'));
		expect(() => r.varBytes()).toThrow(/truncated|exceeds/);
		expect(() => new Reader(fromHex('fe00000100')).count(41)).toThrow(/truncated/);
	});

	it('reports trailing bytes', () => {
		const r = new Reader(fromHex('0102'));
		r.u8();
		expect(() => r.end()).toThrow(/1 trailing bytes/);
	});

	it('returns copies that do not alias a Node Buffer (Buffer.slice shares memory)', () => {
		const buf = Buffer.from('00'.repeat(32) + 'ff', 'hex');
		const hash = new Reader(buf).hash();
		hash[0] = 7;
		expect(buf[0]).toBe(0);
		const bytes = Buffer.from('0102', 'hex');
		expect(hashToHex(Buffer.concat([bytes, Buffer.alloc(30)]))).toMatch(/0201$/);
		expect(bytes[0]).toBe(1); // hashToHex did not reverse its input in place
	});
});

describe('hex', () => {
	it('shows hashes byte-reversed and reads them back', () => {
		const h = hexToHash('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
		expect(h[31]).toBe(0);
		expect(h[0]).toBe(0x6f);
		expect(hashToHex(h)).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
	});

	it('rejects malformed hex', () => {
		expect(() => fromHex('abc')).toThrow(EncodingError);
		expect(() => fromHex('zz')).toThrow(EncodingError);
		expect(() => hexToHash('00')).toThrow(/64 hex/);
	});
});
