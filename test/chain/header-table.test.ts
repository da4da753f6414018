/** The compact block index: hash table lookups (collisions included), links, fields, records. */
import {describe, expect, it} from 'vitest';
import {sha256} from '@noble/hashes/sha2.js';
import {HeaderTable} from '../../source/node/chain/header-table.js';
import {ChainEntry, Status} from '../../source/node/chain/entry.js';
import {Header} from '../../source/node/primitives/header.js';
import {hashToHex} from '../../source/node/encoding/hex.js';

const fields = (n: number) => ({version: 1, merkleRoot: sha256(Uint8Array.of(n, n >> 8, n >> 16)), time: 1_700_000_000 + n, bits: 0x207fffff, nonce: n});

/** A hash starting with `prefix` (the bytes the table slots by), the rest from `n`. */
function hashWith(prefix: readonly number[], n: number): Uint8Array {
	const h = sha256(new TextEncoder().encode(`entry ${n}`));
	h.set(prefix);
	return h;
}

describe('HeaderTable', () => {
	it('finds every entry when thousands share their first 4 bytes, and none it was not given', () => {
		const table = new HeaderTable();
		const prefix = [0xde, 0xad, 0xbe, 0xef];
		const entries: ChainEntry[] = [];
		// Colliding entries interleaved with ordinary ones, through several table doublings.
		for (let n = 0; n < 3000; n++) {
			const hash = n % 2 === 0 ? hashWith(prefix, n) : sha256(Uint8Array.of(n & 0xff, n >> 8));
			const entry = table.add(hash, fields(n), n, BigInt(n), 0, null);
			expect(table.index(entry)).toBe(true);
			entries.push(entry);
		}
		expect(table.size).toBe(3000);
		for (const entry of entries) expect(table.get(entry.hash)).toBe(entry);
		// Unknown hashes: same prefix, a near miss in the last byte, a wrong length.
		expect(table.get(hashWith(prefix, 99_999))).toBeUndefined();
		const near = entries[0]!.hash;
		near[31]! ^= 1;
		expect(table.get(near)).toBeUndefined();
		expect(table.get(new Uint8Array(32))).toBeUndefined();
		expect(table.get(entries[0]!.hash.subarray(0, 31))).toBeUndefined();
	});

	it('refuses a second entry with a hash already indexed', () => {
		const table = new HeaderTable();
		const hash = hashWith([1, 2, 3, 4], 1);
		const a = table.add(hash, fields(1), 0, 1n, 0, null);
		const b = table.add(hash, fields(2), 0, 1n, 0, null);
		expect(table.index(a)).toBe(true);
		expect(table.index(b)).toBe(false);
		expect(table.size).toBe(1);
		expect(table.get(hash)).toBe(a);
	});

	it('keeps identity, fields, links and children in arrival order', () => {
		const table = new HeaderTable();
		const root = table.add(hashWith([9, 9, 9, 9], 0), fields(0), 0, 2n, Status.HAVE_DATA | Status.VALID, null);
		table.index(root);
		const kids = [1, 2, 3].map(n => {
			const kid = table.add(hashWith([9, 9, 9, 9], n), fields(n), 1, 4n, 0, root);
			table.index(kid);
			return kid;
		});
		expect(root.children).toEqual(kids);
		expect(kids[1]!.prev).toBe(root);
		expect(table.entry(kids[2]!.id)).toBe(kids[2]);
		expect(root.status).toBe(Status.HAVE_DATA | Status.VALID);
		// Memory-only flags live beside the persisted status, not in it.
		root.chainData = true;
		root.sequence = 7;
		root.status |= Status.FAILED;
		expect(root.chainData).toBe(true);
		expect(root.status).toBe(Status.HAVE_DATA | Status.VALID | Status.FAILED);
		root.status &= ~Status.FAILED;
		expect(root.chainData).toBe(true);
		expect(root.sequence).toBe(7);
		// Moving a child to another parent moves it between child lists.
		const other = table.add(hashWith([9, 9, 9, 9], 4), fields(4), 0, 2n, 0, null);
		table.index(other);
		kids[1]!.prev = other;
		expect(root.children).toEqual([kids[0], kids[2]]);
		expect(other.children).toEqual([kids[1]]);
	});

	it('keeps chainwork exact to 256 bits', () => {
		const table = new HeaderTable();
		for (const work of [0n, 1n, 2n ** 64n + 5n, 2n ** 200n + 12345n, 2n ** 256n - 1n]) {
			expect(table.add(hashWith([5, 5, 5, 5], Number(work % 1000n)), fields(1), 0, work, 0, null).chainwork).toBe(work);
		}
		expect(() => table.add(new Uint8Array(32), fields(1), 0, 2n ** 256n, 0, null)).toThrow(RangeError);
	});

	it('round-trips a stored record without rehashing, and rebuilds the header with its hash', () => {
		const table = new HeaderTable();
		const parent = new Header(1, new Uint8Array(32), sha256(Uint8Array.of(1)), 1_700_000_000, 0x207fffff, 3);
		const header = new Header(0x20000000, parent.hash(), sha256(Uint8Array.of(2)), 0xfffffff0, 0x1d00ffff, 0xffffffff);
		const p = table.add(parent.hash(), parent, 0, 2n, Status.HAVE_DATA, null);
		table.index(p);
		const e = ChainEntry.child(header, p);
		table.index(e);
		expect(e.height).toBe(1);
		expect(e.time).toBe(0xfffffff0);
		expect(e.header.toRaw()).toEqual(header.toRaw());
		expect(e.hashHex).toBe(header.hashHex());

		const copy = new HeaderTable();
		const q = ChainEntry.fromRaw(p.toRaw(), copy, p.hash);
		copy.index(q);
		// The key given is trusted: a record stored under its hash loads without sha256d.
		const f = ChainEntry.fromRaw(e.toRaw(), copy, e.hash);
		copy.index(f);
		f.prev = q;
		expect(f.toRaw()).toEqual(e.toRaw());
		expect(f.chainwork).toBe(e.chainwork);
		expect(copy.get(header.hash())).toBe(f);
		expect(hashToHex(f.header.prevHash)).toBe(parent.hashHex());
		// Without a key it is computed.
		expect(ChainEntry.fromRaw(e.toRaw(), new HeaderTable()).hashHex).toBe(header.hashHex());
	});
});
