/**
 * Network parameters, one object per network. Everything consensus depends on lives here and is
 * passed in, so tests can define their own networks (for example ASERT with a short half-life).
 * The reasons for main's numbers are in README.md ("Network parameters").
 */
import type {Block} from '../primitives/block.js';
import {buildGenesis, type GenesisSpec} from './genesis.js';
import {decodeCompact} from './pow.js';

export const COIN = 100_000_000n;

/**
 * How the bits of each block are set: 'none' keeps the genesis bits forever (regtest); 'asert' is
 * Bitcoin Cash's aserti3-2d, per block, anchored at block 1 (consensus/asert.ts).
 */
export type RetargetRule = 'none' | 'asert';

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
}

/** A network ready for use: the spec with its genesis block built and its limits decoded. */
export interface NetworkParams extends Omit<NetworkSpec, 'magic' | 'genesis' | 'powLimitBits' | 'maxMoney'> {
	readonly magic: Uint8Array;
	readonly genesis: Block;
	/** The easiest target allowed. */
	readonly powLimit: bigint;
	readonly maxMoney: bigint;
}

export function makeNetwork(spec: NetworkSpec): NetworkParams {
	const {magic, genesis, powLimitBits, maxMoney, ...rest} = spec;
	return {
		...rest,
		magic: Uint8Array.from(magic),
		genesis: buildGenesis(genesis),
		powLimit: decodeCompact(powLimitBits).target,
		maxMoney: maxMoney ?? 21_000_000n * COIN,
	};
}

/** Blocks can be mined on demand: the difficulty never leaves regtest's trivial genesis bits. */
export function minesOnDemand(net: NetworkParams): boolean {
	return net.retarget === 'none';
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

/** Hashes the hard-coded genesis blocks must have; checked when the module loads. */
export const GENESIS_HASHES: Readonly<Record<string, string>> = {
	main: '000000ead480a6b68cede7b9e6960128370df19f60dd81ebcd1c86ee0c68d070',
	regtest: '29e6eb0dcae6939368fd78cea6d22994fd968ff8d7b45259350c9bfb536d4592',
};

export const main = makeNetwork(MAIN_SPEC);
export const regtest = makeNetwork(REGTEST_SPEC);

for (const net of [main, regtest]) {
	if (net.genesis.hashHex() !== GENESIS_HASHES[net.name]) {
		throw new Error(`genesis of ${net.name} does not hash to ${GENESIS_HASHES[net.name]}`);
	}
}

/** Main's genesis before ASERT (and its magic c7 1a 75 e1): datadirs holding it are refused. */
export const OLD_MAIN_GENESIS = '000000b2df553e74180c74d9f0681f2b8d0df19b8d5dfbf13dc3d19137c7791c';

export const NETWORKS: Readonly<Record<string, NetworkParams>> = {main, regtest};

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
