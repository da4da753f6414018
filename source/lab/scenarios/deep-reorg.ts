/**
 * deep-reorg: one node mines a private chain longer than the public one, then releases it; on a
 * proof-of-work network every node switches to it. Reports the reorganisation's depth and each
 * node's time to switch after the release.
 */
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';

const PUBLIC_BLOCKS = 4;
const PRIVATE_BLOCKS = 7;

export async function deepReorg(lab: Lab): Promise<ScenarioReport> {
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
