#!/usr/bin/env node
/** The bin entry: the command line (checked in config.ts), then main.ts runs it. */
import meow from 'meow';
import {FLAGS, HELP, parseConfig} from './config.js';
import {StdStream} from './node/log.js';
import {fail, runNode, runRpcCall} from './main.js';

// First of all: a closed stdout or stderr (EPIPE, `| head -1`) must never end the process.
const streams = {stdout: new StdStream(process.stdout), stderr: new StdStream(process.stderr)};

let cli: ReturnType<typeof meow<typeof FLAGS>>;
try {
	cli = meow(HELP, {importMeta: import.meta, allowUnknownFlags: false, flags: FLAGS});
} catch (error) {
	// meow throws (rather than exits) for a flag given twice that takes one value.
	fail(streams, (error as Error).message);
}
const parsed = parseConfig(cli.flags, cli.input, {argv: process.argv.slice(2)});
if (!parsed.ok) fail(streams, parsed.error.message);
const {config} = parsed;
if (config.command === 'rpc') await runRpcCall(config, streams);
else if (config.command === 'lab' && config.scenario !== null) await (await import('./lab/run-lab.js')).runLab({...config, scenario: config.scenario}, streams);
else if (config.command === 'lab') {
	if (!process.stdout.isTTY || !process.stdin.isTTY) fail(streams, "the lab's screen needs a terminal: run it in one, or script it with --headless --scenario NAME");
	process.env.NODE_ENV ??= 'production';
	await (await import('./lab/screen/run-lab-screen.js')).runLabScreen(config, streams, config.mouse);
}
else await runNode(config, streams, cli.pkg.version ?? '');
