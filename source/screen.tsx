/**
 * The full-screen app on this terminal. cli.tsx imports it only when there is a terminal, after
 * choosing React's build (NODE_ENV), which is why the JSX lives here and not there.
 */
import React from 'react';
import {render} from 'ink';
import {App} from './app.js';
import {ThemeProvider} from './ui/theme.js';
import {Actions} from './store/actions.js';
import type {FullNode} from './node/node.js';
import type {NodeStore} from './store/store.js';

export interface ScreenOptions {
	readonly node: FullNode;
	readonly store: NodeStore;
	readonly onQuit: () => void;
}

/** Draws the app until unmounted. */
export function showScreen({node, store, onQuit}: ScreenOptions): {unmount(): void} {
	const network = node.chain.network;
	const actions = new Actions(node, store);
	return render(
		<ThemeProvider theme={{color: !process.env.NO_COLOR}}>
			<App store={store} actions={actions} addressVersion={network.addressVersion} maxMoney={network.maxMoney} onQuit={onQuit} />
		</ThemeProvider>,
		{exitOnCtrlC: false, patchConsole: false, incrementalRendering: true},
	);
}
