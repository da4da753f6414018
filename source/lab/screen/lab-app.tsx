/**
 * The lab's screen: the network map, the nodes, the fork tree across them and the event log, with
 * the lab's keys from the one key table (ui/keymap.ts, scope 'lab'). Enter opens the selected
 * node's own panes (the app's, fed over RPC); Esc comes back. Every frame is the terminal's size.
 */
import React, {useEffect, useReducer, useRef, useState} from 'react';
import {Box, Text, useInput, type Key} from 'ink';
import {actionFor, isKeyBurst, labBindings, labFooterHints, MOVE_OF} from '../../ui/keymap.js';
import {Pane, paneContent} from '../../ui/components/pane.js';
import {Overlay} from '../../ui/components/overlay.js';
import {Form} from '../../ui/forms/form.js';
import {useTerminalSize} from '../../ui/hooks/use-terminal-size.js';
import {arrayList, FOLLOW_NEWEST, moveSelection, selectedIndex, type ListModel, type Selection} from '../../ui/lists/selection.js';
import {useColor} from '../../ui/theme.js';
import type {TerminalControl} from '../../app.js';
import type {LabControls, Outcome} from './lab-controls.js';
import type {LabSnapshot, LabStore} from './lab-store.js';
import {EventsBody, NetworkBody, NodesBody, TreeBody} from './lab-panes.js';
import {editFilter} from '../../ui/components/text-field.js';
import {Help} from '../../ui/help.js';
import {scrollDetail, WireDetail, WireList, wireDetailLines, wireListModel, wireListSpace, wireShown} from '../../ui/panes/wire.js';
import type {WireRow} from '../../store/wire.js';

type LabPane = 'network' | 'nodes' | 'tree' | 'events';
const LAB_PANES: readonly {readonly id: LabPane; readonly number: number; readonly title: string}[] = [
	{id: 'network', number: 1, title: 'Network'},
	{id: 'nodes', number: 2, title: 'Nodes'},
	{id: 'events', number: 3, title: 'Events'},
	{id: 'tree', number: 4, title: 'Fork tree'},
];

export interface LabAppProps {
	readonly store: LabStore;
	readonly controls: LabControls;
	readonly onQuit: () => void;
	readonly size?: {columns: number; rows: number};
	readonly terminal?: TerminalControl;
	/** Node i's own panes; `back` returns to the lab. */
	readonly renderNode?: (index: number, back: () => void, size: {columns: number; rows: number}) => React.ReactElement;
}

interface Nav {
	focused: LabPane;
	zoomed: boolean;
	overlay: null | 'help' | 'send' | 'quit';
	selection: Record<LabPane, Selection>;
	node: number | null;
	helpOffset: number;
	/** The wire inspector on the selected link: open, a message opened, its filter. */
	wire: {open: boolean; detail: WireRow | null; detailTop: number; filter: string; cursor: number; filtering: boolean; selection: Selection};
}

const WIRE_CLOSED: Nav['wire'] = {open: false, detail: null, detailTop: 0, filter: '', cursor: 0, filtering: false, selection: FOLLOW_NEWEST};

const listsOf = new WeakMap<LabSnapshot, Record<LabPane, ListModel>>();

/** Rows of each pane as a list: what the keys move over (made once a snapshot). */
function lists(snapshot: LabSnapshot): Record<LabPane, ListModel> {
	let made = listsOf.get(snapshot);
	if (made) return made;
	made = {
		network: arrayList(snapshot.links, l => l.key),
		nodes: arrayList(snapshot.nodes, n => n.name),
		tree: arrayList(
			snapshot.tree.rows.map((r, i) => ({r, i})),
			({r, i}) => (r.kind === 'block' ? r.hash : `${r.kind}-${i}`),
		),
		events: arrayList([...snapshot.events].reverse(), e => String(e.seq)),
	};
	listsOf.set(snapshot, made);
	return made;
}

/**
 * Where each pane goes. From 100 columns: the map, the nodes and the events on the left, each as
 * tall as it needs (the events take the rest), the fork tree down the whole right side. Narrower:
 * stacked. Zoomed, the focused pane takes it all.
 */
function layout(columns: number, rows: number, zoomed: LabPane | null, need: {links: number; nodes: number}): Record<LabPane, {x: number; y: number; width: number; height: number} | null> {
	const body = Math.max(4, rows - 2);
	const none = {network: null, nodes: null, tree: null, events: null};
	if (zoomed) return {...none, [zoomed]: {x: 0, y: 1, width: columns, height: body}};
	const wide = columns >= 100 && body >= 20;
	// Borders (2) and the map's two node rows, the nodes' heading.
	const network = Math.max(5, Math.min(need.links + 4, Math.floor(body * 0.4)));
	const nodes = Math.max(4, Math.min(need.nodes + 3, Math.floor(body * (wide ? 0.35 : 0.3))));
	if (wide) {
		const left = Math.floor(columns * 0.55);
		return {
			network: {x: 0, y: 1, width: left, height: network},
			nodes: {x: 0, y: 1 + network, width: left, height: nodes},
			events: {x: 0, y: 1 + network + nodes, width: left, height: body - network - nodes},
			tree: {x: left, y: 1, width: columns - left, height: body},
		};
	}
	const rest = body - network - nodes;
	const events = Math.max(3, Math.floor(rest * 0.4));
	return {
		network: {x: 0, y: 1, width: columns, height: network},
		nodes: {x: 0, y: 1 + network, width: columns, height: nodes},
		events: {x: 0, y: 1 + network + nodes, width: columns, height: events},
		tree: {x: 0, y: 1 + network + nodes + events, width: columns, height: Math.max(0, rest - events)},
	};
}

export function LabApp({store, controls, onQuit, size: fixedSize, terminal, renderNode}: LabAppProps) {
	const snapshot = React.useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
	const size = useTerminalSize(fixedSize);
	const color = useColor();
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	const nav = useRef<Nav>({focused: 'network', zoomed: false, overlay: null, selection: {network: FOLLOW_NEWEST, nodes: FOLLOW_NEWEST, tree: FOLLOW_NEWEST, events: FOLLOW_NEWEST}, node: null, helpOffset: 0, wire: WIRE_CLOSED});
	const [notice, setNotice] = useState<string | null>(null);
	const [sendErrors, setSendErrors] = useState<Record<string, string>>({});
	const [sendBusy, setSendBusy] = useState<string | null>(null);
	const snap = useRef(snapshot);
	snap.current = snapshot;

	const update = (patch: Partial<Nav>) => {
		nav.current = {...nav.current, ...patch};
		redraw();
	};
	const places = layout(size.columns, size.rows, nav.current.zoomed ? nav.current.focused : null, {links: snapshot.links.length, nodes: snapshot.nodes.length});
	const spaceOf = (pane: LabPane) => {
		const p = places[pane];
		if (!p) return 1;
		const rows = paneContent(p.width, p.height).rows;
		return pane === 'network' ? Math.max(1, rows - 2) : pane === 'nodes' ? Math.max(1, rows - 1) : rows;
	};
	/** The wire inspector's content size: the whole body, in a pane. */
	const wireBody = () => paneContent(size.columns, Math.max(4, size.rows - 2));
	const wireSpace = () => wireListSpace(wireBody().rows);
	const selectedNode = (): number => {
		const s = snap.current;
		return Math.min(selectedIndex(nav.current.selection.nodes, lists(s).nodes), Math.max(0, s.nodes.length - 1));
	};
	/** The link the Network pane has selected (the one c cuts and i watches). */
	const selectedLink = (): string | null => {
		const links = snap.current.links;
		if (links.length === 0) return null;
		return links[Math.min(selectedIndex(nav.current.selection.network, lists(snap.current).network), links.length - 1)]!.key;
	};
	/** Keys while the wire inspector shows; false for those it leaves to the lab (g, c, m…). */
	const wireKey = (input: string, key: Key): boolean => {
		const w = nav.current.wire;
		const set = (patch: Partial<Nav['wire']>) => update({wire: {...nav.current.wire, ...patch}});
		if (w.filtering) {
			const line = editFilter({text: w.filter, cursor: w.cursor, editing: true}, input, key);
			// Enter keeps the selection; clearing or editing the filter goes back to the newest.
			set({filter: line.text, cursor: line.cursor, filtering: line.editing, ...(key.return ? {} : {selection: FOLLOW_NEWEST})});
			return true;
		}
		const action = actionFor(input, key, ['wire', 'list', 'lab', 'global']);
		const rows = wireShown(snap.current.wire?.rows ?? [], w.filter);
		const space = wireSpace();
		const move = action ? MOVE_OF[action] : undefined;
		if (move && w.detail) {
			// The message is drawn across the whole body: its lines and page are that size's.
			const shown = wireBody();
			set({detailTop: scrollDetail(w.detailTop, move, wireDetailLines(w.detail, shown.width).length, shown.rows)});
			return true;
		}
		if (move) {
			set({selection: moveSelection(w.selection, wireListModel(rows), move, space)});
			return true;
		}
		switch (action) {
			case 'open': {
				const row = rows[selectedIndex(w.selection, wireListModel(rows))];
				if (row) set({detail: row, detailTop: 0});
				return true;
			}
			case 'back':
				if (w.detail) set({detail: null});
				else if (w.filter) set({filter: '', selection: FOLLOW_NEWEST});
				else update({wire: WIRE_CLOSED});
				return true;
			case 'wire':
				update({wire: WIRE_CLOSED});
				return true;
			case 'filter':
				set({filtering: true, cursor: w.filter.length});
				return true;
			case 'prev-peer':
			case 'next-peer': {
				const links = snap.current.links;
				const at = Math.max(0, links.findIndex(l => l.key === selectedLink()));
				const to = (at + (action === 'next-peer' ? 1 : links.length - 1)) % links.length;
				update({selection: {...nav.current.selection, network: {id: links[to]!.key, index: to, top: 0, follow: false}}, wire: {...WIRE_CLOSED, open: true}});
				return true;
			}
			default:
				return false;
		}
	};
	const report = (outcome: Outcome) => setNotice(outcome.ok ? outcome.said : outcome.error);
	const act = (work: () => Promise<Outcome>) => {
		void work().then(report);
	};

	const onKey = (input: string, key: Key): void => {
		const n = nav.current;
		// A burst of typed keys is each a key here (the send form's fields take theirs whole).
		if (n.overlay !== 'send' && isKeyBurst(input, key)) {
			for (const ch of input) onKey(ch, key);
			return;
		}
		if (key.ctrl && input === 'c') return onQuit();
		if (n.overlay === 'help') {
			if (key.escape || input === '?' || input === 'q') update({overlay: null, helpOffset: 0});
			else if (key.downArrow || input === 'j') update({helpOffset: Math.min(n.helpOffset + 1, labBindings().length - 1)});
			else if (key.upArrow || input === 'k') update({helpOffset: Math.max(0, n.helpOffset - 1)});
			return;
		}
		if (n.overlay === 'quit') {
			if (input === 'y' || key.return) return onQuit();
			if (input === 'n' || key.escape || input === 'q') update({overlay: null});
			return;
		}
		if (n.overlay === 'send') return; // the form has the keys
		if (n.wire.open && wireKey(input, key)) return;
		const action = actionFor(input, key, ['lab', 'list', 'global']);
		if (!action) return;
		const all = lists(snap.current);
		const move = MOVE_OF[action];
		if (move) {
			const pane = n.focused;
			return update({selection: {...n.selection, [pane]: moveSelection(n.selection[pane], all[pane], move, spaceOf(pane))}});
		}
		const i = selectedNode();
		switch (action) {
			case 'help':
				return update({overlay: 'help'});
			case 'quit':
				return update({overlay: 'quit'});
			case 'interrupt':
				return onQuit();
			case 'next-pane':
			case 'prev-pane': {
				const at = LAB_PANES.findIndex(p => p.id === n.focused);
				const next = LAB_PANES[(at + (action === 'next-pane' ? 1 : LAB_PANES.length - 1)) % LAB_PANES.length]!;
				return update({focused: next.id});
			}
			case 'pane': {
				const p = LAB_PANES.find(x => String(x.number) === input);
				if (p) update({focused: p.id});
				return;
			}
			case 'zoom':
				return update({zoomed: !n.zoomed});
			case 'redraw':
				return terminal?.redraw();
			case 'suspend':
				return terminal?.suspend();
			case 'toggle-mining':
				return act(() => controls.toggleProducing(i));
			case 'mine-one':
				return act(() => controls.mineOne(i));
			case 'send':
				setSendErrors({});
				return update({overlay: 'send'});
			case 'lab-link': {
				const link = selectedLink();
				if (link === null) return setNotice('no links');
				return act(() => controls.toggleLink(link));
			}
			case 'lab-partition':
				return act(() => controls.partition());
			case 'lab-heal':
				return act(() => controls.heal());
			case 'lab-kill':
				return act(() => controls.kill(i));
			case 'lab-restart':
				return act(() => controls.restart(i));
			case 'lab-add-node':
				return act(() => controls.addNode(i));
			case 'wire': {
				if (snap.current.links.length === 0) return setNotice('no links to watch');
				return update({wire: {...WIRE_CLOSED, open: true}});
			}
			case 'open':
				if (!renderNode) return;
				if (!snap.current.nodes[i]?.answering) return setNotice(`${snap.current.nodes[i]?.name ?? 'the node'} does not answer: r restarts it`);
				return update({node: i});
			default:
				return;
		}
	};
	// Node i's own panes have the keys while they show.
	useInput(onKey, {isActive: nav.current.node === null});

	// The tap runs only while the inspector shows, on the selected link.
	const watched = nav.current.wire.open ? selectedLink() : null;
	useEffect(() => {
		if (watched) store.openWire(watched);
		else store.closeWire();
	}, [watched, store]);
	useEffect(() => () => store.closeWire(), [store]);

	useEffect(() => {
		if (!notice) return;
		const t = setTimeout(() => setNotice(null), 8_000);
		return () => clearTimeout(t);
	}, [notice]);

	const n = nav.current;
	if (n.node !== null && renderNode) return renderNode(n.node, () => update({node: null}), size);

	const all = lists(snapshot);
	const status = statusLine(snapshot, selectedNode(), notice);
	const panes = LAB_PANES.map(p => {
		const place = places[p.id];
		if (!place) return null;
		const {width, rows} = paneContent(place.width, place.height);
		const sel = n.selection[p.id];
		const focused = n.focused === p.id;
		let body: React.ReactElement;
		switch (p.id) {
			case 'network':
				body = <NetworkBody snapshot={snapshot} width={width} rows={rows} sel={sel} list={all.network} focused={focused} />;
				break;
			case 'nodes':
				body = <NodesBody snapshot={snapshot} width={width} rows={rows} sel={sel} list={all.nodes} />;
				break;
			case 'tree':
				body = <TreeBody snapshot={snapshot} width={width} rows={rows} sel={sel} list={all.tree} focused={focused} />;
				break;
			case 'events':
				body = <EventsBody snapshot={snapshot} width={width} rows={rows} sel={sel} list={all.events} focused={focused} />;
				break;
		}
		const note = p.id === 'tree' ? treeNote(snapshot) : p.id === 'network' ? `${snapshot.topology}, ${snapshot.links.filter(l => l.cut).length} cut` : p.id === 'nodes' ? `${snapshot.nodes.length}` : undefined;
		return (
			<Box key={p.id} position="absolute" marginLeft={place.x} marginTop={place.y}>
				<Pane number={p.number} title={p.title} note={note} focused={focused} width={place.width} height={place.height}>
					{body}
				</Pane>
			</Box>
		);
	});
	const nodes = snapshot.nodes;
	const wire = n.wire;
	const body = {width: size.columns, height: Math.max(4, size.rows - 2)};
	const wireView = wire.open ? (
		<Box position="absolute" marginTop={1}>
			<Pane number="i" title="wire" note={wire.detail ? 'Esc back to the list' : undefined} focused width={body.width} height={body.height}>
				{wire.detail ? (
					<WireDetail row={wire.detail} top={wire.detailTop} width={paneContent(body.width, body.height).width} height={paneContent(body.width, body.height).rows} />
				) : (
					<WireList
						rows={snapshot.wire?.rows ?? []}
						selection={wire.selection}
						filter={wire.filter}
						filtering={wire.filtering}
						source={wireSourceOf(snapshot)}
						showPeer={false}
						seen={snapshot.wire?.seen ?? 0}
						width={paneContent(body.width, body.height).width}
						height={paneContent(body.width, body.height).rows}
						focused
					/>
				)}
			</Pane>
		</Box>
	) : null;
	return (
		<Box width={size.columns} height={size.rows} flexDirection="column">
			<Text wrap="truncate-end" inverse>
				{status.padEnd(size.columns)}
			</Text>
			{wireView ?? panes}
			<Box position="absolute" marginTop={size.rows - 1}>
				<Text wrap="truncate-end" dimColor>
					{labFooterHints()}
				</Text>
			</Box>
			{n.overlay === 'help' ? <LabHelp columns={size.columns} rows={size.rows} offset={n.helpOffset} /> : null}
			{n.overlay === 'quit' ? (
				<Overlay columns={size.columns} rows={size.rows} width={52} borderColor={color('yellow')}>
					<Text bold>Quit the lab?</Text>
					<Text>Every node stops{snapshot.dir ? '' : ''}. y quits · n stays</Text>
				</Overlay>
			) : null}
			{n.overlay === 'send' ? (
				<Overlay columns={size.columns} rows={size.rows} width={60} bare>
					<Form
						title="Send between nodes"
						fields={[
							{name: 'from', label: 'From', choices: nodes.map(x => ({value: String(x.index), label: x.name}))},
							{name: 'to', label: 'To', choices: nodes.map(x => ({value: String(x.index), label: x.name}))},
							{name: 'amount', label: 'Amount', placeholder: '1.5', validate: v => (/^\d+(\.\d{1,8})?$/.test(v.trim()) && Number(v) > 0 ? null : 'an amount of coins above 0, up to 8 decimals')},
						]}
						initial={{from: String(selectedNode()), to: String((selectedNode() + 1) % Math.max(1, nodes.length))}}
						errors={sendErrors}
						busy={sendBusy}
						hint="The coins come from the sender's wallet (mine 101 blocks on it first on regtest)"
						onCancel={() => update({overlay: null})}
						onSubmit={values => {
							setSendBusy('sending…');
							void controls.send(Number(values.from), Number(values.to), values.amount!.trim()).then(outcome => {
								setSendBusy(null);
								if (outcome.ok) {
									report(outcome);
									update({overlay: null});
								} else setSendErrors({'': outcome.error});
							});
						}}
					/>
				</Overlay>
			) : null}
		</Box>
	);
}

/** The `?` overlay: the lab's keys from the table, as many as fit from `offset` (↑/↓ scroll). */
function LabHelp({columns, rows, offset}: {readonly columns: number; readonly rows: number; readonly offset: number}) {
	const lines = labBindings().map(b => ({text: `${b.label.padEnd(10)} ${b.help}`, heading: false}));
	return (
		<Overlay columns={columns} rows={rows} width={78}>
			<Help rows={Math.max(1, rows - 7)} offset={offset} lines={lines} title="Lab keys" />
		</Overlay>
	);
}

/** What the wire inspector watches, in words: `link n0→n1 (n0 dials n1): → n0 sends, ← n1 sends`. */
function wireSourceOf(s: LabSnapshot): string {
	const link = s.links.find(l => l.key === s.wire?.link);
	if (!link) return 'no link';
	const a = s.nodes[link.a]?.name ?? `n${link.a}`;
	const b = s.nodes[link.b]?.name ?? `n${link.b}`;
	return `link ${a}–${b}${link.cut ? ' (cut)' : ''}: → from ${a}, ← from ${b}`;
}

/** The status bar: what runs and the last outcome first (a narrow terminal cuts the end). */
function statusLine(s: LabSnapshot, selected: number, notice: string | null): string {
	const up = s.nodes.filter(x => x.answering).length;
	const converged = s.tipCount <= 1 ? 'one tip' : `${s.tipCount} tips`;
	const node = s.nodes[selected];
	const parts = [`chain-tui lab ${s.network}`, node ? `[${node.name}]` : '', s.busy ? `${s.busy}…` : '', notice ?? '', `${up}/${s.nodes.length} up`, converged, s.topology];
	return ` ${parts.filter(Boolean).join(' · ')}`;
}

function treeNote(s: LabSnapshot): string | undefined {
	const hidden = s.tree.hiddenBranches;
	return hidden > 0 ? `${hidden} more branch${hidden === 1 ? '' : 'es'}` : s.reorgs.length > 0 ? `${s.reorgs.length} reorg${s.reorgs.length === 1 ? '' : 's'}` : undefined;
}
