import {join} from 'node:path';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {Miner} from '../../source/node/mining/miner.js';
import {Pool, type PoolOptions} from '../../source/node/net/pool.js';
import {CachingVerifier, inlineVerifier} from '../../source/node/verify/verifier.js';
import type {NetworkParams} from '../../source/node/consensus/networks.js';
import {key} from './builder.js';
import {quickNet, tempChain, type TempChain} from './chain-env.js';

export interface TestNode {
	readonly env: TempChain;
	readonly chain: TempChain['chain'];
	readonly mempool: Mempool;
	readonly pool: Pool;
	readonly miner: Miner;
	readonly address: string;
	close(): Promise<void>;
}

/** A node on 127.0.0.1 with an ephemeral port, a real LevelDB, mempool and miner. */
export async function startNode(options: {network?: NetworkParams; peers?: string[]; pool?: Partial<PoolOptions>; label?: string} = {}): Promise<TestNode> {
	const verifier = new CachingVerifier(inlineVerifier);
	const env = await tempChain(options.network ?? quickNet, {verifier, now: () => Math.floor(Date.now() / 1000)});
	const chain = env.chain;
	const mempool = new Mempool({chain, verifier});
	const pool = new Pool({
		chain,
		mempool,
		port: 0,
		host: '127.0.0.1',
		peers: options.peers ?? [],
		addrPath: join(env.path, 'peers.json'),
		connectIntervalMs: 100,
		stallMs: 3000,
		...options.pool,
	});
	await pool.start();
	const miner = new Miner({chain, mempool, payout: key(options.label ?? 'node').script});
	return {
		env,
		chain,
		mempool,
		pool,
		miner,
		address: `127.0.0.1:${pool.port}`,
		async close() {
			await miner.close();
			await pool.stop();
			await env.cleanup();
		},
	};
}

/** Polls `condition` every 20 ms until it holds or `ms` pass (then throws with `what`). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (await condition()) return;
		await new Promise(resolve => setTimeout(resolve, 20));
	}
	throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
}

/** Tracks the nodes and raw peers a test file starts; closeAll() ends them (use in afterEach). */
export function fleet() {
	const nodes: TestNode[] = [];
	const raws: import('./raw-peer.js').RawPeer[] = [];
	return {
		async node(...args: Parameters<typeof startNode>): Promise<TestNode> {
			const n = await startNode(...args);
			nodes.push(n);
			return n;
		},
		async raw(n: TestNode): Promise<import('./raw-peer.js').RawPeer> {
			const {RawPeer} = await import('./raw-peer.js');
			const r = await RawPeer.connect(n.pool.port, n.chain.network);
			raws.push(r);
			return r;
		},
		async closeAll(): Promise<void> {
			for (const r of raws.splice(0)) r.close();
			for (const n of nodes.splice(0)) await n.close();
		},
	};
}

/** A target node under attack and a good peer synced to it, for the hostile-peer suites. */
export async function targetWithGoodPeer(options: {pool?: Partial<PoolOptions>; blocks: number}): Promise<{target: TestNode; good: TestNode; goodPeerStillServed: () => Promise<void>; close: () => Promise<void>}> {
	const target = await startNode({label: 'target', ...(options.pool ? {pool: options.pool} : {})});
	await target.miner.generate(options.blocks);
	const good = await startNode({label: 'good', peers: [target.address]});
	await waitFor(() => good.chain.height === target.chain.height, 'the good peer syncs');
	return {
		target,
		good,
		/** After each hostile act, the good peer still gets new blocks from the target. */
		async goodPeerStillServed() {
			await target.miner.generate(1);
			await waitFor(() => good.chain.tip.hashHex === target.chain.tip.hashHex, 'the good peer follows');
			if (!target.pool.connectedPeers.some(p => p.port !== 0 && !p.outbound)) throw new Error('the good peer is no longer connected');
		},
		async close() {
			await good.close();
			await target.close();
		},
	};
}
