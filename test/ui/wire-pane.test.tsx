/**
 * The wire inspector's pane: drawn from plain rows (real messages our own encoder built), opened
 * with `i`, filtered with `/`, one message opened with Enter (fields, then the envelope set apart
 * from the payload), Esc back step by step; over a real node, the tap held only while it shows;
 * and the pure list as the lab draws it.
 */
import React from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {regtest} from '../../source/node/consensus/networks.js';
import {encodeMessage} from '../../source/node/net/framer.js';
import {InvType, PROTOCOL_VERSION, type Message} from '../../source/node/net/messages.js';
import type {Actions} from '../../source/store/actions.js';
import type {Snapshot} from '../../source/store/snapshot.js';
import {WireRing, type WireRow} from '../../source/store/wire.js';
import {FOLLOW_NEWEST} from '../../source/ui/lists/selection.js';
import {commandMatches, WireList, wireShown} from '../../source/ui/panes/wire.js';
import {ThemeProvider} from '../../source/ui/theme.js';
import {fixtureActions, fixtureApp, NOW, snapshot} from './fixtures.js';
import {mount} from './render-at.js';
import {KEY, startApp, type Harness} from './harness.js';
import {startNode, type TestNode} from '../helpers/net-env.js';

const magic = regtest.magic;
const genesis = regtest.genesis;
const EVIL = '/evil\u001b[2J\u001b]52;c;QUFBQQ==\u0007/';

const version = (agent: string): Message => ({
	type: 'version',
	version: PROTOCOL_VERSION,
	services: 1n,
	time: BigInt(NOW),
	recv: {services: 0n, host: '127.0.0.1', port: 19111},
	from: {services: 1n, host: '0.0.0.0', port: 19112},
	nonce: 42n,
	agent,
	height: 1500,
	relay: true,
});

/** A conversation with peer 1, oldest first: what a ring fed by the tap holds. */
function conversation(): readonly WireRow[] {
	const ring = new WireRing();
	const said: [WireRow['direction'], Message][] = [
		['out', version('/chain-tui:0.1.0/')],
		['in', version(EVIL)],
		['in', {type: 'verack'}],
		['out', {type: 'verack'}],
		['out', {type: 'ping', nonce: 0x1234n}],
		['in', {type: 'pong', nonce: 0x1234n}],
		['in', {type: 'inv', items: [{type: InvType.TX, hash: new Uint8Array(32).fill(1)}, {type: InvType.TX, hash: new Uint8Array(32).fill(2)}, {type: InvType.TX, hash: new Uint8Array(32).fill(3)}]}],
		['out', {type: 'getdata', items: [{type: InvType.TX, hash: new Uint8Array(32).fill(1)}]}],
		['in', {type: 'headers', headers: [genesis.header]}],
	];
	said.forEach(([direction, message], i) => {
		const bytes = encodeMessage(magic, message);
		ring.add({time: NOW * 1000 + i * 250, direction, peer: '127.0.0.1:19112', command: message.type, size: bytes.length - 24, bytes});
	});
	return ring.rows();
}

const rows = conversation();
const withWire: Snapshot = {...snapshot, wire: {peer: null, rows, seen: rows.length}};

/** Fixture actions that record what the app asks of the tap. */
function recording() {
	const calls: string[] = [];
	const actions = {...fixtureActions, openWire: (peer: number | null) => void calls.push(`open ${peer}`), closeWire: () => void calls.push('close')} as unknown as Actions;
	return {calls, actions};
}

/** The inspector's pane content lines (between its borders). */
const body = (frame: string) =>
	frame
		.split('\n')
		.filter(l => l.startsWith('║'))
		.map(l => l.slice(2, -1).trimEnd());

describe('the wire pane in the app', () => {
	it('i opens it over the body (the tap asked for), Enter opens a message, / filters, Esc walks back and closes it (the tap let go)', async () => {
		const size = {columns: 120, rows: 40};
		const {calls, actions} = recording();
		const app = mount(fixtureApp(withWire, {size, actions}), size);
		try {
			await app.settle();
			expect(calls.at(-1)).toBe('close');
			expect(calls).not.toContain('open null');
			await app.press('i');
			let frame = await app.until(f => f.includes('╔═ i wire '), 'the wire pane');
			expect(calls).toContain('open null');
			// Over the whole body: no other pane is drawn.
			expect(frame).not.toMatch(/[┌╔][─═] 1 chain/);
			const lines = body(frame);
			expect(lines[0]).toMatch(/^every peer · 9 seen/);
			expect(lines[1]).toMatch(/^time\s+peer\s+command\s+size summary$/);
			// Newest first: headers on top, our version last; directions as arrows.
			expect(lines[2]).toMatch(/^18:40:02\.000 ← 127\.0\.0\.1:19112\s+headers\s+82 headers 1 \(…/);
			expect(lines.find(l => l.includes('inv '))).toMatch(/← .*inv\s+109 inv 3 tx$/);
			expect(lines.find(l => l.includes(' getdata '))).toMatch(/→ .*getdata\s+37 getdata 1 tx …0101$/);
			expect(lines.find(l => l.includes(' ping '))).toMatch(/→ .*ping\s+8 ping nonce 0000000000001234$/);
			// The hostile agent: its control characters shown as pictures, never sent to the terminal.
			expect(frame).not.toContain('\u001b');
			expect(frame).not.toContain('\u0007');
			expect(frame).toContain('version 70016 /evil␛[2J␛]52;c;QUFBQQ==␇/ h=1500');

			// Filter by command: `/ inv Enter`, only the inv left; Esc clears it.
			await app.press('/', 'i', 'n', 'v', KEY.enter);
			frame = await app.until(f => f.includes('filter inv ('), 'the filter applied');
			let shown = body(frame).slice(2).filter(Boolean);
			expect(shown).toHaveLength(1);
			expect(shown[0]).toMatch(/inv 3 tx$/);
			expect(body(frame)[0]).toBe('filter inv (1 of 9 · / edits · Esc clears)');
			// Exclusions: `-ping -pong` hides both.
			await app.press('/', KEY.backspace, KEY.backspace, KEY.backspace, ...'-ping -pong', KEY.enter);
			frame = await app.until(f => f.includes('filter -ping -pong ('), 'the exclusion');
			shown = body(frame).slice(2).filter(Boolean);
			expect(shown).toHaveLength(7);
			expect(shown.some(l => / p[io]ng /.test(l))).toBe(false);
			await app.press(KEY.esc);
			frame = await app.until(f => body(f)[0]!.startsWith('every peer'), 'the filter cleared');

			// Enter on the second row (the inv): its fields, then the envelope apart, then the payload.
			await app.press(KEY.down, KEY.down, KEY.enter);
			frame = await app.until(f => f.includes('envelope (24 B)'), 'the message opened');
			const detail = body(frame);
			expect(detail[0]).toMatch(/^← in 127\.0\.0\.1:19112 · 18:40:01\.500 · inv · 109 B payload$/);
			expect(detail[1]).toBe('inv 3 tx');
			expect(detail).toContain('fields');
			expect(detail).toContain('  items  3');
			expect(detail).toContain(`    tx  ${'01'.repeat(32)}`);
			const at = detail.indexOf('envelope (24 B)');
			expect(detail.slice(at + 1, at + 5)).toEqual([
				'0000  magic     c7 1a 75 e2  network',
				'0004  command   69 6e 76 00 00 00 00 00 00 00 00 00  "inv"',
				'0010  length    6d 00 00 00  109 B',
				expect.stringMatching(/^0014 {2}checksum {2}([0-9a-f]{2} ){4} ok$/),
			]);
			expect(detail[at + 5]).toBe('payload (109 B)');
			expect(detail[at + 6]).toMatch(/^0018  03 01 00 00 00 01 01 01 01 01 01 01 01 01 01 01  \.\.\.\.\.\.\.\.\.\.\.\.\.\.\.\.$/);
			expect(frame).toMatch(/╔═ i wire  message · ↑↓ scroll/);

			// Esc: back to the list, the selection where it was; Esc again closes the inspector.
			await app.press(KEY.esc);
			frame = await app.until(f => body(f)[0]!.startsWith('every peer'), 'back to the list');
			expect(frame).toContain('paused · f follows');
			await app.press(KEY.esc);
			frame = await app.until(f => f.includes('╔═ 1 chain'), 'back to the chain pane');
			expect(calls.at(-1)).toBe('close');
		} finally {
			app.unmount();
		}
	});

	it('opened from the peers pane it watches the selected peer; ] and [ go round every peer and each one', async () => {
		const size = {columns: 120, rows: 40};
		const {calls, actions} = recording();
		const app = mount(fixtureApp(withWire, {size, actions}), size);
		try {
			await app.settle();
			await app.press('2', KEY.down, 'i');
			let frame = await app.until(f => f.includes('╔═ i wire '), 'the wire pane');
			expect(calls).toContain('open 2');
			expect(body(frame)[0]).toMatch(/^192\.168\.1\.20:40112 · 9 seen/);
			// One peer: no peer column.
			expect(body(frame)[1]).toMatch(/^time\s+command/);
			await app.press(']');
			frame = await app.until(f => body(f)[0]!.startsWith('every peer'), 'round to every peer');
			expect(calls.at(-1)).toBe('open null');
			expect(body(frame)[1]).toMatch(/^time\s+peer\s+command/);
			await app.press(']');
			await app.until(f => body(f)[0]!.startsWith('127.0.0.1:19112 '), 'the first peer');
			expect(calls.at(-1)).toBe('open 1');
			await app.press('[', '[');
			await app.until(f => body(f)[0]!.startsWith('192.168.1.20:40112 '), 'back to the second');
			// i closes it too, back to the pane it was opened from.
			await app.press('i');
			await app.until(f => f.includes('╔═ 2 peers'), 'back to the peers pane');
			expect(calls.at(-1)).toBe('close');
		} finally {
			app.unmount();
		}
	});
});

describe('a message taller than the pane', () => {
	it('scrolls with ↓, End and Home', async () => {
		const size = {columns: 80, rows: 24};
		const {actions} = recording();
		const app = mount(fixtureApp(withWire, {size, actions}), size);
		try {
			await app.settle();
			await app.press('i', KEY.enter);
			let frame = await app.until(f => body(f)[0]?.startsWith('← in ') === true, 'the headers message');
			const first = body(frame);
			expect(first[1]).toMatch(/^headers 1 \(…/);
			await app.press(KEY.down);
			frame = await app.until(f => body(f)[0] !== first[0], 'scrolled a line');
			expect(body(frame)[0]).toBe(first[1]);
			await app.press(KEY.end);
			frame = await app.until(f => body(f).filter(Boolean).at(-1)!.startsWith('0068'), 'the last payload line');
			await app.press(KEY.home);
			await app.until(f => body(f)[0] === first[0], 'back to the top');
		} finally {
			app.unmount();
		}
	});
});

describe('the wire pane over a real node', () => {
	let h: Harness | undefined;
	let peer: TestNode | undefined;
	afterEach(async () => {
		await peer?.close();
		await h?.close();
		h = peer = undefined;
	});

	it('taps the pool only while it shows: a node connecting meanwhile shows its handshake, closing takes the tap away', async () => {
		h = await startApp({port: 0});
		await h.until(f => f.includes('1 chain'), 'the first frame');
		const pool = h.node.pool!;
		await h.press('i');
		await h.until(f => f.includes('╔═ i wire ') && f.includes('no messages yet'), 'the inspector, empty');
		expect(h.store.getSnapshot().wire).toEqual({peer: null, rows: [], seen: 0});
		peer = await startNode({network: h.node.chain.network, peers: [`127.0.0.1:${pool.port}`], label: 'peer'});
		const frame = await h.until(f => / ← \S+\s+version\s+\d+ version 70016 \/chain-tui:0\.1\.0\/ h=0/.test(f) && / → \S+\s+verack\s+0 verack/.test(f), 'the handshake in the inspector');
		expect(frame).toMatch(/ → \S+\s+version\s+\d+ version 70016/);
		expect(pool.connectedPeers[0]?.tap).not.toBeNull();
		// y copies the newest message's bytes, envelope first.
		await h.press('y');
		const magic = Buffer.from(h.node.chain.network.magic).toString('hex');
		expect(h.copies.at(-1)).toMatch(new RegExp(`^${magic}[0-9a-f]{40}`));
		await h.press(KEY.esc);
		await h.until(f => f.includes('╔═ 1 chain'), 'closed');
		expect(pool.connectedPeers[0]?.tap).toBeNull();
		expect(h.store.getSnapshot().wire).toBeNull();
	});
});

describe('the wire list, as the lab draws it', () => {
	it('takes plain rows: newest first, filtered, with a line saying what is watched', () => {
		const {lastFrame, unmount} = render(
			<ThemeProvider theme={{color: false}}>
				<WireList rows={rows} selection={FOLLOW_NEWEST} filter="ver" filtering={false} source="link a→b" showPeer={false} seen={rows.length} width={96} height={10} focused />
			</ThemeProvider>,
		);
		const lines = lastFrame()!.split('\n').map(l => l.trimEnd());
		unmount();
		expect(lines[0]).toBe('filter ver (4 of 9 · / edits · Esc clears)');
		expect(lines.slice(2).map(l => l.replace(/^\S+ (.) (\S+).*$/, '$1 $2'))).toEqual(['→ verack', '← verack', '← version', '→ version']);
		expect(lastFrame()).not.toContain('\u001b[2J');
	});

	it('commandMatches: words, any of them; -word or !word hides', () => {
		expect(commandMatches('', 'ping')).toBe(true);
		expect(commandMatches('inv getdata', 'getdata')).toBe(true);
		expect(commandMatches('inv,getdata', 'tx')).toBe(false);
		expect(commandMatches('-ping', 'ping')).toBe(false);
		expect(commandMatches('!ping', 'pong')).toBe(true);
		expect(commandMatches('HEAD', 'getheaders')).toBe(true);
		expect(wireShown(rows, 'ping pong').map(r => r.command)).toEqual(['pong', 'ping']);
	});

	it('a ring keeps the newest, numbered by every message seen, and decodes only what it keeps', () => {
		const ring = new WireRing(3);
		const bytes = encodeMessage(magic, {type: 'verack'});
		for (let i = 0; i < 10; i++) ring.add({time: i, direction: 'in', peer: 'p', command: 'verack', size: 0, bytes});
		expect(ring.rows().map(r => [r.seq, r.time, r.summary])).toEqual([
			[8, 7, 'verack'],
			[9, 8, 'verack'],
			[10, 9, 'verack'],
		]);
		ring.add({time: 10, direction: 'out', peer: 'p', command: 'verack', size: 0, bytes});
		expect(ring.rows().map(r => r.seq)).toEqual([9, 10, 11]);
		expect(ring.seen).toBe(11);
	});

	it('a ring keeps within its byte bound too, the newest message always', () => {
		const ring = new WireRing(100, 1000);
		const big = (n: number) => encodeMessage(magic, {type: 'ping', nonce: BigInt(n)});
		const huge = new Uint8Array(5000);
		for (let i = 0; i < 50; i++) ring.add({time: i, direction: 'in', peer: 'p', command: 'ping', size: 8, bytes: big(i)});
		// 32 bytes each: 31 fit in 1,000.
		expect(ring.rows().map(r => r.time)).toEqual(Array.from({length: 31}, (_, i) => 19 + i));
		ring.add({time: 50, direction: 'in', peer: 'p', command: 'block', size: 4976, bytes: huge});
		expect(ring.rows().map(r => r.time)).toEqual([50]);
		expect(ring.rows()[0]!.summary).toMatch(/^bad checksum|^truncated|^length|unknown|bad command/);
	});
});
