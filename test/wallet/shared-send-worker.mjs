/**
 * One node in its own process, from the compiled dist/ code: its own chain (the parent's blocks)
 * and its own mempool, and the wallet file it shares with another such process. It sends when
 * the parent says so and answers what its caller would be told. Driven over IPC by
 * shared-send.test.ts; it never decides when to send by itself.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const load = path => import(new URL(`../../dist/node/${path}`, import.meta.url).href);
const {REGTEST_SPEC, makeNetwork} = await load('consensus/networks.js');
const {buildGenesis} = await load('consensus/genesis.js');
const {checkProofOfWork, decodeCompact} = await load('consensus/pow.js');
const {Chain} = await load('chain/chain.js');
const {Mempool} = await load('mempool/mempool.js');
const {CachingVerifier, inlineVerifier} = await load('verify/verifier.js');
const {Keystore} = await load('wallet/keystore.js');
const {Wallet} = await load('wallet/wallet.js');
const {Block} = await load('primitives/block.js');
const {fromHex, toHex} = await load('encoding/hex.js');

const [walletPath, nowText, genesisHash, maturity] = process.argv.slice(2);
const now = () => Number(nowText);

// The same network as test/helpers/chain-env.ts's testNetwork({coinbaseMaturity}), built the same way.
function testNetwork(overrides) {
	const spec = {...REGTEST_SPEC, name: 'test', ...overrides};
	const limit = decodeCompact(spec.powLimitBits).target;
	for (let nonce = 0; nonce < 1_000_000; nonce++) {
		const genesis = {...spec.genesis, nonce};
		if (checkProofOfWork(buildGenesis(genesis).hash(), genesis.bits, limit)) return makeNetwork({...spec, genesis});
	}
	throw new Error('could not mine a test genesis');
}

const network = testNetwork({coinbaseMaturity: Number(maturity)});
const dir = await mkdtemp(join(tmpdir(), 'chain-tui-shared-send-'));
const verifier = new CachingVerifier(inlineVerifier);
const chain = await Chain.open({network, path: dir, now, verifier});
if (chain.tip.hashHex !== genesisHash) throw new Error(`genesis ${chain.tip.hashHex} is not the parent's ${genesisHash}`);
const mempool = new Mempool({chain, verifier, now});
const wallet = new Wallet(await Keystore.open(walletPath, network.name), chain, mempool);

process.on('message', async msg => {
	if (msg.type === 'blocks') {
		for (const hex of msg.blocks) {
			const {status} = await chain.add(Block.fromRaw(fromHex(hex)));
			if (status !== 'connected') throw new Error(`block not connected: ${status}`);
		}
		process.send({type: 'synced', height: chain.height});
	} else if (msg.type === 'send') {
		try {
			const tx = await wallet.send({to: msg.to, amount: BigInt(msg.amount), feeRate: 1n});
			process.send({type: 'result', round: msg.round, sent: true, hex: toHex(tx.toRaw())});
		} catch (error) {
			process.send({type: 'result', round: msg.round, sent: false, name: error.name, code: error.code ?? null, message: error.message});
		}
	} else if (msg.type === 'exit') {
		await chain.close();
		await rm(dir, {recursive: true, force: true});
		process.disconnect();
	}
});
process.send({type: 'ready'});
