/** The App over a real regtest node, driven by keys: navigation, the explorer, lists, and every form. */
import {afterEach, describe, expect, it} from 'vitest';
import {encodeAddress} from '../../source/node/crypto/address.js';
import {ENTRY_OVERHEAD} from '../../source/node/mempool/mempool.js';
import {quickNet} from '../helpers/chain-env.js';
import {key} from '../helpers/builder.js';
import {KEY, startApp, type Harness} from './harness.js';
import {hashShown, paneText} from './render-at.js';

let app: Harness | undefined;
afterEach(async () => {
	await app?.close();
	app = undefined;
});

/** Starts the app (120x40 unless asked) and waits for its first frame. */
async function start(options: Parameters<typeof startApp>[0] = {}): Promise<Harness> {
	app = await startApp(options);
	await app.until(f => f.includes('1 chain') && /height \d+/.test(f), 'the first frame');
	return app;
}

const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);

/** A wallet with a mining address and `blocks` mined to it. */
async function funded(h: Harness, blocks = 1 + quickNet.coinbaseMaturity): Promise<string> {
	const address = await h.node.wallet.miningAddress();
	await h.node.generate(blocks);
	h.store.walletChanged();
	await h.until(f => f.startsWith(`chain-tui test · height ${h.node.chain.height} `), `height ${h.node.chain.height}`);
	return address;
}

/** The pane titles drawn in borders. */
const titles = (frame: string) => [...frame.matchAll(/[┌╔][─═] (\d \w+) /g)].map(m => m[1]);

/** The pane with focus: the one drawn with a double border. */
const focused = (frame: string) => /╔═ (\d \w+) /.exec(frame)?.[1] ?? null;

/** The hash of the block at `height` on the active chain. */
const hashAt = (h: Harness, height: number) => h.node.chain.getEntryByHeight(height)!.hashHex;

describe('navigation', () => {
	it('Tab, Shift-Tab and 1-8 move the focus between panes; ? shows the keys; Esc closes it', async () => {
		const h = await start();
		expect(focused(h.frame())).toBe('1 chain');
		await h.press(KEY.tab);
		await h.until(f => focused(f) === '2 peers', 'the peers pane focused');
		await h.press('6');
		await h.until(f => focused(f) === '6 wallet', 'the wallet pane focused');
		await h.press(KEY.shiftTab);
		await h.until(f => focused(f) === '5 miner', 'the miner pane focused');
		await h.press(KEY.shiftTab, KEY.shiftTab, KEY.shiftTab, KEY.shiftTab, KEY.shiftTab);
		await h.until(f => focused(f) === '8 log', 'Shift-Tab wraps round to the log');
		await h.press(KEY.tab);
		await h.until(f => focused(f) === '1 chain', 'Tab wraps round to the chain');
		await h.press('?');
		const help = await h.until(f => f.includes('Keys') && f.includes('mining on/off'), 'the help');
		expect(help).toContain('Esc or ? closes');
		expect(help).toContain('g               mine one block now (regtest)');
		await h.press(KEY.esc);
		await h.until(f => !f.includes('mining on/off'), 'help closed');
		// Keys act on the screen again.
		await h.press('3');
		await h.until(f => focused(f) === '3 tips', 'the tips pane focused');
	});

	it('at 80x24 one pane shows at a time, and the number keys change which', async () => {
		const h = await start({size: {columns: 80, rows: 24}});
		expect(h.frame().split('\n')[1]).toContain(' 1 chain  2 peers  3 tips  4 mempool  5 miner  6 wallet  7 BPM  8 log');
		await h.press('2');
		const peers = await h.until(f => focused(f) === '2 peers', 'the peers pane');
		expect(titles(peers)).toEqual(['2 peers']);
		expect(peers).toContain('no peers yet (a to add one)');
		await h.press('5');
		const miner = await h.until(f => focused(f) === '5 miner', 'the miner pane');
		expect(titles(miner)).toEqual(['5 miner']);
		expect(miner).toContain('kernel simd');
		expect(miner).not.toContain('no peers yet');
	});

	it('z zooms the focused pane to the whole screen and z brings every pane back', async () => {
		const h = await start();
		await h.press('8', 'z');
		const zoomed = await h.until(f => f.includes('8 log') && f.includes('zoomed · z'), 'the log zoomed');
		expect(zoomed).not.toContain('1 chain');
		expect(zoomed.split('\n')[1]).toMatch(/^╔═ 8 log .*╗$/);
		expect(zoomed.split('\n')[h.size.rows - 2]).toMatch(/^╚═+╝$/);
		await h.press('z');
		const back = await h.until(f => f.includes('1 chain') && f.includes('2 peers'), 'every pane again');
		expect(back).not.toContain('zoomed');
		expect(focused(back)).toBe('8 log');
	});

	it('the mouse: a click focuses the pane under it and selects the row; y copies that row', async () => {
		const h = await start();
		await funded(h, 5);
		await h.until(f => paneText(f, '1 chain').some(r => r.startsWith('0 ')), 'every block listed');
		// Click the tips pane's border: the focus goes there.
		const tipsRow = h.frame().split('\n').findIndex(l => l.includes('─ 3 tips '));
		await h.mouse({kind: 'press', x: h.frame().split('\n')[tipsRow]!.indexOf('─ 3 tips ') + 3, y: tipsRow});
		await h.until(f => focused(f) === '3 tips', 'the tips pane focused by a click');
		// Click the chain list's fourth row (height 2): status bar, top border, heading, then rows.
		await h.mouse({kind: 'press', x: 10, y: 1 + 1 + 1 + 3});
		await h.until(f => focused(f) === '1 chain', 'the chain pane focused by a click');
		await h.press('y');
		expect(h.copies).toEqual([hashAt(h, 2)]);
		await h.until(f => f.includes('copied ') && f.includes('(OSC 52)'), 'the footer says it copied');
	});
});

describe('the chain list', () => {
	it('with follow off, the selection stays on its block as new blocks arrive above it; Enter opens that block', async () => {
		const h = await start();
		await funded(h, 5);
		await h.until(f => f.includes('1 chain  following'), 'following the tip');
		// Row 2 (height 3): moving off the top stops following.
		await h.press(KEY.down, KEY.down);
		await h.until(f => !f.includes('1 chain  following'), 'following off');
		const chosen = hashAt(h, 3);
		await h.press('y');
		expect(h.copies.at(-1)).toBe(chosen);
		// Two blocks arrive: one by the key, one by the node.
		await h.press('g');
		await h.until(f => f.startsWith('chain-tui test · height 6 '), 'height 6');
		await h.actions.mineOne();
		await h.until(f => f.startsWith('chain-tui test · height 7 ') && paneText(f, '1 chain')[1]!.startsWith('7 '), 'height 7 listed');
		await h.press('y');
		expect(h.copies.at(-1)).toBe(chosen);
		await h.press(KEY.enter);
		const block = await h.until(f => f.includes('1 chain  block · Esc back'), 'the block opened');
		expect(paneText(block, '1 chain')[0]).toMatch(/^block 3\b/);
		expect(hashShown(paneText(block, '1 chain'), chosen)).not.toBe('missing');
		// In the block, y copies the selected row: its coinbase's txid.
		await h.press('y');
		expect(h.copies.at(-1)).toBe((await h.node.chain.getBlock(h.node.chain.getEntryByHeight(3)!.hash))!.txs[0]!.txid());
		await h.press(KEY.esc);
		await h.until(f => paneText(f, '1 chain').some(r => /^height\s+hash/.test(r)) && !f.includes('Esc back'), 'back to the list');
		await h.press('y');
		expect(h.copies.at(-1)).toBe(chosen);
	});

	it('with follow on, the selection moves to each new block', async () => {
		const h = await start();
		await funded(h, 2);
		await h.press('f');
		await h.until(f => !f.includes('1 chain  following'), 'f stops following');
		await h.press('f');
		await h.until(f => f.includes('1 chain  following'), 'f follows again');
		await h.press('g');
		await h.until(f => f.startsWith('chain-tui test · height 3 '), 'height 3');
		await h.press('y');
		expect(h.copies.at(-1)).toBe(hashAt(h, 3));
	});

	it('PgDn pages down and End reaches the genesis block on a chain longer than the pane; Home goes back to the tip', async () => {
		const h = await start();
		await funded(h, 60);
		const rows = paneText(h.frame(), '1 chain');
		const space = rows.length - 1; // less the heading
		expect(space).toBeLessThan(61);
		await h.press(KEY.pageDown);
		await h.press('y');
		expect(h.copies.at(-1)).toBe(hashAt(h, 60 - (space - 1)));
		await h.press(KEY.pageDown);
		await h.press('y');
		expect(h.copies.at(-1)).toBe(hashAt(h, 60 - 2 * (space - 1)));
		await h.press(KEY.end);
		const bottom = await h.until(f => paneText(f, '1 chain').at(-1)!.startsWith('0 '), 'the genesis block in view');
		// The last page: the rows read from the database as the list scrolled, none left unknown.
		const shown = paneText(bottom, '1 chain').slice(1);
		expect(shown.map(r => Number(r.split(/\s+/)[0]))).toEqual(Array.from({length: space}, (_, i) => space - 1 - i));
		// At 120 columns the chain runs across the screen: hashes whole.
		expect(hashShown([shown.at(-1)!], hashAt(h, 0))).toBe('whole');
		await h.press('y');
		expect(h.copies.at(-1)).toBe(hashAt(h, 0));
		await h.press(KEY.enter);
		const genesis = await h.until(f => f.includes('block · Esc back'), 'the genesis block opened');
		expect(paneText(genesis, '1 chain')[0]).toMatch(/^block 0\b/);
		await h.press(KEY.esc);
		await h.until(f => !f.includes('block · Esc back'), 'back to the list');
		await h.press(KEY.home);
		const top = await h.until(f => f.includes('1 chain  following') && paneText(f, '1 chain')[1]!.startsWith('60 '), 'the tip again, following');
		expect(paneText(top, '1 chain')[1]).toMatch(/^60 /);
		await h.press(KEY.pageUp);
		await h.press('y');
		expect(h.copies.at(-1)).toBe(hashAt(h, 60));
	});

	it('the log filter: 8, /, then text: only the lines with it', async () => {
		const h = await start();
		await funded(h, 3);
		h.store.log('a line about apples');
		await h.until(f => f.includes('a line about apples'), 'the line logged');
		await h.press('8', '/');
		await h.type('block 2');
		const filtered = await h.until(f => paneText(f, '8 log').some(r => r.startsWith('filter block 2')), 'the filter typed');
		const lines = paneText(filtered, '8 log').filter(r => /^\d\d:\d\d:\d\d /.test(r));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d block 2 /);
		// Typed into the filter, not taken as keys: 'b' opened no BPM form, '2' did not focus the peers.
		expect(filtered).not.toContain('Record a heart-rate');
		expect(focused(filtered)).toBe('8 log');
		await h.press(KEY.esc);
		const all = await h.until(f => !paneText(f, '8 log').some(r => r.startsWith('filter')), 'the filter gone');
		expect(paneText(all, '8 log').join('\n')).toContain('a line about apples');
	});
});

describe('the explorer', () => {
	it('g mines a block; Enter drills block -> transaction -> address; Esc comes back each step', async () => {
		const h = await start();
		await h.press('g');
		await h.until(f => f.startsWith('chain-tui test · height 1 ') && paneText(f, '1 chain')[1]!.startsWith('1 '), 'block 1 listed');
		const hash = hashAt(h, 1);
		await h.press(KEY.enter);
		const block = paneText(await h.until(f => f.includes('block · Esc back'), 'the block'), '1 chain');
		expect(block[0]).toMatch(/^block 1\b/);
		expect(hashShown(block, hash), block.join('\n')).toMatch(/whole|middle/);
		const coinbase = (await h.node.chain.getBlock(h.node.chain.tip.hash))!.txs[0]!.txid();
		expect(hashShown(block.filter(r => r.startsWith('0 ')), coinbase), 'the coinbase, row 0').toMatch(/whole|middle/);
		await h.press(KEY.enter);
		const tx = paneText(await h.until(f => f.includes('tx · Esc back'), 'the transaction'), '1 chain');
		expect(hashShown(tx, coinbase), tx.join('\n')).toMatch(/whole|middle/);
		expect(tx.join('\n')).toContain('coinbase (new coins)');
		await h.press(KEY.down, KEY.enter);
		const address = paneText(await h.until(f => f.includes('address · Esc back'), 'the address'), '1 chain');
		const miner = await h.node.wallet.miningAddress();
		expect(address.join('\n')).toContain(`address ${miner}`);
		expect(address.join('\n')).toContain('balance 50');
		expect(address.join('\n')).toContain('received');
		await h.press(KEY.esc);
		await h.until(f => f.includes('tx · Esc back'), 'back to the transaction');
		await h.press(KEY.esc);
		await h.until(f => f.includes('block · Esc back'), 'back to the block');
		await h.press(KEY.esc);
		await h.until(f => paneText(f, '1 chain')[0]!.startsWith('height') && !f.includes('Esc back'), 'back to the block list');
	});

	it('/ finds a height, a block hash, a txid and an address, and says when nothing matches', async () => {
		const h = await start();
		const miner = await funded(h, 2);
		const coinbase = (await h.node.chain.getBlock(h.node.chain.getEntryByHeight(1)!.hash))!.txs[0]!.txid();
		const search = async (query: string, shows: string, what: string) => {
			await h.press('/');
			await h.until(f => f.includes('Search'), 'the search form');
			await h.paste(query);
			await h.press(KEY.enter);
			const found = await h.until(f => f.includes(shows) && !f.includes('› find'), what);
			return paneText(found, '1 chain');
		};
		let view = await search('1', 'block · Esc back', 'found by height');
		expect(view[0]).toMatch(/^block 1\b/);
		await h.press(KEY.esc);
		view = await search(hashAt(h, 2), 'block · Esc back', 'found by block hash');
		expect(view[0]).toMatch(/^block 2\b/);
		await h.press(KEY.esc);
		view = await search(coinbase, 'tx · Esc back', 'found by txid');
		expect(hashShown(view, coinbase)).toMatch(/whole|middle/);
		expect(view.join('\n')).toContain('block 1, 2 confirmations');
		await h.press(KEY.esc);
		view = await search(miner, 'address · Esc back', 'found by address');
		expect(view.join('\n')).toContain(`address ${miner}`);
		expect(view.join('\n')).toContain('balance 100');
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Esc back'), 'back to the list');
		await h.press('/');
		await h.until(f => f.includes('Search'), 'the search form');
		await h.type('nonsense');
		await h.press(KEY.enter);
		// The notice takes one line of the pane: its start at least.
		await h.until(f => f.includes('"nonsense" is not a height, block'), 'the notice');
		expect(h.frame()).not.toContain('Esc back');
		await h.press('/');
		await h.until(f => f.includes('Search'), 'the search form');
		await h.type('999');
		await h.press(KEY.enter);
		await h.until(f => f.includes('no block 999'), 'no such height');
	});
});

describe('keys that close an overlay', () => {
	it('Enter that submits a search or closes an outcome goes to the form only, not to the list under it', async () => {
		const h = await start();
		await funded(h, 2);
		// The chain list follows the tip (block 2): an Enter reaching it would open block 2.
		await h.press('/');
		await h.until(f => f.includes('Search'), 'the search form');
		await h.type('1');
		await h.press(KEY.enter);
		const found = await h.until(f => f.includes('block · Esc back'), 'block 1 found');
		expect(paneText(found, '1 chain')[0]).toMatch(/^block 1\b/);
		// One view was opened, so one Esc is back at the list.
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Esc back') && paneText(f, '1 chain')[0]!.startsWith('height'), 'one Esc back to the list', 3000);
		await h.press('w');
		await h.until(f => f.includes('Create wallet'), 'the form');
		await h.type('x');
		await h.press(KEY.enter, KEY.enter, KEY.enter);
		await h.until(f => f.includes('New address created'), 'the outcome');
		await h.press(KEY.enter);
		await h.until(f => !f.includes('New address created'), 'the outcome closed');
		// Had that Enter reached the list, block 2 would open (its read takes a moment): search for 1 again, and one Esc must still be enough.
		await h.press('/');
		await h.until(f => f.includes('Search'), 'the search form');
		await h.type('1');
		await h.press(KEY.enter);
		await h.until(f => f.includes('block · Esc back'), 'block 1 found again');
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Esc back'), 'one Esc back to the list', 3000);
	});

	it('Esc that closes the help or a form is not also Esc for the pane (a log filter stays)', async () => {
		const h = await start();
		await h.press('8', '/');
		await h.type('mining');
		await h.press(KEY.enter);
		await h.until(f => paneText(f, '8 log').some(r => r.startsWith('filter mining (')), 'the filter kept');
		await h.press('?');
		await h.until(f => f.includes('Esc or ? closes'), 'the help');
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Esc or ? closes'), 'the help closed');
		await h.press('a');
		await h.until(f => f.includes('Add a peer'), 'a form');
		await h.press(KEY.esc);
		const after = await h.until(f => !f.includes('Add a peer'), 'the form closed');
		expect(paneText(after, '8 log').some(r => r.startsWith('filter mining ('))).toBe(true);
	});
});

describe('quitting', () => {
	it('q quits at once when not mining, and asks first when mining', async () => {
		const h = await start();
		await h.press('q');
		expect(h.quits).toBe(1);
		await h.node.wallet.miningAddress();
		await h.press('m');
		await h.until(f => f.includes('mining ') && !f.includes('mining off'), 'mining on');
		await h.press('q');
		await h.until(f => f.includes('Mining is on. Quit anyway? y / n'), 'the question');
		expect(h.quits).toBe(1);
		await h.press('n');
		await h.until(f => !f.includes('Quit anyway'), 'question gone');
		expect(h.quits).toBe(1);
		await h.press('q');
		await h.until(f => f.includes('Quit anyway'), 'asked again');
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Quit anyway'), 'Esc answers no');
		expect(h.quits).toBe(1);
		await h.press('q');
		await h.until(f => f.includes('Quit anyway'), 'asked a third time');
		await h.press('y');
		expect(h.quits).toBe(2);
		h.node.miner.stop();
	});
});

describe('forms', () => {
	it('create wallet: label needed, passphrases must match, then the new address, listed in the wallet pane', async () => {
		const h = await start();
		await h.press('w');
		await h.until(f => f.includes('Create wallet'), 'the form');
		await h.press(KEY.enter, KEY.enter, KEY.enter);
		await h.until(f => f.includes('a label is needed'), 'label error');
		// Submitting put the focus back on the first bad field, the label.
		await h.type('savings');
		await h.press(KEY.tab);
		await h.type('secret');
		await h.press(KEY.tab);
		await h.type('secreT');
		await h.until(f => f.includes('the two passphrases differ'), 'mismatch shown as you type');
		expect(h.frame()).not.toContain('secret');
		expect(h.frame()).toContain('******');
		await h.erase(1);
		await h.type('t');
		await h.until(f => !f.includes('the two passphrases differ'), 'the passphrases match');
		await h.press(KEY.enter);
		const done = await h.until(f => f.includes('New address created'), 'created');
		const address = /([mn][1-9A-HJ-NP-Za-km-z]{25,34})/.exec(done)![1]!;
		expect(await h.node.wallet.addresses()).toEqual([expect.objectContaining({label: 'savings', address})]);
		await h.press(KEY.enter);
		await h.until(f => !f.includes('New address created'), 'the outcome closed');
		await h.press('6', 'z');
		const wallet = paneText(await h.until(f => f.includes('6 wallet') && f.includes('zoomed'), 'the wallet zoomed'), '6 wallet');
		expect(wallet[0]).toMatch(/^0 confirmed · locked/);
		const row = wallet.find(r => r.startsWith('savings')) ?? '';
		expect(hashShown([row], address)).toMatch(/whole|middle/);
	});

	it('Esc in a form cancels it: nothing created, and the form opens empty next time', async () => {
		const h = await start();
		await h.press('w');
		await h.until(f => f.includes('Create wallet'), 'the form');
		await h.type('half-typed');
		await h.until(f => f.includes('half-typed'), 'typed');
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Create wallet'), 'the form closed');
		expect(await h.node.wallet.addresses()).toEqual([]);
		await h.press('w');
		const again = await h.until(f => f.includes('Create wallet'), 'the form again');
		expect(again).not.toContain('half-typed');
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Create wallet'), 'closed again');
		// The keys are the screen's again.
		await h.press('4');
		await h.until(f => focused(f) === '4 mempool', 'the mempool focused');
	});

	it('keys typed faster than the screen redraws still land in order, in the right fields', async () => {
		const h = await start();
		await h.press('w');
		await h.until(f => f.includes('Create wallet'), 'the form');
		// One key a read, 5 ms apart, then several keys in one read: erasing, typing, Tab and all.
		await h.type('quick brown fox');
		await h.keys('\u007f\u007f\u007fx\tab\tab');
		await h.until(f => f.includes('› again'), 'the focus on the third field');
		expect(h.frame()).toMatch(/label\s+quick brown x/);
		await h.press(KEY.enter);
		await h.until(f => f.includes('New address created'), 'created');
		expect(await h.node.wallet.addresses()).toEqual([expect.objectContaining({label: 'quick brown x'})]);
		expect(h.node.wallet.keystore.encrypted).toBe(true);
	});

	it('send: every bad input shows its message and sends nothing; a good one asks, sends and lands in the mempool', async () => {
		const h = await start();
		await funded(h);
		await h.press('s');
		await h.until(f => f.includes('Send coins'), 'the form');
		await h.press(KEY.tab);
		// Typed characters go to the field, not to the keys (q would quit).
		await h.type('q');
		await h.until(f => /› to\s+q/.test(f), 'q typed into the field');
		expect(h.quits).toBe(0);
		await h.until(f => f.includes('Base58') || f.includes('checksum'), 'bad address');
		await h.erase(1);
		await h.paste(`${bob.slice(0, -1)}${bob.endsWith('z') ? 'y' : 'z'}`);
		await h.until(f => f.includes('checksum does not match'), 'bad checksum');
		await h.erase(bob.length);
		await h.paste(encodeAddress(key('bob').hash, 0x1c));
		await h.until(f => f.includes('another network'), 'other network');
		await h.erase(40);
		await h.paste(bob);
		await h.until(f => !f.includes('another network') && !f.includes('checksum'), 'a good address');
		await h.press(KEY.tab);
		for (const [text, message] of [
			['abc', 'not an amount'],
			['-1', 'must not be negative'],
			['0', 'greater than zero'],
			['1.123456789', 'at most 8 decimal'],
			['500', /more than the 100 this address can spend/],
		] as const) {
			await h.type(text);
			await h.until(f => (typeof message === 'string' ? f.includes(message) : message.test(f)), `amount "${text}": ${message}`);
			await h.erase(text.length);
		}
		await h.type('12.5');
		await h.press(KEY.tab, KEY.backspace);
		await h.type('x');
		await h.until(f => f.includes('fee rate must be a whole number'), 'bad fee rate');
		await h.press(KEY.backspace);
		await h.type('2');
		expect(h.node.mempool.size).toBe(0);
		await h.press(KEY.enter);
		const confirm = await h.until(f => f.includes('Confirm'), 'the confirmation line');
		expect(confirm).toContain(`send 12.5 to ${bob}`);
		expect(confirm).toMatch(/fee 0\.\d+ · total 12\.5\d* · change 37\.\d+/);
		expect(h.node.mempool.size).toBe(0); // nothing sent yet
		await h.press(KEY.enter);
		const sent = await h.until(f => f.includes('Sent'), 'sent');
		const txid = /txid ([0-9a-f]{64})/.exec(sent)![1]!;
		expect(h.node.mempool.has(txid)).toBe(true);
		await h.press(KEY.enter);
		await h.until(f => !f.includes('Sent'), 'the outcome closed');
		const mempool = paneText(await h.until(f => hashShown(paneText(f, '4 mempool'), txid) !== 'missing', 'in the mempool pane'), '4 mempool');
		expect(hashShown(mempool, txid)).toMatch(/whole|middle/);
		// The pane's figures are the pool's own: one entry, its fee rate, its estimated memory.
		const entry = h.node.mempool.get(txid)!;
		expect(h.store.getSnapshot().mempool).toMatchObject({count: 1, bytes: entry.size, usage: entry.size + ENTRY_OVERHEAD, minRate: entry.feeRate, medianRate: entry.feeRate, maxRate: entry.feeRate});
		expect(mempool[0]).toBe(`1 tx · ${entry.size} B · <1% of 50.0 MB`);
		expect(mempool[1]).toMatch(new RegExp(`^per byte ${entry.feeRate.toFixed(1)} · ${entry.feeRate.toFixed(1)} · ${entry.feeRate.toFixed(1)}`));
	});

	it('record BPM: out of range refused; a reading goes on chain and onto the chart', async () => {
		const h = await start();
		await funded(h);
		await h.press('b');
		await h.until(f => f.includes('Record a heart-rate'), 'the form');
		await h.press(KEY.tab);
		await h.type('19');
		await h.until(f => f.includes('BPM must be from 20 to 300'), 'too low');
		await h.erase(2);
		await h.type('301');
		await h.until(f => f.includes('BPM must be from 20 to 300'), 'too high');
		await h.erase(3);
		await h.type('72');
		await h.until(f => !f.includes('BPM must be'), 'in range');
		await h.press(KEY.enter);
		await h.until(f => f.includes('BPM reading recorded'), 'recorded');
		await h.press(KEY.enter);
		await h.until(f => !f.includes('BPM reading recorded'), 'the outcome closed');
		await h.press('g');
		await h.until(f => f.startsWith('chain-tui test · height 5 '), 'mined with the reading');
		const bpm = paneText(await h.until(f => paneText(f, '7 BPM')[0]?.startsWith('1 reading · all addresses') === true, 'on the chart'), '7 BPM');
		// min, max and last, on as many lines as the pane's width needs.
		expect(bpm.join(' · ')).toContain('min 72 · max 72 · last 72 BPM');
	});

	it('clone and add peer: bad host:port refused, an unreachable host said plainly', async () => {
		const h = await start({port: 0});
		await h.press('c');
		await h.until(f => f.includes('Clone a chain'), 'the clone form');
		await h.type('localhost');
		await h.until(f => f.includes('"localhost" is not host:port'), 'bad host:port');
		await h.type(':1');
		await h.until(f => !f.includes('is not host:port'), 'a good host:port');
		await h.press(KEY.enter);
		await h.until(f => f.includes('Clone did not replace the chain') && f.includes('unreachable'), 'unreachable', 15_000);
		await h.press(KEY.enter);
		await h.until(f => !f.includes('Clone did not'), 'the outcome closed');
		await h.press('a');
		await h.until(f => f.includes('Add a peer'), 'the add-peer form');
		await h.type('127.0.0.1:99999');
		await h.until(f => f.includes('is not host:port'), 'port out of range');
		await h.erase(4);
		await h.press(KEY.enter);
		await h.until(f => f.includes('cannot connect to 127.0.0.1:9'), 'refused plainly', 15_000);
		expect(h.node.pool!.peerInfo()).toEqual([]);
		await h.press(KEY.esc);
		await h.until(f => !f.includes('Add a peer'), 'form closed');
	});
});

describe('a locked wallet', () => {
	it('asks for the passphrase to send, and a wrong one is said next to the field', async () => {
		const h = await start();
		await funded(h);
		await h.node.wallet.keystore.encrypt('right horse');
		h.store.walletChanged();
		await h.until(f => paneText(f, '6 wallet')[0]!.includes('locked'), 'the wallet locked');
		await h.press('s');
		await h.until(f => f.includes('Send coins') && f.includes('passphrase'), 'a passphrase field');
		await h.press(KEY.tab);
		await h.paste(bob);
		await h.press(KEY.tab);
		await h.type('1');
		await h.press(KEY.tab, KEY.tab);
		await h.type('wrong horse');
		await h.press(KEY.enter);
		await h.until(f => f.includes('wrong passphrase'), 'wrong passphrase');
		expect(h.node.mempool.size).toBe(0);
		expect(h.node.wallet.keystore.locked).toBe(true);
	});

	it('the BPM chart shows all readings or one address at a time (↑/↓)', async () => {
		const h = await start();
		const mine = await funded(h);
		await h.node.wallet.recordBpm({address: mine, bpm: 80, feeRate: 1n});
		await h.node.generate(1);
		h.store.walletChanged();
		await h.press('7');
		await h.until(f => paneText(f, '7 BPM')[0]?.startsWith('1 reading · all addresses') === true, 'all');
		await h.press(KEY.down);
		const one = paneText(await h.until(f => !paneText(f, '7 BPM')[0]!.includes('all addresses'), 'one address'), '7 BPM');
		expect(one[0]).toMatch(/^1 reading · /);
		// The address, whole or its two ends (what follows it, the ↑/↓ hint, may be cut).
		const [, head, tail] = /^1 reading · ([1-9A-HJ-NP-Za-km-z]+)(?:…([1-9A-HJ-NP-Za-km-z]+))?/.exec(one[0]!) ?? [];
		expect(head && mine.startsWith(head) && (tail === undefined ? head === mine : mine.endsWith(tail)), one[0]).toBe(true);
		expect(one.join(' · ')).toContain('min 80 · max 80 · last 80 BPM');
		await h.press('y');
		expect(h.copies.at(-1)).toBe(mine);
		await h.press(KEY.up);
		await h.until(f => paneText(f, '7 BPM')[0]!.includes('all addresses'), 'all again');
	});
});
