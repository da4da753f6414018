/**
 * A fixed snapshot of a busy node, for screen tests: every value pinned, clock included. Hashes
 * are distinct hex (SHA-256 of a name), so a hash shortened in the middle shows which end went.
 */
import {createHash} from 'node:crypto';
import {createElement, type ReactElement} from 'react';
import {App} from '../../source/app.js';
import {regtest} from '../../source/node/consensus/networks.js';
import type {PeerInfo} from '../../source/node/net/pool.js';
import type {Actions} from '../../source/store/actions.js';
import type {BlockRow, ExplorerView, Snapshot} from '../../source/store/snapshot.js';
import {ThemeProvider} from '../../source/ui/theme.js';

export const NOW = 1_795_200_000; // 2026-11-20 18:40 UTC

/** A 64-hex-digit hash named `name`. */
export const hex = (name: string) => createHash('sha256').update(name).digest('hex');

export const MINING_ADDRESS = 'mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru';
export const SAVINGS_ADDRESS = 'n3GNqMveyvaPvUbH469vDRadqpJMPc84JA';

export const HEIGHT = 1234;

/** The chain window: the 40 newest blocks, newest first (the store reads a window, not the chain). */
export const blocks: BlockRow[] = Array.from({length: 40}, (_, i) => {
	const height = HEIGHT - i;
	return {height, hash: `0000${hex(`block ${height}`).slice(4)}`, time: NOW - 12 - 30 * i, txs: 1 + ((height * 7) % 13), size: 188 + ((height * 131) % 4000), miner: i % 3 === 2 ? '' : i % 3 === 0 ? MINING_ADDRESS : SAVINGS_ADDRESS};
});

/** PeerInfo as the working tree has it (a few fields may be new; the cast keeps this file compiling on either side). */
const peer = (p: Omit<PeerInfo, 'startHeight' | 'syncedHeaders' | 'syncedBlocks'> & {startHeight: number; syncedHeaders: number; syncedBlocks: number}): PeerInfo => p as PeerInfo;

export const snapshot: Snapshot = {
	network: 'regtest',
	datadir: '/home/ada/.chain-tui/regtest/19111',
	port: 19111,
	regtest: true,
	height: HEIGHT,
	tip: {hash: blocks[0]!.hash, time: NOW - 12},
	sync: {headers: 1500, blocks: HEIGHT, rate: 35.5, eta: 7.5, synced: false},
	peers: [
		peer({id: 1, address: '127.0.0.1:19112', direction: 'outbound', agent: '/chain-tui:0.1.0/', version: 70016, height: 1500, startHeight: 1400, syncedHeaders: 1500, syncedBlocks: 1234, pingMs: 3.4, bytesIn: 1_234_567, bytesOut: 45_678, messagesIn: {block: 300}, messagesOut: {getdata: 20}, connectedAt: NOW - 600, banScore: 0, inflight: 16}),
		peer({id: 2, address: '192.168.1.20:40112', direction: 'inbound', agent: '/Satoshi:27.0.0/', version: 70016, height: 1234, startHeight: 1234, syncedHeaders: -1, syncedBlocks: -1, pingMs: null, bytesIn: 900, bytesOut: 120_000, messagesIn: {}, messagesOut: {}, connectedAt: NOW - 60, banScore: 20, inflight: 0}),
	],
	blocks,
	tips: [
		{height: HEIGHT, hash: blocks[0]!.hash, branchLength: 0, status: 'active'},
		{height: 1230, hash: hex('fork 1230'), branchLength: 2, status: 'valid-fork'},
		{height: 1500, hash: hex('headers 1500'), branchLength: 266, status: 'headers-only'},
		{height: 1100, hash: hex('invalid 1100'), branchLength: 1, status: 'invalid'},
	],
	mempool: {
		count: 2,
		bytes: 450,
		usage: 3_450,
		maxBytes: 50_000_000,
		minRate: 1,
		medianRate: 2.5,
		maxRate: 2.5,
		newest: [
			{txid: hex('tx 1'), size: 225, fee: 563n, feeRate: 2.5, time: NOW - 5},
			{txid: hex('tx 2'), size: 225, fee: 225n, feeRate: 1, time: NOW - 300},
		],
	},
	miner: {running: true, threads: 2, kernel: 'simd', hashes: 123_456_789, rate: 6_780_000, height: HEIGHT + 1, bits: 0x207fffff, difficulty: 1, blocksFound: 7, expectedSeconds: 754, pacedSeconds: null, history: [6.1e6, 6.6e6, 6.7e6, 4.2e6, 6.78e6]},
	stake: null,
	verifier: 'native',
	wallet: {
		addresses: [
			{label: 'mining', address: MINING_ADDRESS, hash: new Uint8Array(20), publicKey: new Uint8Array(33), confirmed: 150n * 100_000_000n, unconfirmed: 2_50_000_000n, immature: 500n * 100_000_000n},
			{label: 'savings', address: SAVINGS_ADDRESS, hash: new Uint8Array(20), publicKey: new Uint8Array(33), confirmed: 12_345_678n, unconfirmed: 0n, immature: 0n},
		],
		encrypted: true,
		locked: true,
		path: '/home/ada/.chain-tui/regtest/19111/wallet.json',
	},
	bpm: [
		{address: MINING_ADDRESS, bpm: 62, height: 1200, time: NOW - 4000, confirmations: 35, txid: hex('bpm 1')},
		{address: MINING_ADDRESS, bpm: 75, height: 1210, time: NOW - 3000, confirmations: 25, txid: hex('bpm 2')},
		{address: SAVINGS_ADDRESS, bpm: 120, height: 1220, time: NOW - 2000, confirmations: 15, txid: hex('bpm 3')},
		{address: MINING_ADDRESS, bpm: 68, height: 1230, time: NOW - 1000, confirmations: 5, txid: hex('bpm 4')},
	],
	log: [
		{seq: 1, time: NOW - 30, text: 'peer 127.0.0.1:19112 connected (outbound, /chain-tui:0.1.0/, height 1500)'},
		{seq: 2, time: NOW - 20, text: 'reorganize: 2 block(s) replaced at height 1228; new tip 1230 3f1a9c0b2d4e5f60…'},
		{seq: 3, time: NOW - 10, text: `block ${HEIGHT} ${blocks[0]!.hash.slice(0, 16)}… 3 tx 1024 bytes`},
	],
	reorgs: [{time: NOW - 20, depth: 2, forkHeight: 1228, height: 1230, hash: hex('fork 1230')}],
	payments: [{time: NOW - 30, txid: hex('payment 1'), address: SAVINGS_ADDRESS, label: 'savings', amount: 12_345_678n, height: HEIGHT - 1}],
	wire: null,
	now: NOW,
};

/**
 * Actions for a screen drawn from a fixture: the chain list asks for rows (nothing to do, the
 * fixture has its window). Nothing else is there: these tests submit no form.
 */
export const fixtureActions = {showBlocks: () => undefined, openWire: () => undefined, closeWire: () => undefined} as unknown as Actions;

 /** The explorer's views of the newest block, its second transaction and the address it pays, as actions.ts builds them. */
export const views = {
	block: {
		kind: 'block',
		id: blocks[0]!.hash,
		facts: [
			['block', String(HEIGHT)],
			['hash', blocks[0]!.hash],
			['time', '2026-11-20 18:39:48'],
			['txs', '2'],
			['size', '1.8 kB'],
			['confirmations', '1'],
		],
		rows: [
			{id: hex('coinbase 1234'), cells: {n: '0', txid: hex('coinbase 1234'), inputs: '1', outputs: '1', value: '50.00000563', note: 'coinbase'}, target: {kind: 'tx', txid: hex('coinbase 1234')}},
			{id: hex('tx 1'), cells: {n: '1', txid: hex('tx 1'), inputs: '1', outputs: '2', value: '12.49999437', note: ''}, target: {kind: 'tx', txid: hex('tx 1')}},
		],
	},
	tx: {
		kind: 'tx',
		id: hex('tx 1'),
		facts: [
			['tx', hex('tx 1')],
			['status', `block ${HEIGHT}, 1 confirmation`],
			['size', '225 B'],
		],
		rows: [
			{id: 'in:0', cells: {dir: 'in', n: '0', what: MINING_ADDRESS, value: '12.5'}, target: {kind: 'address', address: MINING_ADDRESS}},
			{id: 'out:0', cells: {dir: 'out', n: '0', what: SAVINGS_ADDRESS, value: '0.12345678'}, target: {kind: 'address', address: SAVINGS_ADDRESS}},
			{id: 'out:1', cells: {dir: 'out', n: '1', what: MINING_ADDRESS, value: '12.37653759'}, target: {kind: 'address', address: MINING_ADDRESS}},
		],
	},
	address: {
		kind: 'address',
		id: SAVINGS_ADDRESS,
		facts: [
			['address', SAVINGS_ADDRESS],
			['balance', '0.12345678'],
			['events', '1'],
		],
		rows: [{id: `${hex('tx 1')}:0`, cells: {height: String(HEIGHT), txid: hex('tx 1'), kind: 'received', value: '0.12345678'}, target: {kind: 'tx', txid: hex('tx 1')}}],
	},
} satisfies Record<string, ExplorerView>;

/** Actions that answer the explorer with `views` (whatever is asked for), as a store of one block would. */
export const explorerActions = {
	...fixtureActions,
	block: async () => ({ok: true, value: views.block}),
	tx: async () => ({ok: true, value: views.tx}),
	address: async () => ({ok: true, value: views.address}),
} as unknown as Actions;

/** The whole App over a store that always shows `s`, without colour (plain frames). */
export function fixtureApp(s: Snapshot = snapshot, options: {onQuit?: () => void; size?: {columns: number; rows: number}; actions?: Actions} = {}): ReactElement {
	const store = {subscribe: () => () => undefined, getSnapshot: () => s};
	const app = createElement(App, {store, actions: options.actions ?? fixtureActions, addressVersion: regtest.addressVersion, maxMoney: regtest.maxMoney, onQuit: options.onQuit ?? (() => undefined), ...(options.size ? {size: options.size} : {})});
	return createElement(ThemeProvider, {theme: {color: false}, children: app});
}
