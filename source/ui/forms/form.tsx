import React, {useRef, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import {TextField} from '../components/text-field.js';
import {useColor} from '../theme.js';

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
	/** The message to show for a bad value, or null; run as you type. */
	readonly validate?: (value: string, values: Readonly<Record<string, string>>) => string | null;
}

export interface FormProps {
	readonly title: string;
	readonly fields: readonly FieldSpec[];
	readonly initial?: Readonly<Record<string, string>>;
	/** Runs on Enter in the last field when every field is valid. Returns errors to show, by field. */
	readonly onSubmit: (values: Readonly<Record<string, string>>) => void;
	readonly onCancel: () => void;
	/** Errors from the node (after submit), by field name; '' for the whole form. */
	readonly errors?: Readonly<Record<string, string>>;
	readonly busy?: string | null;
	readonly hint?: string;
}

/** Text fields validated as you type; Tab/↑/↓ move, Enter goes on or submits, Esc cancels. */
export function Form({title, fields, initial, onSubmit, onCancel, errors = {}, busy = null, hint}: FormProps) {
	const color = useColor();
	const [values, setValuesState] = useState<Record<string, string>>(() => Object.fromEntries(fields.map(f => [f.name, initial?.[f.name] ?? f.choices?.[0]?.value ?? ''])));
	// The newest values, for a submit that comes in the same read as the last keys.
	const latest = useRef(values);
	const setValues = (update: (v: Record<string, string>) => Record<string, string>) => {
		latest.current = update(latest.current);
		setValuesState(latest.current);
	};
	const [focus, setFocus] = useState(0);
	const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
	const errorOf = (f: FieldSpec, v: Readonly<Record<string, string>> = values) => f.validate?.(v[f.name] ?? '', v) ?? null;

	const submit = () => {
		const now = latest.current;
		setTouched(new Set(fields.map(f => f.name)));
		const firstBad = fields.findIndex(f => errorOf(f, now) !== null);
		if (firstBad >= 0) return setFocus(firstBad);
		onSubmit(now);
	};

	useInput(
		(input, key) => {
			if (key.escape) return onCancel();
			const field = fields[focus]!;
			if (key.tab || key.downArrow) return setFocus(f => (key.shift ? (f + fields.length - 1) % fields.length : (f + 1) % fields.length));
			if (key.upArrow) return setFocus(f => (f + fields.length - 1) % fields.length);
			if (field.choices && field.choices.length > 0) {
				if (key.leftArrow || key.rightArrow) {
					const at = field.choices.findIndex(c => c.value === values[field.name]);
					const next = (at + (key.rightArrow ? 1 : field.choices.length - 1)) % field.choices.length;
					setValues(v => ({...v, [field.name]: field.choices![next]!.value}));
					setTouched(t => new Set(t).add(field.name));
				} else if (key.return) {
					if (focus === fields.length - 1) submit();
					else setFocus(focus + 1);
				}
				void input;
			}
		},
		{isActive: !busy},
	);

	return (
		<Box flexDirection="column" borderStyle="round" borderColor={color('cyan')} paddingX={1}>
			<Text bold>{title}</Text>
			{fields.map((f, i) => {
				const error = touched.has(f.name) ? (errorOf(f) ?? errors[f.name] ?? null) : (errors[f.name] ?? null);
				const choice = f.choices?.find(c => c.value === values[f.name]);
				return (
					<Box key={f.name} flexDirection="column">
						<Box>
							<Text color={i === focus ? color('cyan') : undefined}>{i === focus ? '› ' : '  '}</Text>
							<Text>{f.label.padEnd(12)} </Text>
							{f.choices ? (
								<Text inverse={i === focus}>{f.choices.length === 0 ? '(none)' : `‹ ${choice?.label ?? ''} ›`}</Text>
							) : (
								<TextField
									value={values[f.name] ?? ''}
									focus={i === focus && !busy}
									{...(f.mask ? {mask: '*'} : {})}
									{...(f.placeholder ? {placeholder: f.placeholder} : {})}
									onChange={value => {
										setValues(v => ({...v, [f.name]: value}));
										setTouched(t => new Set(t).add(f.name));
									}}
									onSubmit={() => (i === fields.length - 1 ? submit() : setFocus(i + 1))}
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
