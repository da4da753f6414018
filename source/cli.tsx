#!/usr/bin/env node
import meow from 'meow';
import {join} from 'node:path';
import {FullNode} from './node/node.js';
import {DebugLog, logNodeEvents} from './node/log.js';
import {AddressError} from './node/crypto/address.js';
import {WalletError} from './node/wallet/keystore.js';
import {formatAmount} from './node/wallet/amount.js';
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
	  --wallet FILE        keystore file (default: <datadir>/wallet.json); one file can serve several nodes
	  --threads N          mining threads (default 1)
	  --maxmempool MB      mempool size limit in megabytes (default 50)
	  --mine               start mining (to --address, else the wallet's first address)
	  --address ADDR       address the miner pays
	  --headless           no screen: one log line per event on stdout (the screen comes later;
	                       for now every run is headless)
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
			wallet: {type: 'string'},
			threads: {type: 'number', default: 1},
			maxmempool: {type: 'number', default: 50},
			mine: {type: 'boolean', default: false},
			address: {type: 'string'},
			headless: {type: 'boolean', default: false},
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
const {threads, maxmempool} = cli.flags;
if (!Number.isInteger(threads) || threads < 1 || threads > 64) fail('--threads must be a whole number from 1 to 64');
if (!Number.isInteger(maxmempool) || maxmempool < 1 || maxmempool > 100_000) fail('--maxmempool must be a whole number of megabytes from 1 to 100000');

// The screen arrives with a later issue: for now the node runs headless, one log line per event
// on stdout and in <datadir>/debug.log, until SIGINT or SIGTERM.
let node: FullNode;
try {
	node = await FullNode.open({
		network,
		datadir,
		threads,
		port,
		peers: cli.flags.peer ?? [],
		maxMempool: maxmempool * 1_000_000,
		reindex: cli.flags.reindex,
		...(cli.flags.wallet ? {walletPath: cli.flags.wallet} : {}),
		...(cli.flags.address ? {miningAddress: cli.flags.address} : {}),
	});
} catch (error) {
	if (error instanceof DatadirError || error instanceof WalletError || error instanceof AddressError) fail(error.message);
	if (error instanceof Error && /port .* in use|cannot listen/.test(error.message)) fail(error.message);
	throw error;
}
const log = new DebugLog(join(datadir, 'debug.log'), line => process.stdout.write(`${line}\n`));
logNodeEvents(node, line => log.write(line));
const tip = node.chain.tip;
const addresses = await node.wallet.addresses();
const balance = addresses.reduce((sum, a) => sum + a.confirmed, 0n);
log.write(`chain-tui ${cli.pkg.version ?? ''} ${network.name}: datadir ${datadir}`);
log.write(`height ${node.chain.height}, tip ${tip.hashHex}, ${new Date(tip.time * 1000).toISOString()}`);
log.write(`wallet ${node.wallet.keystore.path}: ${addresses.length} addresses, ${formatAmount(balance)} confirmed`);
log.write(`listening on port ${node.pool?.port ?? port}`);
if (cli.flags.mine) {
	await node.startMining();
	log.write(`mining with ${threads} thread(s)`);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
	if (stopping) return;
	stopping = true;
	log.write(`${signal}: shutting down`);
	await node.close();
	log.write('stopped cleanly');
	process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
