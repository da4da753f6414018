/**
 * Renders with Ink at any terminal size (ink-testing-library is fixed at 100 columns), capturing
 * full frames the way that library does (Ink's debug mode writes whole frames).
 */
import {EventEmitter} from 'node:events';
import type {ReactElement} from 'react';
import {render} from 'ink';

class FakeStdout extends EventEmitter {
	frames: string[] = [];
	isTTY = true;
	constructor(
		readonly columns: number,
		readonly rows: number,
	) {
		super();
	}

	write = (frame: string) => {
		this.frames.push(frame);
		return true;
	};
}

class FakeStdin extends EventEmitter {
	isTTY = true;
	setRawMode() {}
	setEncoding() {}
	read() {
		return null;
	}
	ref() {}
	unref() {}
	resume() {}
	pause() {}
}

export function renderAt(tree: ReactElement, size: {columns: number; rows: number}): string {
	const stdout = new FakeStdout(size.columns, size.rows);
	const instance = render(tree, {stdout: stdout as never, stderr: new FakeStdout(size.columns, size.rows) as never, stdin: new FakeStdin() as never, debug: true, exitOnCtrlC: false, patchConsole: false});
	const frame = stdout.frames[stdout.frames.length - 1] ?? '';
	instance.unmount();
	return frame.replace(/\n$/, '');
}
