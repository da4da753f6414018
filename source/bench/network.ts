/**
 * Network benchmarks for `npm run bench`: initial block download over 127.0.0.1 (and the share
 * of it spent checking signatures), block propagation across 10 nodes, the memory of a node with a
 * 10,000-block chain, and screen redraws per second while syncing.
 */
import {spawn} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {sha256} from '@noble/hashes/sha2.js';
import {Chain} from '../node/chain/chain.js';
import {regtest, subsidyAt} from '../node/consensus/networks.js';
import {checkProofOfWork} from '../node/consensus/pow.js';
import {hash160} from '../node/crypto/hash.js';
import {publicKeyOf} from '../node/crypto/keys.js';
import {concatBytes} from '../node/encoding/hex.js';
import {Mempool} from '../node/mempool/mempool.js';
import {Pool} from '../node/net/pool.js';
import {Block} from '../node/primitives/block.js';
import {Header} from '../node/primitives/header.js';
import {merkleRoot} from '../node/primitives/merkle.js';
import {p2pkhScript, pushData, pushInt} from '../node/primitives/script.js';
import {signTransaction} from '../node/primitives/sign.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../node/primitives/tx.js';
import {CachingVerifier, type SigVerifier} from '../node/verify/verifier.js';
import {pooledVerifier} from '../node/verify/worker-verifier.js';
import type {BackendChoice} from '../node/verify/backends.js';
import {Miner} from '../node/mining/miner.js';
import {profiled} from './profile.js';

const net = regtest;
const priv = sha256(new TextEncoder().encode('bench network'));
const script = p2pkhScript(hash160(publicKeyOf(priv)));

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)] ?? 0;
}

function percentile(xs: number[], p: number): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0;
}

function block(prev: {hash: Uint8Array; time: number}, height: number, txs: Transaction[], fees: bigint): Block {
	const cb = new Transaction(1, [new TxIn(OutPoint.null(), concatBytes(pushInt(height), pushData(Uint8Array.of(7, 7))))], [new TxOut(subsidyAt(height, net) + fees, script)]);
	const all = [cb, ...txs];
	for (let nonce = 0; ; nonce++) {
		const h = new Header(1, prev.hash, merkleRoot(all.map(t => t.hash())).root, prev.time + 1, 0x207fffff, nonce);
		if (checkProofOfWork(h.hash(), h.bits, net.powLimit)) return new Block(h, all);
	}
}

/** A regtest chain of `length` blocks, `perBlock` signed transactions in each after the funding. */
function buildChain(length: number, perBlock: number): Block[] {
	const blocks: Block[] = [];
	let prev = {hash: net.genesis.hash(), time: net.genesis.header.time};
	const push = (b: Block) => {
		blocks.push(b);
		prev = {hash: b.hash(), time: b.header.time};
	};
	const fundingBlocks = Math.ceil(((length - 120) * perBlock) / 1900);
	for (let h = 1; h <= 100 + fundingBlocks; h++) push(block(prev, h, [], 0n));
	// Split matured coinbases into 1,900 coins each (one split a block).
	const coins: {prevout: OutPoint; value: bigint}[] = [];
	for (let i = 0; i < fundingBlocks; i++) {
		const cb = blocks[i]!.txs[0]!;
		const each = (cb.outputs[0]!.value - 100_000n) / 1900n;
		const split = signTransaction(new Transaction(1, [new TxIn(new OutPoint(cb.hash(), 0), new Uint8Array(0))], Array.from({length: 1900}, () => new TxOut(each, script))), [script], [priv]);
		push(block(prev, blocks.length + 1, [split], 100_000n));
		split.outputs.forEach((o, n) => coins.push({prevout: new OutPoint(split.hash(), n), value: o.value}));
	}
	while (blocks.length < length) {
		const txs = coins.splice(0, perBlock).map(c => signTransaction(new Transaction(1, [new TxIn(c.prevout, new Uint8Array(0))], [new TxOut(c.value - 1000n, script)]), [script], [priv]));
		push(block(prev, blocks.length + 1, txs, 1000n * BigInt(txs.length)));
	}
	return blocks;
}

/** Counts the time spent in signature checks. */
class TimedVerifier implements SigVerifier {
	ms = 0;
	constructor(private readonly inner: SigVerifier) {}
	async verify(checks: Parameters<SigVerifier['verify']>[0]): Promise<boolean> {
		const start = performance.now();
		try {
			return await this.inner.verify(checks);
		} finally {
			this.ms += performance.now() - start;
		}
	}
	async close(): Promise<void> {
		await this.inner.close?.();
	}
}

interface BenchNode {
	chain: Chain;
	pool: Pool;
	mempool: Mempool;
	close(): Promise<void>;
}

async function node(dir: string, verifier?: SigVerifier, peers: string[] = []): Promise<BenchNode> {
	const chain = await Chain.open({network: net, path: join(dir, 'chain'), ...(verifier ? {verifier} : {})});
	const mempool = new Mempool({chain, ...(verifier ? {verifier} : {})});
	const pool = new Pool({chain, mempool, port: 0, host: '127.0.0.1', peers, addrPath: null, connectIntervalMs: 100});
	await pool.start();
	return {chain, pool, mempool, close: async () => {
		await pool.stop();
		await chain.close();
	}};
}

async function until(condition: () => boolean, ms: number): Promise<void> {
	const deadline = performance.now() + ms;
	while (!condition()) {
		if (performance.now() > deadline) throw new Error('benchmark timed out');
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

export interface NetworkFigures {
	ibdBlocksPerSecond: number;
	sigShare: number;
	redrawsPerSecond: number;
	propagationMedianMs: number;
	propagationP95Ms: number;
	rssMb: number;
}

/** With `ibdOnly`, only the IBD figures are measured (the others are 0). */
export async function networkBench(verifier: BackendChoice = 'auto', ibdOnly = false, inlineBelow?: number): Promise<NetworkFigures> {
	const root = await mkdtemp(join(tmpdir(), 'chain-tui-bench-net-'));
	try {
		// Initial block download: 2,000 blocks with 10 transactions each, over 127.0.0.1.
		const blocks = buildChain(2000, 10);
		const sourceVerifier = new CachingVerifier(pooledVerifier(verifier, 2));
		const source = await node(join(root, 'source'), sourceVerifier);
		for (const b of blocks) await source.chain.add(b, {requested: true});
		const timed = new TimedVerifier(new CachingVerifier(pooledVerifier(verifier, 2, inlineBelow)));
		const target = await node(join(root, 'target'), timed, [`127.0.0.1:${source.pool.port}`]);
		// What the screen would redraw: the store coalesces notifications to one per 100 ms.
		let notifications = 0;
		let last = 0;
		target.chain.on('tip', () => {
			const now = performance.now();
			if (now - last >= 100) {
				notifications++;
				last = now;
			}
		});
		const start = performance.now();
		await profiled('ibd', () => until(() => target.chain.height === 2000, 600_000));
		const seconds = (performance.now() - start) / 1000;
		await target.close();
		await timed.close();

		await source.close();
		await sourceVerifier.close();
		if (ibdOnly) return {ibdBlocksPerSecond: 2000 / seconds, sigShare: timed.ms / 1000 / seconds, redrawsPerSecond: notifications / seconds, propagationMedianMs: 0, propagationP95Ms: 0, rssMb: 0};

		// Propagation: 10 fresh nodes in a line, each new block timed to the last of them.
		const nodes: BenchNode[] = [await node(join(root, 'p0'))];
		for (let i = 1; i < 10; i++) nodes.push(await node(join(root, `p${i}`), undefined, [`127.0.0.1:${nodes[i - 1]!.pool.port}`]));
		await until(() => nodes.slice(1).every(n => n.pool.connectedPeers.length > 0), 60_000);
		const miner = new Miner({chain: nodes[0]!.chain, mempool: nodes[0]!.mempool, payout: script});
		const times: number[] = [];
		for (let i = 0; i < 30; i++) {
			const t0 = performance.now();
			const [b] = await miner.generate(1);
			await until(() => nodes.every(n => n.chain.tip.hashHex === b!.hashHex()), 60_000);
			times.push(performance.now() - t0);
		}
		for (const n of nodes) await n.close();

		// Memory: the real binary on a datadir holding a 10,000-block chain.
		const big = join(root, 'big');
		const chain = await Chain.open({network: net, path: join(big, 'chain')});
		let prev = {hash: chain.tip.hash, time: chain.tip.time};
		for (let h = 1; h <= 10_000; h++) {
			const b = block(prev, h, [], 0n);
			await chain.add(b);
			prev = {hash: b.hash(), time: b.header.time};
		}
		await chain.close();
		const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
		const child = spawn(process.execPath, [cli, '--network', 'regtest', '--headless', '--no-rpc', '--port', String(20000 + Math.floor(Math.random() * 20000)), '--datadir', big], {stdio: ['ignore', 'pipe', 'ignore']});
		await new Promise<void>(resolve => child.stdout!.on('data', d => String(d).includes('listening on port') && resolve()));
		await new Promise(resolve => setTimeout(resolve, 1000));
		const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
		const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
		child.kill('SIGTERM');
		await new Promise(resolve => child.once('exit', resolve));

		return {
			ibdBlocksPerSecond: 2000 / seconds,
			sigShare: timed.ms / 1000 / seconds,
			redrawsPerSecond: notifications / seconds,
			propagationMedianMs: median(times),
			propagationP95Ms: percentile(times, 0.95),
			rssMb: rssKb / 1024,
		};
	} finally {
		await rm(root, {recursive: true, force: true});
	}
}
