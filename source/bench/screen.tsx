/**
 * Bytes and CPU per redraw of the whole screen at 120x40, side by side: Ink's own output layer
 * (incremental rendering, the "before"), and Ink's debug frames through the FrameWriter's line
 * diff (the "after", what the app runs). Both draw the same App over the same snapshots: a real
 * regtest node's, then one change at a time as a running node makes them (a block, a log line,
 * the miner's rate), 40 ms apart so each change is one redraw in both.
 */
import {EventEmitter} from 'node:events';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React from 'react';
import {render} from 'ink';
import {App} from '../app.js';
import {FullNode} from '../node/node.js';
import {makeNetwork, REGTEST_SPEC} from '../node/consensus/networks.js';
import {NodeStore} from '../store/store.js';
import {Actions} from '../store/actions.js';
import type {Snapshot} from '../store/snapshot.js';
import {ThemeProvider} from '../ui/theme.js';
import {FrameWriter} from '../ui/terminal/frame-writer.js';
import {median} from './stats.js';

const SIZE = {columns: 120, rows: 40};
const CHANGES = 60;

class FakeTerminal extends EventEmitter {
	readonly columns = SIZE.columns;
	readonly rows = SIZE.rows;
	readonly isTTY = true;
	bytes = 0;
	writes = 0;
	/** Whole-screen erases Ink wrote (its clear-and-rewrite branch). */
	erases = 0;
	write = (data: string) => {
		this.bytes += Buffer.byteLength(data);
		this.writes++;
		if (data.includes('\x1b[2J')) this.erases++;
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

export interface ScreenBench {
	readonly before: {bytes: number; cpuMs: number; erases: number};
	readonly after: {bytes: number; cpuMs: number; erases: number};
}

const tick = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function screenBench(): Promise<ScreenBench> {
	const datadir = await mkdtemp(join(tmpdir(), 'chain-tui-bench-screen-'));
	const network = makeNetwork({...REGTEST_SPEC, name: 'bench-screen'});
	const node = await FullNode.open({network, datadir, verifyThreads: 1});
	const store = new NodeStore({node, datadir, notifyMs: 10});
	const actions = new Actions(node, store);
	await node.wallet.createAddress('bench');
	await node.generate(30);
	for (let i = 0; i < 20; i++) store.log(`bench line ${i}`);
	await tick(300);
	const base = store.getSnapshot();
	store.close();

	// The same sequence of snapshots for both: a block, a log line, the miner's rate.
	const snapshots: Snapshot[] = [];
	let s: Snapshot = {...base, miner: {...base.miner, running: true, pacedSeconds: null, rate: 6e6, history: []}};
	for (let i = 0; i < CHANGES; i++) {
		const kind = i % 3;
		if (kind === 0) {
			const top = s.blocks[0]!;
			s = {...s, height: s.height + 1, blocks: [{...top, height: top.height + 1, hash: top.hash.replace(/^.{8}/, (i + 10_000_000).toString(16).slice(-8)), time: top.time + 20}, ...s.blocks]};
		} else if (kind === 1) s = {...s, log: [...s.log, {seq: 1000 + i, time: s.now + i, text: `block ${s.height} accepted from a peer`}]};
		else s = {...s, miner: {...s.miner, rate: 6e6 + i * 1e4, history: [...s.miner.history, 6e6 + i * 1e4].slice(-60)}};
		snapshots.push(s);
	}

	async function run(mode: 'ink' | 'frame-writer'): Promise<{bytes: number; cpuMs: number; erases: number}> {
		let current: Snapshot = base;
		const listeners = new Set<() => void>();
		const source = {subscribe: (l: () => void) => (listeners.add(l), () => void listeners.delete(l)), getSnapshot: () => current};
		const terminal = new FakeTerminal();
		const writer = mode === 'frame-writer' ? new FrameWriter(terminal) : null;
		const tree = (
			<ThemeProvider theme={{color: true}}>
				<App store={source} actions={actions} addressVersion={network.addressVersion} maxMoney={network.maxMoney} onQuit={() => undefined} />
			</ThemeProvider>
		);
		const instance = render(tree, {
			stdout: (writer ? writer.stream : terminal) as unknown as NodeJS.WriteStream,
			stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
			exitOnCtrlC: false,
			patchConsole: false,
			...(writer ? {debug: true} : {incrementalRendering: true}),
		});
		await tick(200);
		const bytes0 = terminal.bytes;
		const erases0 = terminal.erases;
		const cpu0 = process.cpuUsage();
		for (const next of snapshots) {
			current = next;
			for (const l of listeners) l();
			await tick(40);
		}
		const cpu = process.cpuUsage(cpu0);
		const result = {bytes: (terminal.bytes - bytes0) / CHANGES, cpuMs: (cpu.user + cpu.system) / 1000 / CHANGES, erases: terminal.erases - erases0};
		instance.unmount();
		writer?.stop();
		return result;
	}

	const before: {bytes: number; cpuMs: number; erases: number}[] = [];
	const after: {bytes: number; cpuMs: number; erases: number}[] = [];
	for (let round = 0; round < 5; round++) {
		before.push(await run('ink'));
		after.push(await run('frame-writer'));
	}
	await node.close();
	await rm(datadir, {recursive: true, force: true});
	const med = (xs: {bytes: number; cpuMs: number; erases: number}[]) => ({bytes: median(xs.map(x => x.bytes)), cpuMs: median(xs.map(x => x.cpuMs)), erases: median(xs.map(x => x.erases))});
	return {before: med(before), after: med(after)};
}
