/** Holding a reorganisation back, then letting it happen or setting the held branch aside. */
import {afterEach, describe, expect, it} from 'vitest';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import {extend, nextBlock} from '../helpers/builder.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';

let env: TempChain | undefined;
afterEach(async () => {
	await env?.cleanup();
	env = undefined;
});

/** Our chain of 3 blocks and a stored branch of 5 from genesis, held: the tip stays ours. */
async function heldBranch() {
	env = await tempChain(quickNet);
	const chain = env.chain;
	const genesis = chain.tip;
	await extend(chain, 3);
	const ours = chain.tip;
	// The branch's first block is known in advance, so the hold can name it.
	const head = nextBlock(chain, genesis, {tag: 9});
	const release = chain.holdReorganisations((e: ChainEntry) => chain.getAncestor(e, 1)?.hashHex === head.hashHex());
	await chain.add(head, {requested: true});
	const blocks = [head, ...(await extend(chain, 4, {tag: 9}, chain.getEntry(head.hash())!))];
	expect(chain.getEntry(blocks[4]!.hash())!.chainData).toBe(true);
	return {chain, ours, blocks, release};
}

describe('holdReorganisations', () => {
	it('keeps the tip while held; "activate" then switches to the branch with more work', async () => {
		const {chain, ours, blocks, release} = await heldBranch();
		expect(chain.tip).toBe(ours);
		const reorgs: number[] = [];
		chain.on('reorganize', info => reorgs.push(info.depth));
		expect(await release('activate')).toBe(0);
		expect(chain.tip.hashHex).toBe(blocks.at(-1)!.hashHex());
		expect(reorgs).toEqual([3]);
	});

	it('"discard" forgets the first block of the branch: no switch now, after a block of ours, or after a restart', async () => {
		const {chain, ours, blocks, release} = await heldBranch();
		expect(await release('discard')).toBe(1);
		expect(chain.tip).toBe(ours);
		const first = chain.getEntry(blocks[0]!.hash())!;
		expect(first.hasData).toBe(false);
		expect(await chain.getBlock(first.hash)).toBeNull();
		expect(chain.getTips().find(t => t.hash === blocks.at(-1)!.hashHex())?.status).toBe('headers-only');
		// Our own next block connects on our chain, and the branch stays aside.
		await chain.add(nextBlock(chain, chain.tip));
		expect(chain.height).toBe(4);
		expect(chain.getAncestor(chain.tip, 3)).toBe(ours);
		const reopened = await env!.reopen();
		expect(reopened.height).toBe(4);
		expect(reopened.getAncestor(reopened.tip, 3)?.hashHex).toBe(ours.hashHex);
		// The forgotten block, fetched again, brings the branch back as normal sync would.
		await reopened.add(blocks[0]!, {requested: true});
		expect(reopened.tip.hashHex).toBe(blocks.at(-1)!.hashHex());
	});
});
