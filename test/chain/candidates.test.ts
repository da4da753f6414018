/**
 * The candidate heap picks what the scan it replaced picked: a random replay of the chain's own
 * operations (add, delete, fail, relink with a new sequence, pick under held predicates and a
 * moving tip) against that scan, kept here as the reference.
 */
import {describe, expect, it} from 'vitest';
import {sha256} from '@noble/hashes/sha2.js';
import {Candidates} from '../../source/node/chain/candidates.js';
import {HeaderTable} from '../../source/node/chain/header-table.js';
import {Status, type ChainEntry} from '../../source/node/chain/entry.js';

/** Chain.bestCandidate before the heap, over a Set. */
class ScanCandidates {
	readonly set = new Set<ChainEntry>();
	best(tipWork: bigint, held: ((e: ChainEntry) => boolean) | null): ChainEntry | null {
		let best: ChainEntry | null = null;
		for (const entry of this.set) {
			if (entry.failed || entry.chainwork < tipWork) {
				this.set.delete(entry);
				continue;
			}
			if (held?.(entry)) continue;
			if (!best || entry.chainwork > best.chainwork || (entry.chainwork === best.chainwork && entry.sequence < best.sequence)) best = entry;
		}
		return best;
	}
}

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number): (n: number) => number {
	let x = seed || 1;
	return n => {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		return (x >>> 0) % n;
	};
}

function replay(seed: number, steps: number): {picks: number; heldPicks: number; maxNodes: number} {
	const random = rng(seed);
	const table = new HeaderTable();
	let sequence = 1;
	// Few distinct work values, so ties (broken by sequence) are common.
	const entries = Array.from({length: 40}, (_, n) => {
		const e = table.add(sha256(Uint8Array.of(seed, n)), {version: 1, merkleRoot: new Uint8Array(32), time: 0, bits: 0x207fffff, nonce: n}, n, BigInt(random(12)), Status.HAVE_DATA, null);
		table.index(e);
		e.sequence = sequence++;
		return e;
	});
	const heap = new Candidates();
	const scan = new ScanCandidates();
	let picks = 0;
	let heldPicks = 0;
	let maxNodes = 0;
	for (let step = 0; step < steps; step++) {
		const e = entries[random(entries.length)]!;
		switch (random(8)) {
			case 0:
			case 1:
				// linkChainData and disconnectTip add only entries that have not failed.
				if (!e.failed) {
					heap.add(e);
					scan.set.add(e);
				}
				break;
			case 2:
				heap.delete(e);
				scan.set.delete(e);
				break;
			case 3:
				// markInvalid fails some without their removal reaching the other (descendants).
				if (random(20) === 0) e.status |= Status.FAILED_CHILD;
				break;
			case 4:
				// forgetBody then linkChainData again: out, a new sequence, back in.
				heap.delete(e);
				scan.set.delete(e);
				e.sequence = sequence++;
				if (!e.failed && random(2) === 0) {
					heap.add(e);
					scan.set.add(e);
				}
				break;
			default: {
				// A tip whose work goes mostly up, sometimes down (a reorganisation that failed).
				const tipWork = BigInt(Math.max(0, Math.min(11, Math.floor(step / (steps / 12)) + random(5) - 3)));
				const hidden = random(3) === 0 ? new Set(entries.filter(() => random(4) === 0)) : null;
				const held = hidden ? (x: ChainEntry) => hidden.has(x) : null;
				const expected = scan.best(tipWork, held);
				expect(heap.best(tipWork, held)).toBe(expected);
				picks++;
				if (hidden && expected) heldPicks++;
				expect(new Set(heap.entries())).toEqual(new Set([...scan.set].filter(x => !x.failed)));
			}
		}
		maxNodes = Math.max(maxNodes, heap.nodeCount);
	}
	return {picks, heldPicks, maxNodes};
}

describe('Candidates', () => {
	it('picks what the scan picked through random replays (ties, failures, relinks, holds, a moving tip)', () => {
		let heldPicks = 0;
		for (let seed = 1; seed <= 40; seed++) {
			const r = replay(seed, 2000);
			expect(r.picks).toBeGreaterThan(300);
			heldPicks += r.heldPicks;
			// Compaction keeps stale nodes bounded: 40 entries, thousands of adds.
			expect(r.maxNodes).toBeLessThan(200);
		}
		expect(heldPicks).toBeGreaterThan(100);
	});

	it('drops candidates with less work than the tip for good, as the scan did, even if the tip falls back', () => {
		const table = new HeaderTable();
		const mk = (n: number, work: bigint, seq: number) => {
			const e = table.add(sha256(Uint8Array.of(n)), {version: 1, merkleRoot: new Uint8Array(32), time: 0, bits: 0, nonce: n}, n, work, Status.HAVE_DATA, null);
			e.sequence = seq;
			return e;
		};
		const a = mk(1, 5n, 1);
		const b = mk(2, 9n, 2);
		const heap = new Candidates();
		heap.add(a);
		heap.add(b);
		expect(heap.best(6n, null)).toBe(b); // a (5 < 6) is gone now, though below b in the heap
		heap.delete(b);
		expect(heap.best(3n, null)).toBeNull();
		heap.add(a); // added again: back
		expect(heap.best(3n, null)).toBe(a);
	});

	it('ties go to the lower sequence; held ones are skipped but stay', () => {
		const table = new HeaderTable();
		const mk = (n: number, work: bigint, seq: number) => {
			const e = table.add(sha256(Uint8Array.of(n, 1)), {version: 1, merkleRoot: new Uint8Array(32), time: 0, bits: 0, nonce: n}, n, work, Status.HAVE_DATA, null);
			e.sequence = seq;
			return e;
		};
		const late = mk(1, 7n, 9);
		const early = mk(2, 7n, 3);
		const heavy = mk(3, 8n, 5);
		const heap = new Candidates();
		for (const e of [late, heavy, early]) heap.add(e);
		expect(heap.best(0n, e => e === heavy)).toBe(early);
		expect(heap.best(0n, e => e === heavy || e === early)).toBe(late);
		expect(heap.best(0n, null)).toBe(heavy);
	});
});
