import {describe, expect, it} from 'vitest';
import {AmountError, formatAmount, parseAmount, parseFeeRate} from '../../source/node/wallet/amount.js';

const MAX = 21_000_000n * 100_000_000n;

describe('amounts from text', () => {
	it.each([
		['1', 100_000_000n],
		['1.5', 150_000_000n],
		['0.00000001', 1n],
		['.5', 50_000_000n],
		['2.', 200_000_000n],
		['  3.25 ', 325_000_000n],
		['21000000', MAX],
		['0.12345678', 12_345_678n],
	])('%j -> %s units', (text, units) => {
		expect(parseAmount(text, MAX)).toBe(units);
		expect(parseAmount(formatAmount(units), MAX)).toBe(units);
	});

	it.each([
		['', /empty/],
		['abc', /not an amount/],
		['1e3', /not an amount/],
		['-1', /not an amount/],
		['+1', /not an amount/],
		['1,000', /not an amount/],
		['1.2.3', /not an amount/],
		['NaN', /not an amount/],
		['Infinity', /not an amount/],
		['0x10', /not an amount/],
		['1 000', /not an amount/],
		['0', /greater than zero/],
		['0.000000000', /8 decimal/],
		['0.123456789', /at most 8 decimal/],
		['21000000.00000001', /more than the maximum/],
		['99999999999999999999', /larger than all the money/],
	])('refuses %j', (text, message) => {
		expect(() => parseAmount(text, MAX)).toThrow(AmountError);
		expect(() => parseAmount(text, MAX)).toThrow(message);
	});

	it('formats exactly', () => {
		expect(formatAmount(1n)).toBe('0.00000001');
		expect(formatAmount(100_000_000n)).toBe('1');
		expect(formatAmount(123_456_789_012n)).toBe('1234.56789012');
		expect(formatAmount(-50_000_000n)).toBe('-0.5');
	});

	it('fee rates are whole units per byte', () => {
		expect(parseFeeRate('2')).toBe(2n);
		for (const bad of ['0', '1.5', '-1', 'x', '1000001', '']) expect(() => parseFeeRate(bad)).toThrow(AmountError);
	});
});
