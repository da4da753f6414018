/**
 * Each signature backend against @noble/secp256k1 (the reference): random cases with fast-check,
 * then Wycheproof's ECDSA secp256k1 vectors. FUZZ_RUNS=100000 runs the random part longer.
 */
import {readFileSync} from 'node:fs';
import * as secp from '@noble/secp256k1';
import {sha256} from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {publicKeyOf, signDigest, verifyDigest} from '../../source/node/crypto/keys.js';
import {compactToDer, derToCompact, isLowS, isValidSignatureEncoding} from '../../source/node/crypto/der.js';
import {runSigCheck, type SigCheck} from '../../source/node/primitives/sign.js';
import {chooseBackend, type BackendName, type EcdsaBackend} from '../../source/node/verify/backends.js';
import {fromHex, toHex} from '../../source/node/encoding/hex.js';

const N = secp.Point.CURVE().n;
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 1500;
const names: BackendName[] = ['native', 'wasm', 'noble'];
const backends: EcdsaBackend[] = names.flatMap(name => {
	try {
		return [chooseBackend(name).backend];
	} catch {
		return []; // native is absent off linux-x64, darwin-arm64, win32-x64; the other two always load
	}
});

const big = (b: Uint8Array) => BigInt(`0x${toHex(b) || '0'}`);
const bytes32 = (v: bigint) => fromHex(v.toString(16).padStart(64, '0'));
/** The same signature with s replaced by n - s (valid ECDSA, refused by our low-S rule). */
function flipS(der: Uint8Array): Uint8Array {
	const c = derToCompact(der);
	const out = new Uint8Array(64);
	out.set(c.subarray(0, 32));
	out.set(bytes32(N - big(c.subarray(32))), 32);
	return compactToDer(out);
}

type Kind = 'valid' | 'wrong-digest' | 'wrong-key' | 'high-s' | 'mutated-der' | 'truncated-der' | 'random-bytes' | 'bad-pubkey';
const kinds: Kind[] = ['valid', 'wrong-digest', 'wrong-key', 'high-s', 'mutated-der', 'truncated-der', 'random-bytes', 'bad-pubkey'];

const validKey = fc.uint8Array({minLength: 32, maxLength: 32}).filter(k => secp.utils.isValidSecretKey(k));
// Signing costs ~1 ms with noble, so random cases draw from keys and signatures made once (the
// property below still signs fresh ones); mutations and pairings are fast-check's.
const signed = Array.from({length: 64}, (_, i) => {
	const key = sha256(Uint8Array.of(7, i));
	const digest = sha256(Uint8Array.of(8, i));
	return {publicKey: publicKeyOf(key), digest, signature: signDigest(digest, key)};
});
const caseArb = fc.record({
	kind: fc.constantFrom(...kinds),
	which: fc.nat({max: signed.length - 1}),
	other: fc.nat({max: signed.length - 2}),
	at: fc.nat(),
	bit: fc.integer({min: 0, max: 7}),
	noise: fc.uint8Array({minLength: 0, maxLength: 80}),
});

function makeCase(c: {kind: Kind; which: number; other: number; at: number; bit: number; noise: Uint8Array}): SigCheck {
	const {publicKey, signature, digest} = signed[c.which]!;
	switch (c.kind) {
		case 'valid':
			return {signature, digest, publicKey};
		case 'wrong-digest': {
			const changed = digest.slice();
			changed[c.at % 32]! ^= 1 << c.bit;
			return {signature, digest: changed, publicKey};
		}
		case 'wrong-key':
			return {signature, digest, publicKey: signed[c.other >= c.which ? c.other + 1 : c.other]!.publicKey};
		case 'high-s':
			return {signature: flipS(signature), digest, publicKey};
		case 'mutated-der': {
			const sig = signature.slice();
			sig[c.at % sig.length]! ^= 1 << c.bit;
			return {signature: sig, digest, publicKey};
		}
		case 'truncated-der':
			return {signature: signature.subarray(0, c.at % signature.length), digest, publicKey};
		case 'random-bytes':
			return {signature: c.noise, digest, publicKey};
		case 'bad-pubkey': {
			const pub = publicKey.slice();
			pub[1 + (c.at % 32)]! ^= 1 << c.bit; // x off the curve about half the time
			return {signature, digest, publicKey: pub};
		}
	}
}

/** noble's answer through the old path (keys.verifyDigest), once per distinct case: a check costs ~2 ms. */
const answers = new Map<string, boolean>();
function reference(check: SigCheck): boolean {
	const key = `${toHex(check.signature)}/${toHex(check.digest)}/${toHex(check.publicKey)}`;
	let answer = answers.get(key);
	if (answer === undefined) answers.set(key, (answer = verifyDigest(check.signature, check.digest, check.publicKey, true)));
	return answer;
}

describe('signature backends agree with @noble/secp256k1', () => {
	it('loads every backend this platform has (wasm and noble always)', () => {
		expect(backends.map(b => b.name)).toEqual(expect.arrayContaining(['wasm', 'noble']));
	});

	it(`on ${RUNS} random cases: valid, wrong digest, wrong key, high-S, malformed DER, bad public key`, () => {
		const seen = new Map<Kind, number>();
		fc.assert(
			fc.property(caseArb, c => {
				const check = makeCase(c);
				const expected = reference(check);
				if (c.kind === 'valid') expect(expected).toBe(true);
				if (c.kind === 'high-s' || c.kind === 'wrong-digest' || c.kind === 'wrong-key') expect(expected).toBe(false);
				seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
				// noble as a backend is the reference itself, answered once per distinct case above.
				for (const backend of backends) if (backend.name !== 'noble') expect([backend.name, runSigCheck(check, backend)]).toEqual([backend.name, expected]);
			}),
			{numRuns: RUNS},
		);
		expect([...seen.keys()].sort()).toEqual([...kinds].sort());
	});

	it('alone, without our checks: high S is refused by every backend, its low twin accepted', () => {
		fc.assert(
			fc.property(validKey, fc.uint8Array({minLength: 32, maxLength: 32}), (key, digest) => {
				const low = derToCompact(signDigest(digest, key));
				const high = derToCompact(flipS(compactToDer(low)));
				const pub = publicKeyOf(key);
				const uncompressed = secp.getPublicKey(key, false);
				for (const backend of backends) {
					expect([backend.name, backend.verify(low, digest, pub), backend.verify(low, digest, uncompressed)]).toEqual([backend.name, true, true]);
					expect([backend.name, backend.verify(high, digest, pub)]).toEqual([backend.name, false]);
				}
			}),
			{numRuns: Math.max(20, Math.floor(RUNS / 30))},
		);
	});

	it('alone: r or s zero or not below n, and wrong lengths, are false, never a throw', () => {
		const digest = sha256(Uint8Array.of(1));
		const key = sha256(Uint8Array.of(2));
		const good = derToCompact(signDigest(digest, key));
		const pub = publicKeyOf(key);
		const withR = (r: bigint) => Uint8Array.of(...bytes32(r), ...good.subarray(32));
		const withS = (s: bigint) => Uint8Array.of(...good.subarray(0, 32), ...bytes32(s));
		for (const backend of backends) {
			for (const sig of [withR(0n), withS(0n), withR(N), withS(N), withR(N + 1n), withS(2n ** 256n - 1n), new Uint8Array(64)]) {
				expect([backend.name, backend.verify(sig, digest, pub)]).toEqual([backend.name, false]);
			}
			expect(backend.verify(good.subarray(0, 63), digest, pub)).toBe(false);
			expect(backend.verify(good, digest.subarray(1), pub)).toBe(false);
			expect(backend.verify(good, digest, pub.subarray(1))).toBe(false);
			expect(backend.verify(good, digest, new Uint8Array(33))).toBe(false);
		}
	});
});

interface Vectors {
	testGroups: {publicKey: {uncompressed: string}; tests: {tcId: number; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable'}[]}[];
}
const load = (name: string) => JSON.parse(readFileSync(new URL(`../vectors/wycheproof/${name}`, import.meta.url), 'utf8')) as Vectors;
function cases(v: Vectors) {
	return v.testGroups.flatMap(g => {
		const uncompressed = fromHex(g.publicKey.uncompressed);
		const compressed = secp.Point.fromBytes(uncompressed).toBytes(true);
		return g.tests.map(t => ({...t, uncompressed, compressed, der: fromHex(t.sig), digest: sha256(fromHex(t.msg))}));
	});
}
function compactOf(der: Uint8Array): Uint8Array | null {
	try {
		return derToCompact(der);
	} catch {
		return null;
	}
}

describe("Wycheproof's ECDSA secp256k1 SHA-256 vectors", () => {
	it('Bitcoin variant: our strict DER and low S, then each backend, give exactly the expected result', () => {
		const all = cases(load('ecdsa_secp256k1_sha256_bitcoin_test.json'));
		expect(all.length).toBe(463);
		for (const backend of backends) {
			const wrong = all.filter(t => {
				// As prepareP2pkhCheck does: encoding first (with a hash type byte), then the check.
				const ours = isValidSignatureEncoding(Uint8Array.of(...t.der, 1)) && [t.compressed, t.uncompressed].every(publicKey => runSigCheck({signature: t.der, digest: t.digest, publicKey}, backend));
				return ours !== (t.result === 'valid');
			});
			expect([backend.name, wrong.map(t => t.tcId)]).toEqual([backend.name, []]);
		}
	});

	it('plain variant: every backend alone agrees with noble on each vector our DER parser can read', () => {
		const all = cases(load('ecdsa_secp256k1_sha256_test.json'));
		expect(all.length).toBe(476);
		let compared = 0;
		for (const t of all) {
			const compact = compactOf(t.der);
			if (!compact) {
				expect([t.tcId, t.result]).not.toEqual([t.tcId, 'valid']); // only BER and broken forms fail our parser
				continue;
			}
			compared++;
			// Normalised to low S, so the backends (which require it) see what noble with lowS: false judges.
			const s = big(compact.subarray(32));
			const low = isLowS(compact) ? compact : Uint8Array.of(...compact.subarray(0, 32), ...bytes32(N - s));
			const reference = secp.verify(compact, t.digest, t.uncompressed, {prehash: false, lowS: false, format: 'compact'});
			expect([t.tcId, reference]).toEqual([t.tcId, t.result === 'valid']);
			for (const backend of backends) {
				expect([backend.name, t.tcId, backend.verify(low, t.digest, t.uncompressed), backend.verify(low, t.digest, t.compressed)]).toEqual([backend.name, t.tcId, reference, reference]);
				expect([backend.name, t.tcId, backend.verify(compact, t.digest, t.compressed)]).toEqual([backend.name, t.tcId, reference && isLowS(compact)]);
			}
		}
		expect(compared).toBeGreaterThan(150);
	});
});

describe('strict DER to compact (byte arithmetic, before any backend)', () => {
	/** The BigInt decoding it replaced, as the reference. */
	function reference(der: Uint8Array): Uint8Array | null {
		if (!isValidSignatureEncoding(Uint8Array.of(...der, 1))) return null;
		const lenR = der[3]!;
		const r = big(der.subarray(4, 4 + lenR));
		const s = big(der.subarray(6 + lenR, 6 + lenR + der[5 + lenR]!));
		if (r === 0n || s === 0n || r >= N || s >= N) return null;
		return Uint8Array.of(...bytes32(r), ...bytes32(s));
	}
	const scalar = fc.oneof(fc.bigInt({min: 0n, max: 2n ** 256n - 1n}), fc.bigInt({min: N - 3n, max: N + 3n}), fc.bigInt({min: 0n, max: 300n}), fc.constantFrom(N / 2n, N / 2n + 1n));

	it('agrees with the BigInt decoding on random r and s (edges included) and mutated encodings', () => {
		fc.assert(
			fc.property(scalar, scalar, fc.nat(), fc.integer({min: 0, max: 7}), fc.boolean(), (r, s, at, bit, mutate) => {
				let der = compactToDer(Uint8Array.of(...bytes32(r), ...bytes32(s)));
				if (mutate) {
					der = der.slice();
					der[at % der.length]! ^= 1 << bit;
				}
				const expected = reference(der);
				const got = compactOf(der);
				expect(got === null ? null : toHex(got)).toBe(expected === null ? null : toHex(expected));
				if (got) expect(isLowS(got)).toBe(big(got.subarray(32)) <= N / 2n);
			}),
			{numRuns: RUNS * 2},
		);
	});
});
