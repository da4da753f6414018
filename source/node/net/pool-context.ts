/** What the pool's parts (header sync, downloads, relay, ...) share: the node and the peers. */
import type {Chain} from '../chain/chain.js';
import type {ChainEntry} from '../chain/entry.js';
import type {NetworkParams} from '../consensus/networks.js';
import type {Mempool} from '../mempool/mempool.js';
import type {HostMemory} from './host-memory.js';
import type {Peer} from './peer.js';
import type {PeerState} from './peer-state.js';

export interface PoolContext {
	readonly chain: Chain;
	readonly network: NetworkParams;
	readonly mempool: Mempool | undefined;
	/** Seconds since the epoch. */
	readonly now: () => number;
	/** Uniform in [0, 1). */
	readonly random: () => number;
	/** Every connected peer, handshake done or not. */
	peers(): Iterable<Peer>;
	state(peer: Peer): PeerState | undefined;
	/** What is remembered of each peer IP across its connections (forks, unconnecting runs, refusals). */
	readonly hosts: HostMemory;
	/** A block `peer` showed it has; emits 'peer-update' when its heights move. */
	notePeer(peer: Peer, entry: ChainEntry, viaHeaders: boolean): void;
	log(line: string): void;
	readonly stopped: boolean;
}
