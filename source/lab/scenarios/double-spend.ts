/**
 * double-spend: node A's wallet is copied to node B (a file of its own, by --wallet); the network
 * splits, and in each half the same coin is paid to a different address. After the heal exactly
 * one payment is confirmed, the other is in no mempool, and both wallets show the truth.
 */
import {copyFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Lab} from '../lab.js';
import type {ScenarioReport} from './scenario.js';

/** Regtest coinbases mature after 100 blocks: 101 mined leave exactly one coin to spend. */
const MATURE_AFTER = 101;

export async function doubleSpend(lab: Lab): Promise<ScenarioReport> {
	const n = lab.nodes.length;
	const a = lab.nodes[0]!;
	const b = lab.nodes[n - 1]!;
	const {left, right} = lab.halves();

	const owner = await a.rpc<string>('getnewaddress', 'shared');
	await a.rpc('generatetoaddress', MATURE_AFTER, owner);
	const start = await a.rpc<string>('getbestblockhash');
	await lab.until(async () => (await lab.tips()).every(t => t === start), 'every node on the funded chain');

	// B takes a copy of A's wallet: the same keys, a file of its own.
	const copy = join(lab.options.dir, 'wallet-copy.json');
	await copyFile(join(a.datadir, 'wallet.json'), copy);
	await b.stop();
	b.extraArgs = ['--wallet', copy];
	b.start();
	await lab.until(async () => (await b.rpc<string>('getbestblockhash').catch(() => null)) === start, 'B back, with the copied wallet, on the funded chain');

	lab.partition(left, right);
	const toLeft = await lab.nodes[left.at(-1)!]!.rpc<string>('getnewaddress', 'payee left');
	const toRight = await lab.nodes[right[0]!]!.rpc<string>('getnewaddress', 'payee right');
	// The one mature coin, paid twice: once in each half.
	const txA = await a.rpc<string>('sendtoaddress', toLeft, 10);
	const txB = await b.rpc<string>('sendtoaddress', toRight, 20);
	await a.rpc('generatetoaddress', 1, owner);
	await b.rpc('generatetoaddress', 2, owner);
	const rightTip = await b.rpc<string>('getbestblockhash');
	const spendsOf = async (txid: string, node = a) => (await node.rpc<{vin: {txid: string; vout: number}[]}>('getrawtransaction', txid, true)).vin.map(i => `${i.txid}:${i.vout}`).join();
	const sameCoin = (await spendsOf(txA)) === (await spendsOf(txB, b));

	lab.heal();
	await lab.until(async () => (await lab.tips()).every(t => t === rightTip), 'every node on the heavier half\'s tip', 90_000);
	// Mempools settle once the reorganisation is through.
	await lab.until(async () => {
		const pools = await Promise.all(lab.nodes.map(x => x.rpc<string[]>('getrawmempool')));
		return pools.every(p => !p.includes(txA));
	}, 'the losing payment gone from every mempool', 30_000);
	const confirmations = async (txid: string) =>
		(await a.rpc<{confirmations?: number}>('getrawtransaction', txid, true).catch(() => null))?.confirmations ?? 0;
	const [balanceA, balanceB] = await Promise.all([a.rpc<number>('getbalance'), b.rpc<number>('getbalance')]);
	const expectations = {
		'both payments spent the same coin': sameCoin,
		'the heavier half\'s payment is confirmed': (await confirmations(txB)) >= 1,
		'the other payment is confirmed nowhere': (await confirmations(txA)) === 0,
		'the other payment is in no mempool': (await Promise.all(lab.nodes.map(x => x.rpc<string[]>('getrawmempool')))).every(p => !p.includes(txA)),
		'both wallets show the same balance': balanceA === balanceB,
	};
	return {scenario: 'double-spend', ok: Object.values(expectations).every(Boolean), expectations, figures: {nodes: n, confirmed: txB, dropped: txA, balance: balanceA}};
}
