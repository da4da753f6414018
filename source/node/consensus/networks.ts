/**
 * Network parameters, one object per network. Everything consensus depends on lives here and is
 * passed in, so tests can define their own networks (for example ASERT with a short half-life).
 * The reasons for main's numbers are in README.md ("Network parameters").
 */
import type {Block} from '../primitives/block.js';
import {buildGenesis, type GenesisSpec} from './genesis.js';
import {decodeCompact, encodeCompact} from './pow.js';

export const COIN = 100_000_000n;

/**
 * How the bits of each block are set: 'none' keeps the genesis bits forever (regtest); 'asert' is
 * Bitcoin Cash's aserti3-2d, per block, anchored at block 1 (consensus/asert.ts).
 */
export type RetargetRule = 'none' | 'asert';

/**
 * Proof of stake after a short proof-of-work bootstrap (consensus/kernel.ts, README "Proof of
 * stake"). Blocks 1..powBlocks are mined at the genesis bits; every later block is staked.
 */
export interface StakeSpec {
	/** The last mined block; the next is the first staked one (the PoS ASERT anchor). */
	readonly powBlocks: number;
	/** Seconds per slot: a staked block's time is a multiple of it (Blackcoin's timestamp mask + 1). */
	readonly slot: number;
	/** Confirmations a coin needs before it can stake (and a coinstake output before it is spent). */
	readonly minStakeAge: number;
	/** Paid to the staker on top of the block's fees. */
	readonly reward: bigint;
	/** A branch forking deeper than this below our tip is never adopted; clone is the way back. */
	readonly maxReorgDepth: number;
	/** Compact form of the easiest PoS target (per unit of coin value). */
	readonly limitBits: number;
	/** The PoS ASERT half-life in seconds. */
	readonly halfLife: number;
}

/** The numbers a network is defined by, as written in this file. */
export interface NetworkSpec {
	readonly name: string;
	/** The 4 message-start bytes of every wire message. */
	readonly magic: readonly number[];
	readonly port: number;
	readonly addressVersion: number;
	readonly genesis: GenesisSpec;
	/** Compact form of the easiest target allowed. */
	readonly powLimitBits: number;
	readonly retarget: RetargetRule;
	/** Target seconds between blocks. */
	readonly targetSpacing: number;
	/** ASERT: seconds the chain must run ahead of (behind) schedule for the target to halve (double). */
	readonly halfLife: number;
	/** How far ahead of our clock a block's time may be, in seconds (Bitcoin: 2 h). */
	readonly maxFutureBlockTime: number;
	readonly initialSubsidy: bigint;
	readonly halvingInterval: number;
	readonly coinbaseMaturity: number;
	/** Serialised block size limit in bytes. */
	readonly maxBlockSize: number;
	readonly maxMoney?: bigint;
	/**
	 * Core's nMinimumChainWork: a chain with less work is never stored (the anti-DoS threshold is
	 * at least this), and a node whose tip has less is in initial download however fresh the tip.
	 * Core raises it each release to the work of the chain then known; here too, by hand, as the
	 * network grows. A value above the real chain's work would stop every new node, so a network
	 * launched with this code starts at its genesis block's work. 0 (the default) on test networks.
	 */
	readonly minimumChainWork?: bigint;
	/** Present on proof-of-stake networks. */
	readonly stake?: StakeSpec;
}

/** StakeSpec with its targets decoded. */
export interface StakeParams extends Omit<StakeSpec, 'limitBits'> {
	/** The easiest PoS target. */
	readonly limit: bigint;
	/**
	 * The first staked block's bits: a target at which every bootstrap coin old enough to stake
	 * it, staking, finds a block about once per target spacing. ASERT moves it from there.
	 */
	readonly startBits: number;
}

/** A network ready for use: the spec with its genesis block built and its limits decoded. */
export interface NetworkParams extends Omit<NetworkSpec, 'magic' | 'genesis' | 'powLimitBits' | 'maxMoney' | 'minimumChainWork' | 'stake'> {
	readonly magic: Uint8Array;
	readonly genesis: Block;
	/** The easiest target allowed. */
	readonly powLimit: bigint;
	readonly maxMoney: bigint;
	readonly minimumChainWork: bigint;
	readonly stake?: StakeParams;
}

export function makeNetwork(spec: NetworkSpec): NetworkParams {
	const {magic, genesis, powLimitBits, maxMoney, minimumChainWork, stake, ...rest} = spec;
	const net = {
		...rest,
		magic: Uint8Array.from(magic),
		genesis: buildGenesis(genesis),
		powLimit: decodeCompact(powLimitBits).target,
		maxMoney: maxMoney ?? 21_000_000n * COIN,
		minimumChainWork: minimumChainWork ?? 0n,
	};
	if (!stake) return net;
	const {limitBits, ...stakeRest} = stake;
	if (spec.targetSpacing % stake.slot !== 0) throw new Error(`${spec.name}: the target spacing must be whole slots`);
	const limit = decodeCompact(limitBits).target;
	// What can stake the first staked block: the bootstrap coinbases old enough by then.
	const age = Math.max(stake.minStakeAge, spec.coinbaseMaturity);
	let supply = 0n;
	for (let h = 1; h <= stake.powBlocks + 1 - age; h++) supply += subsidyAt(h, net);
	const slotsPerBlock = BigInt(spec.targetSpacing / stake.slot);
	const start = supply > 0n ? (1n << 256n) / (slotsPerBlock * supply) : limit;
	return {...net, stake: {...stakeRest, limit, startBits: encodeCompact(start < limit ? start : limit)}};
}

/** Whether the block at `height` is staked (false on proof-of-work networks). */
export function isStakedHeight(net: NetworkParams, height: number): boolean {
	return net.stake !== undefined && height > net.stake.powBlocks;
}

/** Blocks can be mined on demand: the difficulty never leaves regtest's trivial genesis bits. */
export function minesOnDemand(net: NetworkParams): boolean {
	return net.retarget === 'none';
}

/**
 * Whether the block after `height` may be mined: always on proof-of-work networks, only during
 * the bootstrap on proof-of-stake ones.
 */
export function minesAt(net: NetworkParams, height: number): boolean {
	return !isStakedHeight(net, height);
}

const REGTEST_GENESIS_TIME = 1795132800; // 2026-11-20 00:00:00 UTC

export const MAIN_SPEC: NetworkSpec = {
	name: 'main',
	magic: [0xc7, 0x1a, 0x75, 0xe3], // e1 was main before ASERT: old and new nodes never talk
	port: 1111,
	addressVersion: 0x1c, // addresses start with 'C'
	genesis: {
		time: 1795910400, // 2026-11-29 00:00:00 UTC
		bits: 0x1e00ffff, // ~16.8 M hashes a block: ~20 s for one core of the JS miner
		nonce: 6631375,
		message: 'chain-tui main 2026-11-29: every node a full node, every block in plain sight',
	},
	powLimitBits: 0x1f00ffff, // 256x easier than genesis, so a lone slow machine can still find blocks
	retarget: 'asert',
	targetSpacing: 20,
	halfLife: 3600, // 180 blocks: see README, "Network parameters"
	maxFutureBlockTime: 10 * 60, // Bitcoin's 2 h is 12 of its blocks; 10 min is 30 of ours
	initialSubsidy: 50n * COIN,
	halvingInterval: 210_000,
	coinbaseMaturity: 10, // ~3-4 minutes: a new miner spends soon
	maxBlockSize: 100_000, // ~600 P2PKH inputs: their signatures check in ~1 s on two cores
	// The genesis block's work (blockWork(0x1e00ffff)): the network launched with this code, so
	// no later chain is known to every node yet. Raise it release by release (README "Network").
	minimumChainWork: 0x1000100n,
};

export const REGTEST_SPEC: NetworkSpec = {
	name: 'regtest',
	magic: [0xc7, 0x1a, 0x75, 0xe2],
	port: 19111,
	addressVersion: 0x6f, // 'm' or 'n', as Bitcoin's test networks
	genesis: {time: REGTEST_GENESIS_TIME, bits: 0x207fffff, nonce: 0, message: 'chain-tui regtest'},
	powLimitBits: 0x207fffff,
	retarget: 'none',
	targetSpacing: 20,
	halfLife: 3600, // unused: no retarget
	maxFutureBlockTime: 2 * 60 * 60, // Core's regtest
	initialSubsidy: 50n * COIN,
	halvingInterval: 150,
	coinbaseMaturity: 100,
	maxBlockSize: 100_000,
};

const POS_GENESIS_TIME = 1795910400; // 2026-11-29 00:00:00 UTC

/**
 * Proof of stake for a small network. The bootstrap is mined at trivial bits (any machine mines its
 * 100 blocks in a moment); from block 101 blocks are staked. Numbers: README "Proof of stake".
 */
export const POS_SPEC: NetworkSpec = {
	name: 'pos',
	magic: [0xc7, 0x1a, 0x75, 0xf0],
	port: 1121,
	addressVersion: 0x37, // 'P'
	genesis: {time: POS_GENESIS_TIME, bits: 0x207fffff, nonce: 0, message: 'chain-tui pos 2026-11-29: stake is coins held'},
	powLimitBits: 0x207fffff,
	retarget: 'none',
	targetSpacing: 64,
	halfLife: 3600, // unused by the bootstrap; the staked blocks have their own (stake.halfLife)
	maxFutureBlockTime: 2 * 60,
	initialSubsidy: 50n * COIN,
	halvingInterval: 210_000,
	coinbaseMaturity: 60,
	maxBlockSize: 100_000,
	minimumChainWork: 2n, // the genesis block's work (blockWork(0x207fffff)), as main
	stake: {
		powBlocks: 100,
		slot: 16,
		minStakeAge: 60,
		reward: 10n * COIN,
		maxReorgDepth: 100,
		limitBits: 0x1d00ffff, // one coin alone: a block every ~44 slots
		halfLife: 3600,
	},
};

/** posregtest: the same rules, fast, for tests and one-machine demonstrations. */
export const POSREGTEST_SPEC: NetworkSpec = {
	name: 'posregtest',
	magic: [0xc7, 0x1a, 0x75, 0xf1],
	port: 19121,
	addressVersion: 0x75, // 'p'
	genesis: {time: REGTEST_GENESIS_TIME, bits: 0x207fffff, nonce: 0, message: 'chain-tui posregtest'},
	powLimitBits: 0x207fffff,
	retarget: 'none',
	targetSpacing: 4,
	halfLife: 3600,
	maxFutureBlockTime: 15,
	initialSubsidy: 50n * COIN,
	halvingInterval: 150,
	coinbaseMaturity: 5,
	maxBlockSize: 100_000,
	stake: {
		powBlocks: 10,
		slot: 1,
		minStakeAge: 5,
		reward: 10n * COIN,
		maxReorgDepth: 20,
		limitBits: 0x1d00ffff,
		halfLife: 120,
	},
};

/** Hashes the hard-coded genesis blocks must have; checked when the module loads. */
export const GENESIS_HASHES: Readonly<Record<string, string>> = {
	main: '000000ead480a6b68cede7b9e6960128370df19f60dd81ebcd1c86ee0c68d070',
	regtest: '29e6eb0dcae6939368fd78cea6d22994fd968ff8d7b45259350c9bfb536d4592',
	pos: '5aed545171d828a51878bc9665238d204d0fc411c6364f82f15aad141c944863',
	posregtest: '5eb7111f7e6792b3126eba6dd4c24d70e14be348c24c8e314c63d71b1f36e67a',
};

export const main = makeNetwork(MAIN_SPEC);
export const regtest = makeNetwork(REGTEST_SPEC);
export const pos = makeNetwork(POS_SPEC);
export const posregtest = makeNetwork(POSREGTEST_SPEC);

for (const net of [main, regtest, pos, posregtest]) {
	if (net.genesis.hashHex() !== GENESIS_HASHES[net.name]) {
		throw new Error(`genesis of ${net.name} does not hash to ${GENESIS_HASHES[net.name]}`);
	}
}

/** Main's genesis before ASERT (and its magic c7 1a 75 e1): datadirs holding it are refused. */
export const OLD_MAIN_GENESIS = '000000b2df553e74180c74d9f0681f2b8d0df19b8d5dfbf13dc3d19137c7791c';

export const NETWORKS: Readonly<Record<string, NetworkParams>> = {main, regtest, pos, posregtest};

export function networkByName(name: string): NetworkParams {
	const net = NETWORKS[name];
	if (!net) throw new Error(`unknown network "${name}" (expected one of: ${Object.keys(NETWORKS).join(', ')})`);
	return net;
}

/** Block subsidy at a height: halves every halvingInterval, zero after 64 halvings. */
export function subsidyAt(height: number, net: NetworkParams): bigint {
	const halvings = Math.floor(height / net.halvingInterval);
	if (halvings >= 64) return 0n;
	return net.initialSubsidy >> BigInt(halvings);
}
