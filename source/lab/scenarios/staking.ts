/**
 * What the proof-of-stake scenarios share (posregtest): every node restarted on one fast clock, the
 * mined bootstrap split between two stakers, and reading a chain's work and tip until it settles.
 */
import type {NetworkParams} from '../../node/consensus/networks.js';
import type {Lab} from '../lab.js';
import type {LabNode} from '../lab-node.js';

/** Virtual seconds per real second: a 1 s posregtest slot every 25 ms. */
export const CLOCK_SPEED = 40;
/** The smaller staker's coins, paid by the larger from the mined bootstrap: a third of the stake. */
const PAYMENTS = 8;
const PAYMENT = 20;

export interface ChainInfo {
	readonly blocks: number;
	readonly bestblockhash: string;
	readonly chainwork: string;
}

export const chainInfo = (node: LabNode) => node.rpc<ChainInfo>('getblockchaininfo');
export const work = (info: ChainInfo) => BigInt(`0x${info.chainwork}`);

/** Restarts every node on one clock CLOCK_SPEED times the wall's (the same start), so that staking takes seconds. */
export async function onFastClock(lab: Lab): Promise<void> {
	const clock = ['--clock-speed', String(CLOCK_SPEED), '--clock-start', String(Date.now())];
	await Promise.all(lab.nodes.map(node => node.restart(clock)));
	await lab.until(async () => (await Promise.all(lab.nodes.map(x => x.rpc('getblockcount').then(() => true, () => false)))).every(Boolean), 'every node back on the fast clock', 120_000);
}

/**
 * The mined bootstrap, all to `large`, who pays PAYMENTS coins to `small` once its first coinbases
 * are mature (the last bootstrap blocks confirm them); then `large` stakes alone, every node
 * following, until `small`'s coins are old enough to stake. Returns with `large` staking.
 */
export async function fundStakers(lab: Lab, network: NetworkParams, large: LabNode, small: LabNode): Promise<void> {
	const stake = network.stake!;
	const mined = network.coinbaseMaturity + 3;
	await large.rpc('generatetoaddress', mined, await large.rpc<string>('getnewaddress', 'stake'));
	for (let i = 0; i < PAYMENTS; i++) await large.rpc('sendtoaddress', await small.rpc<string>('getnewaddress', `stake ${i}`), PAYMENT);
	await large.rpc('generatetoaddress', stake.powBlocks - mined, await large.rpc<string>('getnewaddress', 'stake'));
	const bootstrap = await large.rpc<string>('getbestblockhash');
	await lab.until(async () => (await lab.tips()).every(t => t === bootstrap), 'every node on the mined bootstrap');
	await large.rpc('setstaking', true);
	await lab.until(async () => (await small.rpc<unknown[]>('listunspent', stake.minStakeAge + 1)).length >= PAYMENTS, `${small.name}'s coins old enough to stake`, 60_000);
}

/** Waits until every node of `group` is on one tip, unchanged since the last poll; returns that chain. */
export async function settle(lab: Lab, group: readonly LabNode[], what: string): Promise<ChainInfo> {
	let last: ChainInfo | null = null;
	let settled: ChainInfo | null = null;
	await lab.until(async () => {
		const now = await chainInfo(group[0]!);
		const tips = await Promise.all(group.map(x => x.rpc<string>('getbestblockhash')));
		if (last?.bestblockhash === now.bestblockhash && tips.every(t => t === now.bestblockhash)) settled = now;
		last = now;
		return settled !== null;
	}, what);
	return settled!;
}

/** The highest height at which `a` and `b` hold the same block: where their chains part. */
export async function forkHeight(a: LabNode, b: LabNode, below: number): Promise<number> {
	let fork = below;
	while (fork > 0 && (await a.rpc<string>('getblockhash', fork)) !== (await b.rpc<string>('getblockhash', fork))) fork--;
	return fork;
}
