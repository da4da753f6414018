/**
 * The lab's fork tree, fork-observer style: the header tree across every node, newest first, one
 * lane per branch, with each node's tip marked and long straight runs folded into one row.
 *
 * Pure: headers in (a cache the lab store fills over RPC), rows out. Only the part above the
 * newest block every shown tip shares (their common ancestor) is drawn; below it one row says how
 * many blocks lead down to genesis.
 */

export interface HeaderInfo {
	readonly hash: string;
	readonly height: number;
	/** null for genesis. */
	readonly prev: string | null;
}

/** A tip to draw: a node's active tip (with the nodes on it), or a branch no node is on. */
export interface TreeTip {
	readonly hash: string;
	/** Indexes of the nodes whose active tip this is (empty: a stale branch some node knows). */
	readonly nodes: readonly number[];
}

/** One cell of a row's lanes: what is drawn in a lane's two columns. */
/**
 * block ●, a tip no node is on ○, a folded run ┆, a lane passing by │, a fork ●─ with the lanes
 * that leave there joining it (┴─ … ┘) and crossing (┼─) or bridging (──) the lanes between.
 */
export type LaneMark = 'block' | 'stale' | 'fork' | 'run' | 'pass' | 'join' | 'join-mid' | 'cross' | 'across' | 'none';

export interface TreeRow {
	readonly kind: 'block' | 'run' | 'base';
	/** What each lane shows on this row, lane 0 first. */
	readonly lanes: readonly LaneMark[];
	readonly height: number;
	readonly hash: string;
	/** Nodes whose tip this block is (block rows). */
	readonly nodes: readonly number[];
	/** Where branches meet (block rows). */
	readonly fork: boolean;
	/** Blocks folded into this row (run and base rows). */
	readonly folded: number;
}

export interface ForkTree {
	readonly rows: readonly TreeRow[];
	/** The common ancestor the tree starts from (null: nothing known yet). */
	readonly base: HeaderInfo | null;
	/** Branches left out for want of lanes. */
	readonly hiddenBranches: number;
}

const MAX_LANES = 8;

/**
 * Walks back from each of `tips` until they all meet, using `headers` only. Returns the meeting
 * block, or null if some ancestry is not in the cache yet (the store fetches `missing`).
 */
export function commonAncestor(tips: readonly string[], headers: ReadonlyMap<string, HeaderInfo>): {base: HeaderInfo | null; missing: string | null} {
	if (tips.length === 0) return {base: null, missing: null};
	const frontier: HeaderInfo[] = [];
	for (const hash of tips) {
		const h = headers.get(hash);
		if (!h) return {base: null, missing: hash};
		frontier.push(h);
	}
	// Step back the highest frontier until all are one block: each step lowers one height, so it ends.
	for (;;) {
		let top = 0;
		let same = true;
		for (let i = 1; i < frontier.length; i++) {
			if (frontier[i]!.hash !== frontier[0]!.hash) same = false;
			if (frontier[i]!.height > frontier[top]!.height) top = i;
		}
		if (same) return {base: frontier[0]!, missing: null};
		// All at one height but different: step the first that differs from the others.
		if (frontier.every(f => f.height === frontier[top]!.height)) top = frontier.findIndex(f => f.hash !== frontier[0]!.hash);
		const prev = frontier[top]!.prev;
		if (prev === null) return {base: null, missing: null}; // different genesis blocks: no common tree
		const parent = headers.get(prev);
		if (!parent) return {base: null, missing: prev};
		frontier[top] = parent;
	}
}

/** The rows of the tree over `tips`, from their common ancestor up. */
export function buildForkTree(tips: readonly TreeTip[], headers: ReadonlyMap<string, HeaderInfo>): ForkTree {
	const unique = [...new Map(tips.map(t => [t.hash, t])).values()].filter(t => headers.has(t.hash));
	const {base} = commonAncestor(
		unique.map(t => t.hash),
		headers,
	);
	if (!base) return {rows: [], base: null, hiddenBranches: 0};

	// Each tip's path down to the base (tip first), and the blocks where paths part.
	const paths = unique.map(t => ({tip: t, path: pathDown(t.hash, base, headers)}));
	// Highest tips first: the first takes lane 0 (the base's lane), as the most-work chain would.
	paths.sort((a, b) => headers.get(b.tip.hash)!.height - headers.get(a.tip.hash)!.height || a.tip.hash.localeCompare(b.tip.hash));
	const nodesAt = new Map(unique.map(t => [t.hash, t.nodes]));

	// A block's lane: the lane of the first (highest) path through it.
	const laneOf = new Map<string, number>([[base.hash, 0]]);
	/** Each lane's top block and the block it leaves its parent lane at (its fork). */
	const lanes: {top: HeaderInfo; fork: HeaderInfo}[] = [];
	let hidden = 0;
	for (const {path} of paths) {
		if (path.every(h => laneOf.has(h.hash))) continue; // a tip inside another branch: no lane of its own
		if (lanes.length >= MAX_LANES) {
			hidden++;
			continue;
		}
		const lane = lanes.length;
		const firstKnown = path.findIndex(h => laneOf.has(h.hash));
		const fork = path[firstKnown]!;
		for (let i = 0; i < firstKnown; i++) laneOf.set(path[i]!.hash, lane);
		lanes.push({top: path[0]!, fork});
	}
	// The blocks worth a row: tips, forks (where a lane leaves), and the base.
	const keyBlocks = new Map<string, HeaderInfo>([[base.hash, base]]);
	for (const {top, fork} of lanes) {
		keyBlocks.set(top.hash, top);
		keyBlocks.set(fork.hash, fork);
	}
	for (const t of unique) if (laneOf.has(t.hash)) keyBlocks.set(t.hash, headers.get(t.hash)!);
	const forks = new Set(lanes.slice(1).map(l => l.fork.hash));

	// Within a lane, consecutive key blocks fold the blocks between them into a run row.
	const byLane = new Map<number, HeaderInfo[]>();
	for (const h of keyBlocks.values()) {
		const lane = laneOf.get(h.hash)!;
		byLane.set(lane, [...(byLane.get(lane) ?? []), h]);
	}
	interface Pending {
		row: Omit<TreeRow, 'lanes'>;
		lane: number;
		/** Sort key: height, runs just under their upper block. */
		at: number;
	}
	const pending: Pending[] = [];
	for (const [lane, blocks] of byLane) {
		blocks.sort((a, b) => b.height - a.height);
		blocks.forEach((h, i) => {
			pending.push({row: {kind: 'block', height: h.height, hash: h.hash, nodes: nodesAt.get(h.hash) ?? [], fork: forks.has(h.hash), folded: 0}, lane, at: h.height});
			// The next key block down: in this lane, or the lane's fork in its parent lane.
			const below = blocks[i + 1] ?? (lane === 0 ? null : lanes[lane]!.fork);
			if (below && h.height - below.height > 1) {
				pending.push({row: {kind: 'run', height: h.height - 1, hash: '', nodes: [], fork: false, folded: h.height - below.height - 1}, lane, at: h.height - 0.5});
			}
		});
	}
	pending.sort((a, b) => b.at - a.at || a.lane - b.lane);

	const width = Math.max(1, lanes.length);
	const rows: TreeRow[] = pending.map(({row, lane, at}) => {
		const joining = row.kind === 'block' && row.fork ? forkLanes(lanes, row.hash) : [];
		const lastJoin = Math.max(-1, ...joining);
		const marks: LaneMark[] = [];
		for (let l = 0; l < width; l++) {
			const info = lanes[l];
			// A lane shows from its top down to just above its fork (lane 0 down to the base).
			const top = info ? info.top.height : base.height;
			const forkAt = l === 0 || !info ? base.height : info.fork.height;
			const forkLane = l === 0 || !info ? 0 : laneOf.get(info.fork.hash)!;
			// Rows of one height run lane by lane: a lane starts at its top's row and ends at its fork's.
			const passes = (at < top || (at === top && lane > l)) && (at > forkAt || (at === forkAt && lane < forkLane));
			if (l === lane) marks.push(row.kind === 'run' ? 'run' : joining.length > 0 ? 'fork' : row.nodes.length === 0 && nodesAt.has(row.hash) ? 'stale' : 'block');
			else if (joining.includes(l)) marks.push(l === lastJoin ? 'join' : 'join-mid');
			else if (l > lane && l < lastJoin) marks.push(passes ? 'cross' : 'across');
			else marks.push(passes ? 'pass' : 'none');
		}
		return {...row, lanes: marks};
	});
	if (base.height > 0) rows.push({kind: 'base', lanes: [], height: base.height - 1, hash: '', nodes: [], fork: false, folded: base.height});
	return {rows, base, hiddenBranches: hidden};
}

/** The lanes that leave their parent at `hash`. */
function forkLanes(lanes: readonly {fork: HeaderInfo}[], hash: string): number[] {
	const out: number[] = [];
	lanes.forEach((l, i) => {
		if (i > 0 && l.fork.hash === hash) out.push(i);
	});
	return out;
}

/** The blocks from `tip` down to (and including) `base`. */
function pathDown(tip: string, base: HeaderInfo, headers: ReadonlyMap<string, HeaderInfo>): HeaderInfo[] {
	const path: HeaderInfo[] = [];
	let at = headers.get(tip);
	while (at && at.height >= base.height) {
		path.push(at);
		if (at.hash === base.hash) break;
		at = at.prev === null ? undefined : headers.get(at.prev);
	}
	return path;
}

/** A lane cell as text (two columns). */
export function laneText(mark: LaneMark): string {
	switch (mark) {
		case 'block':
			return '● ';
		case 'stale':
			return '○ ';
		case 'run':
			return '┆ ';
		case 'pass':
			return '│ ';
		case 'fork':
			return '●─';
		case 'join':
			return '┘ ';
		case 'join-mid':
			return '┴─';
		case 'cross':
			return '┼─';
		case 'across':
			return '──';
		case 'none':
			return '  ';
	}
}
