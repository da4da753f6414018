import {describe, expect, it} from 'vitest';
import {applyKeys} from '../../source/ui/components/text-field.js';

describe('editing a field', () => {
	it('inserts at the cursor, moves it, erases before it', () => {
		let e = applyKeys('', 0, 'abc', {});
		expect(e).toEqual({value: 'abc', cursor: 3, submitted: false, rest: ''});
		e = applyKeys(e.value, e.cursor, '', {leftArrow: true});
		e = applyKeys(e.value, e.cursor, 'X', {});
		expect(e).toMatchObject({value: 'abXc', cursor: 3});
		e = applyKeys(e.value, e.cursor, '', {backspace: true});
		expect(e).toMatchObject({value: 'abc', cursor: 2});
		expect(applyKeys('', 0, '', {backspace: true})).toMatchObject({value: '', cursor: 0});
	});

	it('applies several keys from one read in order: backspaces act, Enter submits what came before', () => {
		expect(applyKeys('pw2', 3, '\u007f1', {})).toEqual({value: 'pw1', cursor: 3, submitted: false, rest: ''});
		expect(applyKeys('', 0, '42\rab', {})).toEqual({value: '42', cursor: 2, submitted: true, rest: 'ab'});
		expect(applyKeys('a', 1, '\u001b[Zb\u0007', {})).toMatchObject({value: 'a[Zb'});
	});
});
