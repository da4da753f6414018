import {describe, expect, it} from 'vitest';
import {
	bpmScript,
	nullData,
	nullDataScript,
	outputType,
	p2pkhHash,
	p2pkhScript,
	p2pkhScriptSig,
	parseBpm,
	parseP2pkhScriptSig,
	pushInt,
} from '../../source/node/primitives/script.js';
import {fromHex, toHex} from '../../source/node/encoding/hex.js';
import {coinbaseHasHeight} from '../../source/node/consensus/rules.js';
import {coinbaseTx} from '../helpers/builder.js';

describe('BIP34 height as Bitcoin Core writes CScript() << height', () => {
	// Bytes as CScript::push_int64 produces them (OP_0, OP_1..OP_16, else minimal CScriptNum push).
	const cases: [number, string][] = [
		[0, '00'],
		[1, '51'],
		[16, '60'],
		[17, '0111'],
		[127, '017f'],
		[128, '028000'],
		[255, '02ff00'],
		[256, '020001'],
		[32767, '02ff7f'],
		[32768, '03008000'],
		[65535, '03ffff00'],
		[8388607, '03ffff7f'],
		[8388608, '0400008000'],
		[227836, '03fc7903'], // Bitcoin mainnet block 227836, the first BIP34 block: coinbase starts 03fc7903
	];
	it.each(cases)('height %d -> %s', (height, hex) => {
		expect(toHex(pushInt(height))).toBe(hex);
	});

	it('a coinbase must start with exactly those bytes', () => {
		expect(coinbaseHasHeight(coinbaseTx(17, 1n, p2pkhScript(new Uint8Array(20))), 17)).toBe(true);
		expect(coinbaseHasHeight(coinbaseTx(17, 1n, p2pkhScript(new Uint8Array(20))), 18)).toBe(false);
	});
});

describe('templates', () => {
	const hash = fromHex('751e76e8199196d454941c45d1b3a323f1433bd6');

	it('P2PKH: OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG', () => {
		const script = p2pkhScript(hash);
		expect(toHex(script)).toBe('76a914751e76e8199196d454941c45d1b3a323f1433bd688ac');
		expect(toHex(p2pkhHash(script)!)).toBe(toHex(hash));
		expect(outputType(script)).toBe('p2pkh');
		expect(p2pkhHash(script.subarray(0, 24))).toBeNull();
		expect(p2pkhHash(Uint8Array.of(...script.subarray(0, 24), 0xad))).toBeNull();
	});

	it('BPM: exactly 6a 05 42 50 4d <u16 LE>', () => {
		expect(toHex(bpmScript(72))).toBe('6a0542504d4800');
		expect(toHex(bpmScript(300))).toBe('6a0542504d2c01');
		expect(parseBpm(bpmScript(65535))).toBe(65535);
		expect(parseBpm(fromHex('6a0542504e4800'))).toBeNull(); // "BPN"
		expect(parseBpm(fromHex('6a0642504d480000'))).toBeNull();
		expect(outputType(bpmScript(60))).toBe('nulldata');
		expect(() => bpmScript(70000)).toThrow(RangeError);
		expect(() => bpmScript(60.5)).toThrow(RangeError);
	});

	it('data outputs: OP_RETURN and one minimal push, at most 83 bytes in all', () => {
		expect(toHex(nullData(nullDataScript(Uint8Array.of(1, 2, 3)))!)).toBe('010203');
		expect(nullDataScript(new Uint8Array(80))).toHaveLength(83); // 6a 4c 50 <80 bytes>
		expect(() => nullDataScript(new Uint8Array(81))).toThrow(RangeError);
		expect(nullData(fromHex('6a'))).toBeNull(); // no push
		expect(nullData(fromHex('6a0101' + '01'))).toBeNull(); // two pushes
		expect(nullData(fromHex('6a4c0101'))).toBeNull(); // PUSHDATA1 where a direct push fits
		expect(nullData(fromHex('6a0201'))).toBeNull(); // push runs past the end
		expect(outputType(fromHex('51'))).toBe('nonstandard');
	});

	it('P2PKH scriptSig: <sig+type> <33-byte compressed key>', () => {
		const sig = new Uint8Array(71).fill(0x30);
		const pub = Uint8Array.of(2, ...new Uint8Array(32).fill(9));
		const parts = parseP2pkhScriptSig(p2pkhScriptSig(sig, pub))!;
		expect(toHex(parts.signature)).toBe(toHex(sig));
		expect(toHex(parts.publicKey)).toBe(toHex(pub));
		const uncompressed = Uint8Array.of(4, ...new Uint8Array(64).fill(9));
		expect(parseP2pkhScriptSig(p2pkhScriptSig(sig, uncompressed))).toBeNull();
		expect(parseP2pkhScriptSig(Uint8Array.of(...p2pkhScriptSig(sig, pub), 0x00))).toBeNull();
		expect(parseP2pkhScriptSig(new Uint8Array(0))).toBeNull();
	});
});
