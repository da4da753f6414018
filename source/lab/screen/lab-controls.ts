/**
 * What the lab's keys do, as a user would do it: RPC to a node (mine, send), the lab's relays
 * (cut, restore, partition, heal) and its processes (kill -9, restart, add). Each says what it
 * did, or why not, in the lab's event log; none throws.
 */
import {minesOnDemand, networkByName} from '../../node/consensus/networks.js';
import type {Lab} from '../lab.js';
import {rpcCall} from '../rpc-client.js';
import type {LabStore} from './lab-store.js';

export type Outcome = {readonly ok: true; readonly said: string} | {readonly ok: false; readonly error: string};

export class LabControls {
	/** Each node's address for its own blocks (asked once). */
	private readonly addresses = new Map<number, string>();

	constructor(
		readonly lab: Lab,
		readonly store: LabStore,
	) {}

	private get network() {
		return networkByName(this.lab.options.network);
	}

	private name(i: number): string {
		return this.lab.nodes[i]?.name ?? `n${i}`;
	}

	private rpc<T>(i: number, method: string, ...params: unknown[]): Promise<T> {
		const node = this.lab.nodes[i];
		if (!node) return Promise.reject(new Error(`no node n${i}`));
		if (!node.running) return Promise.reject(new Error(`${node.name} is down (r restarts it)`));
		return rpcCall<T>(node.spec.rpcPort, method, params);
	}

	/** Actions run one after another: ten `g`s make ten blocks in a row, not ten siblings. */
	private queue: Promise<unknown> = Promise.resolve();

	/** Runs `work` after the actions before it, logs what it says (or its error), and reads the nodes again. */
	private run(work: () => Promise<string>): Promise<Outcome> {
		const next = this.queue.then(() => this.runNow(work));
		this.queue = next;
		return next;
	}

	private async runNow(work: () => Promise<string>): Promise<Outcome> {
		let outcome: Outcome;
		try {
			outcome = {ok: true, said: await work()};
			this.store.event('action', outcome.said);
		} catch (error) {
			outcome = {ok: false, error: (error as Error).message};
			this.store.event('error', outcome.error);
		}
		await this.store.refresh();
		return outcome;
	}

	private async address(i: number): Promise<string> {
		const known = this.addresses.get(i);
		if (known) return known;
		const address = await this.rpc<string>(i, 'getnewaddress', 'lab');
		this.addresses.set(i, address);
		return address;
	}

	/** One block now on node i: on demand where the network allows it (regtest, a PoS bootstrap). */
	mineOne(i: number): Promise<Outcome> {
		return this.run(async () => {
			if (!minesOnDemand(this.network)) throw new Error(`${this.network.name} has no blocks on demand: m turns ${this.network.stake ? 'staking' : 'mining'} on for ${this.name(i)}`);
			const [hash] = await this.rpc<string[]>(i, 'generatetoaddress', 1, await this.address(i));
			return `${this.name(i)} mined a block …${hash!.slice(-6)}`;
		});
	}

	/** Mining (staking on proof of stake) on or off for node i. */
	toggleProducing(i: number): Promise<Outcome> {
		return this.run(async () => {
			const node = this.store.getSnapshot().nodes[i];
			const on = !node?.producing;
			if (this.network.stake) {
				await this.rpc(i, 'setstaking', on);
				return `${this.name(i)} staking ${on ? 'on' : 'off'}`;
			}
			await this.rpc(i, 'setgenerate', on, 1);
			return `${this.name(i)} mining ${on ? 'on (1 thread)' : 'off'}`;
		});
	}

	/** Pays `amount` coins from node `from`'s wallet to a new address of node `to`. */
	send(from: number, to: number, amount: string): Promise<Outcome> {
		return this.run(async () => {
			if (from === to) throw new Error('pick two different nodes');
			const address = await this.rpc<string>(to, 'getnewaddress', 'from the lab');
			const txid = await this.rpc<string>(from, 'sendtoaddress', address, amount);
			return `${this.name(from)} paid ${amount} to ${this.name(to)}: tx …${txid.slice(-6)}`;
		});
	}

	/** Cuts the link if it carries traffic, restores it if cut. */
	toggleLink(key: string): Promise<Outcome> {
		return this.run(async () => {
			const link = this.lab.links.get(key);
			if (!link) throw new Error(`no link ${key}`);
			const [a, b] = key.split('-').map(Number) as [number, number];
			if (link.stats().cut) {
				link.restore();
				return `link ${this.name(a)}–${this.name(b)} restored`;
			}
			link.cut();
			return `link ${this.name(a)}–${this.name(b)} cut`;
		});
	}

	/** Cuts every link between the two halves of the nodes. */
	partition(): Promise<Outcome> {
		return this.run(async () => {
			const {left, right} = this.lab.halves();
			const cut = this.lab.partition(left, right);
			if (cut.length === 0) throw new Error('no link joins the two halves: nothing to cut');
			const names = (g: number[]) => g.map(i => this.name(i)).join(' ');
			return `partition: ${names(left)} | ${names(right)} (${cut.length} link${cut.length === 1 ? '' : 's'} cut)`;
		});
	}

	heal(): Promise<Outcome> {
		return this.run(async () => {
			const cut = [...this.lab.links.values()].filter(l => l.stats().cut).length;
			if (cut === 0) throw new Error('no link is cut: nothing to heal');
			this.lab.heal();
			return `heal: ${cut} link${cut === 1 ? '' : 's'} restored`;
		});
	}

	/** kill -9 node i (its datadir stays; r restarts it). */
	kill(i: number): Promise<Outcome> {
		return this.run(async () => {
			const node = this.lab.nodes[i];
			if (!node?.running) throw new Error(`${this.name(i)} is not running`);
			this.store.setBusy(`killing ${node.name}`);
			try {
				await node.stop('SIGKILL');
			} finally {
				this.store.setBusy(null);
			}
			this.addresses.delete(i);
			return `${node.name} killed (-9)`;
		});
	}

	/** Starts node i again on its datadir, ports and links. */
	restart(i: number): Promise<Outcome> {
		return this.run(async () => {
			const node = this.lab.nodes[i];
			if (!node) throw new Error(`no node n${i}`);
			if (node.running) throw new Error(`${node.name} is running (x kills it)`);
			this.store.setBusy(`starting ${node.name}`);
			try {
				node.start();
				await this.lab.until(() => rpcCall(node.spec.rpcPort, 'getblockcount', [], 2_000).then(() => true, () => false), `${node.name} answering RPC`, 120_000);
			} finally {
				this.store.setBusy(null);
			}
			return `${node.name} restarted`;
		});
	}

	/** A new node, linked to node `to`. */
	addNode(to: number): Promise<Outcome> {
		return this.run(async () => {
			this.store.setBusy('adding a node');
			try {
				const node = await this.lab.addNode(to);
				return `${node.name} added, linked to ${this.name(to)}`;
			} finally {
				this.store.setBusy(null);
			}
		});
	}
}
