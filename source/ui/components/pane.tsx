import React from 'react';
import {Box, Text} from 'ink';
import {useColor} from '../theme.js';

/** A bordered pane with its number and title; the selected one stands out. */
export function Pane({
	index,
	title,
	selected,
	width,
	height,
	children,
}: {
	readonly index: number;
	readonly title: string;
	readonly selected: boolean;
	readonly width?: number | string;
	readonly height?: number;
	readonly children: React.ReactNode;
}) {
	const color = useColor();
	return (
		<Box
			flexDirection="column"
			borderStyle={selected ? 'double' : 'single'}
			borderColor={selected ? color('cyan') : color('gray')}
			{...(width === undefined ? {} : {width})}
			{...(height === undefined ? {} : {height})}
			paddingX={1}
			overflow="hidden"
		>
			<Text bold>
				{index} {title}
			</Text>
			{children}
		</Box>
	);
}
