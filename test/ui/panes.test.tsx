/** Every pane rendered from the fixture snapshot at 100 columns, compared with its snapshot. */
import React from 'react';
import {describe, expect, it} from 'vitest';
import {render} from 'ink-testing-library';
import {StatusBar} from '../../source/ui/panes/status-bar.js';
import {PeersPane} from '../../source/ui/panes/peers.js';
import {ChainPane} from '../../source/ui/panes/chain.js';
import {TipsPane} from '../../source/ui/panes/tips.js';
import {MempoolPane} from '../../source/ui/panes/mempool.js';
import {MinerPane} from '../../source/ui/panes/miner.js';
import {WalletPane} from '../../source/ui/panes/wallet.js';
import {BpmPane} from '../../source/ui/panes/bpm.js';
import {LogPane} from '../../source/ui/panes/log.js';
import {Help} from '../../source/ui/help.js';
import {ThemeProvider} from '../../source/ui/theme.js';
import {sparkline} from '../../source/ui/components/sparkline.js';
import {regtest} from '../../source/node/consensus/networks.js';
import {snapshot as s} from './fixtures.js';

/** Plain frames: no colour codes in snapshots (and proof that NO_COLOR leaves none). */
function frame(node: React.ReactElement): string {
	const {lastFrame, unmount} = render(<ThemeProvider theme={{color: false}}>{node}</ThemeProvider>);
	const out = lastFrame() ?? '';
	unmount();
	return out;
}

describe('panes at 100 columns', () => {
	it('status bar: network, height, tip, sync progress, peers, mining', () => {
		const out = frame(<StatusBar snapshot={s} width={100} />);
		expect(out).toContain('height 1234');
		expect(out).toContain('1234/1500');
		expect(out).toContain('peers 1 in 1 out');
		expect(out).toContain('mining 6.78 MH/s');
		expect(out).toMatchSnapshot();
	});

	it('status bar when synced and not mining', () => {
		const out = frame(<StatusBar snapshot={{...s, sync: {...s.sync, synced: true, blocks: 1500}, miner: {...s.miner, running: false}}} width={100} />);
		expect(out).toContain('synced');
		expect(out).toContain('mining off');
	});

	it('peers', () => expect(frame(<PeersPane peers={s.peers} selected={0} rows={10} />)).toMatchSnapshot());
	it('peers, none', () => expect(frame(<PeersPane peers={[]} selected={0} rows={10} />)).toContain('no peers yet'));
	it('chain: recent blocks', () => expect(frame(<ChainPane blocks={s.blocks} view={null} selected={1} rows={10} now={s.now} addressVersion={regtest.addressVersion} notice={null} />)).toMatchSnapshot());
	it('chain: a notice from search', () => expect(frame(<ChainPane blocks={s.blocks} view={null} selected={0} rows={10} now={s.now} addressVersion={regtest.addressVersion} notice={'"xyz" is not a height'} />)).toContain('"xyz" is not a height'));
	it('tips with a reorg line', () => expect(frame(<TipsPane tips={s.tips} reorgs={s.log.filter(l => l.text.startsWith('reorganize'))} rows={8} />)).toMatchSnapshot());
	it('mempool', () => expect(frame(<MempoolPane mempool={s.mempool} selected={0} rows={8} now={s.now} />)).toMatchSnapshot());
	it('miner', () => expect(frame(<MinerPane miner={s.miner} width={96} regtest />)).toMatchSnapshot());
	it('miner paced (regtest): the pace, not a hash rate that means nothing there', () => {
		const paced = {...s.miner, rate: 1, pacedSeconds: 20};
		const out = frame(<MinerPane miner={paced} width={96} regtest />);
		expect(out).toContain('mining · paced to a block every 20 s · 1 thread');
		expect(out).not.toContain('H/s');
		expect(frame(<StatusBar snapshot={{...s, miner: paced}} width={100} />)).toContain('mining (paced)');
	});
	it('wallet', () => expect(frame(<WalletPane wallet={s.wallet} selected={1} rows={8} />)).toMatchSnapshot());
	it('BPM chart, all addresses and one', () => {
		const all = frame(<BpmPane readings={s.bpm} address={null} width={60} rows={8} />);
		expect(all).toContain('4 readings all addresses · min 62 · max 120 · last 68 BPM');
		expect(all).toMatchSnapshot();
		expect(frame(<BpmPane readings={s.bpm} address={s.bpm[2]!.address} width={60} rows={8} />)).toContain('1 reading for');
	});
	it('log', () => expect(frame(<LogPane log={s.log} rows={5} />)).toMatchSnapshot());
	it('help overlay, from the key table', () => {
		const out = frame(<Help />);
		expect(out).toContain('m          mining on/off');
		expect(out).toMatchSnapshot();
	});
	it('sparkline scales to the maximum', () => {
		expect(sparkline([0, 1, 2, 4], 4)).toBe('▁▂▄█');
		expect(sparkline([], 3)).toBe('   ');
	});
});
