import {homedir} from 'node:os';
import {join} from 'node:path';

/** `~/.chain-tui/<network>/<port>`, so two nodes on one machine need only different ports. */
export function defaultDatadir(network: string, port: number, home = homedir()): string {
	return join(home, '.chain-tui', network, String(port));
}
