/**
 * The per-IP memory on its own (host-memory.ts): counts halving in whole steps of 10 minutes,
 * refusals forgotten after 30, both bounded, and a new connection seeded from its IP.
 */
import {describe, expect, it} from 'vitest';
import {HOST_HALF_LIFE_S, HOST_REFUSED_S, HostMemory, MAX_HOSTS, MAX_REFUSED_PER_HOST, refusalKey} from '../../source/node/net/host-memory.js';
import {newPeerState} from '../../source/node/net/peer-state.js';

function memory(start = 1_000_000) {
	const clock = {now: start};
	return {clock, hosts: new HostMemory(() => clock.now)};
}

describe('HostMemory', () => {
	it('counts branches per IP, halving them every half-life in whole steps', () => {
		const {clock, hosts} = memory();
		for (let i = 0; i < 1000; i++) hosts.addFork('203.0.113.7');
		expect(hosts.forks('203.0.113.7')).toBe(1000);
		expect(hosts.forks('203.0.113.8')).toBe(0); // another IP: its own count
		clock.now += HOST_HALF_LIFE_S - 1;
		expect(hosts.forks('203.0.113.7')).toBe(1000); // not a whole half-life yet
		clock.now += 1;
		expect(hosts.forks('203.0.113.7')).toBe(500);
		clock.now += 3 * HOST_HALF_LIFE_S;
		expect(hosts.forks('203.0.113.7')).toBe(62);
		clock.now += 20 * HOST_HALF_LIFE_S;
		expect(hosts.forks('203.0.113.7')).toBe(0);
		// A clock that steps back halves nothing and breaks nothing.
		clock.now -= 100 * HOST_HALF_LIFE_S;
		expect(hosts.addFork('203.0.113.7')).toBe(1);
	});

	it('keeps the latest run of unconnecting headers per IP, halving with the rest; 0 ends it', () => {
		const {clock, hosts} = memory();
		hosts.setUnconnecting('198.51.100.1', 0); // nothing to end: no record made
		expect(hosts.size).toBe(0);
		hosts.setUnconnecting('198.51.100.1', 9);
		expect(hosts.unconnecting('198.51.100.1')).toBe(9);
		clock.now += HOST_HALF_LIFE_S;
		expect(hosts.unconnecting('198.51.100.1')).toBe(4);
		hosts.setUnconnecting('198.51.100.1', 0);
		expect(hosts.unconnecting('198.51.100.1')).toBe(0);
	});

	it('remembers refused blocks per IP for 30 minutes, the first 256 of them', () => {
		const {clock, hosts} = memory();
		hosts.refuse('127.0.0.1', 'aa');
		clock.now += 60;
		hosts.refuse('127.0.0.1', 'bb');
		expect(hosts.refused('127.0.0.1')).toEqual(['aa', 'bb']);
		expect(hosts.refused('127.0.0.2')).toEqual([]);
		clock.now += HOST_REFUSED_S - 60;
		expect(hosts.refused('127.0.0.1')).toEqual(['aa', 'bb']); // 'aa' exactly 30 minutes old
		clock.now += 1;
		expect(hosts.refused('127.0.0.1')).toEqual(['bb']);
		for (let i = 0; i < MAX_REFUSED_PER_HOST + 10; i++) hosts.refuse('127.0.0.1', `h${i}`);
		const kept = hosts.refused('127.0.0.1');
		expect(kept).toHaveLength(MAX_REFUSED_PER_HOST);
		expect(kept.slice(0, 2)).toEqual(['bb', 'h0']); // the first ones: a branch's next block to fetch
		expect(kept.at(-1)).toBe(`h${MAX_REFUSED_PER_HOST - 2}`);
		// Once the old ones expire there is room again.
		clock.now += HOST_REFUSED_S + 1;
		hosts.refuse('127.0.0.1', 'dd');
		expect(hosts.refused('127.0.0.1')).toEqual(['dd']);
	});

	it('remembers at most MAX_HOSTS IPs, forgetting the one least recently heard from', () => {
		const {hosts} = memory();
		for (let i = 0; i < MAX_HOSTS; i++) hosts.addFork(`10.0.${i >> 8}.${i & 255}`);
		hosts.addFork('10.0.0.0'); // heard from again: now the most recent
		hosts.addFork('192.0.2.1'); // one more IP: 10.0.0.1, the least recent, is forgotten
		expect(hosts.size).toBe(MAX_HOSTS);
		expect(hosts.forks('10.0.0.0')).toBe(2);
		expect(hosts.forks('10.0.0.1')).toBe(0);
		expect(hosts.forks('192.0.2.1')).toBe(1);
	});

	it('refusals are kept by IP, but on loopback/private addresses by IP and listening port, as bans', () => {
		const peer = (host: string, port: number, outbound: boolean, listenPort = 0) => ({host, port, outbound, listenPort});
		expect(refusalKey(peer('203.0.113.5', 50_123, false, 1111))).toBe('203.0.113.5');
		expect(refusalKey(peer('203.0.113.5', 1111, true))).toBe('203.0.113.5');
		// On one machine: an inbound node by the port it listens on (its source port changes), an outbound one by the port dialled.
		expect(refusalKey(peer('127.0.0.1', 50_123, false, 19111))).toBe('127.0.0.1:19111');
		expect(refusalKey(peer('127.0.0.1', 50_999, false, 19111))).toBe('127.0.0.1:19111');
		expect(refusalKey(peer('127.0.0.1', 19112, true))).toBe('127.0.0.1:19112');
	});

	it('seeds a new connection\'s record: the run its IP left off at and the blocks it refused', () => {
		const {clock, hosts} = memory();
		const peer = (host: string, listenPort: number) => ({host, port: 40_000 + listenPort, outbound: false, listenPort});
		hosts.setUnconnecting('127.0.0.1', 7);
		hosts.refuse(refusalKey(peer('127.0.0.1', 0)), 'cc');
		const st = hosts.seed(newPeerState(clock.now), peer('127.0.0.1', 0));
		expect(st.unconnecting).toBe(7);
		expect([...st.refused]).toEqual(['cc']);
		// Another node on the same machine (another listening port): the run is the IP's, the refusals are not.
		const neighbour = hosts.seed(newPeerState(clock.now), peer('127.0.0.1', 19111));
		expect(neighbour.unconnecting).toBe(7);
		expect(neighbour.refused.size).toBe(0);
		const other = hosts.seed(newPeerState(clock.now), peer('127.0.0.2', 0));
		expect(other.unconnecting).toBe(0);
		expect(other.refused.size).toBe(0);
	});
});
