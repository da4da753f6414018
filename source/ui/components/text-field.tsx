/**
 * Text editing for form fields. The form owns the keys (one handler, state in refs) and this file
 * holds the editing rule and the drawing: every key applies to the newest value, however fast
 * keys arrive. (ink-text-input computes each edit from the value it last rendered, so keys that
 * arrive between two renders are lost: measured in this project's tests at 25 ms a key.)
 */
import React from 'react';
import {Text} from 'ink';

export interface EditKey {
	readonly leftArrow?: boolean;
	readonly rightArrow?: boolean;
	readonly backspace?: boolean;
	readonly delete?: boolean;
	readonly return?: boolean;
}

export interface Edit {
	readonly value: string;
	readonly cursor: number;
	/** An Enter came in this read (after the edits before it). */
	readonly submitted: boolean;
	/** A Tab came in this read: move to the next field. */
	readonly tabbed?: boolean;
	/** What came after that Enter or Tab, for the next field. */
	readonly rest: string;
}

/** Applies one read of input to a field. Several keys in one read are applied in order. */
export function applyKeys(value: string, cursor: number, input: string, key: EditKey): Edit {
	if (key.return) return {value, cursor, submitted: true, rest: ''};
	if (key.leftArrow) return {value, cursor: Math.max(0, cursor - 1), submitted: false, rest: ''};
	if (key.rightArrow) return {value, cursor: Math.min(value.length, cursor + 1), submitted: false, rest: ''};
	let v = value;
	let c = Math.min(cursor, v.length);
	const erase = () => {
		if (c > 0) {
			v = v.slice(0, c - 1) + v.slice(c);
			c--;
		}
	};
	if (key.backspace || key.delete) {
		erase();
		return {value: v, cursor: c, submitted: false, rest: ''};
	}
	const chars = [...input];
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i]!;
		if (ch === '\r' || ch === '\n') return {value: v, cursor: c, submitted: true, rest: chars.slice(i + 1).join('')};
		if (ch === '\t') return {value: v, cursor: c, submitted: false, tabbed: true, rest: chars.slice(i + 1).join('')};
		if (ch === '\u007f' || ch === '\b') erase();
		else if (ch >= ' ') {
			v = v.slice(0, c) + ch + v.slice(c);
			c++;
		}
	}
	return {value: v, cursor: c, submitted: false, rest: ''};
}

export interface TextFieldProps {
	readonly value: string;
	readonly cursor: number;
	readonly focus: boolean;
	/** Shown instead of each character (passphrases). */
	readonly mask?: string;
	readonly placeholder?: string;
}

/** Draws a field: the value (or its mask), the cursor when focused, a placeholder when empty. */
export function TextField({value, cursor, focus, mask, placeholder = ''}: TextFieldProps) {
	const shown = mask ? mask.repeat(value.length) : value;
	if (shown.length === 0) {
		if (!focus) return <Text dimColor>{placeholder}</Text>;
		return (
			<Text>
				<Text inverse>{placeholder[0] ?? ' '}</Text>
				<Text dimColor>{placeholder.slice(1)}</Text>
			</Text>
		);
	}
	if (!focus) return <Text>{shown}</Text>;
	const at = Math.min(cursor, shown.length);
	return (
		<Text>
			{shown.slice(0, at)}
			<Text inverse>{shown[at] ?? ' '}</Text>
			{shown.slice(at + 1)}
		</Text>
	);
}
