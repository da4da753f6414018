/**
 * The proof-of-stake rules against hostile blocks and headers: each is refused with its own
 * reason, and nothing of it reaches the active chain. Real chains on LevelDB in temp dirs, real
 * TCP for the header flood; blocks are built here with keys the test holds, their kernels found
 * by scanning slots with the same functions the chain checks with.
 */
import {afterEach, describe, expect, it} from 'vitest';
import type {Chain} from '../../source/node/chain/chain.js';
import {MAX_UNCHECKED_STAKED_HEADERS} from '../../source/node/chain/chain.js';
import type {ChainEntry} from '../../source/node/chain/entry.js';
import {ProofOfStake} from '../../source/node/consensus/engine.js';
import {isSlotTime, kernelHash, meetsKernel} from '../../source/node/consensus/kernel.js';
import {POSREGTEST_SPEC, posregtest, type NetworkParams} from '../../source/node/consensus/networks.js';
import {targetFromBits} from '../../source/node/consensus/pow.js';
import {VerifyError} from '../../source/node/errors.js';
import {Block} from '../../source/node/primitives/block.js';
import type {Coin} from '../../source/node/primitives/coin.js';
import {Header} from '../../source/node/primitives/header.js';
import {merkleRoot} from '../../source/node/primitives/merkle.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {buildStakedBlock} from '../../source/node/staking/stake-block.js';
import {coinbaseOf, extend, key, nextBlock, spend, type Key} from '../helpers/builder.js';
import {snapshot, tempChain, testNetwork, type TempChain} from '../helpers/chain-env.js';
import {fleet, waitFor} from '../helpers/net-env.js';
import {RawPeer} from '../helpers/raw-peer.js';
import {MAX_QUEUED_HEADERS, MAX_UNCHECKED_STAKED_PER_PEER} from '../../source/node/net/header-sync.js';

const envs: TempChain[] = [];
const nodes = fleet();
afterEach(async () => {
	await nodes.closeAll();
	for (const env of envs.splice(0)) await env.cleanup();
});

const alice = key('pos-rules alice');
const bob = key('pos-rules bob');

/** A chain whose clock stands far after every block time the tests use (a day past genesis). */
async function posChain(network: NetworkParams = posregtest): Promise<TempChain> {
	const now = network.genesis.header.time + 86_400;
	const env = await tempChain(network, {now: () => now});
	envs.push(env);
	return env;
}

/**
 * The mined bootstrap: block i pays `payees[i % n]`, one block every target spacing (from
 * `start` if given, else from genesis).
 */
async function bootstrap(chain: Chain, payees: readonly Key[] = [alice], start?: number): Promise<Block[]> {
	const blocks: Block[] = [];
	for (let i = 0; i < chain.network.stake!.powBlocks; i++) {
		const time = start === undefined ? {} : {time: start + i * chain.network.targetSpacing};
		blocks.push(...(await extend(chain, 1, {payTo: payees[i % payees.length]!.script, ...time})));
	}
	return blocks;
}

interface Stakeable {
	readonly prevout: OutPoint;
	readonly coin: Coin;
}

/** The owner's coins on the active chain, in a fixed order. */
async function coinsOf(chain: Chain, owner: Key): Promise<Stakeable[]> {
	const coins = await chain.getAddressCoins(owner.hash);
	return coins.sort((a, b) => a.coin.height - b.coin.height || a.prevout.key().localeCompare(b.prevout.key()));
}

/** Whether `coin` wins slot `time` on top of `prev` (prev connected: its modifier is stored). */
async function wins(chain: Chain, prev: ChainEntry, {coin, prevout}: Stakeable, time: number): Promise<boolean> {
	const stake = chain.network.stake!;
	const target = targetFromBits(chain.requiredBits(prev), stake.limit)!;
	const coinTime = chain.getAncestor(prev, coin.height)!.time;
	return meetsKernel(kernelHash(await chain.stakeModifier(prev), coinTime, prevout, time), target, coin.value);
}

/**
 * The first slot after `prev` (within 5,000) where one of `owner`'s mature coins wins (`win`
 * true) or, with `win` false, the first slot where the first mature coin loses.
 */
async function findSlot(chain: Chain, prev: ChainEntry, owner: Key, win = true, from = 0): Promise<{kernel: Stakeable; time: number}> {
	const stake = chain.network.stake!;
	const height = prev.height + 1;
	const mature = (await coinsOf(chain, owner)).filter(c => height - c.coin.height >= Math.max(stake.minStakeAge, chain.network.coinbaseMaturity));
	if (mature.length === 0) throw new Error(`${owner.hash} has no mature coin at height ${height}`);
	const candidates = win ? mature : mature.slice(0, 1);
	const first = Math.max(prev.time + 1, chain.medianTimePast(prev) + 1, from);
	for (let time = first; time < first + 5000 * stake.slot; time++) {
		if (!isSlotTime(time, stake.slot)) continue;
		for (const kernel of candidates) if ((await wins(chain, prev, kernel, time)) === win) return {kernel, time};
	}
	throw new Error('no slot found in 5,000');
}

function stakedBlock(chain: Chain, prev: ChainEntry, owner: Key, kernel: Stakeable, time: number, extra: {version?: number; txs?: Transaction[]} = {}): Block {
	return buildStakedBlock({
		prevHash: prev.hash,
		height: prev.height + 1,
		time,
		bits: chain.requiredBits(prev),
		kernel,
		privateKey: owner.priv,
		reward: chain.network.stake!.reward,
		txs: extra.txs ?? [],
		fees: 0n,
		...(extra.version !== undefined ? {version: extra.version} : {}),
	});
}

/** Stakes `n` honest blocks on the tip with `owner`'s coins; returns them. */
async function stakeOn(chain: Chain, owner: Key, n: number): Promise<Block[]> {
	const out: Block[] = [];
	for (let i = 0; i < n; i++) {
		const prev = chain.tip;
		const {kernel, time} = await findSlot(chain, prev, owner);
		const block = stakedBlock(chain, prev, owner, kernel, time);
		const result = await chain.add(block);
		if (result.status !== 'connected') throw new Error(`honest staked block ${prev.height + 1}: ${result.status}`);
		out.push(block);
	}
	return out;
}

/** The VerifyError `promise` rejects with (fails the test if it resolves or throws another error). */
async function refusal(promise: Promise<unknown>): Promise<VerifyError> {
	const error = await promise.then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(VerifyError);
	return error as VerifyError;
}

/** Asserts that `block` is not on the active chain, the tip and coins are as before, and no 'connect' for it. */
async function expectNotAdopted(chain: Chain, block: Block, before: Awaited<ReturnType<typeof snapshot>>, connected: string[]): Promise<void> {
	expect(await snapshot(chain)).toEqual(before);
	const entry = chain.getEntry(block.hash());
	if (entry) expect(chain.isMain(entry)).toBe(false);
	expect(connected).not.toContain(block.hashHex());
}

function watchConnects(chain: Chain): string[] {
	const connected: string[] = [];
	chain.on('connect', (_entry, block) => connected.push(block.hashHex()));
	return connected;
}

describe('proof-of-stake rules against hostile blocks', () => {
	it("a block whose kernel misses target × value: refused 'bad-cs-kernel' (score 100), marked invalid, tip and coins unchanged, never connected", async () => {
		const {chain} = await posChain();
		await bootstrap(chain);
		const prev = chain.tip;
		const {kernel, time} = await findSlot(chain, prev, alice, false);
		expect(await wins(chain, prev, kernel, time)).toBe(false);
		const bad = stakedBlock(chain, prev, alice, kernel, time);
		const before = await snapshot(chain);
		const connected = watchConnects(chain);

		const error = await refusal(chain.add(bad));
		expect(error.reason).toBe('bad-cs-kernel');
		expect(error.score).toBe(100);
		await expectNotAdopted(chain, bad, before, connected);
		expect(chain.getTips().find(t => t.hash === bad.hashHex())?.status).toBe('invalid');
	});

	it("a coinstake of a coin younger than the minimum stake age: refused 'bad-cs-age' (score 100), tip and coins unchanged, never connected", async () => {
		const {chain} = await posChain();
		const stake = posregtest.stake!;
		const first = await extend(chain, stake.powBlocks - 1, {payTo: alice.script});
		// Block 10 moves block 1's coinbase to a plain coin of alice's: not a coinbase, so only the
		// stake age (not coinbase maturity) can refuse it at height 11.
		const move = spend([coinbaseOf(first[0]!, alice)], [new TxOut(first[0]!.txs[0]!.outputs[0]!.value, alice.script)]);
		await chain.add(nextBlock(chain, chain.tip, {payTo: alice.script, txs: [move]}));
		expect(chain.height).toBe(stake.powBlocks);
		const young: Stakeable = {prevout: new OutPoint(move.hash(), 0), coin: (await chain.getCoin(new OutPoint(move.hash(), 0)))!};
		expect(young.coin.coinbase).toBe(false);
		expect(chain.height + 1 - young.coin.height).toBeLessThan(stake.minStakeAge);
		const prev = chain.tip;
		const bad = stakedBlock(chain, prev, alice, young, prev.time + 1);
		const before = await snapshot(chain);
		const connected = watchConnects(chain);

		const error = await refusal(chain.add(bad));
		expect(error.reason).toBe('bad-cs-age');
		expect(error.score).toBe(100);
		await expectNotAdopted(chain, bad, before, connected);
	});

	it("a coinstake lifted into a block with another coinbase: refused 'bad-cs-commitment' (score 100), marked invalid, tip and coins unchanged, never connected; the original block then connects", async () => {
		const {chain} = await posChain();
		await bootstrap(chain);
		const prev = chain.tip;
		const {kernel, time} = await findSlot(chain, prev, alice);
		const honest = stakedBlock(chain, prev, alice, kernel, time);
		// Same coinstake (its commitment and signature untouched), another coinbase, a fresh root.
		const cb = honest.txs[0]!;
		const otherCoinbase = new Transaction(cb.version, [new TxIn(cb.inputs[0]!.prevout, Uint8Array.of(...cb.inputs[0]!.script, 0x51))], cb.outputs, cb.locktime);
		const txs = [otherCoinbase, ...honest.txs.slice(1)];
		const h = honest.header;
		const lifted = new Block(new Header(h.version, h.prevHash, merkleRoot(txs.map(tx => tx.hash())).root, h.time, h.bits, 0), txs);
		const before = await snapshot(chain);
		const connected = watchConnects(chain);

		const error = await refusal(chain.add(lifted));
		expect(error.reason).toBe('bad-cs-commitment');
		expect(error.score).toBe(100);
		await expectNotAdopted(chain, lifted, before, connected);
		expect(chain.getEntry(lifted.hash())?.failed).toBe(true);

		expect((await chain.add(honest)).status).toBe('connected');
		expect(chain.tip.hashHex).toBe(honest.hashHex());
	});

	it("a staked header off the slot mask (slot 4 s): refused 'bad-pos-slot' (score 100) as header and as block, no entry stored, tip unchanged", async () => {
		const net = testNetwork({...POSREGTEST_SPEC, name: 'posslot4', targetSpacing: 16, stake: {...POSREGTEST_SPEC.stake!, slot: 4}});
		const {chain} = await posChain(net);
		await bootstrap(chain);
		const prev = chain.tip;
		const kernel = (await coinsOf(chain, alice))[0]!;
		let time = prev.time + 1;
		while (isSlotTime(time, 4)) time++;
		const bad = stakedBlock(chain, prev, alice, kernel, time);
		const before = await snapshot(chain);
		const connected = watchConnects(chain);

		for (const attempt of [chain.addHeader(bad.header), chain.add(bad)]) {
			const error = await refusal(attempt);
			expect(error.reason).toBe('bad-pos-slot');
			expect(error.score).toBe(100);
		}
		expect(chain.getEntry(bad.hash())).toBeUndefined();
		await expectNotAdopted(chain, bad, before, connected);
	});

	it("a staked block in its parent's slot (time equal to the parent's): refused 'bad-pos-time' (score 100), no entry stored, tip unchanged", async () => {
		const {chain} = await posChain();
		await bootstrap(chain);
		const prev = chain.tip;
		const kernel = (await coinsOf(chain, alice))[0]!;
		const bad = stakedBlock(chain, prev, alice, kernel, prev.time);
		expect(prev.time).toBeGreaterThan(chain.medianTimePast(prev));
		const before = await snapshot(chain);
		const connected = watchConnects(chain);

		const error = await refusal(chain.add(bad));
		expect(error.reason).toBe('bad-pos-time');
		expect(error.score).toBe(100);
		expect(chain.getEntry(bad.hash())).toBeUndefined();
		await expectNotAdopted(chain, bad, before, connected);
	});

	it("a second, different block from the same kernel coin at the same height: refused 'bad-stake-duplicate' (score 0), not stored, the first stays the tip", async () => {
		const {chain} = await posChain();
		await bootstrap(chain);
		const prev = chain.tip;
		const {kernel, time} = await findSlot(chain, prev, alice);
		const first = stakedBlock(chain, prev, alice, kernel, time);
		expect((await chain.add(first)).status).toBe('connected');
		// The kernel does not depend on the block's contents: the winner could make any number.
		const second = stakedBlock(chain, prev, alice, kernel, time, {version: 2});
		expect(second.hashHex()).not.toBe(first.hashHex());
		const before = await snapshot(chain);
		const connected = watchConnects(chain);

		const error = await refusal(chain.add(second, {requested: true}));
		expect(error.reason).toBe('bad-stake-duplicate');
		expect(error.score).toBe(0);
		expect(chain.getEntry(second.hash())).toBeUndefined();
		await expectNotAdopted(chain, second, before, connected);
		expect(chain.tip.hashHex).toBe(first.hashHex());
	});

	it("a forged block naming alice's coin in her winning slot (bob signs): refused at connect ('mandatory-script-verify-flag-failed', marked invalid), and it does not make her block at that height a duplicate: hers connects", async () => {
		const {chain} = await posChain();
		await bootstrap(chain);
		const prev = chain.tip;
		const {kernel, time} = await findSlot(chain, prev, alice);
		// Anyone can name alice's coin in a coinstake: this one passes the kernel check on arrival
		// (the slot wins) but is not hers to sign.
		const forged = stakedBlock(chain, prev, bob, kernel, time);
		const error = await refusal(chain.add(forged));
		expect(error.reason).toBe('mandatory-script-verify-flag-failed');
		expect(chain.getEntry(forged.hash())?.failed).toBe(true);

		const honest = stakedBlock(chain, prev, alice, kernel, time);
		expect((await chain.add(honest)).status).toBe('connected');
		expect(chain.tip.hashHex).toBe(honest.hashHex());
	});
});

describe('proof-of-stake rules against deep forks and header floods', () => {
	it("a heavier branch forking deeper than maxReorgDepth: its new headers are refused 'bad-fork-too-deep' (score 0); with its blocks here it is not adopted (tip stays, status 'too-deep', a 'too-deep' event), and it is adopted under allowDeepForks(); after the release its next block connects", async () => {
		const stake = posregtest.stake!;
		const ours = await posChain();
		const theirs = await posChain();
		for (const block of await bootstrap(ours.chain, [alice, bob])) await theirs.chain.add(block);
		// Their branch: 40 blocks staked by bob after the bootstrap. Ours: alice's, first 5.
		const branch = await stakeOn(theirs.chain, bob, 40);
		await stakeOn(ours.chain, alice, 5);
		// Their headers arrive while the fork is still shallow: stored, header-only.
		for (const block of branch) await ours.chain.addHeader(block.header);
		// Then ours grows until the fork (at the bootstrap's end) is deeper than the limit.
		await stakeOn(ours.chain, alice, stake.maxReorgDepth);
		const chain = ours.chain;
		const fork = stake.powBlocks;
		expect(chain.height - fork).toBeGreaterThan(stake.maxReorgDepth);
		const theirTip = theirs.chain.tip;
		expect(theirTip.chainwork).toBeGreaterThan(chain.tip.chainwork);

		// A header on their branch, and a new one forking where theirs does: both too deep.
		const next = (await stakeOn(theirs.chain, bob, 1))[0]!;
		const forkPoint = chain.getAncestor(chain.tip, fork)!;
		const newFork = stakedBlock(chain, forkPoint, alice, (await coinsOf(theirs.chain, alice))[0]!, forkPoint.time + 7);
		for (const header of [next.header, newFork.header]) {
			const error = await refusal(chain.addHeader(header));
			expect(error.reason).toBe('bad-fork-too-deep');
			expect(error.score).toBe(0);
			expect(chain.getEntry(header.hash())).toBeUndefined();
		}

		// Their blocks arrive (as asked for by sync): stored, but the branch is held.
		const events: {tip: string; fork: number}[] = [];
		chain.on('too-deep', (tip, at) => events.push({tip: tip.hashHex, fork: at.height}));
		const before = await snapshot(chain);
		const connected = watchConnects(chain);
		for (const block of branch) expect((await chain.add(block, {requested: true})).status).toBe('side');
		expect(await snapshot(chain)).toEqual(before);
		expect(connected).toEqual([]);
		expect(chain.getEntry(theirTip.hash)!.hasData).toBe(true);
		expect(chain.getTips().find(t => t.hash === theirTip.hashHex)?.status).toBe('too-deep');
		expect(events).toContainEqual({tip: theirTip.hashHex, fork});

		// Allowed (as a clone the user asked for does): adopted; then released.
		const release = chain.allowDeepForks();
		try {
			await chain.activate();
			expect(chain.tip.hashHex).toBe(theirTip.hashHex);
			expect(connected).toHaveLength(branch.length);
		} finally {
			release();
		}
		expect((await chain.add(next)).status).toBe('connected');
	});

	it(`free staked headers ahead of checked blocks: ${MAX_UNCHECKED_STAKED_HEADERS} are stored, the next one is refused 'headers-ahead-of-blocks' (score 0), nothing past the ${MAX_UNCHECKED_STAKED_HEADERS}th is stored, tip and coins unchanged`, async () => {
		const {chain} = await posChain();
		await bootstrap(chain);
		const before = await snapshot(chain);
		const count = chain.headerCount;
		const fakes = fakeStakedHeaders(chain.network, tipInfo(chain.tip), MAX_UNCHECKED_STAKED_HEADERS + 20, 1);
		for (const header of fakes.slice(0, MAX_UNCHECKED_STAKED_HEADERS)) await chain.addHeader(header);
		expect(chain.headerCount).toBe(count + MAX_UNCHECKED_STAKED_HEADERS);
		const error = await refusal(chain.addHeader(fakes[MAX_UNCHECKED_STAKED_HEADERS]!));
		expect(error.reason).toBe('headers-ahead-of-blocks');
		expect(error.score).toBe(0);
		for (const header of fakes.slice(MAX_UNCHECKED_STAKED_HEADERS)) expect(chain.getEntry(header.hash())).toBeUndefined();
		expect(chain.headerCount).toBe(count + MAX_UNCHECKED_STAKED_HEADERS);
		expect(await snapshot(chain)).toEqual(before);
	});

	it(`over TCP, one chain of fake staked headers in 20 messages of 2,000 sent at once: the node stores at most 500 of them, drops the peer once more than ${MAX_QUEUED_HEADERS} wait, its heap comes back within 10 MB, and an honest peer still gets its next staked block`, async () => {
		const target = await nodes.node({network: posregtest, label: 'target'});
		// The bootstrap ends ~14 h before the wall clock: room for 40,000 one-second slots after it.
		const wall = () => Math.floor(Date.now() / 1000);
		await bootstrap(target.chain, [alice], wall() - 50_000);
		const good = await nodes.node({network: posregtest, label: 'good', peers: [target.address]});
		await waitFor(() => good.chain.height === target.chain.height, 'the good peer syncs the bootstrap');

		// test/vitest.config.ts runs the forks with --expose-gc: the heap is measured without litter.
		const gc = (globalThis as {gc?: () => void}).gc;
		if (!gc) throw new Error('run with --expose-gc (test/vitest.config.ts does)');
		gc();
		const heapBefore = process.memoryUsage().heapUsed;
		const count = target.chain.headerCount;
		const raw = await RawPeer.connect(target.pool.port, posregtest);
		await raw.handshake({nonce: 7001n});
		const asked = () => raw.received.filter(msg => msg.type === 'getheaders').length;
		const askedBefore = asked();
		// One chain of 40,000 headers, a message at a time; each message built just before it goes.
		let prev: {hash: Uint8Array; time: number; height: number; bits: number} = tipInfo(target.chain.tip);
		const ancestors = new Map<number, {height: number; time: number; bits: number}>();
		for (let m = 0; m < 20; m++) {
			const headers = fakeStakedHeaders(posregtest, prev, 2000, 1, ancestors);
			raw.send({type: 'headers', headers});
			const last = headers.at(-1)!;
			prev = {hash: last.hash(), time: last.time, height: prev.height + 2000, bits: last.bits};
		}
		// More than ten full messages waiting to be taken in is a flood: the peer is dropped, and
		// what it queued is not taken in.
		await waitFor(() => raw.closed, 'the flooding peer is dropped');
		await waitFor(() => target.pool.connectedPeers.length === 1, 'only the good peer left');
		expect(asked() - askedBefore).toBeLessThanOrEqual(10);
		const stored = target.chain.headerCount - count;
		expect(stored).toBeLessThanOrEqual(MAX_UNCHECKED_STAKED_HEADERS);

		// The honest peer gets the next staked block.
		const prevEntry = target.chain.tip;
		// In the last 100 s of the wall clock: the target leaves initial download and relays it.
		// (No win among ~5 coins in 100 slots at ~1/4 a slot: below 1e-12.)
		const {kernel, time} = await findSlot(target.chain, prevEntry, alice, true, wall() - 100);
		expect(time).toBeLessThanOrEqual(wall() + posregtest.maxFutureBlockTime);
		const block = stakedBlock(target.chain, prevEntry, alice, kernel, time);
		expect((await target.chain.add(block)).status).toBe('connected');
		await waitFor(() => good.chain.tip.hashHex === block.hashHex(), 'the good peer gets the staked block');
		// What the flooder queued is passed over (not taken in) and then let go: the heap comes back
		// to within 10 MB of where it was.
		ancestors.clear();
		await waitFor(() => {
			gc();
			return process.memoryUsage().heapUsed - heapBefore < 10 * 1024 * 1024;
		}, 'the heap back within 10 MB');
		expect(target.chain.headerCount - count).toBeLessThanOrEqual(MAX_UNCHECKED_STAKED_HEADERS + 1);
	});
});

describe('many short branches of free staked headers', () => {
	it(`over TCP, 400-header branches from the tip, one a message: the connection is banned once ${MAX_UNCHECKED_STAKED_PER_PEER} of its headers wait for blocks, and no more than that are stored`, async () => {
		const target = await nodes.node({network: posregtest, label: 'target'});
		await bootstrap(target.chain, [alice]);
		const count = target.chain.headerCount;
		const raw = await RawPeer.connect(target.pool.port, posregtest);
		await raw.handshake({nonce: 7002n});
		const port = raw.socket.localPort;
		const tip = tipInfo(target.chain.tip);
		// Each branch starts at the tip in its own slot (a different time, so different headers).
		for (let m = 0; m < 10 && !raw.closed; m++) {
			raw.send({type: 'headers', headers: fakeStakedHeaders(posregtest, {...tip, time: tip.time + m}, 400, 1)});
			await waitFor(() => raw.closed || target.chain.headerCount - count >= Math.min((m + 1) * 400, MAX_UNCHECKED_STAKED_PER_PEER), `branch ${m} taken in or the peer dropped`);
		}
		await waitFor(() => raw.closed, 'the peer is dropped');
		expect(target.chain.headerCount - count).toBe(MAX_UNCHECKED_STAKED_PER_PEER);
		expect(target.pool.addrman.banned().map(b => b.key)).toEqual([`in:127.0.0.1:${port}`]);
	});
});

function tipInfo(entry: ChainEntry): {hash: Uint8Array; time: number; height: number; bits: number} {
	return {hash: entry.hash, time: entry.time, height: entry.height, bits: entry.bits};
}

/**
 * `n` staked headers in a chain on `from`, one slot apart: nonce 0, the bits the rules require,
 * random merkle roots (no blocks exist for them). `ancestors`: the fake branch's staked headers
 * by height, kept across calls for the difficulty anchor.
 */
function fakeStakedHeaders(
	network: NetworkParams,
	from: {hash: Uint8Array; time: number; height: number; bits: number},
	n: number,
	step: number,
	ancestors = new Map<number, {height: number; time: number; bits: number}>(),
): Header[] {
	const engine = new ProofOfStake(network, network.stake!);
	const headers: Header[] = [];
	let prev = {...from};
	for (let i = 0; i < n; i++) {
		const bits = engine.requiredBits({height: prev.height, time: prev.time, bits: prev.bits}, h => ancestors.get(h) ?? null);
		const root = new Uint8Array(32);
		new DataView(root.buffer).setUint32(0, prev.height + 1, true);
		root[31] = 0xfa;
		const header = new Header(1, prev.hash, root, prev.time + step * network.stake!.slot, bits, 0);
		headers.push(header);
		prev = {hash: header.hash(), time: header.time, height: prev.height + 1, bits};
		if (prev.height === network.stake!.powBlocks + 1) ancestors.set(prev.height, {height: prev.height, time: prev.time, bits});
	}
	return headers;
}
