/**
 * late-joiner: a new node joins while the others mine; it reaches the tip and then follows it
 * within one block. Reports its sync rate.
 */
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';

const CHAIN = 300;

export async function lateJoiner(lab: Lab): Promise<ScenarioReport> {
	const first = lab.nodes[0]!;
	const address = await first.rpc<string>('getnewaddress', 'lab');
	await first.rpc('generatetoaddress', CHAIN, address);
	const tip = await first.rpc<string>('getbestblockhash');
	await lab.until(async () => (await lab.tips()).every(t => t === tip), `every node on block ${CHAIN}`);

	// Joins at the far end while the first node keeps mining, one block at a time.
	const joinedAt = Date.now();
	const joiner = await lab.addNode(lab.nodes.length - 1);
	let mined = 0;
	let caughtUpMs: number | null = null;
	await lab.until(async () => {
		await first.rpc('generatetoaddress', 1, address);
		mined++;
		const [ours, theirs] = await Promise.all([first.rpc<number>('getblockcount'), joiner.rpc<number>('getblockcount')]);
		if (caughtUpMs === null && theirs >= CHAIN) caughtUpMs = Date.now() - joinedAt;
		return caughtUpMs !== null && ours - theirs <= 1;
	}, 'the joiner within one block of the tip', 90_000);
	const seconds = (caughtUpMs ?? 1) / 1000;
	// Then it follows: each new block reaches it.
	let followed = 0;
	for (let i = 0; i < 3; i++) {
		await first.rpc('generatetoaddress', 1, address);
		const next = await first.rpc<string>('getbestblockhash');
		await lab.until(async () => (await joiner.rpc<string>('getbestblockhash')) === next, 'the joiner on the new tip', 30_000);
		followed++;
	}
	const expectations = {
		[`the joiner reached block ${CHAIN}`]: caughtUpMs !== null,
		'the joiner then followed 3 new blocks': followed === 3,
		'every node on one tip': new Set(await lab.tips()).size === 1,
	};
	return {scenario: 'late-joiner', ok: Object.values(expectations).every(Boolean), expectations, figures: {nodes: lab.nodes.length, syncedBlocks: CHAIN, syncMs: caughtUpMs, blocksPerSecond: Math.round(CHAIN / seconds), minedWhileJoining: mined}};
}
