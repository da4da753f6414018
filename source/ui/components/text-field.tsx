/**
 * A one-line text field. Unlike ink-text-input, which computes each edit from the value it last
 * rendered (so keys arriving between two renders are lost: measured in this project's tests
 * typing at 25 ms a key), every edit here applies to the newest value, kept in a ref.
 */
import React, {useRef} from 'react';
import {Text, useInput} from 'ink';

export interface TextFieldProps {
	readonly value: string;
	readonly onChange: (value: string) => void;
	readonly onSubmit?: (value: string) => void;
	readonly focus?: boolean;
	/** Shown instead of each character (passphrases). */
	readonly mask?: string;
	readonly placeholder?: string;
}

export function TextField({value, onChange, onSubmit, focus = true, mask, placeholder = ''}: TextFieldProps) {
	const state = useRef({value, cursor: value.length});
	const emitted = useRef(value);
	// A value set from outside (a reset) replaces ours; our own edits come back equal to emitted.
	if (value !== emitted.current) {
		state.current = {value, cursor: value.length};
		emitted.current = value;
	}

	useInput(
		(input, key) => {
			if (key.upArrow || key.downArrow || key.tab || key.escape || (key.ctrl && input === 'c')) return;
			const s = state.current;
			if (key.return) {
				onSubmit?.(s.value);
				return;
			}
			let {value: v, cursor} = s;
			let submitted = false;
			if (key.leftArrow) cursor = Math.max(0, cursor - 1);
			else if (key.rightArrow) cursor = Math.min(v.length, cursor + 1);
			else if (key.backspace || key.delete) {
				if (cursor > 0) {
					v = v.slice(0, cursor - 1) + v.slice(cursor);
					cursor--;
				}
			} else {
				// Several keys in one read: backspaces act, Enter submits what came before it,
				// other control characters are dropped.
				for (const ch of input) {
					if (ch === '\r' || ch === '\n') {
						submitted = true;
						break;
					}
					if (ch === '\u007f' || ch === '\b') {
						if (cursor > 0) {
							v = v.slice(0, cursor - 1) + v.slice(cursor);
							cursor--;
						}
					} else if (ch >= ' ') {
						v = v.slice(0, cursor) + ch + v.slice(cursor);
						cursor++;
					}
				}
			}
			state.current = {value: v, cursor};
			if (v !== s.value) {
				emitted.current = v;
				onChange(v);
			}
			if (submitted) onSubmit?.(v);
		},
		{isActive: focus},
	);

	const {cursor} = state.current;
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
	return (
		<Text>
			{shown.slice(0, cursor)}
			<Text inverse>{shown[cursor] ?? ' '}</Text>
			{shown.slice(cursor + 1)}
		</Text>
	);
}
