/**
 * `chain-tui lab` with a terminal: starts the nodes (one line each while they come up), then the
 * lab's screen over them until q. Every node stops on the way out, and a lab folder made here is
 * removed (kept with --datadir).
 */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import React from 'react';
import type {LabConfig} from '../../config.js';
import type {StdStream} from '../../node/log.js';
import {mountScreen} from '../../screen.js';
import {Lab} from '../lab.js';
import {LabApp} from './lab-app.js';
import {LabControls} from './lab-controls.js';
import {LabStore} from './lab-store.js';
import {NodeOverRpc} from './node-view.js';

export async function runLabScreen(config: LabConfig, streams: {readonly stdout: StdStream; readonly stderr: StdStream}, mouse: boolean): Promise<void> {
	const dir = config.dir ?? (await mkdtemp(join(tmpdir(), 'chain-tui-lab-')));
	const say = (line: string) => streams.stdout.write(`${line}\n`);
	say(`chain-tui lab: starting ${config.nodes} ${config.network} nodes (${config.topology}) in ${dir} …`);
	// A signal while the nodes start: exit, and the lab's exit hook kills those already started.
	let stop = (code: number): void | Promise<void> => process.exit(code);
	process.on('SIGINT', () => void stop(130));
	process.on('SIGTERM', () => void stop(143));
	process.on('SIGHUP', () => void stop(129));
	let lab: Lab;
	try {
		lab = await Lab.start({nodes: config.nodes, topology: config.topology, network: config.network, dir, keep: config.dir !== null});
	} catch (error) {
		streams.stderr.write(`chain-tui lab: the nodes did not start: ${(error as Error).message}\n`);
		process.exit(1);
	}
	const store = new LabStore(lab);
	const controls = new LabControls(lab, store);
	store.event('action', `lab up: ${lab.nodes.length} nodes, ${lab.links.size} links, datadirs in ${dir}${config.dir ? '' : ' (removed on quit)'}`);
	store.start();

	const screen = mountScreen(
		terminal => (
			<LabApp
				store={store}
				controls={controls}
				terminal={terminal}
				onQuit={() => void stop(0)}
				renderNode={(index, back, size) => <NodeOverRpc key={index} lab={lab} index={index} onBack={back} size={size} terminal={terminal} />}
			/>
		),
		{mouse},
	);
	// From here a signal stops as q does: the screen given back, every node stopped cleanly.
	let stopping = false;
	stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		screen.restore();
		store.close();
		say('chain-tui lab: stopping the nodes …');
		await lab.close();
		process.exit(code);
	};
}
