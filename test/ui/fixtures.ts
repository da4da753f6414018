/** A fixed snapshot of a busy node, for pane tests: every value pinned, clock included. */
import type {Snapshot} from '../../source/store/snapshot.js';

export const NOW = 1_795_200_000; // 2026-11-20 18:40 UTC

const hash = (c: string) => c.repeat(64).slice(0, 64);

export const snapshot: Snapshot = {
	network: 'regtest',
	datadir: '/home/ada/.chain-tui/regtest/19111',
	port: 19111,
	regtest: true,
	height: 1234,
	tip: {hash: '0000a1b2c3d4e5f60718293a4b5c6d7e8f9000112233445566778899aabbccdd', time: NOW - 12},
	sync: {headers: 1500, blocks: 1234, rate: 35.5, eta: 7.5, synced: false},
	peers: [
		{id: 1, address: '127.0.0.1:19112', direction: 'outbound', agent: '/chain-tui:0.1.0/', version: 70016, height: 1500, pingMs: 3.4, bytesIn: 1_234_567, bytesOut: 45_678, messagesIn: {block: 300}, messagesOut: {getdata: 20}, connectedAt: NOW - 600, banScore: 0, inflight: 16},
		{id: 2, address: '192.168.1.20:40112 (listens on 1111)', direction: 'inbound', agent: '/chain-tui:0.1.0/', version: 70016, height: 1234, pingMs: null, bytesIn: 900, bytesOut: 120_000, messagesIn: {}, messagesOut: {}, connectedAt: NOW - 60, banScore: 20, inflight: 0},
	],
	blocks: [
		{height: 1234, hash: hash('a'), time: NOW - 12, txs: 3, size: 1024, miner: 'mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru'},
		{height: 1233, hash: hash('b'), time: NOW - 40, txs: 1, size: 188, miner: 'n3GNqMveyvaPvUbH469vDRadqpJMPc84JA'},
		{height: 1232, hash: hash('c'), time: NOW - 75, txs: 12, size: 2300, miner: ''},
	],
	tips: [
		{height: 1234, hash: hash('a'), branchLength: 0, status: 'active'},
		{height: 1230, hash: hash('d'), branchLength: 2, status: 'valid-fork'},
		{height: 1500, hash: hash('e'), branchLength: 266, status: 'headers-only'},
		{height: 1100, hash: hash('f'), branchLength: 1, status: 'invalid'},
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
			{txid: hash('1'), size: 225, fee: 563n, feeRate: 2.5, time: NOW - 5},
			{txid: hash('2'), size: 225, fee: 225n, feeRate: 1, time: NOW - 300},
		],
	},
	miner: {running: true, threads: 1, kernel: 'simd', hashes: 123_456_789, rate: 6_780_000, height: 1235, bits: 0x207fffff, difficulty: 1, blocksFound: 7, expectedSeconds: 0, pacedSeconds: null, history: [6.1e6, 6.6e6, 6.7e6, 4.2e6, 6.78e6]},
	wallet: {
		addresses: [
			{label: 'mining', address: 'mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru', hash: new Uint8Array(20), publicKey: new Uint8Array(33), confirmed: 150n * 100_000_000n, unconfirmed: 2_50_000_000n, immature: 500n * 100_000_000n},
			{label: 'savings', address: 'n3GNqMveyvaPvUbH469vDRadqpJMPc84JA', hash: new Uint8Array(20), publicKey: new Uint8Array(33), confirmed: 12_345_678n, unconfirmed: 0n, immature: 0n},
		],
		encrypted: true,
		locked: true,
		path: '/home/ada/.chain-tui/regtest/19111/wallet.json',
	},
	bpm: [
		{address: 'mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru', bpm: 62, height: 1200, time: NOW - 4000, confirmations: 35, txid: hash('7')},
		{address: 'mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru', bpm: 75, height: 1210, time: NOW - 3000, confirmations: 25, txid: hash('8')},
		{address: 'n3GNqMveyvaPvUbH469vDRadqpJMPc84JA', bpm: 120, height: 1220, time: NOW - 2000, confirmations: 15, txid: hash('9')},
		{address: 'mwRgurrZwQHbspMSq8gFf9FMRaH4ouh9ru', bpm: 68, height: 1230, time: NOW - 1000, confirmations: 5, txid: hash('0')},
	],
	log: [
		{time: NOW - 30, text: 'peer 127.0.0.1:19112 connected (outbound, /chain-tui:0.1.0/, height 1500)'},
		{time: NOW - 20, text: 'reorganize: depth 2, fork at 1228, new tip 1230'},
		{time: NOW - 10, text: 'block 1234 aaaaaaaaaaaaaaaa… 3 tx 1024 bytes'},
	],
	now: NOW,
};
