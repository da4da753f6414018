/**
 * The lab: N nodes as processes on loopback, joined by Links the lab controls (cut, restore,
 * latency, loss), so a partition is a set of cut links and heal restores them. Scenarios drive it
 * through each node's RPC (scenarios/).
 */
import {mkdir, rm} from 'node:fs/promises';
import {Link} from './link.js';
import {LabNode} from './lab-node.js';
import {freePort} from './ports.js';
import {edges, type Topology} from './topology.js';

export interface LabOptions {
	readonly nodes: number;
	readonly topology: Topology;
	readonly network: string;
	/** Datadirs go under it; removed on close unless `keep`. */
	readonly dir: string;
	readonly keep?: boolean;
	readonly log?: (line: string) => void;
}

export class Lab {
	readonly nodes: LabNode[] = [];
	/** By edge key `i-j`: the link node i dials to reach node j. */
	readonly links = new Map<string, Link>();

	private constructor(readonly options: LabOptions) {}

	static async start(options: LabOptions): Promise<Lab> {
		if (!Number.isInteger(options.nodes) || options.nodes < 2 || options.nodes > 32) throw new RangeError('a lab has 2 to 32 nodes');
		const lab = new Lab(options);
		// Its nodes are its children: whatever ends the lab's process (an error, process.exit) ends them too.
		process.on('exit', lab.killNodes);
		await mkdir(options.dir, {recursive: true});
		try {
			const ports = await Promise.all(Array.from({length: options.nodes}, async () => ({p2p: await freePort(), rpc: await freePort()})));
			const dials: number[][] = ports.map(() => []);
			for (const [from, to] of edges(options.topology, options.nodes)) {
				const link = await Link.open({targetHost: '127.0.0.1', targetPort: ports[to]!.p2p, log: line => options.log?.(`link n${from}-n${to}: ${line}`)});
				lab.links.set(`${from}-${to}`, link);
				dials[from]!.push(link.port);
			}
			ports.forEach(({p2p, rpc}, index) => lab.nodes.push(new LabNode({index, network: options.network, dir: options.dir, port: p2p, rpcPort: rpc, connect: dials[index]!})));
			for (const node of lab.nodes) node.start();
			await lab.until(async () => (await Promise.all(lab.nodes.map(n => n.rpc('getblockcount').then(() => true, () => false)))).every(Boolean), 'every node answering RPC', 120_000);
			return lab;
		} catch (error) {
			await lab.close();
			throw error;
		}
	}

	/** Starts one more node, linked to node `to` (it dials a new link to it). */
	async addNode(to: number): Promise<LabNode> {
		const index = this.nodes.length;
		const [p2p, rpc] = [await freePort(), await freePort()];
		const target = this.nodes[to];
		if (!target) throw new Error(`no node n${to}`);
		const link = await Link.open({targetHost: '127.0.0.1', targetPort: target.spec.port, log: line => this.options.log?.(`link n${index}-n${to}: ${line}`)});
		this.links.set(`${index}-${to}`, link);
		const node = new LabNode({index, network: this.options.network, dir: this.options.dir, port: p2p, rpcPort: rpc, connect: [link.port]});
		this.nodes.push(node);
		node.start();
		await this.until(() => node.rpc('getblockcount').then(() => true, () => false), `n${index} answering RPC`, 60_000);
		return node;
	}

	/** Opens one more link, beside the topology's: node `from` dials its port to reach node `to`. */
	async addLink(from: number, to: number): Promise<Link> {
		const target = this.nodes[to];
		if (!target || !this.nodes[from]) throw new Error(`no node n${target ? from : to}`);
		if (this.links.has(`${from}-${to}`) || this.links.has(`${to}-${from}`)) throw new Error(`n${from} and n${to} are linked already`);
		const link = await Link.open({targetHost: '127.0.0.1', targetPort: target.spec.port, log: line => this.options.log?.(`link n${from}-n${to}: ${line}`)});
		this.links.set(`${from}-${to}`, link);
		return link;
	}

	/** The link joining nodes a and b (either way round). */
	link(a: number, b: number): Link {
		const link = this.links.get(`${a}-${b}`) ?? this.links.get(`${b}-${a}`);
		if (!link) throw new Error(`no link between n${a} and n${b}`);
		return link;
	}

	/** The nodes in two halves by index: the first ceil(n/2), and the rest. */
	halves(): {left: number[]; right: number[]} {
		const half = Math.ceil(this.nodes.length / 2);
		const all = this.nodes.map(x => x.spec.index);
		return {left: all.slice(0, half), right: all.slice(half)};
	}

	/** Cuts every link between the two groups: a partition. Returns the links cut. */
	partition(left: readonly number[], right: readonly number[]): string[] {
		const cut: string[] = [];
		for (const [key, link] of this.links) {
			const [a, b] = key.split('-').map(Number) as [number, number];
			if ((left.includes(a) && right.includes(b)) || (left.includes(b) && right.includes(a))) {
				link.cut();
				cut.push(key);
			}
		}
		return cut;
	}

	/** Whether `group` is connected by links among its own nodes (a half that can work on its own). */
	connected(group: readonly number[]): boolean {
		if (group.length === 0) return true;
		const reached = new Set([group[0]!]);
		for (let grew = true; grew; ) {
			grew = false;
			for (const key of this.links.keys()) {
				const [a, b] = key.split('-').map(Number) as [number, number];
				if (!group.includes(a) || !group.includes(b)) continue;
				if (reached.has(a) !== reached.has(b)) {
					reached.add(a);
					reached.add(b);
					grew = true;
				}
			}
		}
		return reached.size === group.length;
	}

	/** Restores every cut link. */
	heal(): void {
		for (const link of this.links.values()) if (link.stats().cut) link.restore();
	}

	/** Polls `condition` every 100 ms until it holds; throws with `what` after `ms`. */
	async until(condition: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
		const deadline = Date.now() + ms;
		for (;;) {
			if (await condition()) return;
			if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
			await new Promise(resolve => setTimeout(resolve, 100));
		}
	}

	/** Each node's best block hash (null where the node does not answer). */
	tips(): Promise<(string | null)[]> {
		return Promise.all(this.nodes.map(n => n.rpc<string>('getbestblockhash').catch(() => null)));
	}

	/** Every node's process, at once (the lab's process is exiting). */
	private readonly killNodes = (): void => {
		for (const node of this.nodes) node.killNow();
	};

	async close(): Promise<void> {
		process.off('exit', this.killNodes);
		await Promise.all(this.nodes.map(n => n.stop()));
		await Promise.all([...this.links.values()].map(l => l.close()));
		if (!this.options.keep) await rm(this.options.dir, {recursive: true, force: true});
	}
}
