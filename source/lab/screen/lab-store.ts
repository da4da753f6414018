/**
 * What the lab screen shows, read from the nodes the way a user would: each node over its RPC (one
 * batch a poll), each link from the relay the lab runs. Folds it into an immutable LabSnapshot:
 * nodes, links, the fork tree over every node's tips (headers fetched once, by getblockheader,
 * into a shared cache), and an event log with every reorganisation a node went through.
 * subscribe/getSnapshot as React's useSyncExternalStore expects; no React here.
 */
import {networkByName} from '../../node/consensus/networks.js';
import type {Lab} from '../lab.js';
import {rpcBatch, rpcCall} from '../rpc-client.js';
import type {WireRow} from '../../store/wire.js';
import {LinkWire} from '../link-wire.js';
import {buildForkTree, commonAncestor, type ForkTree, type HeaderInfo, type TreeTip} from './fork-tree.js';

export interface LabNodeView {
	readonly index: number;
	readonly name: string;
	/** The process runs (false after a kill until the restart). */
	readonly up: boolean;
	/** It answers RPC (a node starting, or stopped, does not). */
	readonly answering: boolean;
	readonly height: number | null;
	readonly headers: number | null;
	readonly tip: string | null;
	readonly peers: number;
	readonly mempool: number;
	/** Mining (setgenerate) or staking is on. */
	readonly producing: boolean;
	/** The tip's colour: 0 for the highest tip, then by height; null when unknown. */
	readonly tipColour: number | null;
	readonly port: number;
	readonly rpcPort: number;
}

export interface LabLinkView {
	readonly key: string;
	readonly a: number;
	readonly b: number;
	readonly cut: boolean;
	readonly pairs: number;
	readonly bytes: number;
	readonly messages: number;
}

export interface LabEvent {
	readonly seq: number;
	readonly time: number;
	readonly kind: 'reorg' | 'action' | 'error';
	readonly text: string;
}

export interface ReorgEvent {
	readonly time: number;
	readonly depth: number;
	readonly forkHeight: number;
	readonly from: string;
	readonly to: string;
	readonly toHeight: number;
	readonly nodes: readonly number[];
}

export interface LabSnapshot {
	readonly network: string;
	readonly topology: string;
	readonly dir: string;
	readonly nodes: readonly LabNodeView[];
	readonly links: readonly LabLinkView[];
	readonly tree: ForkTree;
	/** Distinct active tips among the nodes that answer. */
	readonly tipCount: number;
	readonly events: readonly LabEvent[];
	readonly reorgs: readonly ReorgEvent[];
	/** What runs now (a kill, a restart, an added node), for the status bar. */
	readonly busy: string | null;
	/** The wire inspector on one link, while it shows (its tap is off otherwise). */
	readonly wire: {readonly link: string; readonly rows: readonly WireRow[]; readonly seen: number} | null;
	readonly now: number;
}

export interface LabStoreOptions {
	readonly pollMs?: number;
	/** Stale branches drawn in the tree: those whose tip is at most this far below the highest tip. */
	readonly staleWindow?: number;
	/** Headers fetched a poll at most (a long history comes in over several polls). */
	readonly fetchBudget?: number;
	readonly now?: () => number;
}

const KEPT_EVENTS = 300;

interface ChainTipAnswer {
	readonly height: number;
	readonly hash: string;
	readonly status: string;
}

export class LabStore {
	private snapshot: LabSnapshot;
	private readonly listeners = new Set<() => void>();
	private readonly headers = new Map<string, HeaderInfo>();
	private readonly lastTip = new Map<number, string>();
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	private seq = 0;
	private readonly pollMs: number;
	private readonly staleWindow: number;
	private readonly fetchBudget: number;
	private readonly now: () => number;
	/** A proof-of-stake network: staking counts as producing blocks. */
	private readonly stake: boolean;
	private polling: Promise<void> | null = null;
	private wireTap: {readonly key: string; readonly wire: LinkWire} | null = null;
	private again = false;

	constructor(
		readonly lab: Lab,
		options: LabStoreOptions = {},
	) {
		this.pollMs = options.pollMs ?? 500;
		this.staleWindow = options.staleWindow ?? 50;
		this.fetchBudget = options.fetchBudget ?? 500;
		this.now = options.now ?? (() => Date.now());
		this.stake = networkByName(lab.options.network).stake !== undefined;
		this.snapshot = {
			network: lab.options.network,
			topology: lab.options.topology,
			dir: lab.options.dir,
			nodes: [],
			links: [],
			tree: {rows: [], base: null, hiddenBranches: 0},
			tipCount: 0,
			events: [],
			reorgs: [],
			busy: null,
			wire: null,
			now: this.now(),
		};
	}

	/**
	 * The wire inspector shows link `key`'s messages (a→b out, b→a in, drops marked): taps the
	 * relay, keeping the newest WIRE_ROWS. Nothing if it already watches that link.
	 */
	openWire(key: string): void {
		const link = this.lab.links.get(key);
		if (!link || this.closed || this.wireTap?.key === key) return;
		this.closeWire();
		const [a, b] = key.split('-').map(Number) as [number, number];
		const name = `${this.lab.nodes[a]?.name ?? a}→${this.lab.nodes[b]?.name ?? b}`;
		const wire = new LinkWire(ring => {
			if (ring.dirty) this.set({wire: {link: key, rows: ring.rows(), seen: ring.seen}});
		});
		wire.watch(link, name);
		this.wireTap = {key, wire};
		this.set({wire: {link: key, rows: [], seen: 0}});
	}

	/** The inspector closed: the tap goes, and the messages kept with it. */
	closeWire(): void {
		if (!this.wireTap) return;
		this.wireTap.wire.stop();
		this.wireTap = null;
		this.set({wire: null});
	}

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getSnapshot = (): LabSnapshot => this.snapshot;

	/** Polls until closed. */
	start(): void {
		const loop = async () => {
			if (this.closed) return;
			await this.refresh();
			if (!this.closed) this.timer = setTimeout(loop, this.pollMs);
		};
		void loop();
	}

	/** Reads everything once more now (after an action: the screen shows its effect at once). */
	refresh(): Promise<void> {
		if (this.polling) {
			this.again = true;
			return this.polling;
		}
		this.polling = (async () => {
			do {
				this.again = false;
				try {
					await this.poll();
				} catch (error) {
					this.event('error', `lab screen: ${(error as Error).message}`);
				}
			} while (this.again && !this.closed);
			this.polling = null;
		})();
		return this.polling;
	}

	event(kind: LabEvent['kind'], text: string): void {
		const events = [...this.snapshot.events, {seq: ++this.seq, time: this.now(), kind, text}].slice(-KEPT_EVENTS);
		this.set({events});
	}

	setBusy(busy: string | null): void {
		this.set({busy});
	}

	close(): void {
		this.closeWire();
		this.closed = true;
		clearTimeout(this.timer);
	}

	private set(patch: Partial<LabSnapshot>): void {
		this.snapshot = {...this.snapshot, ...patch, now: this.now()};
		for (const l of this.listeners) l();
	}

	private async poll(): Promise<void> {
		const lab = this.lab;
		const answers = await Promise.all(
			lab.nodes.map(async node => {
				if (!node.running) return null;
				try {
					return await rpcBatch(node.spec.rpcPort, [['getblockchaininfo'], ['getconnectioncount'], ['getmempoolinfo'], ['getmininginfo'], ['getchaintips'], ...(this.stake ? [['getstakinginfo'] as const] : [])], 5_000);
				} catch {
					return null;
				}
			}),
		);
		const raw = lab.nodes.map((node, i) => {
			const a = answers[i];
			const ok = <T>(j: number): T | null => (a?.[j]?.ok ? (a[j] as {result: T}).result : null);
			const info = ok<{blocks: number; headers: number; bestblockhash: string}>(0);
			const staking = ok<{enabled?: boolean}>(5);
			return {
				index: i,
				name: node.name,
				up: node.running,
				answering: info !== null,
				height: info?.blocks ?? null,
				headers: info?.headers ?? null,
				tip: info?.bestblockhash ?? null,
				peers: ok<number>(1) ?? 0,
				mempool: ok<{size: number}>(2)?.size ?? 0,
				// Staking switched on counts, staking or not yet (a bootstrap, coins still maturing): m turns it off.
				producing: Boolean(ok<{generate: boolean}>(3)?.generate) || Boolean(staking?.enabled),
				port: node.spec.port,
				rpcPort: node.spec.rpcPort,
				tips: ok<ChainTipAnswer[]>(4) ?? [],
			};
		});

		// The tips to draw: every node's active tip, and recent branches any node knows.
		const top = Math.max(0, ...raw.map(n => n.height ?? 0));
		const treeTips = new Map<string, number[]>();
		for (const n of raw) if (n.tip) treeTips.set(n.tip, [...(treeTips.get(n.tip) ?? []), n.index]);
		for (const n of raw) for (const t of n.tips) if (t.status !== 'active' && t.height >= top - this.staleWindow && !treeTips.has(t.hash)) treeTips.set(t.hash, []);
		// A node that moved: its old tip too, to find where old and new part.
		const moved = raw.filter(n => n.tip && this.lastTip.has(n.index) && this.lastTip.get(n.index) !== n.tip);
		const wanted = [...treeTips.keys(), ...moved.map(n => this.lastTip.get(n.index)!)];
		await this.fetchHeaders(wanted, raw.filter(n => n.answering).map(n => n.index));

		const {reorgs, unresolved} = this.reorgsOf(moved.map(n => ({node: n.index, from: this.lastTip.get(n.index)!, to: n.tip!})));
		// A move whose fork is not known yet (headers still to fetch) is looked at again next poll.
		for (const n of raw) if (n.tip && !unresolved.has(n.index)) this.lastTip.set(n.index, n.tip);

		const tips: TreeTip[] = [...treeTips].map(([hash, nodes]) => ({hash, nodes}));
		const tree = buildForkTree(
			tips.filter(t => this.headers.has(t.hash)),
			this.headers,
		);
		// Colours: one per active tip, the highest first (all one colour once converged).
		const active = [...new Set(raw.filter(n => n.tip).map(n => n.tip!))].sort((x, y) => (this.headers.get(y)?.height ?? 0) - (this.headers.get(x)?.height ?? 0) || x.localeCompare(y));
		const nodes: LabNodeView[] = raw.map(({tips: _tips, ...n}) => ({...n, tipColour: n.tip ? active.indexOf(n.tip) : null}));
		const links: LabLinkView[] = [...lab.links].map(([key, link]) => {
			const [a, b] = key.split('-').map(Number) as [number, number];
			const s = link.stats();
			return {key, a, b, cut: s.cut, pairs: s.pairs, bytes: s.toTarget.bytes + s.fromTarget.bytes, messages: s.toTarget.messages + s.fromTarget.messages};
		});
		const allReorgs = [...this.snapshot.reorgs, ...reorgs].slice(-KEPT_EVENTS);
		this.set({nodes, links, tree, tipCount: active.length, reorgs: allReorgs});
		for (const r of reorgs) {
			const who = r.nodes.map(i => lab.nodes[i]?.name ?? `n${i}`).join(' ');
			this.event('reorg', `reorg depth ${r.depth} at #${r.forkHeight}: ${who} → #${r.toHeight} …${r.to.slice(-6)}`);
		}
	}

	/** Fills the header cache until the wanted tips' common ancestry is known (within the budget). */
	private async fetchHeaders(wanted: readonly string[], askable: readonly number[]): Promise<void> {
		if (askable.length === 0) return;
		let budget = this.fetchBudget;
		const fetchOne = async (hash: string): Promise<boolean> => {
			for (const i of askable) {
				try {
					const h = await rpcCall<{hash: string; height: number; previousblockhash?: string}>(this.lab.nodes[i]!.spec.rpcPort, 'getblockheader', [hash, true], 5_000);
					this.headers.set(h.hash, {hash: h.hash, height: h.height, prev: h.previousblockhash ?? null});
					return true;
				} catch {
					// Not known there (or the node went away): ask the next.
				}
			}
			return false;
		};
		for (const hash of new Set(wanted)) {
			if (this.headers.has(hash)) continue;
			if (budget-- <= 0 || !(await fetchOne(hash))) return;
		}
		// Walk back until all the wanted tips meet.
		const known = wanted.filter(h => this.headers.has(h));
		while (budget-- > 0) {
			const {missing} = commonAncestor(known, this.headers);
			if (!missing || !(await fetchOne(missing))) return;
		}
	}

	private reorgsOf(moves: readonly {node: number; from: string; to: string}[]): {reorgs: ReorgEvent[]; unresolved: Set<number>} {
		const out: ReorgEvent[] = [];
		const unresolved = new Set<number>();
		for (const m of moves) {
			const {base, missing} = commonAncestor([m.from, m.to], this.headers);
			const from = this.headers.get(m.from);
			const to = this.headers.get(m.to);
			// A tip no answering node can describe any more (its node restarted on another chain): no event.
			if (!from || !to) continue;
			if (missing !== null) {
				unresolved.add(m.node);
				continue;
			}
			// The old tip is an ancestor of the new one: the chain grew, no reorganisation.
			if (!base || base.hash === m.from) continue;
			const same = out.find(r => r.from === m.from && r.to === m.to);
			if (same) (same.nodes as number[]).push(m.node);
			else out.push({time: this.now(), depth: from.height - base.height, forkHeight: base.height, from: m.from, to: m.to, toHeight: to.height, nodes: [m.node]});
		}
		return {reorgs: out, unresolved};
	}
}
