/**
 * churn: nodes are killed with SIGKILL and restarted while the first node mines (on posregtest:
 * stakes, on a fast clock); all converge, and every node's gettxoutsetinfo hash agrees.
 */
import {NETWORKS} from '../../node/consensus/networks.js';
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';
import {seeded} from '../../node/util/seeded.js';
import {chainInfo, onFastClock, settle} from './staking.js';

const ROUNDS = 4;

export async function churn(lab: Lab): Promise<ScenarioReport> {
	const network = NETWORKS[lab.options.network]!;
	const miner = lab.nodes[0]!;
	const address = await miner.rpc<string>('getnewaddress', 'lab');
	/** `count` more blocks on the first node: mined on demand, or staked (it stakes throughout). */
	let blocks: (count: number) => Promise<void> = async count => {
		await miner.rpc('generatetoaddress', count, address);
	};
	if (network.stake) {
		// The mined bootstrap to the first node, which then stakes alone throughout.
		await onFastClock(lab);
		await miner.rpc('generatetoaddress', network.stake.powBlocks, address);
		await miner.rpc('setstaking', true);
		blocks = async count => {
			const from = (await chainInfo(miner)).blocks;
			await lab.until(async () => (await chainInfo(miner)).blocks >= from + count, `${count} staked blocks`, 60_000);
		};
	}
	// The victims and the moments are the same on every run.
	const next = seeded(2026);
	const killed: string[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		await blocks(5);
		// Any node but the miner, killed without warning while blocks keep coming.
		const victim = lab.nodes[next(1, lab.nodes.length - 1)]!;
		await victim.stop('SIGKILL');
		killed.push(victim.name);
		await blocks(next(3, 7));
		victim.start();
		await lab.until(() => victim.rpc('getblockcount').then(() => true, () => false), `${victim.name} back up`, 60_000);
	}
	if (network.stake) {
		await miner.rpc('setstaking', false);
		await settle(lab, [miner], "the staker's chain settled");
	}
	const tip = await miner.rpc<string>('getbestblockhash');
	const convergedAt = Date.now();
	await lab.until(async () => (await lab.tips()).every(t => t === tip), 'every node on the miner\'s tip', 90_000);
	const convergeMs = Date.now() - convergedAt;
	const infos = await Promise.all(lab.nodes.map(n => n.rpc<{height: number; hash_serialized_3: string}>('gettxoutsetinfo')));
	const expectations = {
		'every node on one tip': (await lab.tips()).every(t => t === tip),
		"every node's UTXO set hash agrees": new Set(infos.map(i => i.hash_serialized_3)).size === 1,
	};
	return {scenario: 'churn', ok: Object.values(expectations).every(Boolean), expectations, figures: {nodes: lab.nodes.length, network: network.name, kills: killed, height: infos[0]!.height, convergeMs}};
}
