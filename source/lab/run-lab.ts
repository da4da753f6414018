/**
 * `chain-tui lab --headless --scenario NAME`: starts the lab, runs the scenario, prints its JSON
 * report as the last line, and exits 0 when every expectation held (1 otherwise).
 */
import {mkdtemp} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {LabConfig} from '../config.js';
import type {StdStream} from '../node/log.js';
import {Lab} from './lab.js';
import {SCENARIOS, type ScenarioReport} from './scenarios/scenario.js';

export async function runLab(config: LabConfig & {readonly scenario: string}, streams: {readonly stdout: StdStream; readonly stderr: StdStream}): Promise<never> {
	const dir = config.dir ?? (await mkdtemp(join(tmpdir(), 'chain-tui-lab-')));
	const say = (line: string) => streams.stdout.write(`${line}\n`);
	say(`lab: ${config.nodes} nodes, ${config.topology}, ${config.network}, scenario ${config.scenario}; datadirs in ${dir}${config.dir ? '' : ' (removed at the end)'}`);
	let lab: Lab | null = null;
	let report: ScenarioReport & {error?: string};
	const started = Date.now();
	// Ctrl-C or a kill: the nodes stop cleanly (those still starting are killed as the process exits).
	let interruptedWith: number | null = null;
	const interrupted = (code: number) => {
		interruptedWith = code;
		say('lab: interrupted: stopping the nodes');
		void (lab?.close() ?? Promise.resolve()).finally(() => process.exit(code));
	};
	process.once('SIGINT', () => interrupted(130));
	process.once('SIGTERM', () => interrupted(143));
	try {
		lab = await Lab.start({nodes: config.nodes, topology: config.topology, network: config.network, dir, keep: config.dir !== null, log: say});
		say(`lab: ${lab.nodes.length} nodes up, ${lab.links.size} links`);
		report = await SCENARIOS[config.scenario]!.run(lab);
	} catch (error) {
		const tail = lab?.nodes.map(n => `--- ${n.name}\n${n.output.split('\n').slice(-8).join('\n')}`).join('\n') ?? '';
		if (tail) say(tail);
		report = {scenario: config.scenario, ok: false, expectations: {}, figures: {}, error: (error as Error).message};
	} finally {
		await lab?.close();
	}
	// Interrupted: the scenario failed because its nodes went away; the exit is the signal's.
	if (interruptedWith !== null) return new Promise<never>(() => undefined);
	streams.stdout.write(`${JSON.stringify({...report, seconds: (Date.now() - started) / 1000})}\n`);
	process.exit(report.ok ? 0 : 1);
}
