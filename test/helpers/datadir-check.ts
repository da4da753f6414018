/**
 * Reads a (closed) chain datadir as a crash left it, without loading it as a Chain (which would
 * carry on any interrupted work first), and checks that its state is whole: the tip marker, the
 * height index, undo data and the tx and address indexes all agree with a UTXO set rebuilt from
 * the stored blocks of the tip's branch.
 */
import {ChainDB} from '../../source/node/chain/chain-db.js';
import {ChainEntry, Status} from '../../source/node/chain/entry.js';
import {HeaderTable} from '../../source/node/chain/header-table.js';
import {layout} from '../../source/node/chain/layout.js';
import {unseal} from '../../source/node/chain/checksum.js';
import {Block} from '../../source/node/primitives/block.js';
import {Coin} from '../../source/node/primitives/coin.js';
import {nullData, p2pkhHash} from '../../source/node/primitives/script.js';
import {hashToHex, toHex} from '../../source/node/encoding/hex.js';
import {sha256} from '../../source/node/crypto/hash.js';
import {COINSTAKE_INDEX, engineFor} from '../../source/node/consensus/engine.js';
import {GENESIS_STAKE_MODIFIER, nextStakeModifier} from '../../source/node/consensus/kernel.js';
import type {NetworkParams} from '../../source/node/consensus/networks.js';

export interface DatadirState {
	readonly tip: string;
	readonly height: number;
	/** Display hashes of the tip's branch, by height. */
	readonly branch: readonly string[];
	/** sha256 over the coins in key order, as gettxoutsetinfo's hash_serialized_3. */
	readonly utxoHash: string;
	readonly coins: number;
	/**
	 * The height of the best stored branch with more work than the tip (its blocks all stored and
	 * none known invalid): what the next start carries on to. Null when the tip is the best.
	 */
	readonly pending: number | null;
}

const u32le = (n: number) => {
	const b = new Uint8Array(4);
	new DataView(b.buffer).setUint32(0, n, true);
	return b;
};

async function keySet(db: ChainDB, letter: string): Promise<Set<string>> {
	const out = new Set<string>();
	for await (const key of db.keys(layout.range(letter))) out.add(toHex(key));
	return out;
}

function sameSets(what: string, stored: Set<string>, expected: Set<string>): void {
	if (stored.size === expected.size && [...expected].every(k => stored.has(k))) return;
	const missing = [...expected].filter(k => !stored.has(k));
	const extra = [...stored].filter(k => !expected.has(k));
	throw new Error(`${what}: ${stored.size} stored, ${expected.size} expected; missing ${missing.slice(0, 3).join(' ')}${missing.length > 3 ? ' …' : ''}; extra ${extra.slice(0, 3).join(' ')}${extra.length > 3 ? ' …' : ''}`);
}

/**
 * Whether the chain database holds nothing yet: a node killed in its very first start, after
 * LevelDB made its files and before the one batch that writes the schema version, the genesis
 * block and the tip marker. That is whole too: the next start writes that batch.
 */
export async function isUnwritten(chainPath: string): Promise<boolean> {
	const db = await ChainDB.open(chainPath);
	try {
		if ((await db.get(layout.V)) !== undefined) return false;
		for await (const _ of db.keys(layout.range('e'))) return false;
		return (await db.get(layout.R)) === undefined;
	} finally {
		await db.close();
	}
}

/**
 * Checks the datadir's chain state against a rebuild from its own blocks; throws on any mismatch.
 * `network`: a proof-of-stake network's datadir also has its coinstakes' outputs minted (mature
 * as coinbases) and a stake modifier per block, recomputed here from the blocks.
 */
export async function checkDatadir(chainPath: string, network?: NetworkParams): Promise<DatadirState> {
	const engine = network ? engineFor(network) : null;
	const db = await ChainDB.open(chainPath);
	try {
		const entries = new Map<string, ChainEntry>();
		const table = new HeaderTable();
		const parents = new Map<ChainEntry, string>();
		for await (const [key, sealed] of db.entries(layout.range('e'))) {
			const value = unseal(key, sealed);
			if (!value) throw new Error(`index entry ${toHex(key)} fails its checksum`);
			const entry = ChainEntry.fromRaw(value, table); // rehashed: the check trusts no key
			entries.set(entry.hashHex, entry);
			parents.set(entry, hashToHex(value.subarray(4, 36))); // the header's prevHash
		}
		for (const entry of entries.values()) if (entry.height > 0) entry.prev = entries.get(parents.get(entry)!) ?? null;
		const tipRaw = await db.get(layout.R);
		if (!tipRaw) throw new Error('no tip marker');
		const tip = entries.get(hashToHex(tipRaw));
		if (!tip) throw new Error(`the tip marker names ${hashToHex(tipRaw)}, which has no index entry`);

		// The branch, from genesis: every block valid and stored, the height index pointing at it.
		const branch: ChainEntry[] = [];
		for (let e: ChainEntry | null = tip; e; e = e.prev) branch.push(e);
		branch.reverse();
		if (branch[0]!.height !== 0 || branch.length !== tip.height + 1) throw new Error(`the tip's branch does not reach genesis (${branch.length} entries for height ${tip.height})`);
		const heights = new Set<string>();
		for (const e of branch) {
			if ((e.status & (Status.HAVE_DATA | Status.VALID)) !== (Status.HAVE_DATA | Status.VALID) || e.failed) throw new Error(`block ${e.height} ${e.hashHex} on the tip's branch has status ${e.status}`);
			const at = await db.get(layout.H(e.height));
			if (!at || hashToHex(at) !== e.hashHex) throw new Error(`height index at ${e.height} names ${at ? hashToHex(at) : 'nothing'}, not ${e.hashHex}`);
			heights.add(toHex(layout.H(e.height)));
		}
		sameSets('height index', await keySet(db, 'H'), heights);

		// A UTXO set, tx index and address membership rebuilt from the blocks themselves.
		const coins = new Map<string, Uint8Array>();
		const txids = new Set<string>();
		const undo = new Set<string>();
		let modifier: Uint8Array = GENESIS_STAKE_MODIFIER;
		for (const e of branch.slice(1)) {
			const raw = await db.get(layout.b(e.hash));
			if (!raw) throw new Error(`block ${e.height} ${e.hashHex} is on the tip's branch but not stored`);
			undo.add(toHex(layout.u(e.hash)));
			const block = Block.fromRaw(raw);
			if (network?.stake) {
				const staked = engine!.kindAt(e.height) === 'stake';
				modifier = nextStakeModifier(modifier, staked ? block.txs[COINSTAKE_INDEX]!.inputs[0]!.prevout.txid : e.hash);
				const key = layout.m(e.hash);
				const value = await db.get(key);
				const stored = value && unseal(key, value);
				if (!stored || toHex(stored) !== toHex(modifier)) throw new Error(`block ${e.height}'s stake modifier is ${stored ? toHex(stored) : 'missing'}, the rebuild has ${toHex(modifier)}`);
			}
			for (const [t, tx] of block.txs.entries()) {
				const txid = tx.hash();
				txids.add(toHex(layout.t(txid)));
				if (!tx.isCoinbase()) {
					for (const input of tx.inputs) {
						const key = toHex(layout.c(input.prevout.txid, input.prevout.index));
						if (!coins.delete(key)) throw new Error(`block ${e.height} spends ${input.prevout.key()}, which the rebuild does not have`);
					}
				}
				tx.outputs.forEach((output, n) => {
					if (nullData(output.script)) return;
					coins.set(toHex(layout.c(txid, n)), new Coin(output.value, output.script, e.height, engine ? engine.mintsAt(e.height, t) : tx.isCoinbase()).toRaw());
				});
			}
		}
		sameSets('undo data', await keySet(db, 'u'), undo);
		sameSets('tx index', await keySet(db, 't'), txids);
		const stored = new Map<string, Uint8Array>();
		for await (const [key, value] of db.entries(layout.range('c'))) {
			const coin = unseal(key, value);
			if (!coin) throw new Error(`coin ${toHex(key)} fails its checksum`);
			stored.set(toHex(key), coin);
		}
		sameSets('UTXO set', new Set(stored.keys()), new Set(coins.keys()));
		const members = new Set<string>();
		const parts: Uint8Array[] = [];
		for (const key of [...coins.keys()].sort()) {
			const value = coins.get(key)!;
			if (toHex(stored.get(key)!) !== toHex(value)) throw new Error(`coin ${key} is stored as ${toHex(stored.get(key)!)}, the rebuild has ${toHex(value)}`);
			const bytes = Buffer.from(key, 'hex');
			const txid = bytes.subarray(1, 33);
			const vout = bytes.readUInt32BE(33);
			const owner = p2pkhHash(Coin.fromRaw(value).script);
			if (owner) members.add(toHex(layout.U(owner, txid, vout)));
			parts.push(txid, u32le(vout), value);
		}
		sameSets('address UTXO membership', await keySet(db, 'U'), members);

		// Stored work beyond the tip: a branch with more work, every block stored and none failed.
		const complete = new Map<ChainEntry, boolean>();
		let pending: ChainEntry | null = null;
		for (const e of [...entries.values()].sort((a, b) => a.height - b.height)) {
			const ok = e.hasData && !e.failed && (e.height === 0 || (e.prev !== null && complete.get(e.prev) === true));
			complete.set(e, ok);
			if (ok && e.chainwork > tip.chainwork && (!pending || e.chainwork > pending.chainwork)) pending = e;
		}
		return {
			tip: tip.hashHex,
			height: tip.height,
			branch: branch.map(e => e.hashHex),
			utxoHash: hashToHex(sha256(Buffer.concat(parts))),
			coins: coins.size,
			pending: pending?.height ?? null,
		};
	} finally {
		await db.close();
	}
}
