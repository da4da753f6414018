import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {Block} from '../../source/node/primitives/block.js';
import {Header} from '../../source/node/primitives/header.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {OP, bpmScript, nullDataScript, p2pkhScriptSig, pushInt} from '../../source/node/primitives/script.js';
import {legacySighash} from '../../source/node/primitives/sighash.js';
import {signDigest} from '../../source/node/crypto/keys.js';
import {toHighS} from '../helpers/signatures.js';
import {checkProofOfWork} from '../../source/node/consensus/pow.js';
import {concatBytes} from '../../source/node/encoding/hex.js';
import type {Chain} from '../../source/node/chain/chain.js';
import {blockWith, coinbaseOf, coinbaseTx, extend, key, nextBlock, spend, type Spendable} from '../helpers/builder.js';
import {snapshot, tempChain, type TempChain} from '../helpers/chain-env.js';

const COIN = 100_000_000n;
let env: TempChain;
let chain: Chain;
let mature: Spendable[];
let before: Awaited<ReturnType<typeof snapshot>>;

beforeAll(async () => {
	env = await tempChain();
	chain = env.chain;
	const blocks = await extend(chain, 4);
	mature = blocks.slice(0, 2).map(b => coinbaseOf(b)); // heights 1 and 2: spendable at height 5
	before = await snapshot(chain);
});
afterAll(async () => {
	await env.cleanup();
});

const alice = key('alice');
const height = () => chain.height + 1;
const cb = (value = 50n * COIN, h = height()) => coinbaseTx(h, value, key('miner').script);
const pay = (coin: Spendable, outputs: TxOut[]) => spend([coin], outputs);

async function expectRejected(block: Block, reason: string, score?: number): Promise<void> {
	const attempt = chain.add(block);
	await expect(attempt).rejects.toMatchObject(score === undefined ? {reason} : {reason, score});
	expect(await snapshot(chain)).toEqual(before);
}

/** The same spend with its signature swapped for the high-S twin (n - s). */
function withHighS(tx: Transaction, prevScript: Uint8Array, priv: Uint8Array, pub: Uint8Array): Transaction {
	const der = toHighS(signDigest(legacySighash(tx, 0, prevScript, 1), priv));
	const script = p2pkhScriptSig(concatBytes(der, Uint8Array.of(1)), pub);
	return new Transaction(tx.version, [new TxIn(tx.inputs[0]!.prevout, script)], tx.outputs, tx.locktime);
}

describe('blocks that break a rule are rejected with their reason and change nothing', () => {
	it('high-hash: proof of work not met', async () => {
		const good = nextBlock(chain, chain.tip);
		let nonce = good.header.nonce;
		let header: Header;
		do {
			header = new Header(1, good.header.prevHash, good.header.merkleRoot, good.header.time, good.header.bits, ++nonce);
		} while (checkProofOfWork(header.hash(), header.bits, chain.network.powLimit));
		await expectRejected(new Block(header, good.txs), 'high-hash', 50);
	});

	it('bad-diffbits: bits other than the retarget rule gives', async () => {
		await expectRejected(blockWith(chain, chain.tip, [cb()], {bits: 0x2007ffff}), 'bad-diffbits', 100);
	});

	it('bad-txnmrklroot: merkle root does not match the transactions', async () => {
		await expectRejected(blockWith(chain, chain.tip, [cb()], {merkleRoot: new Uint8Array(32).fill(1)}), 'bad-txnmrklroot', 100);
	});

	it('bad-txns-duplicate: CVE-2012-2459 mutation, while the honest block with that header still connects', async () => {
		const t1 = pay(mature[0]!, [new TxOut(49n * COIN, alice.script)]);
		const t2 = pay(mature[1]!, [new TxOut(49n * COIN, alice.script)]);
		const honest = blockWith(chain, chain.tip, [cb(52n * COIN), t1, t2]);
		const mutated = new Block(honest.header, [...honest.txs, t2]);
		expect(mutated.computeMerkleRoot().root).toEqual(honest.header.merkleRoot);
		await expectRejected(mutated, 'bad-txns-duplicate', 100);
		// Not cached as invalid: the header is fine, only that copy of the body was not.
		const scratch = await tempChain();
		try {
			const blocks = await extend(scratch.chain, 4);
			expect(blocks[3]!.hashHex()).toBe(chain.tip.hashHex);
			expect((await scratch.chain.add(honest)).status).toBe('connected');
		} finally {
			await scratch.cleanup();
		}
	});

	it('bad-blk-length: over the size limit', async () => {
		const many = (tag: number) =>
			new Transaction(1, [new TxIn(new OutPoint(new Uint8Array(32).fill(tag), 0), new Uint8Array(0))], Array.from({length: 1600}, () => new TxOut(1n, alice.script)));
		await expectRejected(blockWith(chain, chain.tip, [cb(), many(1), many(2)]), 'bad-blk-length', 100);
	});

	it('bad-cb-missing, bad-cb-multiple, bad-cb-length', async () => {
		const t1 = pay(mature[0]!, [new TxOut(49n * COIN, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [t1]), 'bad-cb-missing', 100);
		await expectRejected(blockWith(chain, chain.tip, [cb(), coinbaseTx(height(), 1n, alice.script, 7)]), 'bad-cb-multiple', 100);
		const short = new Transaction(1, [new TxIn(OutPoint.null(), pushInt(height()))], [new TxOut(50n * COIN, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [short]), 'bad-cb-length', 100);
		const long = new Transaction(1, [new TxIn(OutPoint.null(), concatBytes(pushInt(height()), new Uint8Array(100)))], [new TxOut(50n * COIN, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [long]), 'bad-cb-length', 100);
	});

	it('bad-cb-height and bad-cb-amount', async () => {
		await expectRejected(blockWith(chain, chain.tip, [cb(50n * COIN, height() + 1)]), 'bad-cb-height', 100);
		await expectRejected(blockWith(chain, chain.tip, [cb(50n * COIN + 1n)]), 'bad-cb-amount', 100);
		const t1 = pay(mature[0]!, [new TxOut(49n * COIN, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [cb(51n * COIN + 1n), t1]), 'bad-cb-amount', 100);
	});

	it('time-too-old and time-too-new (the latter not punished)', async () => {
		await expectRejected(blockWith(chain, chain.tip, [cb()], {time: chain.medianTimePast(chain.tip)}), 'time-too-old', 100);
		const now = chain.network.genesis.header.time + 10_000_000;
		await expectRejected(blockWith(chain, chain.tip, [cb()], {time: now + 2 * 3600 + 1}), 'time-too-new', 0);
	});

	it('transaction rules: duplicate inputs, negative, too large, total too large, in below out', async () => {
		const coin = mature[0]!;
		const dup = spend([coin, coin], [new TxOut(1n, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [cb(), dup]), 'bad-txns-inputs-duplicate', 100);
		await expectRejected(blockWith(chain, chain.tip, [cb(), pay(coin, [new TxOut(-1n, alice.script)])]), 'bad-txns-vout-negative', 100);
		const max = chain.network.maxMoney;
		await expectRejected(blockWith(chain, chain.tip, [cb(), pay(coin, [new TxOut(max + 1n, alice.script)])]), 'bad-txns-vout-toolarge', 100);
		await expectRejected(
			blockWith(chain, chain.tip, [cb(), pay(coin, [new TxOut(max, alice.script), new TxOut(max, alice.script)])]),
			'bad-txns-txouttotal-toolarge',
			100,
		);
		await expectRejected(blockWith(chain, chain.tip, [cb(), pay(coin, [new TxOut(50n * COIN + 1n, alice.script)])]), 'bad-txns-in-belowout', 100);
	});

	it('spending: premature coinbase, missing input, double spend within the block', async () => {
		const young = coinbaseOf((await chain.getBlockByHeight(4))!);
		await expectRejected(blockWith(chain, chain.tip, [cb(), pay(young, [new TxOut(1n, alice.script)])]), 'bad-txns-premature-spend-of-coinbase', 100);
		const ghost: Spendable = {prevout: new OutPoint(new Uint8Array(32).fill(3), 0), value: COIN, key: key('miner')};
		await expectRejected(blockWith(chain, chain.tip, [cb(), pay(ghost, [new TxOut(1n, alice.script)])]), 'bad-txns-inputs-missingorspent', 100);
		const coin = mature[0]!;
		const first = pay(coin, [new TxOut(1n * COIN, alice.script)]);
		const second = pay(coin, [new TxOut(2n * COIN, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [cb(), first, second]), 'bad-txns-inputs-missingorspent', 100);
	});

	it('signatures: tampered transaction, high S, wrong hash type, key not matching the output', async () => {
		const coin = mature[0]!;
		const signed = pay(coin, [new TxOut(49n * COIN, alice.script)]);
		const tampered = new Transaction(1, signed.inputs, [new TxOut(49n * COIN, key('mallory').script)]);
		await expectRejected(blockWith(chain, chain.tip, [cb(), tampered]), 'mandatory-script-verify-flag-failed', 100);

		const highS = withHighS(signed, coin.key.script, coin.key.priv, coin.key.pub);
		await expectRejected(blockWith(chain, chain.tip, [cb(), highS]), 'mandatory-script-verify-flag-failed', 100);

		const digest2 = legacySighash(signed, 0, coin.key.script, 2);
		const none = p2pkhScriptSig(concatBytes(signDigest(digest2, coin.key.priv), Uint8Array.of(2)), coin.key.pub);
		const sigNone = new Transaction(1, [new TxIn(coin.prevout, none)], signed.outputs);
		await expectRejected(blockWith(chain, chain.tip, [cb(), sigNone]), 'mandatory-script-verify-flag-failed', 100);

		const wrongKey = spend([{...coin, key: alice}], [new TxOut(49n * COIN, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [cb(), wrongKey]), 'mandatory-script-verify-flag-failed', 100);
	});

	it('scripts: non-template output, non-template input, data output with value, non-final', async () => {
		const coin = mature[0]!;
		await expectRejected(blockWith(chain, chain.tip, [cb(), pay(coin, [new TxOut(1n, Uint8Array.of(OP.OP_1))])]), 'bad-txns-nonstandard-output', 100);
		const bare = new Transaction(1, [new TxIn(coin.prevout, Uint8Array.of(OP.OP_1))], [new TxOut(1n, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [cb(), bare]), 'bad-txns-nonstandard-input', 100);
		await expectRejected(blockWith(chain, chain.tip, [cb(), pay(coin, [new TxOut(5n, nullDataScript(Uint8Array.of(1, 2)))])]), 'bad-txns-nulldata-value', 100);
		const locked = new Transaction(1, [new TxIn(coin.prevout, new Uint8Array(0), 0)], [new TxOut(1n, alice.script)], 100);
		const lockedSigned = spend([coin], locked.outputs, 100);
		const nonFinal = new Transaction(1, [new TxIn(coin.prevout, lockedSigned.inputs[0]!.script, 0)], locked.outputs, 100);
		await expectRejected(blockWith(chain, chain.tip, [cb(), nonFinal]), 'bad-txns-nonfinal');
		const empty = new Transaction(1, [], [new TxOut(1n, alice.script)]);
		await expectRejected(blockWith(chain, chain.tip, [cb(), empty]), 'bad-txns-vin-empty');
	});

	it('after all of that, a valid block with a BPM reading still connects', async () => {
		const t = pay(mature[0]!, [new TxOut(0n, bpmScript(64)), new TxOut(49n * COIN, alice.script)]);
		const block = blockWith(chain, chain.tip, [cb(51n * COIN), t]);
		expect((await chain.add(block)).status).toBe('connected');
		expect((await chain.getBpmRecords()).map(r => r.bpm)).toEqual([64]);
	});
});
