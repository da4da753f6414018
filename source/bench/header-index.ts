/**
 * The block index's memory and start time: heap bytes per header and RSS with N headers in the
 * index, and Chain.open's time with N headers on disk. Each measurement runs in its own node
 * process (--expose-gc), so what the parent built does not count.
 *
 * Headers are real: regtest bits 0x207fffff, each nonce searched until its PoW holds (2 hashes
 * on average), chained on the network's genesis. In memory they enter the index the way
 * Chain.addHeader does it (ChainEntry.child, then HeaderTable.index) without the header checks
 * and the LevelDB write; on disk they are index records written in batches through ChainDB.
 *
 * `node --expose-gc dist/bench/header-index.js memory N` and `... open DIR N` are the children;
 * `... write DIR N` makes such a datadir.
 */
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {Chain} from '../node/chain/chain.js';
import {ChainDB, type BatchOp} from '../node/chain/chain-db.js';
import {ChainEntry, Status} from '../node/chain/entry.js';
import {HeaderTable} from '../node/chain/header-table.js';
import {layout} from '../node/chain/layout.js';
import {seal} from '../node/chain/checksum.js';
import {blockWork, checkProofOfWork} from '../node/consensus/pow.js';
import {makeNetwork, REGTEST_SPEC, type NetworkParams} from '../node/consensus/networks.js';
import {Writer} from '../node/encoding/writer.js';
import {Header} from '../node/primitives/header.js';
import type {Row} from './stats.js';

const net: NetworkParams = makeNetwork({...REGTEST_SPEC, name: 'bench'});

/** sha256d by node's native hash: generating a million headers takes seconds, not a minute. */
function sha256d(data: Uint8Array): Uint8Array {
	return createHash('sha256').update(createHash('sha256').update(data).digest()).digest();
}

/** Calls `each` with `n` headers chained on genesis (heights 1..n), each with valid PoW. */
function forEachHeader(n: number, each: (header: Header, height: number) => void): void {
	let prev = net.genesis.header;
	let root: Uint8Array = new Uint8Array(32);
	for (let height = 1; height <= n; height++) {
		root = sha256d(root); // a merkle root per header, as distinct blocks have
		for (let nonce = 0; ; nonce++) {
			const draft = new Header(1, prev.hash(), root, prev.time + 1, 0x207fffff, nonce);
			const hash = sha256d(draft.toRaw());
			if (checkProofOfWork(hash, draft.bits, net.powLimit)) {
				const header = new Header(1, draft.prevHash, root, draft.time, draft.bits, nonce, hash);
				each(header, height);
				prev = header;
				break;
			}
		}
	}
}

function gc(): void {
	const collect = (globalThis as {gc?: () => void}).gc;
	if (!collect) throw new Error('run with --expose-gc');
	collect();
	collect();
}

/** V8 heap plus the ArrayBuffers behind typed arrays (the table's slabs live there). */
function heapBytes(): number {
	const m = process.memoryUsage();
	return m.heapUsed + m.arrayBuffers;
}

interface Measure {
	readonly n: number;
	readonly bytesPerHeader: number;
	readonly heapPerHeader: number;
	readonly rssMb: number;
	readonly seconds?: number;
}

/** Child: N headers into a HeaderTable as Chain.addHeader puts them. */
function measureMemory(n: number): Measure {
	const table = new HeaderTable();
	const genesis = ChainEntry.genesis(table, net.genesis.header, Status.HAVE_DATA | Status.VALID);
	table.index(genesis);
	gc();
	const before = heapBytes();
	const heapBefore = process.memoryUsage().heapUsed;
	let prev = genesis;
	forEachHeader(n, header => {
		const entry = ChainEntry.child(header, prev);
		table.index(entry);
		prev = entry;
	});
	gc();
	const after = heapBytes();
	if (table.size !== n + 1 || prev.height !== n) throw new Error('index incomplete');
	return {
		n,
		bytesPerHeader: (after - before) / n,
		heapPerHeader: (process.memoryUsage().heapUsed - heapBefore) / n,
		rssMb: process.memoryUsage().rss / 2 ** 20,
	};
}

/** Child: Chain.open on a datadir holding N headers. */
async function measureOpen(dir: string, n: number): Promise<Measure> {
	gc();
	const before = heapBytes();
	const heapBefore = process.memoryUsage().heapUsed;
	const start = process.hrtime.bigint();
	const chain = await Chain.open({network: net, path: dir, now: () => net.genesis.header.time + 1e7});
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	gc();
	const after = heapBytes();
	if (chain.headerCount !== n + 1 || chain.bestHeader.height !== n) throw new Error(`opened ${chain.headerCount} headers, best at ${chain.bestHeader.height}`);
	const measure = {
		n,
		bytesPerHeader: (after - before) / n,
		heapPerHeader: (process.memoryUsage().heapUsed - heapBefore) / n,
		rssMb: process.memoryUsage().rss / 2 ** 20,
		seconds,
	};
	await chain.close();
	return measure;
}

/** A new datadir with genesis and N more headers (index records only, as headers-first sync leaves them). */
async function writeHeaders(dir: string, n: number): Promise<void> {
	await (await Chain.open({network: net, path: dir})).close();
	const db = await ChainDB.open(dir);
	let work = blockWork(net.genesis.header.bits);
	let ops: BatchOp[] = [];
	const pending: Promise<void>[] = [];
	forEachHeader(n, (header, height) => {
		work += blockWork(header.bits);
		const w = new Writer(117);
		header.write(w);
		const chainwork = new Uint8Array(32);
		new DataView(chainwork.buffer).setBigUint64(24, work); // < 2^64 at these bits
		const key = layout.e(header.hash());
		ops.push({type: 'put', key, value: seal(key, w.u32(height).bytes(chainwork).u8(0).finish())});
		if (ops.length === 10_000) {
			pending.push(db.write(ops));
			ops = [];
		}
	});
	pending.push(db.write(ops));
	await Promise.all(pending);
	await db.close();
}

function child(args: string[]): Promise<Measure> {
	return new Promise((resolve, reject) => {
		const proc = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], {stdio: ['ignore', 'pipe', 'inherit']});
		let out = '';
		proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		proc.on('error', reject);
		proc.on('exit', code => (code === 0 ? resolve(JSON.parse(out) as Measure) : reject(new Error(`header-index ${args.join(' ')} exited ${code}`))));
	});
}

/** Rows for `npm run bench`; BENCH_HEADERS sets the large count (1,000,000; `--quick` 100,000). */
export async function headerIndexBench(results: Row[], quick: boolean): Promise<void> {
	const large = Number(process.env['BENCH_HEADERS'] ?? (quick ? 100_000 : 1_000_000));
	for (const n of [10_000, large]) {
		const m = await child(['memory', String(n)]);
		const label = n.toLocaleString('en-US');
		results.push([`header index, ${label} headers in memory: bytes per header`, m.bytesPerHeader, 'B (heap + slabs)']);
		results.push([`  of which V8 heap`, m.heapPerHeader, 'B']);
		results.push([`  RSS of that process`, m.rssMb, 'MB']);
	}
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-bench-'));
	try {
		await writeHeaders(dir, large);
		const m = await child(['open', dir, String(large)]);
		const label = large.toLocaleString('en-US');
		results.push([`Chain.open with ${label} headers on disk`, m.seconds! * 1000, 'ms']);
		results.push([`  bytes per header after open`, m.bytesPerHeader, 'B (heap + slabs)']);
		results.push([`  RSS after open`, m.rssMb, 'MB']);
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const [mode, a, b] = process.argv.slice(2);
	if (mode === 'write') {
		await writeHeaders(a!, Number(b));
	} else {
		const measure = mode === 'memory' ? measureMemory(Number(a)) : mode === 'open' ? await measureOpen(a!, Number(b)) : null;
		if (!measure) throw new Error('usage: header-index.js memory N | open DIR N | write DIR N');
		process.stdout.write(JSON.stringify(measure));
	}
}
