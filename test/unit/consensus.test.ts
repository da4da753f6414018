import {describe, expect, it} from 'vitest';
import {COIN, MAIN_SPEC, OLD_MAIN_GENESIS, main, networkByName, pos, posregtest, regtest, subsidyAt} from '../../source/node/consensus/networks.js';
import {blockWork, checkProofOfWork, decodeCompact, encodeCompact, nextWorkRequired} from '../../source/node/consensus/pow.js';
import {checkBlockSanity} from '../../source/node/consensus/rules.js';
import {merkleRoot} from '../../source/node/primitives/merkle.js';
import {sha256d} from '../../source/node/crypto/hash.js';
import {Block} from '../../source/node/primitives/block.js';

describe('networks', () => {
	it('hard-coded genesis blocks meet their own proof of work and pass the block checks', () => {
		for (const net of [main, regtest]) {
			expect(checkProofOfWork(net.genesis.hash(), net.genesis.header.bits, net.powLimit)).toBe(true);
			expect(() => checkBlockSanity(net.genesis, net)).not.toThrow();
			expect(Block.fromRaw(net.genesis.toRaw()).hashHex()).toBe(net.genesis.hashHex());
		}
		expect(main.genesis.hashHex()).toBe('000000ead480a6b68cede7b9e6960128370df19f60dd81ebcd1c86ee0c68d070');
		expect(main.genesis.header.time).toBe(Date.UTC(2026, 10, 29) / 1000);
		expect(main.genesis.txs[0]!.outputs[0]!.value).toBe(0n);
		expect(main.port).toBe(1111);
		expect(MAIN_SPEC.targetSpacing).toBeGreaterThanOrEqual(15);
		expect(MAIN_SPEC.targetSpacing).toBeLessThanOrEqual(30);
	});

	it('main is not the pre-ASERT main: another genesis and another magic', () => {
		expect(main.genesis.hashHex()).not.toBe(OLD_MAIN_GENESIS);
		expect(Array.from(main.magic)).toEqual([0xc7, 0x1a, 0x75, 0xe3]);
		expect(Array.from(main.magic)).not.toEqual([0xc7, 0x1a, 0x75, 0xe1]); // pre-ASERT main
		expect(Array.from(main.magic)).not.toEqual(Array.from(regtest.magic));
		expect(main.retarget).toBe('asert');
		expect(regtest.retarget).toBe('none');
	});

	it('main genesis bits mean ~16.8 M hashes a block', () => {
		expect(blockWork(main.genesis.header.bits)).toBe(16_777_472n); // 2^256 / (0xffff * 2^216 + 1)
	});

	it('minimum chain work: the genesis block\'s work on main and pos (new networks), none on the test networks', () => {
		for (const net of [main, pos]) expect(net.minimumChainWork).toBe(blockWork(net.genesis.header.bits));
		for (const net of [regtest, posregtest]) expect(net.minimumChainWork).toBe(0n);
	});

	it('subsidy halves every interval and reaches zero', () => {
		expect(subsidyAt(0, main)).toBe(50n * COIN);
		expect(subsidyAt(209_999, main)).toBe(50n * COIN);
		expect(subsidyAt(210_000, main)).toBe(25n * COIN);
		expect(subsidyAt(150, regtest)).toBe(25n * COIN);
		expect(subsidyAt(64 * 210_000, main)).toBe(0n);
	});

	it('names an unknown network plainly', () => {
		expect(networkByName('regtest')).toBe(regtest);
		expect(() => networkByName('testnet')).toThrow(/unknown network "testnet".*main, regtest/);
	});
});

describe('pow', () => {
	it("Bitcoin's difficulty-1 bits", () => {
		const {target} = decodeCompact(0x1d00ffff);
		expect(target.toString(16)).toBe('ffff' + '0'.repeat(52));
		expect(encodeCompact(target)).toBe(0x1d00ffff);
		expect(blockWork(0x1d00ffff)).toBe(0x100010001n); // Bitcoin genesis chainwork
	});

	it('retarget clamps the window to [T/4, 4T] and caps at the pow limit', () => {
		const params = {powLimit: decodeCompact(0x207fffff).target, targetTimespan: 1000};
		const bits = 0x1e00ffff;
		const t = decodeCompact(bits).target;
		expect(decodeCompact(nextWorkRequired(bits, 1000, 0, params)).target).toBe(decodeCompact(encodeCompact(t)).target);
		expect(nextWorkRequired(bits, 1, 0, params)).toBe(encodeCompact((t * 250n) / 1000n));
		expect(nextWorkRequired(bits, 1_000_000, 0, params)).toBe(encodeCompact((t * 4000n) / 1000n));
		expect(nextWorkRequired(0x207fffff, 1_000_000, 0, params)).toBe(encodeCompact(params.powLimit));
	});
});

describe('merkle root', () => {
	const h = (n: number) => sha256d(Uint8Array.of(n));
	it('one hash is its own root; odd levels repeat the last hash', () => {
		expect(merkleRoot([h(1)]).root).toEqual(h(1));
		const three = merkleRoot([h(1), h(2), h(3)]);
		const four = merkleRoot([h(1), h(2), h(3), h(3)]);
		expect(three.root).toEqual(four.root);
		expect(three.mutated).toBe(false);
		expect(four.mutated).toBe(true); // CVE-2012-2459
		expect(merkleRoot([h(1), h(2), h(3), h(4), h(5), h(6), h(5), h(6)]).mutated).toBe(true);
		expect(merkleRoot([]).root).toEqual(new Uint8Array(32));
	});
});
