/**
 * The address manager on its own, with real peers.json files in temp dirs, an injected clock and
 * a seeded random source: a flood from one source leaves other sources' and tried addresses in
 * place (in memory and after a restart), tried addresses are not displaced by collisions, samples
 * are random, and old or damaged peers.json files load or are set aside with a log line.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {AddrMan, backoff, BUCKET_SIZE, NEW_BUCKET_COUNT, NEW_BUCKETS_PER_SOURCE_GROUP, TRIED_BUCKET_COUNT} from '../../source/node/net/addrman.js';
import {floodAddresses, seededRandom} from '../helpers/seeded.js';

const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) await rm(dir, {recursive: true, force: true});
});

async function tempPath(): Promise<string> {
	const dir = await mkdtemp(join(tmpdir(), 'chain-tui-addrman-'));
	dirs.push(dir);
	return join(dir, 'peers.json');
}


const T0 = 1_800_000_000;

async function setup(seed = 1) {
	const path = await tempPath();
	let clock = T0;
	const logs: string[] = [];
	const man = await AddrMan.open(path, () => clock, {random: seededRandom(seed), log: m => logs.push(m)});
	// Honest knowledge: two nodes we connected to (tried), five addresses from two other sources.
	const tried = [
		{host: '127.0.0.1', port: 20001},
		{host: '203.0.113.9', port: 1111},
	];
	for (const t of tried) {
		expect(man.add(t.host, t.port)).toBe(true);
		man.attempt(t.host, t.port);
		man.good(t.host, t.port);
	}
	const honest = [
		{host: '198.51.100.1', port: 1111, source: '198.51.100.1'},
		{host: '198.51.100.2', port: 1111, source: '192.0.2.50'},
		{host: '100.64.3.4', port: 1111, source: '192.0.2.50'},
		{host: '127.0.0.1', port: 20002, source: '127.0.0.2'},
		{host: '127.0.0.1', port: 20003, source: '127.0.0.2'},
	];
	for (const h of honest) expect(man.add(h.host, h.port, {source: h.source, time: clock - 60})).toBe(true);
	return {
		path,
		man,
		logs,
		tried,
		honest,
		now: () => clock,
		advance(seconds: number) {
			clock += seconds;
		},
	};
}

function expectHonestKept(man: AddrMan, tried: {host: string; port: number}[], honest: {host: string; port: number}[]): void {
	for (const t of tried) expect(man.get(t.host, t.port), `tried ${t.host}:${t.port}`).toMatchObject({tried: true});
	for (const h of honest) expect(man.get(h.host, h.port), `new ${h.host}:${h.port}`).toMatchObject({tried: false});
}

describe('addrman: a flood of addresses from one source', () => {
	it('12 x 1,000 fresh addresses from one source leave tried and other sources\' addresses in place, in memory and in peers.json', async () => {
		const s = await setup();
		for (let round = 0; round < 12; round++) {
			s.advance(60);
			for (const a of floodAddresses(1000, round)) s.man.add(a.host, a.port, {source: '127.0.0.1', time: s.now()});
		}
		expectHonestKept(s.man, s.tried, s.honest);
		// One source group reaches at most NEW_BUCKETS_PER_SOURCE_GROUP buckets of the new table.
		expect(s.man.counts().new).toBeLessThanOrEqual(NEW_BUCKETS_PER_SOURCE_GROUP * BUCKET_SIZE + s.honest.length);
		await s.man.flush();
		const reopened = await AddrMan.open(s.path, s.now, {random: seededRandom(99)});
		expectHonestKept(reopened, s.tried, s.honest);
		expect(reopened.counts()).toEqual(s.man.counts());
		expect(JSON.parse(await readFile(s.path, 'utf8'))).toMatchObject({version: 2});
	});

	it('floods from many sources never touch the tried table, and the tables stay bounded', async () => {
		const s = await setup(2);
		for (let source = 0; source < 40; source++) {
			s.advance(60);
			for (const a of floodAddresses(1000, source)) s.man.add(a.host, a.port, {source: `${11 + source}.1.2.3`, time: s.now()});
		}
		for (const t of s.tried) expect(s.man.get(t.host, t.port)).toMatchObject({tried: true});
		expect(s.man.size).toBeLessThanOrEqual((NEW_BUCKET_COUNT + TRIED_BUCKET_COUNT) * BUCKET_SIZE);
	});

	it('a tried address keeps its slot against a newcomer that collides with it, until it is found bad', async () => {
		const s = await setup(3);
		const incumbent = s.tried[0]!;
		// Find an address whose tried slot is the incumbent's: good() must leave the incumbent.
		let rival: {host: string; port: number} | null = null;
		for (let port = 30000; port < 60000 && !rival; port++) {
			s.man.add('127.0.0.1', port);
			s.man.good('127.0.0.1', port);
			if (!s.man.get('127.0.0.1', port)?.tried) rival = {host: '127.0.0.1', port};
			if (!s.man.get(incumbent.host, incumbent.port)?.tried) throw new Error(`the incumbent was displaced by 127.0.0.1:${port}`);
		}
		expect(rival).not.toBeNull();
		// Many succeeded before it: one of them (perhaps) holds the slot, not necessarily the first.
		// The rival stays known, in the new table.
		expect(s.man.get(rival!.host, rival!.port)).toMatchObject({tried: false});
		// Every tried address that last connected over 4 h ago and has failed since is "bad": now
		// the rival takes its slot, and the displaced address goes back to new (still known).
		s.advance(5 * 3600);
		const tried = s.man.sample(100_000).filter(a => a.tried);
		for (const a of tried) s.man.attempt(a.host, a.port);
		s.advance(120);
		s.man.good(rival!.host, rival!.port);
		expect(s.man.get(rival!.host, rival!.port)).toMatchObject({tried: true});
		expect(tried.every(a => s.man.get(a.host, a.port) !== undefined)).toBe(true);
	});
});

describe('addrman: sampling and selection', () => {
	it('sample() is a random sample, not the freshest first', async () => {
		const s = await setup(4);
		for (let i = 0; i < 400; i++) s.man.add(`198.18.${i % 2}.${i % 250}`, 2000 + i, {source: `192.0.2.${i % 50}`, time: T0 - 3000 + i});
		const first = s.man.sample(50);
		const second = s.man.sample(50);
		expect(first).toHaveLength(50);
		expect(first.map(a => `${a.host}:${a.port}`)).not.toEqual(second.map(a => `${a.host}:${a.port}`));
		const freshest = s.man.sample(100_000).sort((a, b) => b.lastSeen - a.lastSeen).slice(0, 50);
		expect(first.map(a => `${a.host}:${a.port}`).sort()).not.toEqual(freshest.map(a => `${a.host}:${a.port}`).sort());
		expect(new Set(first.map(a => `${a.host}:${a.port}`)).size).toBe(50);
	});

	it('select() draws from both tables, and never what skip() refuses', async () => {
		const s = await setup(5);
		s.advance(3600); // good() counts as a try: an hour on, nothing was tried in the last 10 minutes
		for (const a of floodAddresses(500, 1)) s.man.add(a.host, a.port, {source: '127.0.0.1'});
		let tried = 0;
		let fresh = 0;
		for (let i = 0; i < 400; i++) {
			const a = s.man.select(x => x.port === 20003);
			expect(a).not.toBeNull();
			expect(a!.port).not.toBe(20003);
			if (a!.tried) tried++;
			else fresh++;
		}
		expect(tried).toBeGreaterThan(50);
		expect(fresh).toBeGreaterThan(50);
	});

	it('manual (--peer) addresses are selected first and never forgotten', async () => {
		const s = await setup(6);
		s.man.add('127.0.0.1', 20999, {manual: true});
		expect(s.man.select(() => false)).toMatchObject({host: '127.0.0.1', port: 20999});
		for (let round = 0; round < 12; round++) for (const a of floodAddresses(1000, round)) s.man.add(a.host, a.port, {source: '127.0.0.1'});
		expect(s.man.get('127.0.0.1', 20999)).toMatchObject({manual: true});
	});

	it('a failing address waits out its backoff (5 s, doubling); a manual one at most a minute, a gossiped one up to 10', async () => {
		const s = await setup(7);
		s.man.add('10.0.0.2', 1111, {manual: true});
		s.man.add('10.0.0.3', 1111, {source: '10.0.0.2'});
		const only = (host: string) => (a: {host: string}) => a.host !== host;
		// Failing across a long cut: twelve attempts each, every one as soon as it was allowed.
		for (const host of ['10.0.0.2', '10.0.0.3']) {
			for (let i = 0; i < 12; i++) s.man.attempt(host, 1111);
		}
		expect(s.man.select(only('10.0.0.2'))).toBeNull();
		s.advance(59);
		expect(s.man.select(only('10.0.0.2'))).toBeNull();
		s.advance(1);
		expect(s.man.select(only('10.0.0.2'))).toMatchObject({host: '10.0.0.2', manual: true});
		expect(s.man.select(only('10.0.0.3'))).toBeNull();
		s.advance(540);
		expect(s.man.select(only('10.0.0.3'))).toMatchObject({host: '10.0.0.3', manual: false});
		expect([0, 1, 2, 3, 4, 5].map(n => backoff(n, false))).toEqual([5, 10, 20, 40, 80, 160]);
		expect([0, 1, 2, 3, 4, 5].map(n => backoff(n, true))).toEqual([5, 10, 20, 40, 60, 60]);
	});
});

describe('addrman: peers.json formats', () => {
	it('loads the old flat format into the new table, with a log line', async () => {
		const path = await tempPath();
		const logs: string[] = [];
		await writeFile(path, JSON.stringify({addrs: [{host: '127.0.0.1', port: 20005, services: '1', lastSeen: T0 - 100, lastSuccess: T0 - 200}, {host: 'junk', port: 1}], bans: {'10.0.0.1:5': T0 + 100}}));
		const man = await AddrMan.open(path, () => T0, {random: seededRandom(7), log: m => logs.push(m)});
		expect(man.get('127.0.0.1', 20005)).toMatchObject({tried: false, lastSeen: T0 - 100});
		expect(man.banned()).toEqual([{key: '10.0.0.1:5', until: T0 + 100}]);
		expect(logs.join('\n')).toMatch(/old format/);
		await man.flush();
		expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({version: 2});
	});

	it('sets aside a damaged file or an unknown version with a log line, never a crash', async () => {
		for (const body of ['{"addrs": [', '[1,2,3]', JSON.stringify({version: 99, addrs: [{host: '127.0.0.1', port: 20006}]}), JSON.stringify({version: 2, addrs: [{host: 5}, null, {host: '127.0.0.1', port: 20007, tried: true, buckets: [-1, 9999, 'x']}]})]) {
			const path = await tempPath();
			const logs: string[] = [];
			await writeFile(path, body);
			const man = await AddrMan.open(path, () => T0, {random: seededRandom(8), log: m => logs.push(m)});
			if (body.includes('20007')) {
				expect(man.get('127.0.0.1', 20007)).toMatchObject({tried: true});
			} else {
				expect(man.size).toBe(0);
				expect(logs.length).toBe(1);
			}
		}
	});
});

describe('connect-only peers are dialled again without backoff', () => {
	it('after failed attempts a --connect address is chosen on the next round; in gossip mode it waits out its backoff', async () => {
		const {man, advance} = await setup(7);
		man.add('127.0.0.1', 30001, {manual: true});
		for (let i = 0; i < 6; i++) man.attempt('127.0.0.1', 30001);
		advance(1);
		expect(man.select(() => false, {manualOnly: true})).toMatchObject({host: '127.0.0.1', port: 30001});
		// Six failures: a --peer address waits min(5·2^5, 60) = 60 s before a gossiping node tries it again.
		expect(man.select(() => false)?.port).not.toBe(30001);
		advance(60);
		expect(man.select(() => false)).toMatchObject({host: '127.0.0.1', port: 30001});
	});
});
