/**
 * Proof of stake over the wire: three full nodes on posregtest, staking 1:2:3 on one shared fast
 * clock, each finding blocks the others take after checking their kernels; a BPM reading recorded
 * on one node goes into a staked block and into every node's BPM index.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {COIN, posregtest} from '../../source/node/consensus/networks.js';
import {COINSTAKE_INDEX} from '../../source/node/consensus/engine.js';
import {kernelHash, meetsKernel} from '../../source/node/consensus/kernel.js';
import {targetFromBits} from '../../source/node/consensus/pow.js';
import {decodeAddress} from '../../source/node/crypto/address.js';
import {hash160} from '../../source/node/crypto/hash.js';
import {equalBytes, toHex} from '../../source/node/encoding/hex.js';
import {p2pkhScript} from '../../source/node/primitives/script.js';
import {waitFor} from '../helpers/net-env.js';

const stake = posregtest.stake!;
/** Virtual seconds per real second: a 1 s slot every 25 ms. */
const SPEED = 40;
const BPM = 77;

/**
 * The deadline, in staked blocks. Whatever ASERT does to the target, it is the same target for
 * every coin in a slot, so in a fair run each staked block is won by a staker with chance (its
 * stakeable weight) / (all stakeable weight). Before a staker's first block its weight stays: A 50
 * coins, B 100, C 150 less the 50-coin coin its BPM reading spends (its change stakes again 5
 * blocks later), so at least 100. All stakeable weight before staked block k (k = 0, 1, ...) is at
 * most the 300 bootstrap coins staking plus k rewards of 10 coins (and fees: 11 coins a block is
 * generous). So P(staker of weight w has none of the first K blocks) <= Π_{k<K} (1 - w/(300 + 11k)),
 * and by the union bound P(some staker has none) <= f(50) + 2 f(100). The rewards dilute the stakes,
 * so this falls only polynomially: the least K with a bound under 1e-6 is 487 staked blocks.
 */
function missChance(blocks: number): number {
	const none = (w: number) => {
		let p = 1;
		for (let k = 0; k < blocks; k++) p *= 1 - w / (300 + 11 * k);
		return p;
	};
	return none(50) + 2 * none(100);
}
let DEADLINE_BLOCKS = 1;
while (missChance(DEADLINE_BLOCKS) >= 1e-6) DEADLINE_BLOCKS++;
/**
 * The deadline in real time is a liveness backstop (the network stalled), not the fairness bound:
 * ASERT holds the chain near its 4 s spacing, so DEADLINE_BLOCKS take ~4 s each of virtual time;
 * twice that plus ten minutes of virtual time (ASERT's halving time is 2 minutes), at SPEED, plus
 * 10 s for latency.
 */
const DEADLINE_MS = Math.ceil(((2 * DEADLINE_BLOCKS * posregtest.targetSpacing + 600) * 1000) / SPEED) + 10_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
	for (const done of cleanups.splice(0).reverse()) await done();
});

describe('three nodes staking 1:2:3 on posregtest', () => {
	it(`each of three stakers finds a block on the shared chain within ${DEADLINE_BLOCKS} staked blocks (a fair run misses with p < 1e-6); the nodes end on one tip; every staked block's bits and kernel check on every node; a BPM reading recorded on one node is in a staked block and in every node's BPM index`, async () => {
		expect(missChance(DEADLINE_BLOCKS)).toBeLessThan(1e-6);
		expect(DEADLINE_BLOCKS).toBe(487);

		// One virtual clock for all three, SPEED times the wall's, from just after genesis (so
		// the relay never thinks it is still in initial download).
		const base = posregtest.genesis.header.time + 60;
		const t0 = Date.now();
		const now = () => base + Math.floor(((Date.now() - t0) * SPEED) / 1000);

		const open = async (name: string, peers: string[]) => {
			const dir = await mkdtemp(join(tmpdir(), `chain-tui-posnet-${name}-`));
			const node = await FullNode.open({
				network: posregtest,
				datadir: dir,
				verifyThreads: 1,
				now,
				port: 0,
				host: '127.0.0.1',
				peers,
				stakeTickMs: Math.round(1000 / SPEED),
			});
			cleanups.push(async () => {
				await node.close();
				await rm(dir, {recursive: true, force: true});
			});
			const address = await node.wallet.createAddress(`stake-${name}`);
			return {name, node, address, script: p2pkhScript(decodeAddress(address, posregtest.addressVersion)), peer: `127.0.0.1:${node.pool!.port}`};
		};
		const a = await open('a', []);
		const b = await open('b', [a.peer]);
		const c = await open('c', [a.peer, b.peer]);
		const all = [a, b, c];

		// The bootstrap on A: blocks 1-6 pay A once, B twice, C three times (50 coins each, all
		// mature and old enough at height 11); blocks 7-10 pay a key nobody holds.
		const nobody = p2pkhScript(hash160(new TextEncoder().encode('nobody holds this key')));
		for (const script of [a.script, b.script, b.script, c.script, c.script, c.script, nobody, nobody, nobody, nobody]) {
			await a.node.miner.generate(1, script);
		}
		expect(a.node.chain.height).toBe(stake.powBlocks);
		await waitFor(() => all.every(n => n.node.chain.tip.hashHex === a.node.chain.tip.hashHex), 'B and C sync the bootstrap', 10_000);

		// The BPM reading, from one of C's coins, reaches every pool before anyone stakes.
		const reading = await c.node.wallet.recordBpm({address: c.address, bpm: BPM, feeRate: 1n});
		const readingId = reading.txid();
		await waitFor(() => all.every(n => n.node.mempool.get(readingId) !== undefined), 'every node holds the BPM reading', 10_000);

		// Who staked each block (by its coinstake's payout script), read once per block hash.
		const stakerOf = new Map<string, string | null>();
		const stakedBy = async (n: (typeof all)[number]): Promise<Set<string>> => {
			const chain = n.node.chain;
			const found = new Set<string>();
			for (let h = stake.powBlocks + 1; h <= chain.height; h++) {
				const entry = chain.getEntryByHeight(h)!;
				if (!stakerOf.has(entry.hashHex)) {
					const payout = (await chain.getBlock(entry.hash))!.txs[COINSTAKE_INDEX]!.outputs[1]!.script;
					stakerOf.set(entry.hashHex, all.find(s => equalBytes(payout, s.script))?.name ?? null);
				}
				const name = stakerOf.get(entry.hashHex);
				if (name) found.add(name);
			}
			return found;
		};
		const stakedBlocks = (n: (typeof all)[number]) => n.node.chain.height - stake.powBlocks;

		for (const n of all) n.node.staker!.start();
		// Until every node's own chain has a block by each staker and the reading, bounded by the
		// fairness deadline in blocks and the liveness one in time.
		const started = Date.now();
		let done = false;
		while (!done) {
			const seen = await Promise.all(all.map(stakedBy));
			const readings = await Promise.all(all.map(n => n.node.chain.getBpmRecords()));
			// Staking goes on until they also share a tip: two blocks of equal work on one parent
			// stay split (each node keeps the first it saw) until the next block, which only
			// staking makes.
			const oneTip = new Set(all.map(n => n.node.chain.tip.hashHex)).size === 1;
			done = oneTip && seen.every(s => s.size === 3) && readings.every(r => r.some(x => x.txid === readingId));
			if (done) break;
			const blocks = Math.max(...all.map(stakedBlocks));
			if (blocks > DEADLINE_BLOCKS) throw new Error(`${blocks} staked blocks and not every staker has one: ${seen.map(s => [...s].join('')).join(' / ')}`);
			if (Date.now() - started > DEADLINE_MS) {
				const state = all.map(n => {
					const st = n.node.staker!.status();
					const sync = n.node.pool!.syncStatus();
					return `${n.name}: height ${n.node.chain.height} tip ${n.node.chain.tip.hashHex.slice(0, 12)} best header ${n.node.chain.bestHeader.height}, staker ${st.reason ?? 'staking'} (${st.coins} coins, chance ${st.chancePerSlot.toFixed(3)}), sync ${sync.blocks}/${sync.headers}, peers ${n.node.pool!.connectedPeers.length}, tips ${n.node.chain.getTips().map(t => `${t.height}:${t.status}`).join(' ')}`;
				});
				throw new Error(`the network stalled: ${blocks} staked blocks in ${DEADLINE_MS} ms\n${state.join('\n')}`);
			}
			await new Promise(resolve => setTimeout(resolve, 20));
		}
		for (const n of all) n.node.staker!.stop();
		// A try under way when staking stopped may still add a block: one tip, held for 100 ms
		// (four slots of the virtual clock).
		let held = {tips: '', since: Date.now()};
		await waitFor(
			() => {
				const tips = all.map(n => n.node.chain.tip.hashHex).join();
				if (tips !== held.tips) held = {tips, since: Date.now()};
				return new Set(all.map(n => n.node.chain.tip.hashHex)).size === 1 && all.every(n => n.node.pool!.syncStatus().synced) && Date.now() - held.since >= 100;
			},
			'the three nodes share one tip',
			10_000,
		);

		const tip = a.node.chain.tip;
		expect(tip.height).toBeGreaterThan(stake.powBlocks);
		for (const n of all) {
			const chain = n.node.chain;
			expect(chain.tip.hashHex).toBe(tip.hashHex);
			expect([...(await stakedBy(n))].sort()).toEqual(['a', 'b', 'c']);
			// Every staked block, checked again from this node's own chain: its bits, and its kernel
			// under the parent's stake modifier, the coin's block time and value.
			for (let h = stake.powBlocks + 1; h <= chain.height; h++) {
				const entry = chain.getEntryByHeight(h)!;
				const block = (await chain.getBlock(entry.hash))!;
				const header = block.header;
				expect(header.bits).toBe(chain.requiredBits(entry.prev!));
				expect(header.time % stake.slot).toBe(0);
				expect(header.time).toBeGreaterThan(entry.prev!.time);
				const prevout = block.txs[COINSTAKE_INDEX]!.inputs[0]!.prevout;
				const coin = (await chain.getTx(prevout.txid))!;
				expect(chain.isMain(coin.entry)).toBe(true);
				expect(h - coin.entry.height).toBeGreaterThanOrEqual(stake.minStakeAge);
				const value = coin.tx.outputs[prevout.index]!.value;
				expect(value).toBeGreaterThanOrEqual(50n * COIN - COIN);
				const modifier = await chain.stakeModifier(entry.prev!);
				const hash = kernelHash(modifier, coin.entry.time, prevout, header.time);
				expect(meetsKernel(hash, targetFromBits(header.bits, stake.limit)!, value), `kernel of block ${h} on node ${n.name}`).toBe(true);
			}
			// The reading: in a staked block of the shared chain, in this node's BPM index as C's.
			const records = (await chain.getBpmRecords()).filter(r => r.txid === readingId);
			expect(records).toHaveLength(1);
			const record = records[0]!;
			expect(record.bpm).toBe(BPM);
			expect(toHex(record.address)).toBe(toHex(decodeAddress(c.address, posregtest.addressVersion)));
			expect(record.height).toBeGreaterThan(stake.powBlocks);
			const holder = (await chain.getBlock(chain.getEntryByHeight(record.height)!.hash))!;
			expect(holder.txs.map(tx => tx.txid())).toContain(readingId);
		}
		expect((await c.node.wallet.bpmReadings(c.address)).map(r => [r.bpm, r.txid])).toEqual([[BPM, readingId]]);
	}, 180_000);
});
