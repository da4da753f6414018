/**
 * deep-reorg: one node builds a private chain with more work than the public one, then releases it.
 * On a proof-of-work network every node switches to it: the reorganisation's depth and each node's
 * time to switch are reported. On posregtest the private branch is staked until it forks deeper than
 * the maximum reorganisation depth: every public node refuses it, stays on its tip and says so in
 * its log; the depth, the two chains' work and each node's time to refuse are reported.
 */
import {NETWORKS} from '../../node/consensus/networks.js';
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';

const PUBLIC_BLOCKS = 4;
const PRIVATE_BLOCKS = 7;

export async function deepReorg(lab: Lab): Promise<ScenarioReport> {
	return NETWORKS[lab.options.network]?.stake ? stakedDeepReorg(lab) : minedDeepReorg(lab);
}

async function minedDeepReorg(lab: Lab): Promise<ScenarioReport> {
	const n = lab.nodes.length;
	const secret = n - 1;
	const miner = lab.nodes[secret]!;
	const pub = lab.nodes[0]!;
	const others = lab.nodes.map(x => x.spec.index).filter(i => i !== secret);
	await pub.rpc('generatetoaddress', 1, await pub.rpc<string>('getnewaddress', 'lab'));
	const start = await pub.rpc<string>('getbestblockhash');
	await lab.until(async () => (await lab.tips()).every(t => t === start), 'every node on the first block');

	// The secret miner goes quiet (its links cut) and mines more than the public network.
	lab.partition([secret], others);
	await pub.rpc('generatetoaddress', PUBLIC_BLOCKS, await pub.rpc<string>('getnewaddress', 'lab'));
	await miner.rpc('generatetoaddress', PRIVATE_BLOCKS, await miner.rpc<string>('getnewaddress', 'lab'));
	const publicTip = await pub.rpc<string>('getbestblockhash');
	const privateTip = await miner.rpc<string>('getbestblockhash');
	await lab.until(async () => {
		const tips = await lab.tips();
		return others.every(i => tips[i] === publicTip);
	}, 'the public nodes on the public tip');

	// Released: each node's time to switch, polled.
	const released = Date.now();
	lab.heal();
	const switchedMs: (number | null)[] = lab.nodes.map((_, i) => (i === secret ? 0 : null));
	await lab.until(async () => {
		const tips = await lab.tips();
		tips.forEach((t, i) => {
			if (t === privateTip && switchedMs[i] === null) switchedMs[i] = Date.now() - released;
		});
		return switchedMs.every(ms => ms !== null);
	}, 'every node on the released chain', 90_000);
	const heights = await Promise.all(lab.nodes.map(x => x.rpc<number>('getblockcount')));
	const expectations = {
		'every node switched to the released chain': (await lab.tips()).every(t => t === privateTip),
		[`every node at height ${1 + PRIVATE_BLOCKS}`]: heights.every(h => h === 1 + PRIVATE_BLOCKS),
	};
	return {scenario: 'deep-reorg', ok: Object.values(expectations).every(Boolean), expectations, figures: {nodes: n, reorgDepth: PUBLIC_BLOCKS, releasedBlocks: PRIVATE_BLOCKS, switchedMs}};
}

/** Virtual seconds per real second on posregtest: a 1 s slot every 25 ms. */
const CLOCK_SPEED = 40;
/** The public staker's coins, paid by the attacker from the mined bootstrap: a third of the stake. */
const PAYMENTS = 8;
const PAYMENT = 20;
/** Blocks the public chain grows past the fork beyond the limit, for the blocks still in flight at the cut. */
const MARGIN = 2;

interface ChainInfo {
	readonly blocks: number;
	readonly bestblockhash: string;
	readonly chainwork: string;
}

interface Tip {
	readonly hash: string;
	readonly status: string;
}

/**
 * posregtest: the attacker (the last node) holds two thirds of the stake and the first node the
 * rest. Cut off, both stake on one fast clock until the public chain is more than the limit past
 * the fork and the private one has more work; then the attacker is linked again, and to every
 * public node besides, so that each is offered the branch.
 */
async function stakedDeepReorg(lab: Lab): Promise<ScenarioReport> {
	const network = NETWORKS[lab.options.network]!;
	const stake = network.stake!;
	const n = lab.nodes.length;
	const secret = n - 1;
	const attacker = lab.nodes[secret]!;
	const staker = lab.nodes[0]!;
	const others = lab.nodes.map(x => x.spec.index).filter(i => i !== secret);
	const publicNodes = others.map(i => lab.nodes[i]!);
	const info = (node = staker) => node.rpc<ChainInfo>('getblockchaininfo');

	// One fast clock for every node (the same start), so that staking takes seconds.
	const clock = ['--clock-speed', String(CLOCK_SPEED), '--clock-start', String(Date.now())];
	await Promise.all(lab.nodes.map(node => node.restart(clock)));
	await lab.until(async () => (await Promise.all(lab.nodes.map(x => x.rpc('getblockcount').then(() => true, () => false)))).every(Boolean), 'every node back on the fast clock', 120_000);

	// The mined bootstrap, all to the attacker, who pays PAYMENTS coins to the public staker once
	// its first coinbases are mature; the last bootstrap blocks confirm them.
	const mined = network.coinbaseMaturity + 3;
	await attacker.rpc('generatetoaddress', mined, await attacker.rpc<string>('getnewaddress', 'stake'));
	for (let i = 0; i < PAYMENTS; i++) await attacker.rpc('sendtoaddress', await staker.rpc<string>('getnewaddress', `stake ${i}`), PAYMENT);
	await attacker.rpc('generatetoaddress', stake.powBlocks - mined, await attacker.rpc<string>('getnewaddress', 'stake'));
	const bootstrap = await attacker.rpc<string>('getbestblockhash');
	await lab.until(async () => (await lab.tips()).every(t => t === bootstrap), 'every node on the mined bootstrap');

	// The attacker stakes alone, everyone following, until the public staker's coins may stake.
	await attacker.rpc('setstaking', true);
	await lab.until(async () => {
		const coins = await staker.rpc<{confirmations: number}[]>('listunspent', stake.minStakeAge + 1);
		return coins.length >= PAYMENTS;
	}, "the public staker's coins old enough to stake", 60_000);

	// Cut off; both stake. The fork is at most the higher of the two tips at the cut.
	lab.partition([secret], others);
	const forkCeiling = Math.max((await info()).blocks, (await info(attacker)).blocks);
	await staker.rpc('setstaking', true);
	const stakingFrom = Date.now();
	let publicStopped = false;
	let publicChain: ChainInfo | null = null;
	await lab.until(async () => {
		const ours = await info();
		if (!publicStopped && ours.blocks - forkCeiling > stake.maxReorgDepth + MARGIN) {
			await staker.rpc('setstaking', false);
			publicStopped = true;
		}
		if (!publicStopped) return false;
		// The public chain settled: every public node on one tip, unchanged since the last poll.
		const tips = await Promise.all(publicNodes.map(x => x.rpc<string>('getbestblockhash')));
		const settled = publicChain !== null && publicChain.bestblockhash === ours.bestblockhash && tips.every(t => t === ours.bestblockhash);
		publicChain = ours;
		return settled && BigInt(`0x${(await info(attacker)).chainwork}`) > BigInt(`0x${ours.chainwork}`);
	}, 'a public chain more than the limit past the fork, and a private one with more work', 120_000);
	await attacker.rpc('setstaking', false);
	let privateChain: ChainInfo | null = null;
	await lab.until(async () => {
		const now = await info(attacker);
		const settled = privateChain?.bestblockhash === now.bestblockhash;
		privateChain = now;
		return settled;
	}, 'the private chain settled');
	const stakedMs = Date.now() - stakingFrom;
	const pub = publicChain!;
	const priv = privateChain!;

	// Where the two chains part: the highest height at which both hold the same block.
	let fork = Math.min(pub.blocks, priv.blocks);
	while (fork > 0 && (await staker.rpc<string>('getblockhash', fork)) !== (await attacker.rpc<string>('getblockhash', fork))) fork--;

	// Released: the cut link restored, and a new link from the attacker to every other public node.
	const released = Date.now();
	lab.heal();
	for (const i of others) {
		if (lab.links.has(`${i}-${secret}`) || lab.links.has(`${secret}-${i}`)) continue;
		const link = await lab.addLink(secret, i);
		await attacker.rpc('addnode', `127.0.0.1:${link.port}`, 'onetry');
	}
	const says = `offers a branch leaving our chain at height ${fork},`;
	const refusedMs: (number | null)[] = lab.nodes.map(() => null);
	const lines: string[] = [];
	await lab.until(async () => {
		for (const i of others) {
			if (refusedMs[i] !== null) continue;
			const line = (await lab.nodes[i]!.debugLog()).split('\n').find(l => l.includes(says));
			if (line) {
				refusedMs[i] = Date.now() - released;
				lines.push(`${lab.nodes[i]!.name}: ${line.replace(/^\S+ /, '')}`);
			}
		}
		return others.every(i => refusedMs[i] !== null);
	}, 'every public node saying it refused the branch', 60_000);

	const tips = await lab.tips();
	const chainTips = await Promise.all(publicNodes.map(x => x.rpc<Tip[]>('getchaintips')));
	const expectations = {
		'the private branch has more work than the public chain': BigInt(`0x${priv.chainwork}`) > BigInt(`0x${pub.chainwork}`),
		[`the branch forks more than ${stake.maxReorgDepth} blocks below the public tip`]: pub.blocks - fork > stake.maxReorgDepth,
		'every public node refused the branch and says so in its log': others.every(i => refusedMs[i] !== null),
		'every public node stayed on its tip': others.every(i => tips[i] === pub.bestblockhash),
		// Its staked headers are refused unstored (they cost nothing to make): no tip of it shows.
		'no public node took in the branch (getchaintips)': chainTips.every(list => list.every(t => t.hash !== priv.bestblockhash || t.status === 'too-deep')),
		'the attacker stayed on its branch': tips[secret] === priv.bestblockhash,
	};
	return {
		scenario: 'deep-reorg',
		ok: Object.values(expectations).every(Boolean),
		expectations,
		figures: {
			nodes: n,
			network: network.name,
			clockSpeed: CLOCK_SPEED,
			maxReorgDepth: stake.maxReorgDepth,
			forkHeight: fork,
			reorgDepth: pub.blocks - fork,
			privateBlocks: priv.blocks - fork,
			publicChainwork: pub.chainwork,
			privateChainwork: priv.chainwork,
			stakedMs,
			refusedMs,
			said: lines[0] ?? null,
		},
	};
}
