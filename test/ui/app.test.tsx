import {afterEach, describe, expect, it} from 'vitest';
import {encodeAddress} from '../../source/node/crypto/address.js';
import {quickNet} from '../helpers/chain-env.js';
import {key} from '../helpers/builder.js';
import {KEY, startApp, type Harness} from './harness.js';
import {ENTRY_OVERHEAD} from '../../source/node/mempool/mempool.js';

let app: Harness;
afterEach(async () => {
	await app?.close();
});

const bob = encodeAddress(key('bob').hash, quickNet.addressVersion);

/** A wallet with a mining address and `blocks` mined to it. */
async function funded(blocks = 1 + quickNet.coinbaseMaturity): Promise<string> {
	const address = await app.node.wallet.miningAddress();
	await app.node.generate(blocks);
	app.store.walletChanged();
	return address;
}

describe('navigation', () => {
	it('Tab, Shift-Tab and 1-8 move between panes; ? shows the keys; Esc closes', async () => {
		app = await startApp();
		await app.until(f => f.includes('1 chain') && f.includes('height 0'), 'the first frame');
		await app.press(KEY.tab);
		await app.until(f => f.includes('no peers yet'), 'the peers pane');
		await app.press('6');
		await app.until(f => f.includes('no addresses yet'), 'the wallet pane');
		await app.press(KEY.shiftTab);
		await app.until(f => f.includes('kernel simd'), 'the miner pane');
		await app.press('?');
		await app.until(f => f.includes('Keys') && f.includes('mining on/off'), 'the help');
		await app.press(KEY.esc);
		await app.until(f => !f.includes('mining on/off') && f.includes('kernel simd'), 'help closed');
	});

	it('g mines a block; Enter drills block -> transaction -> address; Esc comes back', async () => {
		app = await startApp();
		await app.until(f => f.includes('height 0'), 'start');
		await app.press('g');
		await app.until(f => f.includes('height 1 ') && /\n.*\s1 [0-9a-f]{16}…/.test(f), 'block 1 listed');
		await app.press(KEY.enter);
		await app.until(f => f.includes('block 1 '), 'the block');
		await app.press(KEY.enter);
		await app.until(f => /tx [0-9a-f]{64}/.test(f) && f.includes('coinbase'), 'the transaction');
		await app.press(KEY.down, KEY.enter);
		const frame = await app.until(f => f.includes('address ') && f.includes('balance 50'), 'the address');
		expect(frame).toContain('received');
		await app.press(KEY.esc, KEY.esc, KEY.esc);
		await app.until(f => f.includes('height hash'), 'back to the block list');
	});

	it('/ searches by height, hash, txid or address, and says when nothing matches', async () => {
		app = await startApp();
		await app.press('g');
		await app.until(f => f.includes('height 1 '), 'a block');
		await app.press('/');
		await app.until(f => f.includes('Search'), 'the search form');
		await app.type('1');
		await app.press(KEY.enter);
		await app.until(f => f.includes('block 1 '), 'found by height');
		await app.press(KEY.esc);
		await app.until(f => f.includes('height hash'), 'back');
		await app.press('/');
		await app.until(f => f.includes('Search'), 'the search form');
		await app.type('nonsense');
		await app.press(KEY.enter);
		await app.until(f => f.includes('"nonsense" is not a height, block hash, txid or address'), 'the notice');
	});

	it('q quits at once when not mining, and asks first when mining', async () => {
		app = await startApp();
		await app.until(f => f.includes('height 0'), 'start');
		await app.press('q');
		expect(app.quits).toBe(1);
		await app.node.wallet.miningAddress();
		await app.press('m');
		await app.until(f => f.includes('mining ') && !f.includes('mining off'), 'mining on');
		await app.press('q');
		await app.until(f => f.includes('Mining is on. Quit anyway? y / n'), 'the question');
		await app.press('n');
		await app.until(f => !f.includes('Quit anyway'), 'question gone');
		expect(app.quits).toBe(1);
		await app.press('q');
		await app.until(f => f.includes('Quit anyway'), 'asked again');
		await app.press('y');
		expect(app.quits).toBe(2);
		await app.press('m');
	});
});

describe('forms', () => {
	it('create wallet: label needed, passphrases must match, then the new address', async () => {
		app = await startApp();
		await app.press('w');
		await app.until(f => f.includes('Create wallet'), 'the form');
		await app.press(KEY.enter, KEY.enter, KEY.enter);
		await app.until(f => f.includes('a label is needed'), 'label error');
		// Submitting put the focus back on the first bad field, the label.
		await app.type('savings');
		await app.press(KEY.tab);
		await app.type('secret');
		await app.press(KEY.tab);
		await app.type('secreT');
		await app.until(f => f.includes('the two passphrases differ'), 'mismatch shown as you type');
		expect(app.frame()).not.toContain('secret');
		await app.press(KEY.backspace);
		await app.type('t');
		await app.press(KEY.enter);
		const done = await app.until(f => f.includes('New address created'), 'created');
		expect(done).toMatch(/\n.*[mn][1-9A-HJ-NP-Za-km-z]{25,34}/);
		await app.pressUntil(KEY.enter, f => !f.includes('New address created'), 'the outcome closed');
		await app.press('6');
		await app.until(f => f.includes('savings') && f.includes('encrypted, locked'), 'listed, wallet encrypted');
	});

	it('send: every bad input shows its message and sends nothing; a good one asks, sends and lands in the mempool', async () => {
		app = await startApp();
		await funded();
		await app.until(f => f.includes('height 4'), 'mined');
		await app.press('s');
		await app.until(f => f.includes('Send coins'), 'the form');
		await app.press(KEY.tab);
		// Typed characters go to the field, not to the keys (q would quit).
		await app.type('q');
		await app.until(f => f.includes('› to') && /to\s+q/.test(f), 'q typed into the field');
		expect(app.quits).toBe(0);
		await app.until(f => f.includes('address is not valid Base58Check') || f.includes('checksum'), 'bad address');
		await app.erase(1);
		await app.paste(`${bob.slice(0, -1)}${bob.endsWith('z') ? 'y' : 'z'}`);
		await app.until(f => f.includes('checksum does not match'), 'bad checksum');
		await app.erase(bob.length);
		await app.paste(encodeAddress(key('bob').hash, 0x1c));
		await app.until(f => f.includes('another network'), 'other network');
		await app.erase(40);
		await app.paste(bob);
		await app.press(KEY.tab);
		for (const [text, message] of [
			['abc', 'not an amount'],
			['-1', 'not an amount'],
			['0', 'greater than zero'],
			['1.123456789', 'at most 8 decimal'],
			['500', /more than the 100 this address can spend/],
		] as const) {
			await app.type(text);
			await app.until(f => (typeof message === 'string' ? f.includes(message) : message.test(f)), `amount "${text}": ${message}`);
			await app.erase(text.length);
		}
		await app.type('12.5');
		await app.press(KEY.tab, KEY.backspace);
		await app.type('x');
		await app.until(f => f.includes('fee rate must be a whole number'), 'bad fee rate');
		await app.press(KEY.backspace);
		await app.type('2');
		await app.press(KEY.enter);
		const confirm = await app.until(f => f.includes('Confirm'), 'the confirmation line');
		expect(confirm).toContain('send 12.5 to');
		expect(confirm).toMatch(/fee 0\.\d+ · total 12\.5\d* · change 37\.\d+/);
		expect(app.node.mempool.size).toBe(0); // nothing sent yet
		await app.press(KEY.enter);
		const sent = await app.until(f => f.includes('Sent'), 'sent');
		const txid = /txid ([0-9a-f]{64})/.exec(sent)![1]!;
		expect(app.node.mempool.has(txid)).toBe(true);
		await app.pressUntil(KEY.enter, f => !f.includes('Sent'), 'the outcome closed');
		await app.press('4');
		const pane = await app.until(f => f.includes(txid.slice(0, 20)), 'in the mempool pane');
		// The pane's figures are the pool's own: one entry, its fee rate, its estimated memory.
		const entry = app.node.mempool.get(txid)!;
		expect(app.store.getSnapshot().mempool).toMatchObject({count: 1, bytes: entry.size, usage: entry.size + ENTRY_OVERHEAD, minRate: entry.feeRate, medianRate: entry.feeRate, maxRate: entry.feeRate});
		expect(pane).toContain(`1 tx · ${entry.size} B · <1% of 50.0 MB · fee rate min ${entry.feeRate.toFixed(1)} median ${entry.feeRate.toFixed(1)}`);
	});

	it('record BPM: out of range refused; a reading goes on chain and onto the chart', async () => {
		app = await startApp();
		await funded();
		await app.until(f => f.includes('height 4'), 'mined');
		await app.press('b');
		await app.until(f => f.includes('Record a heart-rate'), 'the form');
		await app.press(KEY.tab);
		await app.type('19');
		await app.until(f => f.includes('BPM must be from 20 to 300'), 'too low');
		await app.press(KEY.backspace, KEY.backspace);
		await app.type('301');
		await app.until(f => f.includes('BPM must be from 20 to 300'), 'too high');
		await app.press(KEY.backspace, KEY.backspace, KEY.backspace);
		await app.type('72');
		await app.press(KEY.enter);
		await app.until(f => f.includes('BPM reading recorded'), 'recorded');
		await app.pressUntil(KEY.enter, f => !f.includes('BPM reading recorded'), 'the outcome closed');
		await app.press('g');
		await app.until(f => f.includes('height 5'), 'mined with the reading');
		await app.press('7');
		await app.until(f => f.includes('1 reading all addresses') && f.includes('last 72 BPM'), 'on the chart');
	});

	it('clone and add peer: bad host:port refused, an unreachable host said plainly', async () => {
		app = await startApp({port: 0});
		await app.press('c');
		await app.until(f => f.includes('Clone a chain'), 'the clone form');
		await app.type('localhost');
		await app.until(f => f.includes('"localhost" is not host:port'), 'bad host:port');
		await app.type(':1');
		await app.press(KEY.enter);
		await app.until(f => f.includes('Clone did not replace the chain') && f.includes('unreachable'), 'unreachable', 15_000);
		await app.pressUntil(KEY.enter, f => !f.includes('Clone did not'), 'the outcome closed');
		await app.press('a');
		await app.until(f => f.includes('Add a peer'), 'the add-peer form');
		await app.type('127.0.0.1:99999');
		await app.until(f => f.includes('is not host:port'), 'port out of range');
		await app.press(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
		await app.press(KEY.enter);
		await app.until(f => f.includes('cannot connect to 127.0.0.1:9'), 'refused plainly', 15_000);
		await app.press(KEY.esc);
		await app.until(f => f.includes('1 chain'), 'form closed');
	});
});

describe('a locked wallet', () => {
	it('asks for the passphrase to send, and a wrong one is said next to the field', async () => {
		app = await startApp();
		await funded();
		await app.node.wallet.keystore.encrypt('right horse');
		app.store.walletChanged();
		await app.until(f => f.includes('height 4'), 'mined');
		await app.press('s');
		await app.until(f => f.includes('passphrase'), 'a passphrase field');
		await app.press(KEY.tab);
		await app.paste(bob);
		await app.press(KEY.tab);
		await app.type('1');
		await app.press(KEY.tab, KEY.tab);
		await app.type('wrong horse');
		await app.press(KEY.enter);
		await app.until(f => f.includes('wrong passphrase'), 'wrong passphrase');
		expect(app.node.mempool.size).toBe(0);
	});

	it('the BPM chart shows all readings or one address at a time', async () => {
		app = await startApp();
		const mine = await funded();
		await app.node.wallet.recordBpm({address: mine, bpm: 80, feeRate: 1n});
		await app.node.generate(1);
		app.store.walletChanged();
		await app.press('7');
		await app.until(f => f.includes('1 reading all addresses'), 'all');
		await app.press(KEY.down);
		await app.until(f => f.includes(`1 reading for ${mine.slice(0, 16)}`), 'one address');
	});
});
