/** What every pane gets: the snapshot, its content size, and the screen's navigation state. */
import type {ExplorerTarget, ExplorerView, Snapshot} from '../../store/snapshot.js';
import type {WireRow} from '../../store/wire.js';
import type {ListModel, Selection} from '../lists/selection.js';
import type {Scope} from '../keymap.js';

export type PaneId = 'chain' | 'peers' | 'tips' | 'mempool' | 'miner' | 'wallet' | 'bpm' | 'log' | 'wire';

export interface Nav {
	readonly selection: Readonly<Record<PaneId, Selection>>;
	/** The explorer's drill-down (block → tx → address) inside the chain pane, and a selection per level. */
	readonly explorer: readonly ExplorerView[];
	readonly explorerSel: readonly Selection[];
	/** The peer whose details the peers pane shows, by address. */
	readonly peerDetail: string | null;
	readonly logFilter: string;
	readonly logFiltering: boolean;
	/** The wire inspector: the peer watched (by id; null: every peer). */
	readonly wirePeer: number | null;
	/** The message whose fields and bytes show (kept even once it leaves the ring), and the detail's first line shown. */
	readonly wireDetail: WireRow | null;
	readonly wireDetailTop: number;
	/** Commands to show (`inv tx`; `-ping` hides), and whether it is being typed. */
	readonly wireFilter: string;
	readonly wireFiltering: boolean;
	/** A message from the last search or drill (not found, …). */
	readonly notice: string | null;
}

export interface PaneInput {
	readonly snapshot: Snapshot;
	readonly nav: Nav;
	readonly width: number;
	readonly rows: number;
}

export interface PaneProps extends PaneInput {
	readonly focused: boolean;
}

/** What Enter on a row leads to. */
export type OpenTarget = ExplorerTarget | {readonly kind: 'peer'; readonly address: string} | {readonly kind: 'message'; readonly row: WireRow};

export interface PaneSpec {
	readonly id: PaneId;
	readonly number: number;
	/** Shown in the border in the number's place: the key of a pane that has no number (`i` wire). */
	readonly badge?: string;
	readonly title: string;
	/** Keys of its own, looked up before the list's and the global ones. */
	readonly scope?: Scope;
	/** The pane's list and how many rows of it show, when it has one. */
	readonly list?: (p: PaneInput) => {readonly model: ListModel; readonly space: number; readonly selection: Selection; readonly firstRow: number};
	readonly Component: (p: PaneProps) => React.ReactElement;
	/** Said in the border: follow, filter. */
	readonly note?: (p: PaneInput) => string | undefined;
	/** What `y` copies for the row at `index`. */
	readonly copy?: (p: PaneInput, index: number) => string | null;
	/** Where Enter on the row at `index` goes. */
	readonly open?: (p: PaneInput, index: number) => OpenTarget | null;
}
