/**
 * Relay: announcing our new blocks and transactions, and serving what peers ask for (getdata,
 * mempool) at the pace they read.
 */
import type {ChainEntry} from '../chain/entry.js';
import {hashToHex} from '../encoding/hex.js';
import {StorageError} from '../errors.js';
import type {Block} from '../primitives/block.js';
import type {Transaction} from '../primitives/tx.js';
import {InvType, LIMITS, type InvItem} from './messages.js';
import type {Peer} from './peer.js';
import {noteHeaderSent, peerHasHeader} from './peer-state.js';
import type {PoolContext} from './pool-context.js';

/**
 * Core's DEFAULT_MAX_TIP_AGE is a day: 144 of its blocks. Ours is the same 144 blocks, 48 minutes
 * at 20 s, so a node that was off for an hour catches up quietly rather than echo the past.
 */
export const MAX_TIP_AGE_BLOCKS = 144;

export class Relay {
	/** Core's latch: once out of initial download, a node never goes back into it. */
	private caughtUp = false;

	constructor(private readonly ctx: PoolContext) {}

	/**
	 * Core's IsInitialBlockDownload: the tip has less work than the network's minimum chain work,
	 * or is older than the max tip age. It depends on the tip alone, never on headers peers show:
	 * a heavier branch nobody delivers cannot make a node stop announcing its blocks.
	 */
	initialDownload(): boolean {
		if (this.caughtUp) return false;
		const {chain, network} = this.ctx;
		if (chain.tip.chainwork < network.minimumChainWork) return true;
		if (chain.tip.time >= this.ctx.now() - MAX_TIP_AGE_BLOCKS * network.targetSpacing) this.caughtUp = true;
		return !this.caughtUp;
	}

	/** A block joined the active chain: tell every peer that may not have it (not while catching up). */
	blockConnected(entry: ChainEntry, block: Block): void {
		if (this.initialDownload()) return;
		const ancestor = (of: ChainEntry, height: number) => this.ctx.chain.getAncestor(of, height);
		for (const peer of this.ctx.peers()) {
			if (!peer.ready || peer.known.has(entry.hashHex)) continue;
			peer.remember(entry.hashHex);
			const st = this.ctx.state(peer);
			// By headers only where they connect to what the peer knows (Core's fRevertToInv): a
			// peer still syncing gets an inv, asks for the headers it lacks, and is never sent a
			// stream of headers it cannot place.
			if (peer.prefersHeaders && st && (!entry.prev || peerHasHeader(st, entry.prev, ancestor))) {
				peer.send({type: 'headers', headers: [block.header]});
				noteHeaderSent(st, entry);
			} else peer.send({type: 'inv', items: [{type: InvType.BLOCK, hash: entry.hash}]});
		}
	}

	announceTx(tx: Transaction): void {
		const txid = tx.txid();
		for (const peer of this.ctx.peers()) {
			if (!peer.ready || !peer.relay || peer.known.has(txid)) continue;
			peer.remember(txid);
			peer.send({type: 'inv', items: [{type: InvType.TX, hash: tx.hash()}]});
		}
	}

	/** Answers a mempool message: every transaction we hold, by inv. */
	serveMempool(peer: Peer): void {
		const ids = (this.ctx.mempool?.all() ?? []).map(e => e.tx.hash());
		for (let i = 0; i < ids.length; i += LIMITS.inv) {
			peer.send({type: 'inv', items: ids.slice(i, i + LIMITS.inv).map(hash => ({type: InvType.TX, hash}))});
		}
		for (const id of ids) peer.remember(hashToHex(id));
	}

	/** Queues a getdata; a peer asking for far more than it reads is punished. */
	async getdata(peer: Peer, items: readonly InvItem[]): Promise<void> {
		const st = this.ctx.state(peer);
		if (!st) return;
		st.backlog.push(...items);
		if (st.backlog.length > LIMITS.inv * 2) {
			st.backlog.length = 0;
			return peer.misbehave(50, 'asks for far more than it reads');
		}
		await this.serveBacklog(peer);
	}

	/** Serves held requests while the peer keeps reading (back-pressure at 10 MB queued). */
	async serveBacklog(peer: Peer): Promise<void> {
		const st = this.ctx.state(peer);
		if (!st) return;
		const missing: InvItem[] = [];
		while (st.backlog.length > 0 && !peer.congested && !peer.isClosed) {
			const item = st.backlog.shift()!;
			if (item.type === InvType.BLOCK) {
				let block;
				try {
					block = await this.ctx.chain.getBlock(item.hash);
				} catch (error) {
					// A damaged block is never served: the peer hears notfound, the rest is served.
					if (!(error instanceof StorageError)) throw error;
					this.ctx.log(error.message);
					block = null;
				}
				if (block) {
					peer.send({type: 'block', block});
					peer.remember(block.hashHex());
				} else missing.push(item);
			} else if (item.type === InvType.TX) {
				const entry = this.ctx.mempool?.get(hashToHex(item.hash));
				if (entry) peer.send({type: 'tx', tx: entry.tx});
				else missing.push(item);
			}
		}
		if (missing.length > 0) peer.send({type: 'notfound', items: missing});
	}
}
