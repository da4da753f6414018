/** What the screen shows, as plain immutable data: panes are pure functions of it. */
import type {ChainTip} from '../node/chain/chain.js';
import type {MinerStatus} from '../node/mining/miner.js';
import type {StakingStatus} from '../node/staking/staker.js';
import type {PeerInfo, SyncStatus} from '../node/net/pool.js';
import type {BpmReading, WalletAddress} from '../node/wallet/wallet.js';
import type {WireView} from './wire.js';

// The node's plain types the screen shows, handed on so the UI imports from the store only.
export type {PeerInfo, SyncStatus, CloneResult} from '../node/net/pool.js';
export type {PreparedTx} from '../node/wallet/wallet.js';
export type {NotStakingReason, SlotTry} from '../node/staking/staker.js';

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

/** The staker's status (proof-of-stake networks), with what the pane needs to say it plainly. */
export interface StakeView extends StakingStatus {
	/** Seconds per slot. */
	readonly slot: number;
	/** Blocks 1..powBlocks are mined (the bootstrap); later ones are staked. */
	readonly powBlocks: number;
}

export interface WalletView {
	readonly addresses: readonly WalletAddress[];
	readonly encrypted: boolean;
	readonly locked: boolean;
	readonly path: string;
}

export interface LogLine {
	/** Increases by one a line: the log list's ids. */
	readonly seq: number;
	readonly time: number;
	readonly text: string;
}

/** A reorganisation, as the tips pane lists it. */
export interface ReorgRow {
	readonly time: number;
	readonly depth: number;
	readonly forkHeight: number;
	readonly height: number;
	readonly hash: string;
}

/** A payment to one of the wallet's addresses, from someone else. */
export interface PaymentRow {
	readonly time: number;
	readonly txid: string;
	readonly address: string;
	readonly label: string;
	readonly amount: bigint;
	/** The block that holds it, or null while in the mempool. */
	readonly height: number | null;
}

/** Where Enter on a row of the explorer leads. */
export type ExplorerTarget = {readonly kind: 'block'; readonly id: string} | {readonly kind: 'tx'; readonly txid: string} | {readonly kind: 'address'; readonly address: string};

export interface ExplorerRow {
	readonly id: string;
	/** The row's fields by column key, as text. */
	readonly cells: Readonly<Record<string, string>>;
	readonly target: ExplorerTarget | null;
}

/** A block, a transaction or an address, as plain rows: the chain pane draws it. */
export interface ExplorerView {
	readonly kind: 'block' | 'tx' | 'address';
	/** Hash, txid or address: what `y` copies. */
	readonly id: string;
	/** The facts shown above the rows, each a short `label value` pair. */
	readonly facts: readonly (readonly [string, string])[];
	readonly rows: readonly ExplorerRow[];
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
	/** A window of the active chain, newest first: around what the chain list shows. */
	readonly blocks: readonly BlockRow[];
	readonly tips: readonly TipRow[];
	readonly mempool: MempoolView;
	readonly miner: MinerView;
	/** The staker, on proof-of-stake networks (null on proof of work): its pane takes the miner's place. */
	readonly stake: StakeView | null;
	/** The signature backend that runs: native, wasm or noble (fixed at start). */
	readonly verifier: string;
	readonly wallet: WalletView;
	readonly bpm: readonly BpmReading[];
	readonly log: readonly LogLine[];
	/** Newest last. */
	readonly reorgs: readonly ReorgRow[];
	/** Newest last. */
	readonly payments: readonly PaymentRow[];
	/** The wire inspector's messages while its pane is open (the tap is off otherwise): null when closed. */
	readonly wire: WireView | null;
	/** Seconds since the epoch when the snapshot was made (for "12 s ago"). */
	readonly now: number;
}
