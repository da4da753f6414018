import {existsSync} from 'node:fs';
import {afterAll, describe, expect, it} from 'vitest';
import {sha256} from '@noble/hashes/sha2.js';
import {WorkerVerifier} from '../../source/node/verify/worker-verifier.js';
import {CachingVerifier, inlineVerifier} from '../../source/node/verify/verifier.js';
import {SigCache} from '../../source/node/verify/sig-cache.js';
import {compiledUrl} from '../../source/node/util/compiled.js';
import {publicKeyOf, signDigest} from '../../source/node/crypto/keys.js';
import type {SigCheck} from '../../source/node/primitives/sign.js';
import {Transaction, TxOut} from '../../source/node/primitives/tx.js';
import {coinbaseOf, extend, key, nextBlock, spend} from '../helpers/builder.js';
import {tempChain} from '../helpers/chain-env.js';

const priv = sha256(new TextEncoder().encode('verifier test'));
const pub = publicKeyOf(priv);
function checks(n: number): SigCheck[] {
	return Array.from({length: n}, (_, i) => {
		const digest = sha256(Uint8Array.of(i, i >> 8));
		return {digest, signature: signDigest(digest, priv), publicKey: pub};
	});
}
const good = checks(40);
const bad = (list: SigCheck[], at: number): SigCheck[] => list.map((c, i) => (i === at ? {...c, digest: sha256(Uint8Array.of(99, i))} : c));

const pool = new WorkerVerifier(2);
afterAll(async () => {
	await pool.close();
});

describe('signature checks in worker threads', () => {
	it('loads the compiled worker (npm test builds first)', () => {
		expect(existsSync(compiledUrl('node/verify/verify-worker.js'))).toBe(true);
	});

	it('agrees with the in-thread verifier on good and bad batches of every size', async () => {
		for (const n of [0, 1, 7, 8, 9, 40]) {
			expect(await pool.verify(good.slice(0, n))).toBe(true);
			if (n > 0) {
				expect(await pool.verify(bad(good.slice(0, n), n - 1))).toBe(false);
				expect(await inlineVerifier.verify(bad(good.slice(0, n), n - 1))).toBe(false);
			}
		}
		expect(await pool.verify(bad(good, 0))).toBe(false); // first half's worker fails
		expect(await pool.verify(bad(good, 39))).toBe(false); // second half's worker fails
	});

	it('runs concurrent batches without mixing their answers', async () => {
		const results = await Promise.all(Array.from({length: 10}, (_, i) => pool.verify(i % 3 === 0 ? bad(good.slice(0, 12), i) : good.slice(0, 12))));
		expect(results).toEqual(Array.from({length: 10}, (_, i) => i % 3 !== 0));
	});

	it('a cache skips checks that passed before and never caches a failure', async () => {
		const caching = new CachingVerifier(pool, new SigCache(100));
		expect(await caching.verify(good.slice(0, 10))).toBe(true);
		expect(caching.misses).toBe(10);
		expect(await caching.verify(good.slice(0, 12))).toBe(true);
		expect([caching.hits, caching.misses]).toEqual([10, 12]);
		expect(await caching.verify(bad(good.slice(10, 20), 5))).toBe(false);
		expect(caching.cache.has(bad(good.slice(10, 20), 5)[5]!)).toBe(false);
	});

	it('the cache is bounded, oldest out first', () => {
		const cache = new SigCache(3);
		for (const c of good.slice(0, 5)) cache.add(c);
		expect(cache.size).toBe(3);
		expect(cache.has(good[0]!)).toBe(false);
		expect(cache.has(good[4]!)).toBe(true);
	});

	it('keys the cache by a hash of the whole triple; triples whose bytes run together stay apart', () => {
		const [c] = good;
		expect(SigCache.key(c!)).toMatch(/^[0-9a-f]{64}$/);
		expect(SigCache.key({...c!})).toBe(SigCache.key(c!));
		// The same bytes split differently between signature and key: another check entirely.
		const shifted: SigCheck = {digest: c!.digest, signature: Uint8Array.from([...c!.signature, c!.publicKey[0]!]), publicKey: c!.publicKey.subarray(1)};
		expect(SigCache.key(shifted)).not.toBe(SigCache.key(c!));
		const cache = new SigCache(10);
		cache.add(c!);
		expect(cache.has(shifted)).toBe(false);
	});

	it('a chain using the worker pool connects blocks with signed transactions and refuses a bad one', async () => {
		const env = await tempChain(undefined, {verifier: pool});
		try {
			const blocks = await extend(env.chain, 4);
			const tx = spend([coinbaseOf(blocks[0]!)], [new TxOut(49n * 100_000_000n, key('alice').script)]);
			// Signed for one output, then changed: only the signature check (in a worker) can tell.
			const signed = spend([coinbaseOf(blocks[1]!)], [new TxOut(49n * 100_000_000n, key('alice').script)]);
			const forged = new Transaction(1, signed.inputs, [new TxOut(48n * 100_000_000n, key('mallory').script)]);
			await expect(env.chain.add(nextBlock(env.chain, env.chain.tip, {txs: [forged], fees: 2n * 100_000_000n}))).rejects.toMatchObject({
				reason: 'mandatory-script-verify-flag-failed',
				message: expect.stringContaining('signature check failed'),
			});
			expect((await env.chain.add(nextBlock(env.chain, env.chain.tip, {txs: [tx], fees: 100_000_000n}))).status).toBe('connected');
		} finally {
			await env.cleanup();
		}
	});
});
