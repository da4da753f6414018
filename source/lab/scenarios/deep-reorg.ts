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
import {CLOCK_SPEED, chainInfo, forkHeight, fundStakers, onFastClock, settle, work} from './staking.js';

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

/** Blocks the public chain grows past the fork beyond the limit, for the blocks still in flight at the cut. */
const MARGIN = 2;

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
	await onFastClock(lab);
	await fundStakers(lab, network, attacker, staker);

	// Cut off; both stake. The fork is at most the higher of the two tips at the cut.
	lab.partition([secret], others);
	const forkCeiling = Math.max((await chainInfo(staker)).blocks, (await chainInfo(attacker)).blocks);
	await staker.rpc('setstaking', true);
	const stakingFrom = Date.now();
	await lab.until(async () => (await chainInfo(staker)).blocks - forkCeiling > stake.maxReorgDepth + MARGIN, 'the public chain more than the limit past the fork', 120_000);
	await staker.rpc('setstaking', false);
	const pub = await settle(lab, publicNodes, 'the public chain settled');
	await lab.until(async () => work(await chainInfo(attacker)) > work(pub), 'the private branch with more work than the public chain', 120_000);
	await attacker.rpc('setstaking', false);
	const priv = await settle(lab, [attacker], 'the private branch settled');
	const stakedMs = Date.now() - stakingFrom;
	const fork = await forkHeight(staker, attacker, Math.min(pub.blocks, priv.blocks));

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
	const heights = await Promise.all(lab.nodes.map(x => x.rpc<number>('getblockcount').catch(() => null)));
	const chainTips = await Promise.all(publicNodes.map(x => x.rpc<Tip[]>('getchaintips')));
	const expectations = {
		'the private branch has more work than the public chain': work(priv) > work(pub),
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
			heights,
			publicChainwork: pub.chainwork,
			privateChainwork: priv.chainwork,
			stakedMs,
			refusedMs,
			said: lines[0] ?? null,
		},
	};
}
