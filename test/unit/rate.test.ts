import {afterEach, describe, expect, it} from 'vitest';
import {blockWork} from '../../source/node/consensus/pow.js';
import {expectedSecondsToBlock, lookupForMinusOne, networkHashesPerSecond} from '../../source/node/mining/rate.js';
import {extend} from '../helpers/builder.js';
import {quickNet, tempChain, type TempChain} from '../helpers/chain-env.js';

describe('expectedSecondsToBlock', () => {
	it('is the work of a block, 2^256 / (target + 1), over the rate', () => {
		// 0x1d00ffff: Bitcoin's difficulty 1, 2^32 + 2^16 + ... ≈ 4,295,032,833 hashes a block.
		expect(blockWork(0x1d00ffff)).toBe(4295032833n);
		expect(expectedSecondsToBlock(0x1d00ffff, 4295032833)).toBe(1);
		expect(expectedSecondsToBlock(0x1d00ffff, 1_000_000)).toBeCloseTo(4295.032833, 6);
		// main's genesis bits: ~16.8 M hashes; at 4.9 MH/s about 3.4 s.
		expect(expectedSecondsToBlock(0x1e00ffff, 4_900_000)).toBeCloseTo(Number(blockWork(0x1e00ffff)) / 4_900_000, 9);
		// regtest's limit: a target of ~2^255, two hashes a block.
		expect(expectedSecondsToBlock(0x207fffff, 2)).toBe(1);
	});

	it('is Infinity with no rate (or a meaningless one)', () => {
		expect(expectedSecondsToBlock(0x1d00ffff, 0)).toBe(Infinity);
		expect(expectedSecondsToBlock(0x1d00ffff, -5)).toBe(Infinity);
		expect(expectedSecondsToBlock(0x1d00ffff, Number.NaN)).toBe(Infinity);
	});
});

describe('networkHashesPerSecond', () => {
	/** No retarget (regtest): -1 means the whole chain. */
	const NONE = {retarget: 'none', halfLife: 3600, targetSpacing: 20} as const;

	let env: TempChain | undefined;
	afterEach(async () => {
		await env?.cleanup();
		env = undefined;
	});

	/** Genesis, then block 1 five days later, then blocks every 20 s (block 6 is 30 s early). */
	async function chainWithLateStart() {
		env = await tempChain(quickNet);
		const chain = env.chain;
		const g = quickNet.genesis.header.time;
		const start = g + 5 * 24 * 3600;
		await extend(chain, 1, {time: start});
		for (let h = 2; h <= 10; h++) await extend(chain, 1, {time: start + 20 * (h - 1) - (h === 6 ? 30 : 0)});
		return chain;
	}

	it('never lets the genesis block in: the window starts at block 1 at the earliest', async () => {
		const chain = await chainWithLateStart();
		const at = chain.tip;
		const first = chain.getEntryByHeight(1)!;
		// Block 1 to block 10: the work of blocks 2..10 over 180 s.
		const expected = Number(at.chainwork - first.chainwork) / 180;
		expect(networkHashesPerSecond(at, 120, NONE)).toBe(expected);
		expect(networkHashesPerSecond(at, 9, NONE)).toBe(expected);
		// Nine blocks of regtest work (2 hashes each) in 180 s: 0.1 H/s, not the genesis-skewed 0.00004.
		expect(expected).toBeCloseTo(0.1, 12);
	});

	it('uses the latest minus the earliest time in the window, not last minus first', async () => {
		const chain = await chainWithLateStart();
		// Blocks 6..7: 6 is 30 s early, so 7 is 50 s after it.
		const seven = chain.getEntryByHeight(7)!;
		const six = chain.getEntryByHeight(6)!;
		expect(networkHashesPerSecond(seven, 1, NONE)).toBe(Number(seven.chainwork - six.chainwork) / 50);
		// Blocks 5..7: the earliest is block 6 (start+70), the latest block 7 (start+120).
		const five = chain.getEntryByHeight(5)!;
		expect(networkHashesPerSecond(seven, 2, NONE)).toBe(Number(seven.chainwork - five.chainwork) / 50);
	});

	it('-1 takes a half-life of blocks under ASERT, the whole chain without a retarget', async () => {
		const chain = await chainWithLateStart();
		const at = chain.tip; // height 10
		const seven = chain.getEntryByHeight(7)!;
		// A 60 s half-life of 20 s blocks: 3 blocks back.
		const asert = {retarget: 'asert', halfLife: 60, targetSpacing: 20} as const;
		expect(lookupForMinusOne(asert)).toBe(3);
		expect(networkHashesPerSecond(at, -1, asert)).toBe(Number(at.chainwork - seven.chainwork) / 60);
		// The difficulty never changed: back to block 1, as far as any window goes.
		expect(networkHashesPerSecond(at, -1, NONE)).toBe(networkHashesPerSecond(at, 120, NONE));
		expect(lookupForMinusOne(NONE)).toBe(Infinity);
	});

	it('is 0 with fewer than two blocks after genesis', async () => {
		env = await tempChain(quickNet);
		const chain = env.chain;
		expect(networkHashesPerSecond(chain.tip, 120, NONE)).toBe(0);
		const g = quickNet.genesis.header.time;
		await extend(chain, 1, {time: g + 86_400});
		expect(networkHashesPerSecond(chain.tip, 120, NONE)).toBe(0); // block 1 alone: the old window was genesis..1
		await extend(chain, 1, {time: g + 86_410});
		expect(networkHashesPerSecond(chain.tip, 120, NONE)).toBe(Number(blockWork(quickNet.genesis.header.bits)) / 10);
	});
});
