/**
 * The best header is kept as headers arrive (no scan of every leaf per headers message), and it
 * is always what a scan of every valid leaf would say: through one-header forks, a heavier
 * header-only branch, that branch turning out invalid, and a reload.
 */
import {afterEach, expect, it} from 'vitest';
import type {Chain} from '../../source/node/chain/chain.js';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import {extend, nextBlock} from '../helpers/builder.js';
import {tempChain, type TempChain} from '../helpers/chain-env.js';

let env: TempChain | null = null;
afterEach(async () => {
	await env?.cleanup();
	env = null;
});

/** What a scan says: the tip, or a valid tip of a branch with strictly more work. */
function scanned(chain: Chain): ChainEntry {
	let best = chain.tip;
	for (const t of chain.getTips()) {
		const entry = chain.getEntry(t.hash)!;
		if (t.status !== 'invalid' && entry.chainwork > best.chainwork) best = entry;
	}
	return best;
}

it('stays what a scan of every valid leaf says: forks, a heavier header branch, that branch invalid, a reload', async () => {
	env = await tempChain();
	const chain = env.chain;
	await extend(chain, 6);
	expect(chain.bestHeader).toBe(chain.tip);

	// One-header forks all along the chain: none has more work than the tip.
	for (let h = 0; h < chain.height; h++) {
		for (let tag = 1; tag <= 3; tag++) await chain.addHeader(nextBlock(chain, chain.getEntryByHeight(h)!, {tag}).header);
		expect(chain.bestHeader).toBe(scanned(chain));
	}
	expect(chain.bestHeader).toBe(chain.tip);

	// A branch from height 4 whose first block pays itself too much, then two good-looking headers:
	// as headers only it has the most work.
	const fork = chain.getEntryByHeight(4)!;
	const branch = [nextBlock(chain, fork, {value: 51n * 100_000_000n, tag: 9})];
	let at = await chain.addHeader(branch[0]!.header);
	for (let i = 0; i < 3; i++) {
		branch.push(nextBlock(chain, at, {tag: 9}));
		at = await chain.addHeader(branch.at(-1)!.header);
	}
	expect(at.chainwork).toBeGreaterThan(chain.tip.chainwork);
	expect(chain.bestHeader).toBe(at);
	expect(scanned(chain)).toBe(at);

	// Its blocks arrive; connecting the first is refused: the whole branch fails, the best header
	// is the tip again.
	const tip = chain.tip;
	const outcomes = [];
	for (const block of branch) outcomes.push(await chain.add(block, {requested: true}).then(() => 'ok', (e: {reason?: string}) => e.reason));
	expect(outcomes.filter(o => o !== 'ok').length).toBeGreaterThan(0);
	expect(chain.getEntry(branch[0]!.hash())!.failed).toBe(true);
	expect(at.failed).toBe(true);
	expect(chain.tip).toBe(tip);
	expect(chain.bestHeader).toBe(scanned(chain));
	expect(chain.bestHeader).toBe(chain.tip);

	// A heavier valid header branch next to it still wins.
	let good = chain.tip;
	for (let i = 0; i < 2; i++) good = await chain.addHeader(nextBlock(chain, good, {tag: 7}).header);
	expect(chain.bestHeader).toBe(good);

	// After a reload the same answer, by hash.
	const bestHash = chain.bestHeader.hashHex;
	const reopened = await env.reopen();
	expect(reopened.bestHeader.hashHex).toBe(bestHash);
	expect(reopened.bestHeader).toBe(scanned(reopened));
});
