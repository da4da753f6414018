import React from 'react';
import {Box, Text} from 'ink';
import stringWidth from 'string-width';
import {useColor} from '../theme.js';

/**
 * A bordered pane with its number and title in the top border (a row saved for content); the
 * focused one has a double border and the accent colour, so focus shows without colour too.
 * Content gets `width - 4` columns and `height - 2` rows.
 */
export function Pane({
	number,
	title,
	note,
	focused,
	width,
	height,
	children,
}: {
	readonly number: number | string;
	readonly title: string;
	/** Said in the border after the title (follow, filter, zoom). */
	readonly note?: string;
	readonly focused: boolean;
	readonly width: number;
	readonly height: number;
	readonly children: React.ReactNode;
}) {
	const color = useColor();
	const [corner, line, end] = focused ? ['╔', '═', '╗'] : ['┌', '─', '┐'];
	const label = ` ${number} ${title} `;
	const extra = note ? ` ${note} ` : '';
	const room = Math.max(0, width - 3 - stringWidth(label));
	const shownNote = stringWidth(extra) <= room ? extra : '';
	const fill = Math.max(0, room - stringWidth(shownNote));
	const borderColor = focused ? color('cyan') : color('gray');
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text color={borderColor} wrap="truncate-end">
				{corner}
				{line}
				<Text bold color={focused ? color('cyan') : undefined}>
					{label}
				</Text>
				<Text dimColor>{shownNote}</Text>
				{line.repeat(fill)}
				{end}
			</Text>
			{/* Keyed by focus: Ink updates only the style props that changed, so a new borderStyle alone
			    would bring back the top border's row (borderTop={false} unseen), one blank line. */}
			<Box key={focused ? 'focused' : 'plain'} flexDirection="column" borderStyle={focused ? 'double' : 'single'} borderTop={false} borderColor={borderColor} width={width} height={Math.max(1, height - 1)} paddingX={1} overflow="hidden">
				{/* Lines keep their height: what does not fit is cut at the bottom, never squeezed out of the middle. */}
				<Box flexDirection="column" flexShrink={0}>
					{children}
				</Box>
			</Box>
		</Box>
	);
}

/** Content size inside a pane of this size. */
export function paneContent(width: number, height: number): {width: number; rows: number} {
	return {width: Math.max(1, width - 4), rows: Math.max(1, height - 2)};
}
