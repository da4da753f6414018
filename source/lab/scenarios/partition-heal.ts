/**
 * partition-heal: the network splits in two halves that mine (or, on posregtest, stake) apart, then
 * heals; every node must end on the tip with most work, and the time to converge is reported.
 */
import {NETWORKS} from '../../node/consensus/networks.js';
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';
import {chainInfo, forkHeight, fundStakers, onFastClock, settle, work} from './staking.js';

/** posregtest: blocks each half stakes past the cut, at least. */
const STAKED_APART = 3;

export async function partitionHeal(lab: Lab): Promise<ScenarioReport> {
	const {left, right} = lab.halves();
	for (const half of [left, right]) {
		if (!lab.connected(half)) throw new Error(`partition-heal splits the nodes in two halves that must each be joined by links; in this ${lab.options.topology} n${half.join(', n')} are not`);
	}
	return NETWORKS[lab.options.network]?.stake ? stakedPartitionHeal(lab, left, right) : minedPartitionHeal(lab, left, right);
}

async function minedPartitionHeal(lab: Lab, left: number[], right: number[]): Promise<ScenarioReport> {
	const n = lab.nodes.length;
	const first = lab.nodes[0]!;
	const last = lab.nodes[n - 1]!;
	const address = async (i: number) => lab.nodes[i]!.rpc<string>('getnewaddress', 'lab');

	// Connected: a block mined on the first node reaches the last.
	await first.rpc('generatetoaddress', 1, await address(0));
	const start = await first.rpc<string>('getbestblockhash');
	await lab.until(async () => (await lab.tips()).every(t => t === start), 'every node on the first block');

	const cut = lab.partition(left, right);
	// Mined apart: the right half mines more, so its branch has more work.
	await first.rpc('generatetoaddress', 2, await address(0));
	await last.rpc('generatetoaddress', 4, await address(n - 1));
	const leftTip = await first.rpc<string>('getbestblockhash');
	const rightTip = await last.rpc<string>('getbestblockhash');
	await lab.until(async () => {
		const tips = await lab.tips();
		return left.every(i => tips[i] === leftTip) && right.every(i => tips[i] === rightTip);
	}, 'each half on its own tip');
	const split = await lab.tips();

	const healedAt = Date.now();
	lab.heal();
	await lab.until(async () => (await lab.tips()).every(t => t === rightTip), 'every node on the heavier tip', 90_000);
	const convergeMs = Date.now() - healedAt;
	const heights = await Promise.all(lab.nodes.map(x => x.rpc<number>('getblockcount')));
	const expectations = {
		'the halves held different tips while cut': left.every(i => split[i] === leftTip) && right.every(i => split[i] === rightTip) && leftTip !== rightTip,
		'every node ends on the heavier tip': (await lab.tips()).every(t => t === rightTip),
		'every node at height 5': heights.every(h => h === 5),
	};
	return {scenario: 'partition-heal', ok: Object.values(expectations).every(Boolean), expectations, figures: {nodes: n, linksCut: cut.length, convergeMs, tip: rightTip, heights}};
}

/**
 * posregtest: the first node stakes a third of the stake in the left half, the last node two thirds
 * in the right, on one fast clock, until each half has staked a few blocks of its own; then heal:
 * every node must end on the tip with more work, the other half's branch reorganised away within
 * the reorganisation limit.
 */
async function stakedPartitionHeal(lab: Lab, left: number[], right: number[]): Promise<ScenarioReport> {
	const network = NETWORKS[lab.options.network]!;
	const limit = network.stake!.maxReorgDepth;
	const n = lab.nodes.length;
	const first = lab.nodes[0]!;
	const last = lab.nodes[n - 1]!;
	await onFastClock(lab);
	await fundStakers(lab, network, last, first);

	const cut = lab.partition(left, right);
	const forkCeiling = Math.max((await chainInfo(first)).blocks, (await chainInfo(last)).blocks);
	await first.rpc('setstaking', true);
	await lab.until(async () => Math.min((await chainInfo(first)).blocks, (await chainInfo(last)).blocks) - forkCeiling >= STAKED_APART, `each half ${STAKED_APART} staked blocks past the cut`, 60_000);
	await Promise.all([first.rpc('setstaking', false), last.rpc('setstaking', false)]);
	const leftChain = await settle(lab, left.map(i => lab.nodes[i]!), 'the left half settled');
	const rightChain = await settle(lab, right.map(i => lab.nodes[i]!), 'the right half settled');
	const fork = await forkHeight(first, last, Math.min(leftChain.blocks, rightChain.blocks));
	const [heavier, lighter] = work(rightChain) > work(leftChain) ? [rightChain, leftChain] : [leftChain, rightChain];

	const healedAt = Date.now();
	lab.heal();
	await lab.until(async () => (await lab.tips()).every(t => t === heavier.bestblockhash), 'every node on the heavier tip', 90_000);
	const convergeMs = Date.now() - healedAt;
	const heights = await Promise.all(lab.nodes.map(x => x.rpc<number>('getblockcount')));
	const expectations = {
		'the halves held different tips while cut': leftChain.bestblockhash !== rightChain.bestblockhash,
		'every node ends on the heavier tip': (await lab.tips()).every(t => t === heavier.bestblockhash),
		[`the lighter branch reorganised away within the ${limit}-block limit`]: lighter.blocks - fork <= limit,
	};
	return {
		scenario: 'partition-heal',
		ok: Object.values(expectations).every(Boolean),
		expectations,
		figures: {nodes: n, network: network.name, linksCut: cut.length, convergeMs, forkHeight: fork, leftBlocks: leftChain.blocks - fork, rightBlocks: rightChain.blocks - fork, heavier: heavier === rightChain ? 'right' : 'left', reorgDepth: lighter.blocks - fork, tip: heavier.bestblockhash, heights},
	};
}
