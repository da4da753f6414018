/**
 * ASERT at chain level, on a real LevelDB: asertNet (10 s blocks, 100 s half-life, genesis 16x
 * harder than the limit) from test/helpers/chain-env.ts.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {Header} from '../../source/node/primitives/header.js';
import {asertTarget, nextBitsFromTip} from '../../source/node/consensus/asert.js';
import {decodeCompact, encodeCompact} from '../../source/node/consensus/pow.js';
import type {Chain} from '../../source/node/chain/chain.js';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import {blockWith, coinbaseTx, key, nextBlock, solve} from '../helpers/builder.js';
import {asertNet, tempChain, type TempChain} from '../helpers/chain-env.js';

let env: TempChain;
afterEach(async () => {
	await env?.cleanup();
});

const G = asertNet.genesis.header;
const target = (bits: number) => decodeCompact(bits).target;

/** `n` blocks on `from`, each `gap` seconds after its parent; block 1 at `firstTime` if given. */
async function grow(chain: Chain, from: ChainEntry, n: number, gap: number, tag = 0, firstTime?: number): Promise<ChainEntry[]> {
	const out: ChainEntry[] = [];
	let at = from;
	for (let i = 0; i < n; i++) {
		const time = at.height === 0 && firstTime !== undefined ? firstTime : at.time + gap;
		const block = nextBlock(chain, at, {time, tag});
		await chain.add(block, {requested: true});
		at = chain.getEntry(block.hash())!;
		out.push(at);
	}
	return out;
}

describe('ASERT on a chain', () => {
	it('blocks 1 and 2 carry the genesis bits; on schedule the bits never move, even with block 1 days after genesis', async () => {
		env = await tempChain(asertNet);
		const blocks = await grow(env.chain, env.chain.tip, 12, asertNet.targetSpacing, 0, G.time + 5 * 86_400);
		expect(blocks.map(b => b.header.bits)).toEqual(blocks.map(() => G.bits));
		// Measured from the genesis time (aserti3-2d's anchor parent) the chain would be 5 days
		// behind and the difficulty at the limit: the deviation README names.
		const tip = blocks[11]!;
		const fromGenesisTime = asertTarget(target(G.bits), 10n, BigInt(tip.time - G.time), BigInt(tip.height - 1), asertNet.powLimit, 100n);
		expect(fromGenesisTime).toBe(asertNet.powLimit);
		expect(env.chain.requiredBits(tip)).toBe(G.bits);
	});

	it('blocks faster than the spacing raise the difficulty block by block', async () => {
		env = await tempChain(asertNet);
		const blocks = await grow(env.chain, env.chain.tip, 8, 1);
		expect(blocks[0]!.header.bits).toBe(G.bits);
		expect(blocks[1]!.header.bits).toBe(G.bits); // block 2: block 1 is its own schedule's start
		for (let i = 2; i < blocks.length; i++) {
			expect(target(blocks[i]!.header.bits)).toBeLessThan(target(blocks[i - 1]!.header.bits));
		}
		// Block 8 follows block 7, which came 6 blocks x 9 s = 54 s ahead: 2^(-54/100) of the anchor.
		const expected = Number(target(G.bits)) * 2 ** (-54 / 100);
		expect(Number(target(blocks[7]!.header.bits)) / expected).toBeCloseTo(1, 3);
	});

	it('slower blocks lower it block by block until the pow limit', async () => {
		env = await tempChain(asertNet);
		const blocks = await grow(env.chain, env.chain.tip, 9, 100);
		const limitBits = encodeCompact(asertNet.powLimit);
		const targets = blocks.map(b => target(b.header.bits));
		expect(targets[1]).toBe(target(G.bits));
		// 90 s behind each block: x2^0.9 a block, 16x of room, so the limit from block 7 on.
		for (let i = 2; i < 7; i++) expect(targets[i]!).toBeGreaterThan(targets[i - 1]!);
		expect(blocks.slice(6).map(b => b.header.bits)).toEqual([limitBits, limitBits, limitBits]);
		expect(blocks[5]!.header.bits).not.toBe(limitBits);
	});

	it('rejects a block or header with other bits as bad-diffbits, whatever its work', async () => {
		env = await tempChain(asertNet);
		const chain = env.chain;
		await grow(chain, chain.tip, 4, 1);
		const required = chain.requiredBits(chain.tip);
		expect(required).not.toBe(G.bits);
		const cb = coinbaseTx(5, 50n * 100_000_000n, key('miner').script);
		// The previous rule's bits (the parent's) and the genesis bits are both wrong now.
		for (const bits of [G.bits, chain.tip.header.bits]) {
			await expect(chain.add(blockWith(chain, chain.tip, [cb], {bits}))).rejects.toMatchObject({reason: 'bad-diffbits', score: 100});
			const header = solve(new Header(1, chain.tip.hash, new Uint8Array(32), chain.tip.time + 1, bits, 0), asertNet);
			await expect(chain.addHeader(header)).rejects.toMatchObject({reason: 'bad-diffbits', kind: 'header'});
		}
		expect(chain.height).toBe(4);
		await chain.add(blockWith(chain, chain.tip, [cb], {bits: required}));
		expect(chain.height).toBe(5);
	});

	it('Chain.requiredBits and nextBitsFromTip agree everywhere: active chain, side branches with their own block 1, headers only', async () => {
		env = await tempChain(asertNet);
		const chain = env.chain;
		const main = await grow(chain, chain.tip, 10, 3);
		// A branch with another block 1 (slow), one forking at height 4 (fast), and headers only beyond the tip.
		const other = await grow(chain, chain.getEntryByHeight(0)!, 6, 40, 1);
		const fork = await grow(chain, main[3]!, 5, 1, 2);
		const headers: ChainEntry[] = [];
		let at = chain.tip;
		for (let i = 0; i < 20; i++) {
			const h = solve(new Header(1, at.hash, new Uint8Array(32), at.time + 25, chain.requiredBits(at), 0), asertNet);
			at = await chain.addHeader(h);
			headers.push(at);
		}
		const all = [chain.getEntryByHeight(0)!, ...main, ...other, ...fork, ...headers];
		const bits = new Set<number>();
		for (const prev of all) {
			const anchor = chain.getAncestor(prev, 1);
			const fromTip = nextBitsFromTip(asertNet, {height: prev.height, time: prev.time, bits: prev.header.bits}, anchor && {time: anchor.time, bits: anchor.header.bits});
			expect(chain.requiredBits(prev)).toBe(fromTip);
			bits.add(fromTip!);
		}
		// The branches really differ, so agreement is not a coincidence of equal bits.
		expect(bits.size).toBeGreaterThan(10);
		expect(chain.getAncestor(other[5]!, 1)).toBe(other[0]);
		expect(chain.getAncestor(headers[19]!, 1)).toBe(main[0]);
		// And after a restart, with every entry loaded afresh.
		const before = all.map(prev => chain.requiredBits(prev));
		const reopened = await env.reopen();
		expect(all.map(prev => reopened.requiredBits(reopened.getEntry(prev.hash)!))).toEqual(before);
	});
});
