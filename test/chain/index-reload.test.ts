/**
 * The block index after a restart is the one before it: every entry's height, chainwork, status,
 * parent, children and chain data, the tips, the best header, the candidates' pick.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {Chain} from '../../source/node/chain/chain.js';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import {VerifyError} from '../../source/node/errors.js';
import {extend, nextBlock} from '../helpers/builder.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';

let env: TempChain | undefined;
afterEach(async () => {
	await env?.cleanup();
	env = undefined;
});

/** Every entry reachable from the tips, described by what is kept in the index. */
function describeIndex(chain: Chain): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const tip of chain.getTips()) {
		for (let e: ChainEntry | null = tip.entry; e && !(e.hashHex in out); e = e.prev) {
			out[e.hashHex] = {
				height: e.height,
				chainwork: e.chainwork.toString(16),
				status: e.status,
				prev: e.prev?.hashHex ?? null,
				children: e.children.map(c => c.hashHex).sort(),
				chainData: e.chainData,
				header: e.header.toJSON(),
				main: chain.isMain(e),
			};
		}
	}
	return out;
}

function tips(chain: Chain) {
	return chain
		.getTips()
		.map(t => ({hash: t.hash, height: t.height, branchLength: t.branchLength, status: t.status}))
		.sort((a, b) => a.hash.localeCompare(b.hash));
}

describe('the index across a restart', () => {
	it('comes back the same: main chain, a stored side branch, an invalid branch, headers only', async () => {
		env = await tempChain(quickNet);
		let chain = env.chain;
		await extend(chain, 6);
		// A stored side branch with less work.
		await extend(chain, 2, {tag: 1}, chain.getEntryByHeight(2)!);
		// A branch with more work whose second block is invalid: tried, marked, the tip goes back.
		let at = chain.getEntryByHeight(4)!;
		const bad: string[] = [];
		for (let i = 0; i < 4; i++) {
			const block = nextBlock(chain, at, {tag: 2, ...(i === 1 ? {value: 10_000n * 100_000_000n} : {})});
			try {
				await chain.add(block, {requested: true});
			} catch (error) {
				if (!(error instanceof VerifyError)) throw error;
				bad.push(error.reason);
			}
			at = chain.getEntry(block.hash()) ?? at;
		}
		// The third block's reorganisation failed on the second; the fourth's parent is known bad.
		expect(bad).toEqual(['bad-prevblk', 'bad-prevblk']);
		// Headers beyond the tip without their blocks.
		at = chain.tip;
		for (let i = 0; i < 3; i++) at = await chain.addHeader(nextBlock(chain, at, {tag: 3}).header);
		const statuses = new Set(chain.getTips().map(t => t.status));
		expect(statuses).toEqual(new Set(['active', 'valid-headers', 'invalid', 'headers-only']));

		const before = {index: describeIndex(chain), tips: tips(chain), tip: chain.tip.hashHex, height: chain.height, best: chain.bestHeader.hashHex, headers: chain.headerCount};
		chain = await env.reopen();
		const after = {index: describeIndex(chain), tips: tips(chain), tip: chain.tip.hashHex, height: chain.height, best: chain.bestHeader.hashHex, headers: chain.headerCount};
		expect(after).toEqual(before);
		expect(Object.keys(after.index)).toHaveLength(chain.headerCount);
		// The reloaded index keeps working: unknown hashes, then the next block on the tip.
		expect(chain.getEntry('00'.repeat(32))).toBeUndefined();
		expect(chain.getEntry('not a hash')).toBeUndefined();
		await chain.add(nextBlock(chain, chain.tip));
		expect(chain.height).toBe(7);
	});

	it('a reindex rebuilds the same tip and keeps every header', async () => {
		env = await tempChain(quickNet);
		await extend(env.chain, 5);
		await extend(env.chain, 3, {tag: 1}, env.chain.getEntryByHeight(3)!);
		// A reindex validates the active branch only: the side one's VALID bits go.
		const shape = (chain: Chain) => ({tips: tips(chain).map(t => ({...t, status: t.status === 'valid-fork' ? 'valid-headers' : t.status})), tip: chain.tip.hashHex, headers: chain.headerCount});
		const before = shape(env.chain);
		expect(before.tips.map(t => t.status).sort()).toEqual(['active', 'valid-headers']);
		expect(shape(await env.reopen({reindex: true}))).toEqual(before);
	});
});
