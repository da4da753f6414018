import {mkdtemp, rm} from 'node:fs/promises';
import {afterEach} from 'vitest';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Chain, type ChainOptions} from '../../source/node/chain/chain.js';
import {REGTEST_SPEC, makeNetwork, type NetworkParams, type NetworkSpec} from '../../source/node/consensus/networks.js';
import {buildGenesis} from '../../source/node/consensus/genesis.js';
import {checkProofOfWork, decodeCompact} from '../../source/node/consensus/pow.js';
import {toHex} from '../../source/node/encoding/hex.js';

/** A network for tests: regtest with overrides, its genesis mined here if the bits need it. */
export function testNetwork(overrides: Partial<NetworkSpec> = {}): NetworkParams {
	const spec = {...REGTEST_SPEC, name: 'test', ...overrides};
	const limit = decodeCompact(spec.powLimitBits).target;
	for (let nonce = 0; nonce < 1_000_000; nonce++) {
		const genesis = {...spec.genesis, ...overrides.genesis, nonce};
		if (checkProofOfWork(buildGenesis(genesis).hash(), genesis.bits, limit)) return makeNetwork({...spec, genesis});
	}
	throw new Error('could not mine a test genesis');
}

/** Regtest rules with a short coinbase maturity, so spends need few blocks. */
export const quickNet = testNetwork({coinbaseMaturity: 3});

/**
 * ASERT on 10 s blocks with a 100 s half-life, from a genesis 16x harder than the limit, so two
 * branches can differ in work per block: fast blocks make it harder, slow ones easier, each block.
 */
export const asertNet = testNetwork({
	name: 'asert',
	retarget: 'asert',
	targetSpacing: 10,
	halfLife: 100,
	powLimitBits: 0x207fffff,
	genesis: {...REGTEST_SPEC.genesis, bits: 0x2007ffff},
});

export interface TempChain {
	chain: Chain;
	path: string;
	options: ChainOptions;
	reopen(extra?: Partial<ChainOptions>): Promise<Chain>;
	cleanup(): Promise<void>;
}

/** A chain on a real LevelDB in a fresh temp dir; the clock is pinned far after genesis. */
export async function tempChain(network: NetworkParams = quickNet, extra: Partial<ChainOptions> = {}): Promise<TempChain> {
	const path = await mkdtemp(join(tmpdir(), 'chain-tui-test-'));
	const now = network.genesis.header.time + 10_000_000;
	const options: ChainOptions = {network, path, now: () => now, ...extra};
	const env: TempChain = {
		chain: await Chain.open(options),
		path,
		options,
		async reopen(more = {}) {
			await env.chain.close();
			env.chain = await Chain.open({...options, ...more});
			return env.chain;
		},
		async cleanup() {
			await env.chain.close().catch(() => undefined);
			await rm(path, {recursive: true, force: true});
		},
	};
	return env;
}

/** Tip, height and the whole UTXO set as comparable strings. */
export async function snapshot(chain: Chain): Promise<{tip: string; height: number; utxos: string[]}> {
	const utxos: string[] = [];
	for await (const {prevout, coin} of chain.coins()) utxos.push(`${prevout.key()} ${toHex(coin.toRaw())}`);
	return {tip: chain.tip.hashHex, height: chain.height, utxos};
}

/**
 * tempChain for a test file: every chain it opens is closed and removed after each test. Call it
 * at the top level of the file (it registers an afterEach there).
 */
export function freshChains(): (...args: Parameters<typeof tempChain>) => Promise<TempChain> {
	const envs: TempChain[] = [];
	afterEach(async () => {
		for (const env of envs.splice(0)) await env.cleanup();
	});
	return async (...args) => {
		const env = await tempChain(...args);
		envs.push(env);
		return env;
	};
}
