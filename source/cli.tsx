#!/usr/bin/env node
import {join} from 'node:path';
import meow from 'meow';
import {Chain} from './node/chain/chain.js';
import {NETWORKS, networkByName} from './node/consensus/networks.js';
import {DatadirError} from './node/errors.js';
import {defaultDatadir} from './node/util/datadir.js';

const cli = meow(
	`
	Usage
	  $ chain-tui [options]

	Options
	  --port N             P2P port (default: the network's, 1111 on main)
	  --peer host:port     connect to a peer (repeatable)
	  --network NAME       main (default) or regtest
	  --datadir DIR        data directory (default: ~/.chain-tui/<network>/<port>)
	  --reindex            rebuild the chain state from the stored blocks
	  --help               show this help
	  --version            show the version

	Examples
	  $ chain-tui --port 1111
	  $ chain-tui --port 1112 --peer 127.0.0.1:1111
`,
	{
		importMeta: import.meta,
		allowUnknownFlags: false,
		flags: {
			port: {type: 'number'},
			peer: {type: 'string', isMultiple: true},
			network: {type: 'string', default: 'main'},
			datadir: {type: 'string'},
			reindex: {type: 'boolean', default: false},
		},
	},
);

function fail(message: string): never {
	process.stderr.write(`chain-tui: ${message}\n`);
	process.exit(2);
}

const network = NETWORKS[cli.flags.network] ?? fail(`unknown network "${cli.flags.network}" (expected main or regtest)`);
const port = cli.flags.port ?? network.port;
if (!Number.isInteger(port) || port < 1 || port > 65535) fail('--port must be a whole number from 1 to 65535');
for (const peer of cli.flags.peer ?? []) {
	const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(peer);
	if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) fail(`--peer must be host:port, got "${peer}"`);
}
const datadir = cli.flags.datadir ?? defaultDatadir(networkByName(network.name).name, port);

// The screen, the network and the miner arrive with later issues. For now the CLI opens the
// chain in the datadir and reports what it holds.
try {
	const chain = await Chain.open({network, path: join(datadir, 'chain'), reindex: cli.flags.reindex});
	const tip = chain.tip;
	process.stdout.write(
		`chain-tui ${cli.pkg.version ?? ''} ${network.name}: datadir ${datadir}\n` +
			`height ${chain.height}, tip ${tip.hashHex}, ${new Date(tip.time * 1000).toISOString()}\n`,
	);
	await chain.close();
} catch (error) {
	if (error instanceof DatadirError) fail(error.message);
	throw error;
}
