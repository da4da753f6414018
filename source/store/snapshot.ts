/** What the screen shows, as plain immutable data: panes are pure functions of it. */
import type {ChainTip} from '../node/chain/chain.js';
import type {MinerStatus} from '../node/mining/miner.js';
import type {PeerInfo, SyncStatus} from '../node/net/pool.js';
import type {BpmReading, WalletAddress} from '../node/wallet/wallet.js';

export interface BlockRow {
	readonly height: number;
	readonly hash: string;
	readonly time: number;
	readonly txs: number;
	readonly size: number;
	/** The address the coinbase paid, or '' if not P2PKH. */
	readonly miner: string;
}

export interface TipRow {
	readonly height: number;
	readonly hash: string;
	readonly branchLength: number;
	readonly status: ChainTip['status'];
}

export interface MempoolRow {
	readonly txid: string;
	readonly size: number;
	readonly fee: bigint;
	readonly feeRate: number;
	readonly time: number;
}

export interface MempoolView {
	readonly count: number;
	readonly bytes: number;
	/** Estimated memory, which the limit bounds (as Core's -maxmempool). */
	readonly usage: number;
	readonly maxBytes: number;
	readonly minRate: number;
	readonly medianRate: number;
	readonly maxRate: number;
	readonly newest: readonly MempoolRow[];
}

export interface MinerView extends MinerStatus {
	/** Hash rate samples, one a second, oldest first (the last minute). */
	readonly history: readonly number[];
}

export interface WalletView {
	readonly addresses: readonly WalletAddress[];
	readonly encrypted: boolean;
	readonly locked: boolean;
	readonly path: string;
}

export interface LogLine {
	readonly time: number;
	readonly text: string;
}

export interface Snapshot {
	readonly network: string;
	readonly datadir: string;
	readonly port: number;
	readonly regtest: boolean;
	readonly height: number;
	readonly tip: {readonly hash: string; readonly time: number};
	readonly sync: SyncStatus;
	readonly peers: readonly PeerInfo[];
	readonly blocks: readonly BlockRow[];
	readonly tips: readonly TipRow[];
	readonly mempool: MempoolView;
	readonly miner: MinerView;
	readonly wallet: WalletView;
	readonly bpm: readonly BpmReading[];
	readonly log: readonly LogLine[];
	/** Seconds since the epoch when the snapshot was made (for "12 s ago"). */
	readonly now: number;
}
