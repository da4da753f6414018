import React, {createContext, useContext, useEffect, useReducer, useRef, useState} from 'react';
import type {EventEmitter} from 'node:events';
import {Box, Text, useInput} from 'ink';
import {TextField, applyKeys, insertText, type EditKey} from '../components/text-field.js';
import {useColor} from '../theme.js';

/** The terminal's pastes (and mouse), read before Ink sees them: a paste goes to the focused field whole. */
export const TerminalEvents = createContext<EventEmitter | null>(null);

export interface Choice {
	readonly value: string;
	readonly label: string;
}

export interface FieldSpec {
	readonly name: string;
	readonly label: string;
	readonly mask?: boolean;
	readonly placeholder?: string;
	/** Pick one with ←/→ instead of typing. */
	readonly choices?: readonly Choice[];
	/** The message to show for a bad value, or null; run as you type, and a bad value stops a submit. */
	readonly validate?: (value: string, values: Readonly<Record<string, string>>) => string | null;
	/**
	 * A message from what the screen last knew (a balance), shown as you type but never stopping a
	 * submit: the action checks against the node itself, which may know better by then (coins
	 * that just matured).
	 */
	readonly advise?: (value: string, values: Readonly<Record<string, string>>) => string | null;
}

export interface FormProps {
	readonly title: string;
	readonly fields: readonly FieldSpec[];
	readonly initial?: Readonly<Record<string, string>>;
	/** Runs on Enter in the last field when every field is valid. */
	readonly onSubmit: (values: Readonly<Record<string, string>>) => void;
	readonly onCancel: () => void;
	/** Errors from the node (after submit), by field name; '' for the whole form. */
	readonly errors?: Readonly<Record<string, string>>;
	readonly busy?: string | null;
	readonly hint?: string;
}

interface State {
	values: Record<string, string>;
	cursors: Record<string, number>;
	focus: number;
	touched: Set<string>;
}

/**
 * Fields validated as you type; Tab/↑/↓ move, Enter goes on or submits, Esc cancels. One key
 * handler owns every key and keeps the state in a ref, so keys that arrive faster than the
 * screen redraws still land in the right field, in order.
 */
export function Form({title, fields, initial, onSubmit, onCancel, errors = {}, busy = null, hint}: FormProps) {
	const color = useColor();
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	const [initialState] = useState<State>(() => {
		const values = Object.fromEntries(fields.map(f => [f.name, initial?.[f.name] ?? f.choices?.[0]?.value ?? '']));
		return {values, cursors: Object.fromEntries(fields.map(f => [f.name, (values[f.name] ?? '').length])), focus: 0, touched: new Set()};
	});
	const st = useRef(initialState);
	const s = st.current;
	const errorOf = (f: FieldSpec) => f.validate?.(s.values[f.name] ?? '', s.values) ?? null;

	const submit = () => {
		s.touched = new Set(fields.map(f => f.name));
		const firstBad = fields.findIndex(f => errorOf(f) !== null);
		if (firstBad >= 0) {
			s.focus = firstBad;
			return;
		}
		onSubmit({...s.values});
	};

	// A paste arrives whole, and nothing in it acts as a key (no Enter, no Tab, no Esc).
	const events = useContext(TerminalEvents);
	const busyRef = useRef(busy);
	busyRef.current = busy;
	useEffect(() => {
		if (!events) return;
		const onPaste = (text: string) => {
			const field = fields[s.focus];
			if (!field || field.choices || busyRef.current) return;
			const edit = insertText(s.values[field.name] ?? '', s.cursors[field.name] ?? 0, text);
			s.values = {...s.values, [field.name]: edit.value};
			s.cursors = {...s.cursors, [field.name]: edit.cursor};
			s.touched.add(field.name);
			redraw();
		};
		events.on('paste', onPaste);
		return () => {
			events.off('paste', onPaste);
		};
	}, [events, fields]);

	useInput(
		(input, key) => {
			// Esc always closes, even while the action runs (it goes on, and the log says how it ended).
			if (key.escape) return onCancel();
			if (busyRef.current) return;
			const n = fields.length;
			if (key.tab || key.downArrow || key.upArrow) {
				s.focus = key.upArrow || (key.tab && key.shift) ? (s.focus + n - 1) % n : (s.focus + 1) % n;
				return redraw();
			}
			const next = () => (s.focus === n - 1 ? submit() : (s.focus += 1));
			// One read may hold keys for several fields ("bob\r\r\r"): each Enter moves on and
			// the rest goes to the next field.
			let pending = input;
			let first = true;
			for (let guard = 0; guard < 64 && (first || pending.length > 0); guard++) {
				const k: EditKey = first ? key : {};
				first = false;
				const field = fields[s.focus]!;
				if (field.choices) {
					if (field.choices.length > 0 && (k.leftArrow || k.rightArrow)) {
						const at = field.choices.findIndex(c => c.value === s.values[field.name]);
						const to = (at + (k.rightArrow ? 1 : field.choices.length - 1)) % field.choices.length;
						s.values = {...s.values, [field.name]: field.choices[to]!.value};
						s.touched.add(field.name);
						break;
					}
					const stop = k.return ? 0 : pending.search(/[\r\n\t]/);
					if (!k.return && stop < 0) break;
					const tab = !k.return && pending[stop] === '\t';
					pending = k.return ? '' : pending.slice(stop + 1);
					if (tab) s.focus = (s.focus + 1) % n;
					else next();
					continue;
				}
				const edit = applyKeys(s.values[field.name] ?? '', s.cursors[field.name] ?? 0, pending, k);
				if (edit.value !== s.values[field.name]) s.touched.add(field.name);
				s.values = {...s.values, [field.name]: edit.value};
				s.cursors = {...s.cursors, [field.name]: edit.cursor};
				pending = edit.rest;
				if (edit.tabbed) {
					s.focus = (s.focus + 1) % n;
					continue;
				}
				if (!edit.submitted) break;
				next();
			}
			redraw();
		},
	);

	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color('cyan')} paddingX={1}>
			<Text bold>{title}</Text>
			{fields.map((f, i) => {
				const error = s.touched.has(f.name) ? (errorOf(f) ?? f.advise?.(s.values[f.name] ?? '', s.values) ?? errors[f.name] ?? null) : (errors[f.name] ?? null);
				const choice = f.choices?.find(c => c.value === s.values[f.name]);
				const focused = i === s.focus;
				return (
					<Box key={f.name} flexDirection="column">
						<Box>
							<Text color={focused ? color('cyan') : undefined}>{focused ? '› ' : '  '}</Text>
							<Text>{f.label.padEnd(12)} </Text>
							{f.choices ? (
								<Text inverse={focused}>{f.choices.length === 0 ? '(none)' : `‹ ${choice?.label ?? ''} ›`}</Text>
							) : (
								<TextField
									value={s.values[f.name] ?? ''}
									cursor={s.cursors[f.name] ?? 0}
									focus={focused && !busy}
									{...(f.mask ? {mask: '*'} : {})}
									{...(f.placeholder ? {placeholder: f.placeholder} : {})}
								/>
							)}
						</Box>
						{error ? (
							<Text color={color('red')}>
								{'    '}✗ {error}
							</Text>
						) : null}
					</Box>
				);
			})}
			{errors[''] ? <Text color={color('red')}>✗ {errors['']}</Text> : null}
			{busy ? <Text color={color('yellow')}>{busy}</Text> : <Text dimColor>{hint ?? 'Enter: next / submit · Tab: move · Esc: cancel'}</Text>}
		</Box>
	);
}
