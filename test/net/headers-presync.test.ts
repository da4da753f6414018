/**
 * The headers presync on its own (after Core's headers_sync_chainwork_tests): a chain is checked
 * with a few numbers of state and handed back only when redownloaded with enough work and the
 * same committed bits.
 */
import {describe, expect, it} from 'vitest';
import {VerifyError} from '../../source/node/errors.js';
import {blockWork} from '../../source/node/consensus/pow.js';
import {HeadersPresync, type PresyncStart} from '../../source/node/net/headers-presync.js';
import {Header} from '../../source/node/primitives/header.js';
import {solve} from '../helpers/builder.js';
import {quickNet} from '../helpers/chain-env.js';
import {seededRandom} from '../helpers/seeded.js';

const genesis = quickNet.genesis.header;
const WORK = blockWork(genesis.bits);
const start: PresyncStart = {hash: genesis.hash(), height: 0, chainwork: WORK, time: genesis.time, bits: genesis.bits, recentTimes: [genesis.time], anchor: null};

/**
 * `n` headers from genesis, each at the earliest time the median-time rule allows (the densest
 * chain time permits), distinct per `tag`.
 */
function chain(n: number, tag: number, from: readonly Header[] = []): Header[] {
	const headers = [...from];
	const times = [genesis.time, ...from.map(h => h.time)].reverse().slice(0, 11);
	for (let i = headers.length; i < n; i++) {
		const sorted = [...times].sort((a, b) => a - b);
		const time = sorted[Math.floor(sorted.length / 2)]! + 1;
		const root = new Uint8Array(32);
		new DataView(root.buffer).setUint32(0, tag, true);
		new DataView(root.buffer).setUint32(4, i, true);
		const header = solve(new Header(1, (headers[i - 1] ?? genesis).hash(), root, time, genesis.bits, 0), quickNet);
		headers.push(header);
		times.unshift(time);
		if (times.length > 11) times.pop();
	}
	return headers;
}

function presync(minimumHeaders: number, options: {period?: number; bufferSize?: number; now?: number} = {}): HeadersPresync {
	return new HeadersPresync({
		network: quickNet,
		start,
		minimumWork: WORK * BigInt(minimumHeaders + 1),
		now: options.now ?? genesis.time + 1_000_000,
		salt: new Uint8Array(16).fill(7),
		random: seededRandom(3),
		...(options.period ? {period: options.period} : {}),
		...(options.bufferSize ? {bufferSize: options.bufferSize} : {}),
	});
}

/**
 * Feeds `headers` in messages of `size` (the last one short unless it is full) as a peer answers
 * getheaders, until the phase changes (then the node asks from the start again) or it ends.
 */
function feed(state: HeadersPresync, headers: readonly Header[], size: number) {
	const released: Header[] = [];
	const phase = state.phase;
	let last;
	for (let i = 0; i < headers.length && state.phase === phase; i += size) {
		const part = headers.slice(i, i + size);
		last = state.process(part, part.length === size);
		released.push(...last.headers);
	}
	return {released, last: last!};
}

describe('headers presync', () => {
	it('a chain with the work is checked, redownloaded and handed back whole, in order', () => {
		const headers = chain(300, 1);
		const state = presync(250, {period: 7});
		const first = feed(state, headers, 50);
		expect(first.released).toHaveLength(0); // nothing stored while only presynced
		expect(state.phase).toBe('redownload');
		// It went as far as the work: 250 headers, one bit kept for every 7th.
		expect(state.presyncHeight).toBe(250);
		expect(state.commitments).toBeGreaterThanOrEqual(Math.floor(250 / 7));
		expect(state.commitments).toBeLessThanOrEqual(Math.ceil(250 / 7));
		// Handed back as far as the work; normal sync takes the rest from there.
		const second = feed(state, headers, 50);
		expect(second.released.map(h => h.hashHex())).toEqual(headers.slice(0, 250).map(h => h.hashHex()));
		expect(state.phase).toBe('final');
		expect(second.last.aborted).toBeUndefined();
	});

	it('a redownload that is another chain is caught by the commitments and nothing of it handed back', () => {
		const honest = chain(120, 1);
		const other = chain(120, 2);
		const state = presync(100, {period: 1, bufferSize: 1000});
		feed(state, honest, 40);
		expect(state.phase).toBe('redownload');
		const {released, last} = feed(state, other, 40);
		expect(released).toHaveLength(0);
		expect(last.aborted?.code).toBe('commitment-mismatch');
	});

	it('a chain that ends short of the work ends the presync with nothing handed back', () => {
		const state = presync(500);
		const {released, last} = feed(state, chain(450, 1), 100);
		expect(released).toHaveLength(0);
		expect(last.aborted?.code).toBe('incomplete');
		expect(state.phase).toBe('final');
	});

	it('headers that break a rule throw a VerifyError with Core\'s reason and score', () => {
		const headers = chain(20, 1);
		const bad = headers.slice();
		const h = headers[10]!;
		bad[10] = solve(new Header(h.version, h.prevHash, h.merkleRoot, h.time, 0x207ffffe, 0), quickNet); // not the required bits
		const state = presync(100);
		let thrown: unknown;
		try {
			state.process(bad, true);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(VerifyError);
		expect((thrown as VerifyError).reason).toBe('bad-diffbits');
		expect((thrown as VerifyError).score).toBe(100);

		const old = headers.slice(0, 12);
		old[11] = solve(new Header(1, old[10]!.hash(), old[11]!.merkleRoot, genesis.time, genesis.bits, 0), quickNet);
		expect(() => presync(100).process(old, true)).toThrow(expect.objectContaining({reason: 'time-too-old'}));
	});

	it('a message that does not continue the presync ends it', () => {
		const headers = chain(60, 1);
		const state = presync(1000);
		state.process(headers.slice(0, 20), true);
		const result = state.process(headers.slice(30, 50), true);
		expect(result.aborted?.code).toBe('non-continuous');
	});

	it('memory stays a few bytes per period however long the chain, and a chain past our clock is cut off', () => {
		// 20,000 headers at the densest pace time allows, against a work bar never reached.
		const headers = chain(20_000, 1);
		const state = presync(1_000_000);
		const {last} = feed(state, headers, 2000);
		expect(last.aborted).toBeUndefined();
		expect(state.presyncHeight).toBe(20_000);
		expect(state.footprint).toBeLessThanOrEqual(64); // the committed bits: 20,000 / 624 of them
		// A clock barely after the start: the densest chain time permits (under six headers a
		// second) runs into the future-time limit; the presync checks times, so no chain outgrows
		// its commitments' bound (Core's presync checks no times and needs that bound).
		const tight = presync(1_000_000, {now: genesis.time - quickNet.maxFutureBlockTime + 100, period: 1});
		expect(() => feed(tight, headers, 2000)).toThrow(expect.objectContaining({reason: 'time-too-new', score: 0}));
		expect(tight.presyncHeight).toBeLessThanOrEqual(6 * 100);
		expect(tight.presyncHeight).toBeGreaterThan(500);
	});
});
