/**
 * Across real addresses: five nodes, each the real binary in a Linux network namespace of its own
 * with a 10.x address, on a bridge in a switch namespace (test/helpers/netns.ts). Each is given
 * one peer (the one before it, the first the last: a ring) and must find the rest by addr gossip; a
 * partition that drops packets (no reset) for longer than the ping timeout (--ping-timeout 3) must
 * drop the connections across it; the heal must bring them back and every node onto the heavier
 * tip. The test talks to each node through a small RPC client inside the node's namespace, so no
 * traffic leaves the namespaces it made. Root on Linux only (skipped with the reason elsewhere),
 * and in npm run test:lab only (LAB_ALL).
 */
import type {ChildProcess} from 'node:child_process';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cliPath} from '../helpers/proc.js';
import {cleanStale, NetnsLan, netnsUnavailable, NsRpc, type Host} from '../helpers/netns.js';

const COUNT = 5;
const PORT = 19111;
const RPC_PORT = 19112;
const PING_TIMEOUT_S = 3;
/** One side of the partition; the other is the rest (and mines more). */
const LEFT = [0, 1];
const RIGHT = [2, 3, 4];

const skip = !process.env.LAB_ALL ? 'in npm run test:lab only (LAB_ALL=1)' : netnsUnavailable();
if (skip && process.env.LAB_ALL) console.warn(`netns test skipped: ${skip}`);

interface PeerInfo {
	addr: string;
	inbound: boolean;
}

interface NsNode {
	readonly host: Host;
	readonly child: ChildProcess;
	readonly rpc: NsRpc;
	output: string;
}

let lan: NetnsLan;
/** The root namespace's veth interfaces before the LAN was made. */
let rootVeths: string[] = [];
const nodes: NsNode[] = [];
/** What the test saw, reported at the end (times in ms). */
const figures: Record<string, number> = {};

/** The IP of getpeerinfo's addr ("10.1.2.3:19111" or "10.1.2.3:40000 (listens on 19111)"). */
const peerIp = (p: PeerInfo) => p.addr.split(':')[0]!;

async function until(condition: () => Promise<boolean>, what: string, ms: number): Promise<number> {
	const start = Date.now();
	let last: unknown;
	while (Date.now() - start < ms) {
		try {
			if (await condition()) return Date.now() - start;
		} catch (error) {
			last = error; // a node still starting: asked again
		}
		await new Promise(resolve => setTimeout(resolve, 100));
	}
	throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}\n${nodes.map(n => `--- ${n.host.ns}\n${n.output.slice(-3000)}`).join('\n')}`);
}

const peers = (i: number) => nodes[i]!.rpc.call<PeerInfo[]>('getpeerinfo');
const tips = () => Promise.all(nodes.map(n => n.rpc.call<string>('getbestblockhash')));
const addressOf = (i: number) => lan.hosts[i]!.address;
/** The IPs node i has a connection with, either way. */
const connectedIps = async (i: number) => new Set((await peers(i)).map(peerIp));

describe.skipIf(skip)(`five nodes in network namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
	beforeAll(() => {
		const stale = cleanStale();
		if (stale.length > 0) console.warn(`deleted ${stale.length} namespaces left by a killed run: ${stale.join(', ')}`);
		rootVeths = NetnsLan.links(null, 'veth');
		lan = new NetnsLan(COUNT);
		for (const host of lan.hosts) {
			const given = lan.hosts[(host.index + COUNT - 1) % COUNT]!;
			const args = ['--network', 'regtest', '--headless', '--port', String(PORT), '--rpc-port', String(RPC_PORT), '--rpc-user', 'ns', '--rpc-password', 'ns'];
			args.push('--datadir', join(lan.dir, `n${host.index}`), '--peer', `${given.address}:${PORT}`, '--ping-timeout', String(PING_TIMEOUT_S));
			const child = lan.spawn(host, process.execPath, [cliPath, ...args]);
			const node: NsNode = {host, child, rpc: new NsRpc(lan, host, RPC_PORT, 'ns', 'ns'), output: ''};
			// All of it (a few kilobytes): the test reads what was logged after a moment.
			const keep = (d: Buffer) => (node.output += String(d));
			child.stdout!.on('data', keep);
			child.stderr!.on('data', keep);
			nodes.push(node);
		}
	});

	afterAll(async () => {
		for (const node of nodes) node.rpc.close();
		await Promise.all(
			nodes.map(
				({child}) =>
					new Promise<void>(resolve => {
						if (child.exitCode !== null || child.signalCode !== null) return resolve();
						const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
						child.once('exit', () => {
							clearTimeout(kill);
							resolve();
						});
						child.kill('SIGTERM');
					}),
			),
		);
		lan?.destroy();
		console.log(`netns figures: ${JSON.stringify(figures)}`);
	});

	it('the namespaces: one per node and the switch, no veth in the root namespace', () => {
		expect(NetnsLan.links(null, 'veth').filter(name => !rootVeths.includes(name))).toEqual([]);
		expect(NetnsLan.links(lan.switchNs).sort()).toEqual(['br0', 'br1', 'lo', 'p0', 'p1', 'p2', 'p3', 'p4']);
		for (const host of lan.hosts) expect(NetnsLan.links(host.ns).sort()).toEqual(['eth0', 'lo']);
	});

	it('each node, given one peer, finds all the others by addr gossip and connects to each', {timeout: 180_000}, async () => {
		await until(async () => (await Promise.all(nodes.map(n => n.rpc.call<number>('getblockcount')))).every(h => h === 0), 'every node answering RPC', 60_000);
		// A ring of --peer: node i is given i-1 and dialled by i+1. Nodes two apart were told of each
		// other by nobody: a connection between them (either way) was made from addr gossip.
		figures.discoverMs = await until(
			async () => {
				for (let i = 0; i < COUNT; i++) {
					const ips = await connectedIps(i);
					if (!lan.hosts.every(h => h.index === i || ips.has(h.address))) return false;
				}
				return true;
			},
			'every node connected to every other',
			90_000,
		);
		for (let i = 0; i < COUNT; i++) {
			const known = await nodes[i]!.rpc.call<{address: string; port: number}[]>('getnodeaddresses', 0);
			const others = lan.hosts.filter(h => h.index !== i).map(h => `${h.address}:${PORT}`);
			expect(known.map(a => `${a.address}:${a.port}`).sort()).toEqual(expect.arrayContaining(others));
			expect(known.some(a => a.address === addressOf(i))).toBe(false); // never its own
		}
		// A block mined on one reaches all.
		const address = await nodes[0]!.rpc.call<string>('getnewaddress');
		await nodes[0]!.rpc.call('generatetoaddress', 1, address);
		const first = await nodes[0]!.rpc.call<string>('getbestblockhash');
		await until(async () => (await tips()).every(t => t === first), 'every node on the first block', 30_000);
	});

	it('a partition that drops packets drops the connections across it after the ping timeout; the heal reconnects them and all converge on the heavier tip', {timeout: 400_000}, async () => {
		const across = (i: number) => (LEFT.includes(i) ? RIGHT : LEFT).map(addressOf);
		const marks = nodes.map(n => n.output.length);
		const since = (i: number) => nodes[i]!.output.slice(marks[i]);
		const cutAt = Date.now();
		lan.partition(LEFT);
		figures.dropMs = await until(
			async () => {
				for (let i = 0; i < COUNT; i++) {
					const ips = await connectedIps(i);
					if (across(i).some(a => ips.has(a))) return false;
				}
				return true;
			},
			'no connection left across the cut',
			12 * PING_TIMEOUT_S * 1000,
		);
		// Nothing is refused across the cut (packets vanish): the ping timeout ended each connection.
		expect(Date.now() - cutAt).toBeGreaterThanOrEqual(PING_TIMEOUT_S * 1000);
		for (let i = 0; i < COUNT; i++) {
			const reasons = [...since(i).matchAll(/peer (10\.[\d.]+):\d+ disconnected: (.*)/g)].filter(m => across(i).includes(m[1]!)).map(m => m[2]);
			expect(reasons.length).toBeGreaterThan(0);
			expect(new Set(reasons)).toEqual(new Set(['no pong in time']));
		}
		// Each side still whole.
		for (const side of [LEFT, RIGHT]) {
			for (const i of side) {
				const ips = await connectedIps(i);
				expect(side.filter(j => j !== i).every(j => ips.has(addressOf(j)))).toBe(true);
			}
		}

		// Mined apart: the right side more, so its branch has more work.
		await nodes[LEFT[0]!]!.rpc.call('generatetoaddress', 2, await nodes[LEFT[0]!]!.rpc.call<string>('getnewaddress'));
		await nodes[RIGHT[0]!]!.rpc.call('generatetoaddress', 4, await nodes[RIGHT[0]!]!.rpc.call<string>('getnewaddress'));
		const leftTip = await nodes[LEFT[0]!]!.rpc.call<string>('getbestblockhash');
		const rightTip = await nodes[RIGHT[0]!]!.rpc.call<string>('getbestblockhash');
		await until(
			async () => {
				const now = await tips();
				return LEFT.every(i => now[i] === leftTip) && RIGHT.every(i => now[i] === rightTip);
			},
			'each side on its own tip',
			30_000,
		);
		// Held until every node has tried to dial across the cut and failed: the heal must come through
		// the retries, not a dial that happened to be under way.
		await until(
			async () => nodes.every((_, i) => across(i).some(a => new RegExp(`(cannot connect to|no answer from) ${a.replaceAll('.', '\\.')}:`).test(since(i)))),
			'every node failing to dial across the cut',
			60_000,
		);
		figures.partitionMs = Date.now() - cutAt;

		lan.heal();
		const healedAt = Date.now();
		figures.convergeMs = await until(async () => (await tips()).every(t => t === rightTip), 'every node on the heavier tip', 120_000);
		await until(
			async () => {
				for (let i = 0; i < COUNT; i++) {
					const ips = await connectedIps(i);
					if (!across(i).every(a => ips.has(a))) return false;
				}
				return true;
			},
			'every node connected again to every node across the healed cut',
			120_000,
		);
		figures.reconnectMs = Date.now() - healedAt;
		const heights = await Promise.all(nodes.map(n => n.rpc.call<number>('getblockcount')));
		expect(heights).toEqual([5, 5, 5, 5, 5]);
	});
});
