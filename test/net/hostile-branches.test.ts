/**
 * Hostile branches ("Hostile peers cannot exhaust, stall or isolate a node"): a heavier branch
 * announced and never delivered, and a flood of one-header forks, each while an honest peer keeps
 * syncing. HOSTILE_FORKS sets the flood's size (default 10,000; 100,000 with HOSTILE_LONG, as
 * `npm run test:hostile` runs it), a multiple of MAX_FORKS_PER_PEER: one source IP per 1,000.
 */
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {Header} from '../../source/node/primitives/header.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {Miner} from '../../source/node/mining/miner.js';
import {MAX_FORKS_PER_PEER} from '../../source/node/net/header-sync.js';
import {Pool} from '../../source/node/net/pool.js';
import {hashToHex} from '../../source/node/encoding/hex.js';
import {CachingVerifier, inlineVerifier} from '../../source/node/verify/verifier.js';
import type {Block} from '../../source/node/primitives/block.js';
import type {Message} from '../../source/node/net/messages.js';
import {assemble, key, solve} from '../helpers/builder.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';
import {RawPeer} from '../helpers/raw-peer.js';
import {fleet, waitFor} from '../helpers/net-env.js';

const f = fleet();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	await f.closeAll();
	for (const c of cleanups.splice(0).reverse()) await c();
});

const FORKS = Number(process.env.HOSTILE_FORKS ?? (process.env.HOSTILE_LONG ? 100_000 : 10_000));
/** Flooding sources (one loopback IP each) connected at once. */
const SOURCES_AT_ONCE = 8;

/** A node on an existing temp chain, so it can be stopped and started again on the same data. */
interface Restartable {
	env: TempChain;
	pool: Pool;
	miner: Miner;
	readonly address: string;
	start(peers: string[]): Promise<void>;
	stop(): Promise<void>;
}

async function restartableNode(label: string): Promise<Restartable> {
	const verifier = new CachingVerifier(inlineVerifier);
	const env = await tempChain(quickNet, {verifier, now: () => Math.floor(Date.now() / 1000)});
	let running = false;
	const node: Restartable = {
		env,
		pool: undefined as unknown as Pool,
		miner: undefined as unknown as Miner,
		get address() {
			return `127.0.0.1:${node.pool.port}`;
		},
		async start(peers) {
			const chain = env.chain;
			const mempool = new Mempool({chain, verifier});
			node.pool = new Pool({chain, mempool, port: 0, host: '127.0.0.1', peers, addrPath: join(env.path, 'peers.json'), connectIntervalMs: 100, stallMs: 3000});
			await node.pool.start();
			node.miner = new Miner({chain, mempool, payout: key(label).script});
			running = true;
		},
		async stop() {
			if (!running) return;
			running = false;
			await node.miner.close();
			await node.pool.stop();
		},
	};
	cleanups.push(async () => {
		await node.stop();
		await env.cleanup();
	});
	return node;
}

/** `n` blocks on top of `prev` that no chain here has: a branch only its headers will be seen of. */
function branch(prev: {hash: Uint8Array; time: number; height: number}, n: number, tag: number): Block[] {
	const blocks: Block[] = [];
	let at = prev;
	for (let i = 0; i < n; i++) {
		const block = assemble(at, at.height + 1, {time: at.time + 1, tag, payTo: key('attacker').script}, quickNet, quickNet.genesis.header.bits);
		blocks.push(block);
		at = {hash: block.hash(), time: block.header.time, height: at.height + 1};
	}
	return blocks;
}

/** Did `peer` get `hash` announced (inv or headers)? */
function announced(peer: RawPeer, hash: string): boolean {
	return peer.received.some(
		m => (m.type === 'inv' && m.items.some(i => hashToHex(i.hash) === hash)) || (m.type === 'headers' && m.headers.some(h => h.hashHex() === hash)),
	);
}

describe('an undelivered heavier branch', () => {
	for (const mode of ['notfound', 'silent'] as const) {
		it(`(${mode === 'notfound' ? 'answered with notfound' : 'never answered'}) does not stop the honest peer's blocks, ours still reach both peers, and a restart is not frozen`, async () => {
			const started = performance.now();
			const target = await restartableNode('target');
			await target.start([]);
			await target.miner.generate(5);
			const honest = await f.node({label: 'honest', peers: [target.address]});
			await waitFor(() => honest.chain.tip.hashHex === target.env.chain.tip.hashHex, 'the honest peer syncs');

			// The attacker: a branch of 40 blocks from our tip, far more work than the honest chain
			// will gain here; only its headers are ever sent.
			const attacker = await RawPeer.connect(target.pool.port, quickNet);
			attacker.onMessage = (m: Message) => {
				if (m.type === 'ping') attacker.send({type: 'pong', nonce: m.nonce});
				if (m.type === 'getdata' && mode === 'notfound') attacker.send({type: 'notfound', items: m.items});
				if (m.type === 'getheaders') attacker.send({type: 'headers', headers: []});
			};
			await attacker.handshake({nonce: 9001n});
			const tip = target.env.chain.tip;
			const heavy = branch({hash: tip.hash, time: Math.max(tip.time, Math.floor(Date.now() / 1000)), height: tip.height}, 40, 7);
			const heavyTip = heavy.at(-1)!.hashHex();
			attacker.send({type: 'headers', headers: heavy.map(b => b.header)});
			await waitFor(() => target.env.chain.bestHeader.hashHex === heavyTip, 'the heavier branch is our best header');
			await waitFor(() => attacker.received.some(m => m.type === 'getdata'), 'the branch is asked of the attacker');

			// The honest peer mines on our chain: we follow it, block by block.
			for (let i = 0; i < 3; i++) {
				await honest.miner.generate(1);
				await waitFor(() => target.env.chain.tip.hashHex === honest.chain.tip.hashHex, `honest block ${i + 1} connects at the target`);
			}
			expect(target.env.chain.bestHeader.hashHex).toBe(heavyTip); // the branch is still the heavier
			// Set aside: refused (notfound) or stalled, nobody can serve it, so we are not "syncing".
			await waitFor(() => target.pool.syncStatus().synced, 'the undelivered branch no longer counts as sync to do');
			expect(target.pool.syncStatus().headers).toBe(target.env.chain.height);
			expect(target.pool.initialDownload).toBe(false);

			// Our own blocks still go out: to the honest peer and to the attacker too.
			for (let i = 0; i < 2; i++) {
				const [mine] = await target.miner.generate(1);
				const hex = mine!.hashHex();
				await waitFor(() => honest.chain.tip.hashHex === hex, `our block ${i + 1} reaches the honest peer`);
				if (!attacker.closed) await waitFor(() => announced(attacker, hex), `our block ${i + 1} announced to the attacker`);
			}
			console.log(`heavier branch (${mode}): attacker ${attacker.closed ? 'dropped' : 'still connected'}; target at ${target.env.chain.height}, best header ${target.env.chain.bestHeader.height}; ${Math.round(performance.now() - started)} ms`);

			// Restart: the stored branch headers must not freeze the node.
			attacker.close();
			await target.stop();
			await target.env.reopen();
			await target.start([honest.address]);
			expect(target.env.chain.bestHeader.hashHex).toBe(heavyTip);
			for (let i = 0; i < 2; i++) {
				await honest.miner.generate(1);
				await waitFor(() => target.env.chain.tip.hashHex === honest.chain.tip.hashHex, `after the restart, honest block ${i + 1} connects`);
			}
			const [mine] = await target.miner.generate(1);
			await waitFor(() => honest.chain.tip.hashHex === mine!.hashHex(), 'after the restart, our block reaches the honest peer');
			console.log(`heavier branch (${mode}) with restart: ${Math.round(performance.now() - started)} ms`);
		}, 90_000);
	}
});

describe('one-header forks', () => {
	it(`${FORKS} one-header forks from ${FORKS / MAX_FORKS_PER_PEER} IPs, each within its cap over two connections, while an honest block connects`, async () => {
		expect(FORKS % MAX_FORKS_PER_PEER).toBe(0);
		const target = await f.node({label: 'target'});
		await target.miner.generate(20);
		const honest = await f.node({label: 'honest', peers: [target.address]});
		await waitFor(() => honest.chain.tip.hashHex === target.chain.tip.hashHex, 'the honest peer syncs');
		const closes: string[] = [];
		target.pool.on('peer-close', (p, reason) => closes.push(`${p.address}: ${reason}`));

		// Headers forking from blocks 0..20, each distinct (time and merkle root), valid PoW.
		const t0 = performance.now();
		const parents = Array.from({length: target.chain.height + 1}, (_, h) => target.chain.getEntryByHeight(h)!);
		const time = Math.floor(Date.now() / 1000) + 60;
		const headers: Header[] = [];
		for (let i = 0; i < FORKS; i++) {
			const root = new Uint8Array(32);
			new DataView(root.buffer).setUint32(0, i + 1, true);
			root[31] = 0x5a;
			headers.push(solve(new Header(1, parents[i % parents.length]!.hash, root, time + (i % 600), quickNet.genesis.header.bits, 0), quickNet));
		}
		console.log(`one-header forks: ${FORKS} headers solved in ${Math.round(performance.now() - t0)} ms`);

		const before = target.chain.headerCount;
		const tipsBefore = target.chain.getTips().length;
		const honestPeers = () => target.pool.connectedPeers.filter(p => p.agent !== '/raw/').length;
		expect(honestPeers()).toBe(1);
		const stored = () => target.chain.headerCount - before;

		// The flood: one source per loopback IP (127.0.1.x, 127.0.2.x, ...), each sending its
		// MAX_FORKS_PER_PEER branches one header a message over two connections (reconnecting from
		// a new port between), SOURCES_AT_ONCE at a time; getdata for a fork is answered notfound.
		let nonce = 50_000n;
		const open = async (from: string): Promise<RawPeer> => {
			const peer = await RawPeer.connect(target.pool.port, quickNet, {localAddress: from});
			peer.onMessage = (m: Message) => {
				if (m.type === 'ping') peer.send({type: 'pong', nonce: m.nonce});
				if (m.type === 'getdata') peer.send({type: 'notfound', items: m.items});
			};
			await peer.handshake({nonce: nonce++});
			peer.keep = false;
			return peer;
		};
		const sourceIp = (s: number) => `127.0.${1 + Math.floor(s / 200)}.${1 + (s % 200)}`;
		const sources = FORKS / MAX_FORKS_PER_PEER;
		const half = MAX_FORKS_PER_PEER / 2;
		let cutOff = 0;
		const flood = async (s: number) => {
			for (let c = 0; c < 2; c++) {
				const peer = await open(sourceIp(s));
				const mine = headers.slice(s * MAX_FORKS_PER_PEER + c * half, s * MAX_FORKS_PER_PEER + (c + 1) * half);
				for (const [i, h] of mine.entries()) {
					peer.send({type: 'headers', headers: [h]});
					if (i % 100 === 99) await new Promise(resolve => setImmediate(resolve));
				}
				const last = mine.at(-1)!.hash();
				await waitFor(() => peer.closed || target.chain.getEntry(last) !== undefined, `source ${s}'s branches stored`, 600_000);
				if (peer.closed) cutOff++;
				peer.close();
			}
		};
		const rss = process.memoryUsage().rss;
		const start = performance.now();
		let floodDone = -1;
		const flooding = (async () => {
			let next = 0;
			const worker = async () => {
				while (next < sources) await flood(next++);
			};
			await Promise.all(Array.from({length: Math.min(SOURCES_AT_ONCE, sources)}, worker));
			floodDone = performance.now() - start;
		})();

		// The honest block: mined once a fifth of the flood is stored, it must connect while the
		// rest still arrives.
		await waitFor(() => stored() >= FORKS / 5 || floodDone >= 0, 'a fifth of the flood stored', 600_000);
		const minedAt = performance.now() - start;
		const storedAtMining = stored();
		const [block] = await honest.miner.generate(1);
		await waitFor(() => target.chain.tip.hashHex === block!.hashHex(), 'the honest block connects', 600_000);
		const honestAt = performance.now() - start;
		const storedAtHonest = stored() - 1; // less the honest block
		const floodRunning = floodDone < 0;
		await flooding;
		const added = stored() - 1;
		console.log(
			`one-header forks: ${added} of ${FORKS} stored from ${sources} IPs (2 connections each) in ${Math.round(floodDone)} ms ` +
				`(${Math.round((added / floodDone) * 1000)}/s); honest block mined at ${Math.round(minedAt)} ms (${storedAtMining} stored), ` +
				`connected at ${Math.round(honestAt)} ms (${Math.round(honestAt - minedAt)} ms later, ${storedAtHonest} stored: ${floodRunning ? 'while the flood ran' : 'after the flood'}); ` +
				`rss +${Math.round((process.memoryUsage().rss - rss) / 1e6)} MB`,
		);
		expect(floodRunning).toBe(true);
		expect(storedAtHonest).toBeLessThan(FORKS);
		// Every source stayed within its caps: all stored, nobody cut off.
		expect(cutOff).toBe(0);
		expect(closes.filter(c => /branches/.test(c))).toEqual([]);
		expect(added).toBe(FORKS);
		const t1 = performance.now();
		expect(target.chain.getTips().length).toBe(tipsBefore + FORKS);
		console.log(`one-header forks: getTips over ${tipsBefore + FORKS} tips took ${Math.round(performance.now() - t1)} ms`);
		// One more branch from a source that used its cap, on a third connection: refused, cut off.
		const again = await open(sourceIp(0));
		const [over] = [solve(new Header(1, parents[0]!.hash, new Uint8Array(32).fill(0xee), time, quickNet.genesis.header.bits, 0), quickNet)];
		again.send({type: 'headers', headers: [over!]});
		await again.waitClosed();
		expect(target.chain.getEntry(over!.hash())).toBeUndefined();
		expect(closes.filter(c => /branches/.test(c))).toHaveLength(1);
		expect(honestPeers()).toBe(1);
		expect(honest.pool.connectedPeers).toHaveLength(1);
		// And the honest peer is still served: one more block each way.
		const [ours] = await target.miner.generate(1);
		await waitFor(() => honest.chain.tip.hashHex === ours!.hashHex(), 'our next block reaches the honest peer', 60_000);
		const [theirs] = await honest.miner.generate(1);
		await waitFor(() => target.chain.tip.hashHex === theirs!.hashHex(), 'the honest peer\'s next block reaches us', 60_000);
	}, 900_000);
});
