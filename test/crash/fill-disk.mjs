// A chain on a (small) disk, for test/crash/disk-full.test.ts: `fill <chain path> <min free>` adds
// blocks of ~2 kB of random data until a write fails, then stops as the node does on 'fatal'
// (exit code 3); `resume <chain path>` opens it again and adds 3 blocks. One JSON line a report.
import {randomBytes} from 'node:crypto';

const dist = p => import(new URL(`../../dist/node/${p}`, import.meta.url).href);
const {Chain} = await dist('chain/chain.js');
const {StorageError} = await dist('errors.js');
const {regtest, subsidyAt} = await dist('consensus/networks.js');
const {checkProofOfWork} = await dist('consensus/pow.js');
const {Block} = await dist('primitives/block.js');
const {Header} = await dist('primitives/header.js');
const {OutPoint, Transaction, TxIn, TxOut} = await dist('primitives/tx.js');
const {merkleRoot} = await dist('primitives/merkle.js');
const {nullDataScript, p2pkhScript, pushData, pushInt} = await dist('primitives/script.js');
const {concatBytes} = await dist('encoding/hex.js');

const [mode, path, minFree] = process.argv.slice(2);
const say = o => console.log(JSON.stringify(o));

function nextBlock(chain) {
	const prev = chain.tip;
	const height = prev.height + 1;
	const outputs = [new TxOut(subsidyAt(height, regtest), p2pkhScript(randomBytes(20)))];
	for (let i = 0; i < 25; i++) outputs.push(new TxOut(0n, nullDataScript(randomBytes(80))));
	const coinbase = new Transaction(1, [new TxIn(OutPoint.null(), concatBytes(pushInt(height), pushData(randomBytes(4))))], outputs, 0);
	const root = merkleRoot([coinbase.hash()]).root;
	const bits = chain.requiredBits(prev);
	for (let nonce = 0; nonce < 1_000_000; nonce++) {
		const header = new Header(1, prev.hash, root, prev.time + 1, bits, nonce);
		if (checkProofOfWork(header.hash(), bits, regtest.powLimit)) return new Block(header, [coinbase]);
	}
	throw new Error('no nonce');
}

const chain = await Chain.open({network: regtest, path, ...(minFree ? {storage: {minFree: Number(minFree)}} : {})});
if (mode === 'fill') {
	let fatal = null;
	chain.on('fatal', error => (fatal = error));
	for (let i = 0; i < 50_000; i++) {
		try {
			await chain.add(nextBlock(chain));
		} catch (error) {
			if (!(error instanceof StorageError)) throw error;
			say({code: error.code, message: error.message, fatalEvent: fatal === error, height: chain.height, tip: chain.tip.hashHex});
			await chain.close().catch(() => undefined);
			process.exit(3);
		}
	}
	say({error: `the disk never filled (height ${chain.height})`});
	process.exit(1);
} else {
	say({height: chain.height, tip: chain.tip.hashHex});
	for (let i = 0; i < 3; i++) await chain.add(nextBlock(chain));
	say({height: chain.height});
	await chain.close();
}
