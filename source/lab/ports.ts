/** Free loopback ports for the lab's nodes, links and RPC servers. */
import {createServer} from 'node:net';

function canListen(port: number): Promise<boolean> {
	return new Promise(resolve => {
		const server = createServer();
		server.once('error', () => resolve(false));
		// Every interface, as a node listens: a port taken on any of them is not free.
		server.listen(port, () => server.close(() => resolve(true)));
	});
}

const handedOut = new Set<number>();

/**
 * A port free now, below Linux's ephemeral range (32768-60999), where outgoing connections could
 * take it meanwhile; never the same twice in one process.
 */
export async function freePort(random: () => number = Math.random): Promise<number> {
	for (let tries = 0; tries < 500; tries++) {
		const port = 20_000 + Math.floor(random() * 12_000);
		if (handedOut.has(port) || !(await canListen(port))) continue;
		handedOut.add(port);
		return port;
	}
	throw new Error('no free port found for the lab');
}
