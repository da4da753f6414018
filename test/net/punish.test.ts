/**
 * Punishment as Bitcoin Core does it, over real TCP, each while a good peer keeps syncing. The
 * cases come from Core's p2p_invalid_messages.py (command names, oversized lengths, a second
 * version) and invalid_txs.py (empty or null transaction parts, `expect_disconnect = True`), plus
 * our chain's low-S rule refused with Core's words.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {frame, encodeMessage} from '../../source/node/net/framer.js';
import {VerifyError} from '../../source/node/errors.js';
import {OutPoint, Transaction, TxIn, TxOut} from '../../source/node/primitives/tx.js';
import {signDigest} from '../../source/node/crypto/keys.js';
import {concatBytes} from '../../source/node/encoding/hex.js';
import {legacySighash} from '../../source/node/primitives/sighash.js';
import {p2pkhScriptSig, SIGHASH_ALL} from '../../source/node/primitives/script.js';
import {quickNet} from '../helpers/chain-env.js';
import {RawPeer, versionMessage} from '../helpers/raw-peer.js';
import {toHighS} from '../helpers/signatures.js';
import {blockWith, coinbaseOf, coinbaseTx, key, spend, type Spendable} from '../helpers/builder.js';
import {targetWithGoodPeer, waitFor, type TestNode} from '../helpers/net-env.js';

let target: TestNode;
let env: Awaited<ReturnType<typeof targetWithGoodPeer>>;
const bans: string[] = [];
const logs: string[] = [];

beforeAll(async () => {
	env = await targetWithGoodPeer({blocks: 2 + quickNet.coinbaseMaturity});
	({target} = env);
	target.pool.on('ban', address => bans.push(address));
	target.pool.on('log', line => logs.push(line));
});
afterAll(async () => {
	await env.close();
});

const goodPeerStillServed = () => env.goodPeerStillServed();

let nextNonce = 700n;
async function hostile(): Promise<RawPeer> {
	const peer = await RawPeer.connect(target.pool.port, quickNet);
	await peer.handshake({nonce: nextNonce++});
	return peer;
}

/** The node's side of a raw peer's connection. */
function seenBy(peer: RawPeer) {
	return target.pool.connectedPeers.find(p => p.port === peer.socket.localPort);
}

/** Pings and waits for the pong: everything sent before has been handled. */
async function roundTrip(peer: RawPeer, nonce: bigint): Promise<void> {
	peer.send({type: 'ping', nonce});
	await peer.waitFor(() => peer.received.some(m => m.type === 'pong' && m.nonce === nonce), `pong ${nonce}`);
}

const coin = async (height: number): Promise<Spendable> => coinbaseOf((await target.chain.getBlockByHeight(height))!, key('target'));

describe('punishment as Core does it, while a good peer keeps syncing', () => {
	it('a malformed command name drops that message only: the peer stays, unpunished', async () => {
		const peer = await hostile();
		// Core's test_msgtype: a NUL inside the name followed by more letters ("pi\0g").
		const nulInside = encodeMessage(quickNet.magic, {type: 'ping', nonce: 1n});
		nulInside[4 + 2] = 0;
		// A byte outside 0x20-0x7e.
		const unprintable = encodeMessage(quickNet.magic, {type: 'ping', nonce: 2n});
		unprintable[4 + 1] = 0x01;
		// Both at once and split mid-header: each is still dropped whole.
		const both = Uint8Array.from([...nulInside, ...unprintable]);
		peer.write(both.subarray(0, 30));
		peer.write(both.subarray(30));
		await roundTrip(peer, 3n);
		expect(peer.received.some(m => m.type === 'pong' && (m.nonce === 1n || m.nonce === 2n))).toBe(false);
		expect(peer.closed).toBe(false);
		const mine = seenBy(peer);
		expect(mine?.banScore).toBe(0);
		// Counted with unknown messages, as Core counts them under *other*.
		expect(mine?.stats.messagesIn['unknown']).toBe(2);
		expect(bans).toHaveLength(0);
		peer.close();
		await goodPeerStillServed();
	});

	it('a declared length over 4 MB disconnects, without a ban', async () => {
		const peer = await hostile();
		const header = frame(quickNet.magic, 'block', new Uint8Array(0));
		new DataView(header.buffer).setUint32(16, 4_000_001, true);
		peer.write(header);
		await peer.waitClosed();
		expect(bans).toHaveLength(0);
		expect(target.pool.addrman.banned()).toHaveLength(0);
		// It may come back at once and talk.
		const again = await hostile();
		await roundTrip(again, 4n);
		again.close();
		await goodPeerStillServed();
	});

	it('a second version (and verack) is ignored, not scored', async () => {
		const peer = await hostile();
		peer.send(versionMessage({nonce: nextNonce++, agent: '/again/'}));
		peer.send({type: 'verack'});
		await roundTrip(peer, 5n);
		const mine = seenBy(peer);
		expect(mine?.banScore).toBe(0);
		expect(mine?.agent).toBe('/raw/'); // the first version stands
		expect(peer.closed).toBe(false);
		peer.close();
		await goodPeerStillServed();
	});

	it('transactions with no outputs, no inputs or a null prevout: refused and the sender disconnected', async () => {
		const paid = spend([await coin(1)], [new TxOut(49n * 100_000_000n, key('x').script)]);
		const cases: [string, Transaction][] = [
			// invalid_txs.py OutputMissing: one real input, no outputs.
			['bad-txns-vout-empty', new Transaction(1, paid.inputs, [])],
			// InputMissing: a blank transaction (one output here, so it is not empty bytes).
			['bad-txns-vin-empty', new Transaction(1, [], [new TxOut(1000n, key('x').script)])],
			// PrevoutNullInput: a real input, then a null prevout.
			['bad-txns-prevout-null', new Transaction(1, [paid.inputs[0]!, new TxIn(OutPoint.null(), paid.inputs[0]!.script)], paid.outputs)],
		];
		for (const [reason, tx] of cases) {
			const peer = await hostile();
			peer.send({type: 'tx', tx});
			await peer.waitClosed();
			expect(target.mempool.has(tx.txid())).toBe(false);
			// The reason, by its code (a rejection changes nothing).
			await expect(target.mempool.add(tx)).rejects.toMatchObject({reason, score: 100});
		}
		await goodPeerStillServed();
	});

	it('a block holding a transaction with no inputs: the sender is disconnected', async () => {
		const tip = target.chain.tip;
		const empty = new Transaction(1, [], [new TxOut(1000n, key('x').script)]);
		const block = blockWith(target.chain, tip, [coinbaseTx(tip.height + 1, 50n * 100_000_000n, key('b').script), empty]);
		const peer = await hostile();
		peer.send({type: 'block', block});
		await peer.waitClosed();
		expect(target.chain.tip.hashHex).toBe(tip.hashHex);
		await goodPeerStillServed();
	});

	it('a high-S signature is refused with Core\'s words, and the sender disconnected', async () => {
		const source = await coin(2);
		const signed = spend([source], [new TxOut(49n * 100_000_000n, key('x').script)]);
		const der = toHighS(signDigest(legacySighash(signed, 0, source.key.script, SIGHASH_ALL), source.key.priv));
		const script = p2pkhScriptSig(concatBytes(der, Uint8Array.of(SIGHASH_ALL)), source.key.pub);
		const highS = new Transaction(1, [new TxIn(source.prevout, script)], signed.outputs);
		const peer = await hostile();
		peer.send({type: 'tx', tx: highS});
		await peer.waitClosed();
		expect(target.mempool.has(highS.txid())).toBe(false);
		await waitFor(() => logs.some(l => l.includes(highS.txid()) && l.includes('Non-canonical signature: S value is unnecessarily high')), 'the node logs why, in Core\'s words', 5_000);
		// The reason and the script rule, by their codes.
		const rejection = await target.mempool.add(highS).then(
			() => null,
			(error: unknown) => error,
		);
		expect(rejection).toBeInstanceOf(VerifyError);
		expect(rejection).toMatchObject({reason: 'mandatory-script-verify-flag-failed', score: 100, scriptError: 'sig-high-s'});
		// The same spend with its low-S signature is accepted.
		expect((await target.mempool.add(signed)).status).toBe('accepted');
		await goodPeerStillServed();
	});
});
