/**
 * The block producer of a proof-of-stake network: in each slot it tries every mature wallet coin
 * against the kernel (consensus/kernel.ts), and when one wins it builds, signs and adds the block
 * (the pool relays it as any new tip). It also keeps what the stake pane and getstakinginfo show:
 * weights, the chance per slot, blocks won against blocks expected, and the last slots' kernels.
 */
import {EventEmitter} from 'node:events';
import type {Chain} from '../chain/chain.js';
import type {ProofOfStake} from '../consensus/engine.js';
import {kernelHash, kernelMargin, kernelRank} from '../consensus/kernel.js';
import {targetFromBits} from '../consensus/pow.js';
import {VerifyError} from '../errors.js';
import type {Mempool} from '../mempool/mempool.js';
import {selectTransactions} from '../mining/template.js';
import type {Block} from '../primitives/block.js';
import type {Coin} from '../primitives/coin.js';
import type {OutPoint} from '../primitives/tx.js';
import type {Wallet} from '../wallet/wallet.js';
import {buildStakedBlock, STAKED_BLOCK_RESERVED} from './stake-block.js';

/** Why the staker is not trying now (null: it is). Typed, so the screen and RPC decide by code. */
export type NotStakingReason = 'disabled' | 'bootstrap' | 'locked' | 'no-coins' | 'syncing' | 'not-pos';

/** One slot's tries: the best kernel among my coins, as a share of its target (below 1 wins). */
export interface SlotTry {
	readonly slot: number;
	readonly height: number;
	readonly coins: number;
	/** hash / (target × value) of my best coin: under 1 is a win; null when no coin tried. */
	readonly best: number | null;
	readonly won: boolean;
}

export interface StakingStatus {
	readonly enabled: boolean;
	readonly staking: boolean;
	readonly reason: NotStakingReason | null;
	/** Mature coins tried each slot, and their value. */
	readonly coins: number;
	readonly weight: bigint;
	/** The network's staking weight, estimated from recent blocks' targets and spacing. */
	readonly netWeight: bigint;
	/** Chance that one of my coins wins the next slot. */
	readonly chancePerSlot: number;
	/** Expected seconds to my next block at that chance (null: none). */
	readonly expectedSeconds: number | null;
	readonly won: number;
	/** Sum of my chances over the slots tried: blocks a fair lottery owes me so far. */
	readonly expected: number;
	readonly slotsTried: number;
	readonly lastTries: readonly SlotTry[];
	readonly height: number;
	readonly bits: number;
}

export interface StakerOptions {
	readonly chain: Chain;
	readonly mempool: Mempool;
	readonly wallet: Wallet;
	/** Seconds since the epoch (injected for tests). */
	readonly now?: () => number;
	/** True while the node is still catching up: staking on an old tip only makes forks. */
	readonly syncing?: () => boolean;
	/** Try each slot on a timer (default); false: only when tryOnce is called (tests). */
	readonly timer?: boolean;
	/**
	 * Real milliseconds between tries, each in the slot `now` gives: for tests whose clock runs
	 * faster than the wall's. Default: just past each slot boundary of the wall clock.
	 */
	readonly tickMs?: number;
}

/** Slots kept for the pane's kernel list. */
const TRIES_KEPT = 16;
/** Staked blocks the network-weight estimate looks back over (Blackcoin's GetPoSKernelPS: 72). */
const WEIGHT_WINDOW = 72;
const TWO_256 = 1n << 256n;

export class Staker extends EventEmitter<{status: [StakingStatus]; block: [Block]; error: [Error]}> {
	private readonly chain: Chain;
	private readonly mempool: Mempool;
	private readonly wallet: Wallet;
	private readonly now: () => number;
	private readonly syncing: () => boolean;
	private readonly engine: ProofOfStake;
	private enabled = false;
	private timer: NodeJS.Timeout | undefined;
	private readonly useTimer: boolean;
	private readonly tickMs: number | undefined;
	private busy = false;
	/** The tip and slot last tried: each coin gets one try per slot and modifier. */
	private lastTried = '';
	private won = 0;
	private expected = 0;
	private slotsTried = 0;
	private tries: SlotTry[] = [];
	private last: {reason: NotStakingReason | null; coins: number; weight: bigint} = {reason: 'disabled', coins: 0, weight: 0n};

	constructor(options: StakerOptions) {
		super();
		this.chain = options.chain;
		this.mempool = options.mempool;
		this.wallet = options.wallet;
		this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
		this.syncing = options.syncing ?? (() => false);
		this.useTimer = options.timer ?? true;
		this.tickMs = options.tickMs;
		if (!this.chain.network.stake) throw new Error(`${this.chain.network.name} is not a proof-of-stake network`);
		this.engine = this.chain.engine as ProofOfStake;
	}

	get isEnabled(): boolean {
		return this.enabled;
	}

	/** Starts trying each slot (no-op if on). */
	start(): void {
		if (this.enabled) return;
		this.enabled = true;
		this.schedule();
		if (this.useTimer) void this.tick();
	}

	stop(): void {
		this.enabled = false;
		clearTimeout(this.timer);
		this.timer = undefined;
		this.last = {...this.last, reason: 'disabled'};
		this.emit('status', this.status());
	}

	close(): void {
		this.stop();
	}

	private schedule(): void {
		clearTimeout(this.timer);
		if (!this.enabled || !this.useTimer) return;
		const slotMs = this.engine.stake.slot * 1000;
		// Just past the next slot boundary of the wall clock.
		const wait = this.tickMs ?? slotMs - (Date.now() % slotMs) + 25;
		this.timer = setTimeout(() => {
			this.schedule();
			void this.tick();
		}, wait);
		this.timer.unref();
	}

	private async tick(): Promise<void> {
		if (this.busy || !this.enabled) return;
		this.busy = true;
		try {
			await this.tryOnce();
		} catch (error) {
			this.emit('error', error as Error);
		} finally {
			this.busy = false;
		}
	}

	/**
	 * Tries every stakeable coin in the current slot (or `slot`), on the current tip; adds and
	 * returns the block if one wins. Each coin tries once per slot and tip.
	 */
	async tryOnce(slotTime?: number): Promise<Block | null> {
		const {chain, engine} = this;
		const stake = engine.stake;
		const slot = slotTime ?? Math.floor(this.now() / stake.slot) * stake.slot;
		const tip = chain.tip;
		const height = tip.height + 1;
		const reason = await this.notStaking(height);
		if (reason) {
			this.last = {...this.last, reason};
			this.emit('status', this.status());
			return null;
		}
		const key = `${tip.hashHex}:${slot}`;
		// A slot must come after the tip's and after its median time past.
		if (key === this.lastTried || slot <= tip.time || slot <= chain.medianTimePast(tip)) return null;
		this.lastTried = key;

		const bits = chain.requiredBits(tip);
		const target = targetFromBits(bits, stake.limit);
		if (target === null) throw new Error(`staking bits ${bits.toString(16)} give no target`);
		const coins = await this.wallet.stakeableCoins(height, stake.minStakeAge);
		const modifier = await chain.stakeModifier(tip);
		let weight = 0n;
		let best: number | null = null;
		let winner: {prevout: OutPoint; coin: Coin; publicKey: Uint8Array; rank: bigint} | null = null;
		for (const {prevout, coin, publicKey} of coins) {
			weight += coin.value;
			const from = chain.getAncestor(tip, coin.height);
			if (!from) continue;
			const hash = kernelHash(modifier, from.time, prevout, slot);
			const margin = kernelMargin(hash, target, coin.value);
			if (best === null || margin < best) best = margin;
			const rank = kernelRank(hash, target, coin.value);
			if (rank !== null && (!winner || rank < winner.rank)) winner = {prevout, coin, publicKey, rank};
		}
		const chance = chancePerSlot(weight, target);
		this.slotsTried++;
		this.expected += chance;
		this.last = {reason: coins.length === 0 ? 'no-coins' : null, coins: coins.length, weight};
		this.remember({slot, height, coins: coins.length, best, won: winner !== null});
		if (!winner) {
			this.emit('status', this.status());
			return null;
		}
		const {txs, fees} = selectTransactions(this.mempool, chain.network.maxBlockSize - STAKED_BLOCK_RESERVED);
		const block = buildStakedBlock({
			prevHash: tip.hash,
			height,
			time: slot,
			bits,
			kernel: winner,
			privateKey: this.wallet.keystore.privateKey(winner.publicKey),
			reward: stake.reward,
			txs,
			fees,
		});
		try {
			await chain.add(block);
		} catch (error) {
			// Our own block refused: a bug or a race with a block that just came in; said, not fatal.
			if (error instanceof VerifyError) {
				this.emit('error', new Error(`our staked block at height ${height} was refused: ${error.message}`));
				return null;
			}
			throw error;
		}
		this.won++;
		this.emit('block', block);
		this.emit('status', this.status());
		return block;
	}

	private async notStaking(height: number): Promise<NotStakingReason | null> {
		if (!this.enabled) return 'disabled';
		if (this.engine.kindAt(height) !== 'stake') return 'bootstrap';
		if (this.wallet.keystore.locked) return 'locked';
		if (this.syncing()) return 'syncing';
		return null;
	}

	private remember(entry: SlotTry): void {
		this.tries.push(entry);
		if (this.tries.length > TRIES_KEPT) this.tries = this.tries.slice(-TRIES_KEPT);
	}

	/** The network's weight from the last staked blocks: Σ 2^256/target over the slots they took. */
	netWeight(): bigint {
		const {chain, engine} = this;
		const first = engine.stake.powBlocks + 1;
		const tip = chain.tip;
		if (tip.height <= first) {
			// No staked blocks to go by yet: the weight the start bits were set for.
			const target = targetFromBits(engine.stake.startBits, engine.stake.limit)!;
			return TWO_256 / (target * BigInt(chain.network.targetSpacing / engine.stake.slot));
		}
		const from = chain.getAncestor(tip, Math.max(first, tip.height - WEIGHT_WINDOW))!;
		let sum = 0n;
		for (let e = tip; e !== from && e.prev; e = e.prev) {
			const target = targetFromBits(e.bits, engine.stake.limit);
			if (target) sum += TWO_256 / target;
		}
		const slots = BigInt(Math.max(1, Math.round((tip.time - from.time) / engine.stake.slot)));
		return sum / slots;
	}

	status(): StakingStatus {
		return this.statusFor(this.last.coins, this.last.weight);
	}

	/**
	 * The status, with the coins and chance of the wallet's stakeable coins now where the staker is
	 * not trying (off, locked, bootstrap, syncing): what staking would do, for the screen.
	 */
	async preview(): Promise<StakingStatus> {
		// Trying: its own last figures. Otherwise the status is made once, from the wallet's coins.
		if (this.enabled && this.last.reason === null) return this.status();
		const coins = await this.wallet.stakeableCoins(this.chain.tip.height + 1, this.engine.stake.minStakeAge);
		return this.statusFor(coins.length, coins.reduce((sum, c) => sum + c.coin.value, 0n));
	}

	private statusFor(coins: number, weight: bigint): StakingStatus {
		const {chain} = this;
		const tip = chain.tip;
		const bits = chain.engine.kindAt(tip.height + 1) === 'stake' ? chain.requiredBits(tip) : this.engine.stake.startBits;
		const target = targetFromBits(bits, this.engine.stake.limit) ?? 0n;
		const chance = chancePerSlot(weight, target);
		const reason = this.enabled ? this.last.reason : 'disabled';
		return {
			enabled: this.enabled,
			staking: reason === null,
			reason,
			coins,
			weight,
			netWeight: this.netWeight(),
			chancePerSlot: chance,
			expectedSeconds: chance > 0 ? this.engine.stake.slot / chance : null,
			won: this.won,
			expected: this.expected,
			slotsTried: this.slotsTried,
			lastTries: [...this.tries],
			height: tip.height + 1,
			bits,
		};
	}
}

/** Chance that coins of total `weight` win a slot at `target`: 1 - Π(1 - p_i) ≈ Σ p_i, capped at 1. */
export function chancePerSlot(weight: bigint, target: bigint): number {
	if (weight <= 0n || target <= 0n) return 0;
	const p = Number((weight * target) >> 200n) / 2 ** 56;
	return Math.min(1, p);
}
