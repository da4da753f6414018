/**
 * `npm run bench`: the foundation's throughput, measured side by side in one run, medians of 5.
 * Grows with later issues (mining kernels, relay, load).
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {sha256} from '@noble/hashes/sha2.js';
import {sha256d} from '../node/crypto/hash.js';
import {publicKeyOf, signDigest, verifyDigest} from '../node/crypto/keys.js';
import {main, makeNetwork, REGTEST_SPEC} from '../node/consensus/networks.js';
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

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
}

/** Runs `fn` (which does `n` operations) 5 times; returns the median rate per second. */
async function rate(n: number, fn: () => void | Promise<void>): Promise<number> {
	const rates: number[] = [];
	for (let round = 0; round < 5; round++) {
		const start = process.hrtime.bigint();
		await fn();
		const seconds = Number(process.hrtime.bigint() - start) / 1e9;
		rates.push(n / seconds);
	}
	return median(rates);
}

function fmt(n: number): string {
	return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
}

const results: [string, number, string][] = [];

// Header hashing, the miner's inner loop in its plainest form.
const header = main.genesis.header.toRaw();
const view = new DataView(header.buffer);
results.push([
	'sha256d of an 80-byte header (@noble/hashes)',
	await rate(50_000, () => {
		for (let i = 0; i < 50_000; i++) {
			view.setUint32(76, i, true);
			sha256d(header);
		}
	}),
	'hashes/s',
]);

// Signature checks bound how big a block can be (README, "Network parameters").
const priv = sha256(new TextEncoder().encode('bench'));
const pub = publicKeyOf(priv);
const digests = Array.from({length: 200}, (_, i) => sha256(Uint8Array.of(i)));
const sigs = digests.map(d => signDigest(d, priv));
results.push(['ECDSA sign (RFC 6979, low-S, DER)', await rate(200, () => void digests.forEach(d => signDigest(d, priv))), 'sigs/s']);
results.push(['ECDSA verify (@noble/secp256k1)', await rate(200, () => void sigs.forEach((s, i) => verifyDigest(s, digests[i]!, pub))), 'checks/s']);

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
		const chain = await Chain.open({network: net, path: dir, now: () => net.genesis.header.time + 1e7});
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
		for (const block of prepared.slice(2)) await chain.add(block);
		rates.push(blocks / (Number(process.hrtime.bigint() - start) / 1e9));
		await chain.close();
		await rm(dir, {recursive: true, force: true});
	}
	return median(rates);
}

results.push(['connect empty blocks (LevelDB, one batch each)', await connectRate(0, 200), 'blocks/s']);
results.push(['connect blocks of 20 signed txs', await connectRate(20, 10), 'blocks/s']);

console.log(`chain-tui bench (node ${process.version}, medians of 5)`);
for (const [name, value, unit] of results) console.log(`  ${name.padEnd(50)} ${fmt(value).padStart(10)} ${unit}`);
