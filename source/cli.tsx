#!/usr/bin/env node
import meow from 'meow';

const cli = meow(
	`
	Usage
	  $ chain-tui [options]

	Options
	  --port N             P2P port to listen on (default: the network's, 1111 on main)
	  --peer host:port     connect to a peer (repeatable)
	  --network NAME       main (default) or regtest
	  --datadir DIR        data directory (default: ~/.chain-tui/<network>/<port>)
	  --help               show this help
	  --version            show the version

	Examples
	  $ chain-tui --port 1111
	  $ chain-tui --port 1112 --peer 127.0.0.1:1111
`,
	{
		importMeta: import.meta,
		flags: {
			port: {type: 'number'},
			peer: {type: 'string', isMultiple: true},
			network: {type: 'string', default: 'main'},
			datadir: {type: 'string'},
		},
	},
);

// The node and the screen arrive with later issues; for now the CLI only validates and reports.
console.log(`chain-tui ${cli.pkg.version ?? ''}: the node is not wired to the CLI yet. Run --help.`);
