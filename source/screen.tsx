/**
 * The full-screen app on this terminal. cli.tsx imports it only when there is a terminal, after
 * choosing React's build (NODE_ENV), which is why the JSX lives here and not there.
 *
 * Ink renders in debug mode (each whole frame as a string) into a FrameWriter, which keeps the
 * terminal's rows and writes only those that changed; the terminal's input goes through a filter
 * that takes bracketed pastes and mouse reports out before Ink parses keys.
 */
import React from 'react';
import {render} from 'ink';
import {App, type TerminalControl} from './app.js';
import {ThemeProvider} from './ui/theme.js';
import {Actions} from './store/actions.js';
import {FrameWriter} from './ui/terminal/frame-writer.js';
import {TerminalInput} from './ui/terminal/input.js';
import {enterScreen, leaveScreen, osc52} from './ui/terminal/modes.js';
import type {FullNode} from './node/node.js';
import type {NodeStore} from './store/store.js';

export interface ScreenOptions {
	readonly node: FullNode;
	readonly store: NodeStore;
	readonly onQuit: () => void;
	/** Mouse reporting (off: the terminal's own selection works as usual). */
	readonly mouse: boolean;
}

export interface Screen {
	/** Gives the terminal back as it was: every mode off, the alternate screen left. */
	restore(): void;
	readonly frames: FrameWriter;
}

/** Draws the app until restored. */
export function showScreen({node, store, onQuit, mouse}: ScreenOptions): Screen {
	const network = node.chain.network;
	const actions = new Actions(node, store);
	return mountScreen(terminal => <App store={store} actions={actions} addressVersion={network.addressVersion} maxMoney={network.maxMoney} onQuit={onQuit} terminal={terminal} />, {
		mouse,
		onRender: ms => store.pace(ms),
	});
}

/**
 * Any full screen on this terminal (the app, the lab): the alternate screen, whole frames through
 * a FrameWriter, keys through the input filter, Ctrl-Z handing the terminal back.
 */
export function mountScreen(element: (terminal: TerminalControl) => React.ReactElement, {mouse, onRender}: {readonly mouse: boolean; readonly onRender?: (ms: number) => void}): Screen {
	const stdout = process.stdout;
	stdout.write(enterScreen({mouse}));
	const frames = new FrameWriter(stdout);
	const input = new TerminalInput(process.stdin);
	let restored = false;

	const suspend = () => {
		frames.stop();
		input.release();
		stdout.write(leaveScreen());
		// SIGTSTP as the shell's job control expects; raw mode kept Ctrl-Z from sending it itself.
		process.once('SIGCONT', () => {
			if (restored) return;
			input.resume();
			stdout.write(enterScreen({mouse}));
			frames.start();
		});
		process.kill(process.pid, 'SIGTSTP');
	};
	const terminal: TerminalControl = {
		copy: text => stdout.write(osc52(text)),
		redraw: () => frames.redrawAll(),
		suspend,
		events: input,
	};
	const instance = render(<ThemeProvider theme={{color: !process.env.NO_COLOR}}>{element(terminal)}</ThemeProvider>, {
		stdout: frames.stream as unknown as NodeJS.WriteStream,
		stdin: input.inkStdin,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
		onRender: ({renderTime}) => onRender?.(renderTime),
	});
	return {
		frames,
		restore() {
			if (restored) return;
			restored = true;
			frames.stop();
			instance.unmount();
			input.dispose();
			stdout.write(leaveScreen());
		},
	};
}
