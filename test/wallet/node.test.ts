import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, expect, it} from 'vitest';
import {FullNode} from '../../source/node/node.js';
import {quickNet} from '../helpers/chain-env.js';

let dir: string | undefined;
let node: FullNode | undefined;
afterEach(async () => {
	await node?.close();
	if (dir) await rm(dir, {recursive: true, force: true});
});

it('a node with no mining address mines to a new wallet key labelled "mining", and reopens where it was', async () => {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-node-'));
	node = await FullNode.open({network: quickNet, datadir: dir});
	expect(node.wallet.keystore.keys()).toHaveLength(0);
	await node.generate(1 + quickNet.coinbaseMaturity);
	const [mining] = await node.wallet.addresses();
	// Four rewards: heights 1-2 mature for the next block (5), 3-4 not yet.
	expect(mining).toMatchObject({label: 'mining', confirmed: 100n * 100_000_000n, immature: 100n * 100_000_000n});
	await node.close();
	node = await FullNode.open({network: quickNet, datadir: dir});
	expect(node.chain.height).toBe(4);
	expect((await node.wallet.addresses())[0]?.label).toBe('mining');
});

it('refuses a mining address of another network before opening anything', async () => {
	dir = await mkdtemp(join(tmpdir(), 'chain-tui-node-'));
	await expect(FullNode.open({network: quickNet, datadir: dir, miningAddress: 'C1bad'})).rejects.toThrow(/address/);
});
