/**
 * The chain's candidate tips: entries with data back to genesis that could become the tip, in a
 * binary max-heap by (chainwork desc, sequence asc), so picking the best costs O(log n) per block
 * instead of a scan of them all.
 *
 * Removal is lazy. Membership is a flag on the entry (cleared by delete); heap nodes whose entry
 * lost the flag, failed, or changed sequence are dropped when they surface or at compaction.
 * The old scan also dropped every candidate with less work than the tip on each call; a heap
 * cannot see those below its top, so each call records a floor (a watermark of the tip's work)
 * and a node counts as dropped when a floor recorded after it was pushed is above its work:
 * exactly the set the scan would have kept.
 */
import {Flag} from './header-table.js';
import type {ChainEntry} from './entry.js';

interface Node {
	readonly entry: ChainEntry;
	readonly work: bigint;
	readonly sequence: number;
	/** When pushed, on the same clock as floors. */
	readonly stamp: number;
}

interface Floor {
	readonly stamp: number;
	readonly work: bigint;
}

/** (work desc, sequence asc): true when `a` ranks above `b`. */
function above(a: Node, b: Node): boolean {
	return a.work > b.work || (a.work === b.work && a.sequence < b.sequence);
}

export class Candidates {
	private heap: Node[] = [];
	private clock = 0;
	/** Floors with increasing stamps and strictly decreasing work: a later higher floor supersedes. */
	private floors: Floor[] = [];
	private compactAt = 64;

	add(entry: ChainEntry): void {
		entry.table.setFlag(entry.id, Flag.CANDIDATE, true);
		this.push({entry, work: entry.chainwork, sequence: entry.sequence, stamp: ++this.clock});
	}

	has(entry: ChainEntry): boolean {
		return entry.table.flag(entry.id, Flag.CANDIDATE);
	}

	delete(entry: ChainEntry): void {
		entry.table.setFlag(entry.id, Flag.CANDIDATE, false);
	}

	/**
	 * The candidate with most work (ties: lower sequence) that `held` does not hold back, after
	 * dropping every candidate that failed or has less work than `tipWork`. Held candidates stay.
	 */
	best(tipWork: bigint, held: ((entry: ChainEntry) => boolean) | null): ChainEntry | null {
		this.raiseFloor(tipWork);
		const skipped: Node[] = [];
		let best: ChainEntry | null = null;
		while (this.heap.length > 0) {
			const top = this.heap[0]!;
			if (!this.live(top)) {
				this.pop();
				continue;
			}
			if (held?.(top.entry)) {
				skipped.push(this.pop());
				continue;
			}
			best = top.entry;
			break;
		}
		for (const node of skipped) this.push(node);
		if (this.heap.length > this.compactAt) this.compact();
		return best;
	}

	/** Every candidate once, in no particular order (as of the last best()). */
	*entries(): Generator<ChainEntry> {
		const seen = new Set<ChainEntry>();
		for (const node of this.heap) {
			if (!this.live(node) || seen.has(node.entry)) continue;
			seen.add(node.entry);
			yield node.entry;
		}
	}

	/** Heap nodes, stale ones included (tests watch that compaction bounds them). */
	get nodeCount(): number {
		return this.heap.length;
	}

	private live(node: Node): boolean {
		const e = node.entry;
		if (!e.table.flag(e.id, Flag.CANDIDATE) || e.failed || e.sequence !== node.sequence) return false;
		// The first floor after the push is the highest of those after it.
		const floors = this.floors;
		let lo = 0;
		let hi = floors.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (floors[mid]!.stamp > node.stamp) hi = mid;
			else lo = mid + 1;
		}
		return lo === floors.length || node.work >= floors[lo]!.work;
	}

	private raiseFloor(work: bigint): void {
		while (this.floors.length > 0 && this.floors[this.floors.length - 1]!.work <= work) this.floors.pop();
		this.floors.push({stamp: ++this.clock, work});
	}

	/** Rebuilds the heap from its live nodes, one per entry. */
	private compact(): void {
		const seen = new Set<ChainEntry>();
		const nodes = this.heap.filter(node => {
			if (!this.live(node) || seen.has(node.entry)) return false;
			seen.add(node.entry);
			return true;
		});
		this.heap = nodes;
		for (let i = (nodes.length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
		this.compactAt = Math.max(64, nodes.length * 2);
	}

	private push(node: Node): void {
		const heap = this.heap;
		heap.push(node);
		let i = heap.length - 1;
		while (i > 0) {
			const parent = (i - 1) >>> 1;
			if (!above(node, heap[parent]!)) break;
			heap[i] = heap[parent]!;
			i = parent;
		}
		heap[i] = node;
	}

	private pop(): Node {
		const heap = this.heap;
		const top = heap[0]!;
		const last = heap.pop()!;
		if (heap.length > 0) {
			heap[0] = last;
			this.siftDown(0);
		}
		return top;
	}

	private siftDown(start: number): void {
		const heap = this.heap;
		const node = heap[start]!;
		let i = start;
		for (;;) {
			let child = 2 * i + 1;
			if (child >= heap.length) break;
			if (child + 1 < heap.length && above(heap[child + 1]!, heap[child]!)) child++;
			if (!above(heap[child]!, node)) break;
			heap[i] = heap[child]!;
			i = child;
		}
		heap[i] = node;
	}
}
