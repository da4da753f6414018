/**
 * churn: nodes are killed with SIGKILL and restarted while mining goes on; all converge, and every
 * node's gettxoutsetinfo hash agrees.
 */
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';
import {seeded} from '../../node/util/seeded.js';

const ROUNDS = 4;

export async function churn(lab: Lab): Promise<ScenarioReport> {
	const miner = lab.nodes[0]!;
	const address = await miner.rpc<string>('getnewaddress', 'lab');
	// The victims and the moments are the same on every run.
	const next = seeded(2026);
	const killed: string[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		await miner.rpc('generatetoaddress', 5, address);
		// Any node but the miner, killed without warning while blocks keep coming.
		const victim = lab.nodes[next(1, lab.nodes.length - 1)]!;
		await victim.stop('SIGKILL');
		killed.push(victim.name);
		await miner.rpc('generatetoaddress', next(3, 7), address);
		victim.start();
		await lab.until(() => victim.rpc('getblockcount').then(() => true, () => false), `${victim.name} back up`, 60_000);
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
	return {scenario: 'churn', ok: Object.values(expectations).every(Boolean), expectations, figures: {nodes: lab.nodes.length, kills: killed, height: infos[0]!.height, convergeMs}};
}
