/**
 * `npm run bench`: the foundation's throughput, measured side by side in one run, medians of 5.
 * `--quick` leaves out the network benchmarks; `--mining` runs the hashing ones alone;
 * `--sigs` runs only the rows signature checks bound (verify, connect, mempool, IBD);
 * `--verifier NAME` picks the backend (default auto, as the node does).
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {sha256} from '@noble/hashes/sha2.js';
import {publicKeyOf, signDigest, verifyDigest} from '../node/crypto/keys.js';
import {makeNetwork, REGTEST_SPEC} from '../node/consensus/networks.js';
import {Chain} from '../node/chain/chain.js';
import {Block} from '../node/primitives/block.js';
import {Header} from '../node/primitives/header.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../node/primitives/tx.js';
import {merkleRoot} from '../node/primitives/merkle.js';
import {concatBytes} from '../node/encoding/hex.js';
import {p2pkhScript, pushData, pushInt} from '../node/primitives/script.js';
import {hash160} from '../node/crypto/hash.js';
import {checkProofOfWork} from '../node/consensus/pow.js';
import {signTransaction} from '../node/primitives/sign.js';
import {WorkerVerifier, pooledVerifier} from '../node/verify/worker-verifier.js';
import {chooseBackend, type BackendChoice} from '../node/verify/backends.js';
import {derToCompact} from '../node/crypto/der.js';
import {CachingVerifier} from '../node/verify/verifier.js';
import {Mempool} from '../node/mempool/mempool.js';
import {miningBench} from './mining.js';
import {profiled} from './profile.js';
import {fmt, median, rate, type Row} from './stats.js';

const results: Row[] = [];
const push = results.push.bind(results);
results.push = (...items) => {
	for (const [name, value, unit] of items) console.error(`  ... ${name}: ${fmt(value)} ${unit}`);
	return push(...items);
};

const miningOnly = process.argv.includes('--mining');
const sigsOnly = process.argv.includes('--sigs');
const at = process.argv.indexOf('--verifier');
const choice = (at > 0 ? process.argv[at + 1] : 'auto') as BackendChoice;
const backend = chooseBackend(choice).backend;
/** Rows that depend on the backend carry its name. */
const tag = (name: string) => `${name} [${backend.name}]`;
const notes = sigsOnly || process.argv.includes('--ibd') ? [] : await miningBench(results);
// `--ibd [--inline-below N]`: the IBD row alone, e.g. to try where batches should leave the thread.
if (process.argv.includes('--ibd')) {
	const below = process.argv.indexOf('--inline-below');
	const {networkBench} = await import('./network.js');
	const n = await networkBench(backend.name, true, below > 0 ? Number(process.argv[below + 1]) : undefined);
	results.push([tag('initial block download, 2,000 blocks x 10 txs (127.0.0.1)'), n.ibdBlocksPerSecond, 'blocks/s']);
	results.push(['  of which signature checks', n.sigShare * 100, '% of the time']);
}

if (!miningOnly && !process.argv.includes('--ibd')) {
	// Signature checks bound how big a block can be (README, "Network parameters").
	const priv = sha256(new TextEncoder().encode('bench'));
	const pub = publicKeyOf(priv);
	const digests = Array.from({length: 200}, (_, i) => sha256(Uint8Array.of(i)));
	const sigs = digests.map(d => signDigest(d, priv));
	results.push(['ECDSA sign (RFC 6979, low-S, DER)', await rate(200, () => void digests.forEach(d => signDigest(d, priv))), 'sigs/s']);
	results.push(['ECDSA verify (@noble/secp256k1), this thread', await rate(200, () => void sigs.forEach((s, i) => verifyDigest(s, digests[i]!, pub))), 'checks/s']);
	// The backends alone, the same 200 signatures side by side (DER decoding left out).
	const compacts = sigs.map(s => derToCompact(s));
	for (const name of ['native', 'wasm'] as const) {
		let other;
		try {
			other = chooseBackend(name).backend;
		} catch {
			continue; // no prebuilt addon for this platform
		}
		const speed = await rate(200, () => void compacts.forEach((c, i) => other.verify(c, digests[i]!, pub)));
		results.push([`ECDSA verify (libsecp256k1, ${name}), this thread`, speed, 'checks/s']);
	}
	const checkList = sigs.map((signature, i) => ({signature, digest: digests[i]!, publicKey: pub}));
	const pool = new WorkerVerifier(2, {backend: backend.name});
	await pool.verify(checkList.slice(0, 4)); // warm the workers
	results.push([tag('ECDSA verify, pool of 2 worker threads'), await rate(200, async () => void (await pool.verify(checkList))), 'checks/s']);
	await pool.close();

	// Block connection on a real LevelDB: empty blocks, then blocks of 20 signed transactions.
	const net = makeNetwork({...REGTEST_SPEC, name: 'bench', coinbaseMaturity: 1, halvingInterval: 1_000_000});
	const minerHash = hash160(pub);
	const minerScript = p2pkhScript(minerHash);
	function makeBlock(prev: {hash: Uint8Array; time: number}, height: number, txs: Transaction[], fees: bigint): Block {
		const cb = new Transaction(1, [new TxIn(OutPoint.null(), concatBytes(pushInt(height), pushData(Uint8Array.of(1, 2))))], [new TxOut(50n * 100_000_000n + fees, minerScript)]);
		const all = [cb, ...txs];
		for (let nonce = 0; ; nonce++) {
			const h = new Header(1, prev.hash, merkleRoot(all.map(t => t.hash())).root, prev.time + 20, 0x207fffff, nonce);
			if (checkProofOfWork(h.hash(), h.bits, net.powLimit)) return new Block(h, all);
		}
	}

	async function connectRate(txsPerBlock: number, blocks: number): Promise<number> {
		const rates: number[] = [];
		for (let round = 0; round < 5; round++) {
			const dir = await mkdtemp(join(tmpdir(), 'chain-tui-bench-'));
			const verifier = new CachingVerifier(pooledVerifier(backend.name, 2));
			const chain = await Chain.open({network: net, path: dir, verifier, now: () => net.genesis.header.time + 1e7});
			// Fund: one block whose coinbase we split into outputs to spend later.
			const prepared: Block[] = [];
			let prev = {hash: chain.tip.hash, time: chain.tip.time};
			let coins: {prevout: OutPoint; value: bigint}[] = [];
			const first = makeBlock(prev, 1, [], 0n);
			prepared.push(first);
			prev = {hash: first.hash(), time: first.header.time};
			coins.push({prevout: new OutPoint(first.txs[0]!.hash(), 0), value: first.txs[0]!.outputs[0]!.value});
			const split = signTransaction(
				new Transaction(1, [new TxIn(coins[0]!.prevout, new Uint8Array(0))], Array.from({length: txsPerBlock * blocks + 1}, () => new TxOut(1_000_000n, minerScript))),
				[minerScript],
				[priv],
			);
			const second = makeBlock(prev, 2, txsPerBlock > 0 ? [split] : [], 0n);
			prepared.push(second);
			prev = {hash: second.hash(), time: second.header.time};
			coins = txsPerBlock > 0 ? split.outputs.map((o, n) => ({prevout: new OutPoint(split.hash(), n), value: o.value})) : [];
			for (let b = 0; b < blocks; b++) {
				const txs = coins.splice(0, txsPerBlock).map(c =>
					signTransaction(new Transaction(1, [new TxIn(c.prevout, new Uint8Array(0))], [new TxOut(c.value - 1000n, minerScript)]), [minerScript], [priv]),
				);
				const block = makeBlock(prev, 3 + b, txs, 1000n * BigInt(txs.length));
				prepared.push(block);
				prev = {hash: block.hash(), time: block.header.time};
			}
			for (const block of prepared.slice(0, 2)) await chain.add(block);
			const start = process.hrtime.bigint();
			const connect = async () => {
				for (const block of prepared.slice(2)) await chain.add(block);
			};
			await (round === 2 && txsPerBlock > 0 ? profiled('connect', connect) : connect());
			rates.push(blocks / (Number(process.hrtime.bigint() - start) / 1e9));
			await chain.close();
			await verifier.close();
			await rm(dir, {recursive: true, force: true});
		}
		return median(rates);
	}

	results.push(['connect empty blocks (LevelDB, one batch each)', await connectRate(0, 200), 'blocks/s']);
	results.push([tag('connect blocks of 20 signed txs'), await connectRate(20, 10), 'blocks/s']);

	// Mempool acceptance of 1,000 pre-signed transactions (signature checks dominate).
	async function mempoolRate(): Promise<number> {
		const rates: number[] = [];
		for (let round = 0; round < 5; round++) {
			const dir = await mkdtemp(join(tmpdir(), 'chain-tui-bench-'));
			const verifier = new CachingVerifier(pooledVerifier(backend.name, 2));
			const chain = await Chain.open({network: net, path: dir, verifier, now: () => net.genesis.header.time + 1e7});
			let prev = {hash: chain.tip.hash, time: chain.tip.time};
			const first = makeBlock(prev, 1, [], 0n);
			await chain.add(first);
			prev = {hash: first.hash(), time: first.header.time};
			const split = signTransaction(
				new Transaction(1, [new TxIn(new OutPoint(first.txs[0]!.hash(), 0), new Uint8Array(0))], Array.from({length: 1000}, () => new TxOut(1_000_000n, minerScript))),
				[minerScript],
				[priv],
			);
			await chain.add(makeBlock(prev, 2, [split], 0n));
			const txs = split.outputs.map((o, n) =>
				signTransaction(new Transaction(1, [new TxIn(new OutPoint(split.hash(), n), new Uint8Array(0))], [new TxOut(o.value - 1000n, minerScript)]), [minerScript], [priv]),
			);
			const pool = new Mempool({chain, verifier});
			const start = process.hrtime.bigint();
			await (round === 2 ? profiled('mempool', () => Promise.all(txs.map(tx => pool.add(tx)))) : Promise.all(txs.map(tx => pool.add(tx))));
			rates.push(txs.length / (Number(process.hrtime.bigint() - start) / 1e9));
			if (pool.size !== txs.length) throw new Error(`only ${pool.size} of ${txs.length} accepted`);
			await chain.close();
			await verifier.close();
			await rm(dir, {recursive: true, force: true});
		}
		return median(rates);
	}
	results.push([tag('mempool acceptance, 1,000 pre-signed txs'), await mempoolRate(), 'tx/s']);

	if (sigsOnly) {
		const {networkBench} = await import('./network.js');
		const n = await networkBench(backend.name, true);
		results.push([tag('initial block download, 2,000 blocks x 10 txs (127.0.0.1)'), n.ibdBlocksPerSecond, 'blocks/s']);
		results.push(['  of which signature checks', n.sigShare * 100, '% of the time']);
	}

	if (!sigsOnly) {
		// The block index: memory per header and start time, each measured in a process of its own.
		const {headerIndexBench} = await import('./header-index.js');
		await headerIndexBench(results, process.argv.includes('--quick'));

		// The screen: what a redraw costs with Ink's own output and with the line diff the app runs.
		process.env.NODE_ENV ??= 'production'; // as the app runs React (cli.tsx)
		const {screenBench} = await import('./screen.js');
		const sb = await screenBench();
		results.push(['screen redraw at 120x40, Ink\'s own output (incremental)', sb.before.bytes, 'bytes']);
		results.push(['  CPU of that redraw', sb.before.cpuMs * 1000, 'µs']);
		results.push(['  whole-screen erases in 60 redraws', sb.before.erases, '']);
		results.push(['screen redraw at 120x40, FrameWriter line diff (the app)', sb.after.bytes, 'bytes']);
		results.push(['  CPU of that redraw', sb.after.cpuMs * 1000, 'µs']);
		results.push(['  whole-screen erases in 60 redraws', sb.after.erases, '']);

		if (!process.argv.includes('--quick')) {
			const {networkBench} = await import('./network.js');
			const n = await networkBench(backend.name);
			results.push([tag('initial block download, 2,000 blocks x 10 txs (127.0.0.1)'), n.ibdBlocksPerSecond, 'blocks/s']);
			results.push(['  of which signature checks', n.sigShare * 100, '% of the time']);
			results.push(['  screen redraws while syncing', n.redrawsPerSecond, 'per second']);
			results.push(['block propagation to all of 10 nodes, median', n.propagationMedianMs, 'ms']);
			results.push(['block propagation to all of 10 nodes, p95', n.propagationP95Ms, 'ms']);
			results.push(['RSS of a node with a 10,000-block chain', n.rssMb, 'MB']);
		}
	}
}

console.log(`chain-tui bench (node ${process.version}, medians of 5; signatures by ${backend.detail})`);
for (const [name, value, unit] of results) console.log(`  ${name.padEnd(60)} ${fmt(value).padStart(10)} ${unit}`);
for (const note of notes) console.log(`  ${note}`);
