/**
 * partition-heal: the network splits in two halves that mine apart, then heals; every node must
 * end on the tip with most work, and the time to converge is reported.
 */
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';

export async function partitionHeal(lab: Lab): Promise<ScenarioReport> {
	const n = lab.nodes.length;
	const first = lab.nodes[0]!;
	const last = lab.nodes[n - 1]!;
	const {left, right} = lab.halves();
	const address = async (i: number) => lab.nodes[i]!.rpc<string>('getnewaddress', 'lab');
	for (const half of [left, right]) {
		if (!lab.connected(half)) throw new Error(`partition-heal splits the nodes in two halves that must each be joined by links; in this ${lab.options.topology} n${half.join(', n')} are not`);
	}

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
