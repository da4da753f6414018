/**
 * Crash safety: the real binary, headless on regtest, is killed with SIGKILL at random moments
 * and restarted, in three kinds of rounds:
 *
 * - sync: it syncs a 1,000-block chain with payments from a reference node; some kills land
 *   while it syncs, some while it is still starting (opening the datadir, carrying on what the
 *   previous kill cut short);
 * - reorg: it holds a 200-block fork with conflicting payments and meets the reference, which has
 *   more work; it is killed part-way through disconnecting or connecting, then killed again
 *   while it starts up and carries the reorganisation on;
 * - mining: it mines its own branch (`--mine`, two threads, plus generatetoaddress) and is killed
 *   while blocks are being found, then again while it starts mining;
 * - staking: on posregtest (`--stake`) it is killed once its staked chain has grown, again while it
 *   starts up, and must then stake on from where it was: coins, undo data and stake modifiers whole.
 *
 * After every kill the datadir, read as the kill left it, must be whole: the tip on a known
 * branch and the UTXO set, undo data and indexes equal to a rebuild from the stored blocks
 * (test/helpers/datadir-check.ts). Each round ends with the node caught up on the reference
 * chain, with the reference's gettxoutsetinfo hash. A wallet killed in the middle of writes must
 * reopen whole. CRASH_ROUNDS sets the sync rounds (3 in npm test, 25 in `npm run test:crash`);
 * reorg and mining rounds are a third of that each, at least 3.
 */
import {spawn} from 'node:child_process';
import {cp, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {posregtest, regtest} from '../../source/node/consensus/networks.js';
import {hash160} from '../../source/node/crypto/hash.js';
import {p2pkhScript} from '../../source/node/primitives/script.js';
import {utxoSetInfo} from '../../source/node/chain/utxo-stats.js';
import {Chain} from '../../source/node/chain/chain.js';
import {Mempool} from '../../source/node/mempool/mempool.js';
import {Miner} from '../../source/node/mining/miner.js';
import {encodeAddress} from '../../source/node/crypto/address.js';
import {toHex} from '../../source/node/encoding/hex.js';
import type {Block} from '../../source/node/primitives/block.js';
import {TxOut, type Transaction} from '../../source/node/primitives/tx.js';
import {Keystore} from '../../source/node/wallet/keystore.js';
import {coinbaseOf, key, spend} from '../helpers/builder.js';
import {checkDatadir, isUnwritten, type DatadirState} from '../helpers/datadir-check.js';
import {startNode, waitFor, type TestNode} from '../helpers/net-env.js';
import {Proc, freePort} from '../helpers/proc.js';
import {seeded as random} from '../helpers/seeded.js';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);
const SIDE_ROUNDS = Math.max(3, Math.ceil(ROUNDS / 3));
const FORK_AT = 700; // the fork branch leaves the reference chain above this height…
const FORK_TIP = 900; // …and ends here, with less work than the reference's 1,000 blocks
const MINE_FROM = 600; // mining rounds start from the reference chain up to here
const AUTH = `Basic ${Buffer.from('crash:test').toString('base64')}`;

let ref: TestNode;
let home: string;
let refBlocks: Block[];
/** Display hash -> height, for the reference chain and for the fork branch (shared part included). */
const onRef = new Map<string, number>();
const onFork = new Map<string, number>();
let refUtxoHash: string;
let forkTemplate: string;
let mineTemplate: string;
/** Payments the mining rounds put in the miner's pool, so mined blocks carry transactions. */
let minerTxs: Transaction[];

const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function rpc(port: number, method: string, ...params: unknown[]): Promise<unknown> {
	const res = await fetch(`http://127.0.0.1:${port}/`, {method: 'POST', headers: {authorization: AUTH, 'content-type': 'application/json'}, body: JSON.stringify({jsonrpc: '1.0', id: 1, method, params})});
	const body = (await res.json()) as {result: unknown; error: {code: number; message: string} | null};
	if (body.error) throw new Error(`${method}: ${body.error.message} (${body.error.code})`);
	return body.result;
}

/** One run of the binary on `datadir`, with RPC on a port of its own. */
class Victim {
	readonly proc: Proc;
	private constructor(
		readonly rpcPort: number,
		args: string[],
	) {
		this.proc = new Proc(args);
	}

	static async start(datadir: string, ...extra: string[]): Promise<Victim> {
		return Victim.startOn('regtest', datadir, ...extra);
	}

	static async startOn(network: string, datadir: string, ...extra: string[]): Promise<Victim> {
		const [port, rpcPort] = [await freePort(), await freePort()];
		return new Victim(rpcPort, ['--network', network, '--headless', '--port', String(port), '--rpc-port', String(rpcPort), '--rpc-user', 'crash', '--rpc-password', 'test', '--datadir', datadir, ...extra]);
	}

	call(method: string, ...params: unknown[]): Promise<unknown> {
		return rpc(this.rpcPort, method, ...params);
	}

	kill(): Promise<number | null> {
		return this.proc.stop('SIGKILL');
	}

	/** Polls `probe` over RPC and kills the node as soon as `hit` holds for what it returns. */
	async killWhen<T>(probe: () => Promise<T>, hit: (value: T) => boolean, what: string, ms = 60_000): Promise<T> {
		const deadline = Date.now() + ms;
		while (Date.now() < deadline) {
			if (this.proc.code !== null) throw new Error(`the node exited (${this.proc.code}) before ${what}:\n${this.tail()}`);
			const value = await probe().catch(() => undefined);
			if (value !== undefined && hit(value)) {
				await this.kill();
				return value;
			}
			await pause(5);
		}
		throw new Error(`timed out after ${ms} ms waiting for ${what}:\n${this.tail()}`);
	}

	/**
	 * Kills the node `extraMs` after its RPC first answers -28 (datadir locked, chain loading:
	 * that is when it carries on what a crash cut short). Says whether it was still loading.
	 */
	async killWhileLoading(extraMs: number, network = 'regtest'): Promise<'loading' | 'started'> {
		const deadline = Date.now() + 20_000;
		for (;;) {
			if (this.proc.code !== null) throw new Error(`the node exited (${this.proc.code}) while starting:\n${this.tail()}`);
			if (Date.now() > deadline) throw new Error(`the node never started loading:\n${this.tail()}`);
			const answer = await this.call('getblockcount').then(
				() => 'ready',
				(error: Error) => (/\(-28\)/.test(error.message) ? 'loading' : 'down'),
			);
			if (answer !== 'down') break;
			await pause(2);
		}
		await pause(extraMs);
		await this.kill();
		return new RegExp(`${network}: datadir`).test(this.proc.stdout) ? 'started' : 'loading';
	}

	/** Waits for the node to reach the reference tip and checks its UTXO hash there; stops it cleanly. */
	async convergeAndStop(): Promise<void> {
		try {
			await this.proc.waitFor(/listening on port/);
			await waitFor(async () => (await this.call('getbestblockhash').catch(() => '')) === ref.chain.tip.hashHex, 'the node on the reference tip', 60_000).catch(error => {
				throw new Error(`${(error as Error).message}\n${this.tail()}`);
			});
			const info = (await this.call('gettxoutsetinfo')) as {height: number; hash_serialized_3: string};
			expect(info.height).toBe(1000);
			expect(info.hash_serialized_3).toBe(refUtxoHash);
		} finally {
			expect(await this.proc.stop()).toBe(0);
		}
	}

	tail(): string {
		return `--- the node said:\n${this.proc.stdout.split('\n').slice(-25).join('\n')}${this.proc.stderr}`;
	}
}

/** The datadir as the kill left it, checked whole; its tip must be one `known` names. */
async function inspect(datadir: string, what: string, known: readonly Map<string, number>[]): Promise<DatadirState> {
	let state: DatadirState;
	try {
		state = await checkDatadir(join(datadir, 'chain'));
	} catch (error) {
		throw new Error(`${what}: the datadir is not whole: ${(error as Error).message}`);
	}
	const height = known.map(m => m.get(state.tip)).find(h => h !== undefined);
	expect(height, `${what}: tip ${state.tip} (height ${state.height}) is on no known chain`).toBe(state.height);
	return state;
}

/** A chain datadir holding `blocks` (added in order), for rounds to start from a copy of. */
async function template(dir: string, blocks: readonly Block[], more?: (chain: Chain) => Promise<void>, network = regtest): Promise<string> {
	const chain = await Chain.open({network, path: join(dir, 'chain')});
	for (const block of blocks) await chain.add(block);
	await more?.(chain);
	await chain.close();
	return dir;
}

beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'chain-tui-crash-'));
	ref = await startNode({network: regtest, label: 'ref'});
	const owner = key('ref');
	refBlocks = [];
	for (let i = 0; i < 1000; i++) {
		// From height 110 on, every 10th block also carries a payment.
		if (i >= 110 && i % 10 === 0) {
			const coin = coinbaseOf(refBlocks[i - 105]!, owner);
			await ref.mempool.add(spend([coin], [new TxOut(coin.value - 10_000n, key(`payee ${i}`).script)]));
		}
		refBlocks.push(...(await ref.miner.generate(1)));
	}
	expect(ref.chain.height).toBe(1000);
	for (let h = 0; h <= 1000; h++) onRef.set(ref.chain.getEntryByHeight(h)!.hashHex, h);
	refUtxoHash = (await utxoSetInfo(ref.chain)).hash!;

	// The fork: the reference up to FORK_AT, then its own blocks, whose payments spend the very
	// coins the reference's blocks at the same heights spend (a double spend across the reorg).
	forkTemplate = await template(join(home, 'fork-template'), refBlocks.slice(0, FORK_AT), async chain => {
		const mempool = new Mempool({chain});
		const miner = new Miner({chain, mempool, payout: key('fork').script});
		for (let i = FORK_AT; i < FORK_TIP; i++) {
			if (i % 10 === 0) {
				const coin = coinbaseOf(refBlocks[i - 105]!, owner);
				await mempool.add(spend([coin], [new TxOut(coin.value - 20_000n, key(`fork payee ${i}`).script)]));
			}
			await miner.generate(1);
		}
		await miner.close();
		for (let h = 0; h <= FORK_TIP; h++) onFork.set(chain.getEntryByHeight(h)!.hashHex, h);
		expect(chain.tip.chainwork).toBeLessThan(ref.chain.tip.chainwork);
	});
	mineTemplate = await template(join(home, 'mine-template'), refBlocks.slice(0, MINE_FROM));
	// Coinbases at heights 1, 11, 21, …: mature at MINE_FROM and never spent by the reference.
	minerTxs = Array.from({length: 10}, (_, k) => {
		const coin = coinbaseOf(refBlocks[k * 10]!, owner);
		return spend([coin], [new TxOut(coin.value - 10_000n, key(`mined payee ${k}`).script)]);
	});
}, 120_000);
afterAll(async () => {
	await ref?.close();
	await rm(home, {recursive: true, force: true});
});

it(`a node killed with SIGKILL ${ROUNDS} times while syncing or starting up comes back consistent every time`, async () => {
	const datadir = join(home, 'victim');
	const next = random(20261121);
	const seen = {syncing: 0, synced: 0, startup: 0, unwritten: 0};
	for (let round = 0; round < ROUNDS; round++) {
		const victim = await Victim.start(datadir, '--peer', ref.address);
		if (round % 3 === 2) {
			// Killed while starting: opening the datadir and carrying on what the last kill cut short.
			if ((await victim.killWhileLoading(next(0, 20))) === 'loading') seen.startup++;
		} else {
			await victim.proc.waitFor(/listening on port/);
			await pause(next(30, 900)); // the fault lands at a random moment
			await victim.kill();
		}
		// Killed in its very first start before anything was written: nothing to check, and the next
		// round starts it again from nothing.
		if (await isUnwritten(join(datadir, 'chain'))) {
			seen.unwritten++;
			continue;
		}
		const state = await inspect(datadir, `sync round ${round}`, [onRef]);
		if (state.height === 1000) {
			// All caught up: start the next round from nothing, so it has a sync to interrupt.
			seen.synced++;
			await rm(datadir, {recursive: true, force: true});
		} else if (round % 3 !== 2) seen.syncing++;
	}
	// Finally let it catch up: the whole UTXO set as the reference's.
	await (await Victim.start(datadir, '--peer', ref.address)).convergeAndStop();
	const state = await inspect(datadir, 'after catching up', [onRef]);
	expect(state.tip).toBe(ref.chain.tip.hashHex);
	expect(state.utxoHash).toBe(refUtxoHash);
	console.log(`crash/sync: ${ROUNDS} kills: ${seen.syncing} while syncing, ${seen.synced} once synced, ${Math.floor((ROUNDS + 1) / 3)} right after a restart (${seen.startup} while still loading the datadir, ${seen.unwritten} before its first write)`);
	expect(seen.syncing).toBeGreaterThan(0);
}, 600_000);

it(`a node killed ${SIDE_ROUNDS} times in the middle of a reorganisation, and again while carrying it on, ends on the reference chain`, async () => {
	const next = random(77);
	const seen = {disconnecting: 0, connecting: 0, before: 0, after: 0, recoveryKills: 0, duringRecovery: 0, resumedAfter: 0};
	/** Steps into the reorg: 1-200 disconnecting the fork, 201-400 connecting the reference. */
	const progress = (hash: string): number => {
		const h = onRef.get(hash) ?? onFork.get(hash);
		if (h === undefined) throw new Error(`tip ${hash} is on no known chain`);
		if (h <= FORK_AT || !onRef.has(hash)) return FORK_TIP - h;
		return FORK_TIP - FORK_AT + (h - FORK_AT);
	};
	for (let round = 0; round < SIDE_ROUNDS; round++) {
		const datadir = join(home, `reorg-${round}`);
		await cp(forkTemplate, datadir, {recursive: true});
		// It starts on the fork, meets the reference, and is killed `target` steps into the reorg.
		const target = next(1, 390);
		const victim = await Victim.start(datadir, '--peer', ref.address);
		await victim.killWhen(async () => progress((await victim.call('getbestblockhash')) as string), p => p >= target, `step ${target} of the reorg`);
		const cut = await inspect(datadir, `reorg round ${round}`, [onRef, onFork]);
		const step = progress(cut.tip);
		if (step === 0) seen.before++;
		else if (step < FORK_TIP - FORK_AT) seen.disconnecting++;
		else if (step <= 2 * (FORK_TIP - FORK_AT)) seen.connecting++;
		else seen.after++;
		if (step > 0 && step <= 2 * (FORK_TIP - FORK_AT)) {
			// Cut short: the reference's blocks are stored, so the next start must carry on.
			expect(cut.pending, `reorg round ${round}: killed at step ${step} with nothing to carry on`).not.toBeNull();
		}

		// Restart and kill again while it starts up, that is while it carries the reorg on.
		const restart = await Victim.start(datadir, '--peer', ref.address);
		// (In the first round at once, so at least one start is cut off before it finishes.)
		const phase = await restart.killWhileLoading(round === 0 ? 0 : next(0, 400));
		seen.recoveryKills++;
		const state = await inspect(datadir, `reorg round ${round}, killed while restarting`, [onRef, onFork]);
		if (cut.pending !== null && phase === 'loading' && state.tip !== cut.tip) seen.duringRecovery++;

		// Then let it finish: it must say it resumed if there was something to carry on.
		const last = await Victim.start(datadir, '--peer', ref.address);
		await last.proc.waitFor(/listening on port/);
		if (state.pending !== null) {
			expect(last.proc.stdout).toMatch(/resumed after an interruption: \d+ block\(s\) disconnected, \d+ connected/);
			seen.resumedAfter++;
		}
		await last.convergeAndStop();
		const end = await inspect(datadir, `reorg round ${round}, caught up`, [onRef]);
		expect(end.utxoHash).toBe(refUtxoHash);
		await rm(datadir, {recursive: true, force: true});
	}
	console.log(
		`crash/reorg: ${SIDE_ROUNDS} kills in a 200-block reorg: ${seen.disconnecting} disconnecting, ${seen.connecting} connecting, ${seen.before} before, ${seen.after} after; ` +
			`${seen.recoveryKills} more while restarting (${seen.duringRecovery} part-way through carrying it on); ${seen.resumedAfter} restarts resumed an interrupted reorg`,
	);
	expect(seen.disconnecting + seen.connecting).toBeGreaterThanOrEqual(Math.ceil(SIDE_ROUNDS / 2));
	expect(seen.resumedAfter).toBeGreaterThan(0);
}, 900_000);

it(`a node killed ${SIDE_ROUNDS} times while mining comes back consistent and reorganises onto the reference chain`, async () => {
	const next = random(4242);
	const seen = {mining: 0, after: 0, mined: 0};
	const address = encodeAddress(key('crash miner').hash, regtest.addressVersion);
	for (let round = 0; round < SIDE_ROUNDS; round++) {
		const datadir = join(home, `mining-${round}`);
		await cp(mineTemplate, datadir, {recursive: true});
		/** Whole, and on its own branch grown from the reference chain at MINE_FROM. */
		const check = async (what: string) => {
			const state = await checkDatadir(join(datadir, 'chain')).catch(error => {
				throw new Error(`${what}: the datadir is not whole: ${(error as Error).message}`);
			});
			expect(state.height, what).toBeGreaterThanOrEqual(MINE_FROM);
			expect(state.branch[MINE_FROM], what).toBe(ref.chain.getEntryByHeight(MINE_FROM)!.hashHex);
			return state;
		};

		// Mining alone (no peers): its two threads find a block at once, then generatetoaddress
		// keeps the miner busy; the kill lands `target` blocks in.
		const target = next(1, 230);
		const miner = await Victim.start(datadir, '--mine', '--threads', '2');
		await miner.proc.waitFor(/mining with 2 thread\(s\)/);
		for (const tx of minerTxs) await miner.call('sendrawtransaction', toHex(tx.toRaw()));
		void miner.call('generatetoaddress', 250, address).catch(() => undefined);
		const height = await miner.killWhen(async () => (await miner.call('getblockcount')) as number, h => h >= MINE_FROM + 1 + target, `block ${MINE_FROM + 1 + target}`);
		const cut = await check(`mining round ${round}`);
		if (cut.height < MINE_FROM + 1 + 250) seen.mining++;
		else seen.after++;
		expect(cut.height).toBeGreaterThanOrEqual(height - 1); // at most the block being connected is lost

		// Killed again while it restarts and starts mining.
		const restart = await Victim.start(datadir, '--mine', '--threads', '2');
		await pause(next(120, 500));
		await restart.kill();
		const state = await check(`mining round ${round}, killed while restarting`);
		seen.mined += state.height - MINE_FROM;

		// Then it meets the reference, which has more work: it reorganises onto it.
		const last = await Victim.start(datadir, '--peer', ref.address);
		await last.convergeAndStop();
		if (state.height > MINE_FROM) expect(last.proc.stdout).toMatch(/reorganize: \d+ block\(s\) replaced at height 600/);
		const end = await inspect(datadir, `mining round ${round}, caught up`, [onRef]);
		expect(end.utxoHash).toBe(refUtxoHash);
		await rm(datadir, {recursive: true, force: true});
	}
	console.log(`crash/mining: ${SIDE_ROUNDS} kills: ${seen.mining} while mining, ${seen.after} after; ${SIDE_ROUNDS} more while restarting to mine; ${seen.mined} blocks of its own replaced by the reference chain in all`);
	expect(seen.mining).toBeGreaterThanOrEqual(Math.ceil(SIDE_ROUNDS / 2));
}, 900_000);

const STAKE_ROUNDS = Math.max(1, Math.ceil(ROUNDS / 8));

it(`a staking node (posregtest) killed ${STAKE_ROUNDS} time(s) while its staked chain grows, and again while starting, stakes on from a whole datadir`, async () => {
	const next = random(1616);
	const stake = posregtest.stake!;
	// A datadir with the mined bootstrap paid to the wallet the binary opens: it stakes alone.
	const stakeTemplate = join(home, 'stake-template');
	const keystore = await Keystore.open(join(stakeTemplate, 'wallet.json'), posregtest.name);
	const payout = p2pkhScript(hash160((await keystore.createKey('stake')).publicKey));
	await keystore.close();
	await template(stakeTemplate, [], async chain => {
		const miner = new Miner({chain, payout});
		await miner.generate(stake.powBlocks);
		await miner.close();
	}, posregtest);
	let staked = 0;
	for (let round = 0; round < STAKE_ROUNDS; round++) {
		const datadir = join(home, `stake-${round}`);
		await cp(stakeTemplate, datadir, {recursive: true});
		const target = stake.powBlocks + next(1, ROUNDS > 3 ? 3 : 1);
		const victim = await Victim.startOn('posregtest', datadir, '--stake');
		await victim.killWhen(async () => (await victim.call('getblockcount')) as number, h => h >= target, `staked block ${target}`, 120_000);
		const cut = await checkDatadir(join(datadir, 'chain'), posregtest).catch(error => {
			throw new Error(`staking round ${round}: the datadir is not whole: ${(error as Error).message}`);
		});
		expect(cut.height).toBeGreaterThanOrEqual(target - 1); // at most the block being connected is lost

		const restart = await Victim.startOn('posregtest', datadir, '--stake');
		await restart.killWhileLoading(next(0, 300), 'posregtest');
		const state = await checkDatadir(join(datadir, 'chain'), posregtest);

		// Then it stakes on, on top of what it kept: the modifiers it stored are the ones it needs.
		const last = await Victim.startOn('posregtest', datadir, '--stake');
		await last.proc.waitFor(/listening on port/);
		await waitFor(async () => ((await last.call('getblockcount').catch(() => 0)) as number) > state.height, `a staked block after height ${state.height}`, 120_000).catch(error => {
			throw new Error(`${(error as Error).message}\n${last.tail()}`);
		});
		const info = (await last.call('getstakinginfo')) as {enabled: boolean; blocks_won: number};
		expect(info.enabled).toBe(true);
		expect(info.blocks_won).toBeGreaterThan(0);
		expect(await last.proc.stop()).toBe(0);
		const end = await checkDatadir(join(datadir, 'chain'), posregtest);
		expect(end.branch.slice(0, state.height + 1)).toEqual(state.branch);
		staked += end.height - stake.powBlocks;
		await rm(datadir, {recursive: true, force: true});
	}
	console.log(`crash/staking: ${STAKE_ROUNDS} round(s), ${staked} staked blocks kept across the kills`);
}, 600_000);

it('a wallet killed in the middle of writes reopens whole', async () => {
	const path = join(home, 'wallet.json');
	const keystore = fileURLToPath(new URL('../../dist/node/wallet/keystore.js', import.meta.url));
	const script = join(home, 'writer.mjs');
	await writeFile(script, `const {Keystore} = await import(${JSON.stringify(keystore)});
const ks = await Keystore.open(${JSON.stringify(path)}, 'regtest');
console.log('ready');
for (let i = 0; ; i++) { await ks.createKey('k' + i); await ks.addPending('00'.repeat(50) + i.toString(16).padStart(4, '0')); }`);
	const next = random(7);
	let lastCount = 0;
	for (let round = 0; round < ROUNDS; round++) {
		const child = spawn(process.execPath, [script], {stdio: ['ignore', 'pipe', 'inherit']});
		await new Promise<void>(resolve => child.stdout.once('data', () => resolve()));
		await pause(next(50, 1250));
		child.kill('SIGKILL');
		await new Promise(resolve => child.once('exit', resolve));
		const text = await readFile(path, 'utf8');
		expect(() => JSON.parse(text)).not.toThrow();
		const store = await Keystore.open(path, 'regtest');
		expect(store.keys().length).toBeGreaterThanOrEqual(lastCount); // nothing written before was lost
		lastCount = store.keys().length;
		for (const k of store.keys()) expect(store.privateKey(k.publicKey)).toHaveLength(32);
	}
	expect(lastCount).toBeGreaterThan(0);
}, 120_000);
