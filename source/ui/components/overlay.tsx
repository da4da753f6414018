import React from 'react';
import {Box} from 'ink';
import {useColor} from '../theme.js';

/**
 * A window drawn over the dashboard (forms, help, confirmations, the quit question), never a
 * shorter frame in its place: the frame stays the terminal's size. Its background is filled with
 * blanks so nothing underneath shows through ('blank' is no colour name, so Ink writes plain
 * spaces: the terminal's own background, with or without NO_COLOR).
 */
export const BLANK = 'blank';

export function overlayTop(rows: number): number {
	return Math.max(1, Math.min(Math.floor(rows / 5), 6));
}

export function Overlay({
	columns,
	rows,
	width,
	children,
	borderColor,
	bare = false,
}: {
	readonly columns: number;
	readonly rows: number;
	readonly width: number;
	readonly children: React.ReactNode;
	readonly borderColor?: string | undefined;
	/** The content draws its own border (the forms do). */
	readonly bare?: boolean;
}) {
	const color = useColor();
	const w = Math.max(20, Math.min(width, columns - 2));
	return (
		<Box position="absolute" marginLeft={Math.max(0, Math.floor((columns - w) / 2))} marginTop={overlayTop(rows)} width={w} flexDirection="column" backgroundColor={BLANK}>
			{bare ? (
				children
			) : (
				<Box flexDirection="column" borderStyle="round" borderColor={borderColor ?? color('cyan')} paddingX={1} width={w}>
					{children}
				</Box>
			)}
		</Box>
	);
}
