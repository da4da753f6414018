/** The node's event log: one line per event, a mined block included. */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {logNodeEvents} from '../../source/node/log.js';
import {FullNode} from '../../source/node/node.js';
import {nextBlock} from '../helpers/builder.js';
import {quickNet} from '../helpers/chain-env.js';

let node: FullNode | undefined;
let dir: string | undefined;
afterEach(async () => {
	await node?.close();
	if (dir) await rm(dir, {recursive: true, force: true});
	node = undefined;
	dir = undefined;
});

describe('logNodeEvents', () => {
	it('logs a block our miner found once, as a block line that says "mined here"; others plainly', async () => {
		dir = await mkdtemp(join(tmpdir(), 'chain-tui-log-'));
		node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1});
		const lines: string[] = [];
		const events: Record<string, unknown>[] = [];
		logNodeEvents(node, (line, event) => {
			lines.push(line);
			events.push(event);
		});
		await node.generate(2);
		const foreign = nextBlock(node.chain, node.chain.tip);
		await node.chain.add(foreign);
		const [one, two] = [node.chain.getEntryByHeight(1)!, node.chain.getEntryByHeight(2)!];
		expect(lines).toEqual([
			expect.stringMatching(new RegExp(`^block 1 ${one.hashHex.slice(0, 16)}… 1 tx \\d+ bytes, mined here$`)),
			expect.stringMatching(new RegExp(`^block 2 ${two.hashHex.slice(0, 16)}… 1 tx \\d+ bytes, mined here$`)),
			expect.stringMatching(new RegExp(`^block 3 ${foreign.hashHex().slice(0, 16)}… 1 tx \\d+ bytes$`)),
		]);
		expect(events.map(e => [e.type, e.height, e.mined])).toEqual([
			['block', 1, true],
			['block', 2, true],
			['block', 3, false],
		]);
		expect(events[0]).toMatchObject({hash: one.hashHex, txs: 1, size: expect.any(Number)});
	});

	it('logs one line per reorganisation', async () => {
		dir = await mkdtemp(join(tmpdir(), 'chain-tui-log-'));
		node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1});
		await node.generate(1);
		const fork = node.chain.getEntryByHeight(0)!;
		const lines: string[] = [];
		logNodeEvents(node, line => lines.push(line));
		const a = nextBlock(node.chain, fork, {tag: 7});
		await node.chain.add(a, {requested: true});
		const b = nextBlock(node.chain, node.chain.getEntry(a.hash())!, {tag: 7});
		await node.chain.add(b, {requested: true});
		expect(lines.filter(l => l.startsWith('reorganize'))).toEqual([`reorganize: 1 block(s) replaced at height 0; new tip 2 ${b.hashHex().slice(0, 16)}…`]);
		expect(lines.filter(l => l.startsWith('block'))).toHaveLength(2);
		expect(lines).toHaveLength(3);
	});
});
