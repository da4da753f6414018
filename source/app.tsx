/**
 * The screen: status bar, panes, footer, and overlays drawn over them. Every frame is exactly the
 * terminal's size. Panes come from the registry (ui/panes/registry.ts) and are pure functions of
 * the store's snapshot and the navigation state; every key goes through the one key table
 * (ui/keymap.ts); forms call actions.
 */
import React, {useCallback, useEffect, useReducer, useRef, useState} from 'react';
import {Box, Text, useInput, type Key} from 'ink';
import type {EventEmitter} from 'node:events';
import type {ScreenActions} from './store/actions.js';
import type {ExplorerTarget, ExplorerView} from './store/snapshot.js';
import type {WireRow} from './store/wire.js';
import {actionFor, footerHints, isKeyBurst, MOVE_OF, type Action, type Scope} from './ui/keymap.js';
import {StatusBar, fitSegments} from './ui/panes/status-bar.js';
import {PANES, panesFor, paneById as paneOf, type PaneId, type PaneSpec} from './ui/panes/registry.js';
import type {Nav, PaneInput} from './ui/panes/types.js';
import {Pane, paneContent} from './ui/components/pane.js';
import {Overlay} from './ui/components/overlay.js';
import {Help, helpLines} from './ui/help.js';
import {AddPeerFlow, BpmFlow, CloneFlow, CreateWalletFlow, SearchFlow, SendFlow, StakeFlow} from './ui/forms/flows.js';
import {TerminalEvents} from './ui/forms/form.js';
import {useSnapshot, type SnapshotSource} from './ui/hooks/use-store.js';
import {useTerminalSize} from './ui/hooks/use-terminal-size.js';
import {computeLayout, paneAt, type Layout} from './ui/layout.js';
import {FOLLOW_NEWEST, moveSelection, scrollBy, selectedIndex, selectIndex, toggleFollow, viewTop, type Selection} from './ui/lists/selection.js';
import {middle} from './ui/lists/columns.js';
import {editFilter} from './ui/components/text-field.js';
import {scrollDetail, wireDetailLines} from './ui/panes/wire.js';
import type {MouseEvent} from './ui/terminal/input-parser.js';
import {useColor} from './ui/theme.js';

type Flow = 'create-wallet' | 'send' | 'record-bpm' | 'clone' | 'add-peer' | 'search' | 'stake';
type Overlay = null | 'help' | 'quit' | Flow;

/** What the app may ask of the terminal beyond drawing (screen.tsx provides it). */
export interface TerminalControl {
	/** Puts text on the clipboard (OSC 52). */
	copy(text: string): void;
	/** Erases and draws the whole screen (Ctrl-L). */
	redraw(): void;
	/** Gives the terminal back and stops the process until `fg` (Ctrl-Z). */
	suspend(): void;
	/** 'paste' (text) and 'mouse' (MouseEvent) from the terminal, read before Ink sees them. */
	readonly events?: EventEmitter;
}

export interface AppProps {
	readonly store: SnapshotSource;
	readonly actions: ScreenActions;
	readonly addressVersion: number;
	readonly maxMoney: bigint;
	/** Close the node and leave (the caller restores the terminal). */
	readonly onQuit: () => void;
	/** Fixed size for tests; otherwise the terminal's, following resizes. */
	readonly size?: {columns: number; rows: number};
	readonly terminal?: TerminalControl;
	/**
	 * Where q leads instead of quitting, said in the footer (the lab's node view: back to the lab).
	 * It leaves at once: nothing stops, so there is nothing to ask.
	 */
	readonly quitLabel?: string;
}

interface NavState extends Nav {
	focused: PaneId;
	zoomed: boolean;
	overlay: Overlay;
	helpOffset: number;
	selection: Record<PaneId, Selection>;
	explorer: ExplorerView[];
	explorerSel: Selection[];
	peerDetail: string | null;
	logFilter: string;
	logFilterCursor: number;
	logFiltering: boolean;
	wirePeer: number | null;
	wireDetail: WireRow | null;
	wireDetailTop: number;
	wireFilter: string;
	wireFilterCursor: number;
	wireFiltering: boolean;
	/** The pane the wire inspector was opened from: where closing it goes back to. */
	wireFrom: PaneId;
	notice: string | null;
}

const FLOWS: readonly Action[] = ['search', 'create-wallet', 'send', 'record-bpm', 'clone', 'add-peer'];
/** Rows read around the chain list's view, so scrolling a little reads nothing. */
const CHAIN_MARGIN = 40;

export function App({store, actions, addressVersion, maxMoney, onQuit, size: fixedSize, terminal, quitLabel}: AppProps) {
	const snapshot = useSnapshot(store);
	const size = useTerminalSize(fixedSize);
	const color = useColor();
	// Navigation lives in a ref, read and changed by the key handler directly: keys that arrive
	// faster than the screen redraws (a quick typist, tmux, a held key) each act on the newest
	// state, never on the one the last frame was drawn from.
	const nav = useRef<NavState>({
		focused: 'chain',
		zoomed: false,
		overlay: null,
		helpOffset: 0,
		selection: {...Object.fromEntries(PANES.map(p => [p.id, p.id === 'bpm' ? {...FOLLOW_NEWEST, follow: false} : FOLLOW_NEWEST])), wire: FOLLOW_NEWEST} as Record<PaneId, Selection>,
		explorer: [],
		explorerSel: [],
		peerDetail: null,
		logFilter: '',
		logFilterCursor: 0,
		logFiltering: false,
		wirePeer: null,
		wireDetail: null,
		wireDetailTop: 0,
		wireFilter: '',
		wireFilterCursor: 0,
		wireFiltering: false,
		wireFrom: 'chain',
		notice: null,
	});
	// Proof-of-stake networks (the snapshot has a staker): the stake pane takes the miner's place.
	const staking = snapshot.stake !== null;
	const paneById = (id: PaneId): PaneSpec => paneOf(id, store.getSnapshot().stake !== null);
	const panes = panesFor(staking);
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	const [message, setMessage] = useState<string | null>(null);
	const sizeRef = useRef(size);
	sizeRef.current = size;

	const layoutNow = (): Layout => computeLayout(sizeRef.current, nav.current.focused, nav.current.zoomed);
	/** A pane's input as of now: the newest snapshot, not the one last drawn. */
	const inputOf = (id: PaneId, layout = layoutNow()): PaneInput => {
		const rect = layout.panes.find(p => p.id === id)?.rect ?? layout.panes[0]!.rect;
		const content = paneContent(rect.width, rect.height);
		return {snapshot: store.getSnapshot(), nav: nav.current, width: content.width, rows: content.rows};
	};

	const setSelection = (spec: PaneSpec, sel: Selection) => {
		const n = nav.current;
		if (spec.id === 'chain' && n.explorer.length > 0) n.explorerSel = [...n.explorerSel.slice(0, -1), sel];
		else n.selection = {...n.selection, [spec.id]: sel};
		redraw();
	};

	const push = (view: ExplorerView) => {
		const n = nav.current;
		n.focused = 'chain';
		n.explorer = [...n.explorer, view];
		n.explorerSel = [...n.explorerSel, {...FOLLOW_NEWEST, follow: false}];
		n.notice = null;
		redraw();
	};

	const open = async (target: ExplorerTarget) => {
		const r = target.kind === 'block' ? await actions.block(target.id) : target.kind === 'tx' ? await actions.tx(target.txid) : await actions.address(target.address);
		if (r.ok) push(r.value);
		else {
			nav.current.focused = 'chain';
			nav.current.notice = r.error;
			redraw();
		}
	};

	const search = async (query: string) => {
		setOverlay(null);
		const r = await actions.search(query);
		if (r.ok) push(r.value);
		else {
			nav.current.focused = 'chain';
			nav.current.notice = r.error;
			redraw();
		}
	};

	const setOverlay = (o: Overlay) => {
		nav.current.overlay = o;
		nav.current.helpOffset = 0;
		redraw();
	};

	/** The peer the peers pane shows or has selected (by id), or null. */
	const peerShown = (): number | null => {
		const peers = store.getSnapshot().peers;
		const n = nav.current;
		if (n.peerDetail) return peers.find(p => p.address === n.peerDetail)?.id ?? null;
		const {model, selection} = paneById('peers').list!(inputOf('peers'));
		return peers[selectedIndex(selection, model)]?.id ?? null;
	};

	const copy = (text: string | null) => {
		if (!text) return setMessage('nothing to copy here');
		terminal?.copy(text);
		setMessage(`copied ${middle(text, 40)} (OSC 52)`);
	};

	const act = (action: Action, input: string) => {
		const n = nav.current;
		const spec = paneById(n.focused);
		const move = MOVE_OF[action];
		if (move && spec.id === 'wire' && n.wireDetail) {
			// One message open: the keys scroll its lines.
			const input = inputOf('wire');
			n.wireDetailTop = scrollDetail(n.wireDetailTop, move, wireDetailLines(n.wireDetail, input.width).length, input.rows);
			return redraw();
		}
		if (move && spec.list && !(spec.id === 'peers' && n.peerDetail)) {
			const {model, space, selection} = spec.list(inputOf(spec.id));
			// In BPM the list is the choice of address, not rows on screen.
			return setSelection(spec, moveSelection(selection, model, move, space));
		}
		if (FLOWS.includes(action)) return setOverlay(action as Flow);
		switch (action) {
			case 'next-pane':
			case 'prev-pane': {
				const at = panes.findIndex(p => p.id === (n.focused === 'wire' ? n.wireFrom : n.focused));
				n.focused = panes[(at + (action === 'next-pane' ? 1 : panes.length - 1)) % panes.length]!.id;
				return redraw();
			}
			case 'pane':
				n.focused = panes[Number(input) - 1]?.id ?? n.focused;
				return redraw();
			case 'zoom':
				// The wire inspector has the whole body already.
				if (n.focused === 'wire') return;
				n.zoomed = !n.zoomed;
				return redraw();
			case 'help':
				return setOverlay('help');
			case 'quit':
				if (quitLabel) return onQuit();
				if (store.getSnapshot().miner.running || store.getSnapshot().stake?.enabled) return setOverlay('quit');
				return onQuit();
			case 'interrupt':
				return onQuit();
			case 'redraw':
				return terminal?.redraw();
			case 'suspend':
				return terminal?.suspend();
			case 'toggle-mining':
				void actions.toggleMining().then(r => setMessage(r.ok ? `mining ${r.value}` : r.error));
				return;
			case 'toggle-staking':
				void actions.toggleStaking().then(r => {
					if (r.ok && r.value === 'locked') return setOverlay('stake');
					setMessage(r.ok ? `staking ${r.value}` : r.error);
				});
				return;
			case 'mine-one':
				void actions.mineOne().then(r => setMessage(r.ok ? `mined a block: ${middle(r.value, 20)}` : r.error));
				return;
			case 'follow': {
				if (!spec.list) return;
				const {selection, model} = spec.list(inputOf(spec.id));
				return setSelection(spec, toggleFollow(selection, model));
			}
			case 'filter':
				if (spec.id === 'wire') {
					n.wireFiltering = true;
					n.wireFilterCursor = n.wireFilter.length;
				} else {
					n.logFiltering = true;
					n.logFilterCursor = n.logFilter.length;
				}
				return redraw();
			case 'wire':
				if (n.focused === 'wire') n.focused = n.wireFrom;
				else {
					n.wireFrom = n.focused;
					n.wirePeer = n.focused === 'peers' ? peerShown() : null;
					n.wireDetail = null;
					n.selection = {...n.selection, wire: FOLLOW_NEWEST};
					n.focused = 'wire';
				}
				return redraw();
			case 'prev-peer':
			case 'next-peer': {
				// Every peer first, then each connected one, round and round.
				const ids = [null, ...store.getSnapshot().peers.map(p => p.id)];
				const at = Math.max(0, ids.indexOf(n.wirePeer));
				n.wirePeer = ids[(at + (action === 'next-peer' ? 1 : ids.length - 1)) % ids.length]!;
				n.wireDetail = null;
				n.selection = {...n.selection, wire: FOLLOW_NEWEST};
				return redraw();
			}
			case 'open': {
				if (!spec.list || !spec.open) return;
				const input = inputOf(spec.id);
				const {model, selection} = spec.list(input);
				const target = spec.open(input, selectedIndex(selection, model));
				if (!target) return;
				if (target.kind === 'peer') {
					n.peerDetail = target.address;
					return redraw();
				}
				if (target.kind === 'message') {
					n.wireDetail = target.row;
					n.wireDetailTop = 0;
					return redraw();
				}
				void open(target);
				return;
			}
			case 'copy': {
				if (!spec.list || !spec.copy) return copy(null);
				const input = inputOf(spec.id);
				const {model, selection} = spec.list(input);
				return copy(spec.copy(input, selectedIndex(selection, model)));
			}
			case 'back':
				if (spec.id === 'chain' && n.explorer.length > 0) {
					n.explorer = n.explorer.slice(0, -1);
					n.explorerSel = n.explorerSel.slice(0, -1);
				} else if (spec.id === 'peers' && n.peerDetail) n.peerDetail = null;
				// The wire inspector: the message, then the filter, then the inspector itself.
				else if (spec.id === 'wire' && n.wireDetail) n.wireDetail = null;
				else if (spec.id === 'wire' && n.wireFilter) n.wireFilter = '';
				else if (spec.id === 'wire') n.focused = n.wireFrom;
				else if (spec.id === 'log' && n.logFilter) n.logFilter = '';
				n.notice = null;
				return redraw();
			default:
		}
	};

	// One handler for the app's whole life: Ink calls handlers in the order they subscribed and
	// re-subscribes one whenever it changes, so a new one each render would come after an open
	// form's, and see the Enter or Esc that just closed the form as a key for the pane below.
	const onKey = useRef<(input: string, key: Key) => void>(() => undefined);
	useInput(useCallback((input: string, key: Key) => onKey.current(input, key), []));
	onKey.current = (input, key) => {
		const n = nav.current;
		// A burst of typed keys is each a key here (a form's fields take theirs whole).
		if ((n.overlay === null || n.overlay === 'help' || n.overlay === 'quit') && isKeyBurst(input, key)) {
			for (const ch of input) onKey.current(ch, key);
			return;
		}
		// Whatever is open, these three always work.
		if (key.ctrl && input === 'c') return onQuit();
		if (key.ctrl && input === 'l') return terminal?.redraw();
		if (key.ctrl && input === 'z') return terminal?.suspend();
		// A form is open: its fields have the keys (it handles Esc itself).
		if (n.overlay !== null && n.overlay !== 'help' && n.overlay !== 'quit') return;
		if (n.overlay === 'help') {
			const space = Math.max(1, sizeRef.current.rows - 6);
			const most = Math.max(0, helpLines(store.getSnapshot().stake !== null).length - space);
			if (key.escape || input === '?' || input === 'q') setOverlay(null);
			else if (key.upArrow || input === 'k') n.helpOffset = Math.max(0, n.helpOffset - 1);
			else if (key.downArrow || input === 'j') n.helpOffset = Math.min(most, n.helpOffset + 1);
			else if (key.pageUp) n.helpOffset = Math.max(0, n.helpOffset - space);
			else if (key.pageDown) n.helpOffset = Math.min(most, n.helpOffset + space);
			return redraw();
		}
		if (n.overlay === 'quit') {
			if (input === 'y') onQuit();
			else if (input === 'n' || key.escape) setOverlay(null);
			return;
		}
		if (n.wireFiltering) {
			({text: n.wireFilter, cursor: n.wireFilterCursor, editing: n.wireFiltering} = editFilter({text: n.wireFilter, cursor: n.wireFilterCursor, editing: true}, input, key));
			n.selection = {...n.selection, wire: FOLLOW_NEWEST};
			return redraw();
		}
		if (n.logFiltering) {
			({text: n.logFilter, cursor: n.logFilterCursor, editing: n.logFiltering} = editFilter({text: n.logFilter, cursor: n.logFilterCursor, editing: true}, input, key));
			n.selection = {...n.selection, log: FOLLOW_NEWEST};
			return redraw();
		}
		const spec = paneById(n.focused);
		const scopes = [spec.scope, spec.list ? 'list' : undefined, 'global'].filter((s): s is Scope => s !== undefined);
		const action = actionFor(input, key, scopes);
		if (!action) return;
		setMessage(null);
		act(action, input);
	};

	// The mouse and pastes come from the terminal's input filter, not through Ink.
	useEffect(() => {
		const events = terminal?.events;
		if (!events) return;
		const onMouse = (m: MouseEvent) => {
			const n = nav.current;
			if (n.overlay !== null) return;
			const layout = layoutNow();
			if (layout.tabs && m.y === layout.tabs.y && m.kind === 'press') {
				// The tab line: ` 1 chain  2 peers …`, each name where it is drawn.
				let x = 0;
				for (const p of panes) {
					const w = ` ${p.number} ${p.title} `.length;
					if (m.x >= x && m.x < x + w) {
						n.focused = p.id;
						return redraw();
					}
					x += w;
				}
				return;
			}
			const hit = paneAt(layout, m.x, m.y);
			if (!hit) return;
			const spec = paneById(hit.id);
			if (m.kind === 'press' && m.button === 0) n.focused = hit.id;
			if (!spec.list) return redraw();
			const {model, space, selection, firstRow} = spec.list(inputOf(hit.id, layout));
			if (m.kind === 'wheel-up' || m.kind === 'wheel-down') return setSelection(spec, scrollBy(selection, model, m.kind === 'wheel-up' ? -3 : 3, space));
			if (m.kind !== 'press' || m.button !== 0) return;
			const row = m.y - hit.rect.y - 1 - firstRow;
			if (row >= 0 && row < space && spec.id !== 'bpm') setSelection(spec, selectIndex(selection, model, viewTop(selection, model, space) + row, space));
			else redraw();
		};
		events.on('mouse', onMouse);
		return () => {
			events.off('mouse', onMouse);
		};
	}, [terminal]);

	const layout = computeLayout(size, nav.current.focused, nav.current.zoomed);
	const n = nav.current;

	// The store taps the network only while the wire inspector shows; closing it takes the tap away.
	const wirePeer = nav.current.focused === 'wire' ? nav.current.wirePeer : undefined;
	useEffect(() => {
		if (wirePeer !== undefined) actions.openWire(wirePeer);
		else actions.closeWire();
	}, [wirePeer, actions]);
	useEffect(() => () => actions.closeWire(), [actions]);

	// The chain list reads the rows around its view from the database as it scrolls.
	const chainRect = layout.panes.find(p => p.id === 'chain')?.rect;
	useEffect(() => {
		if (!chainRect || n.explorer.length > 0) return;
		const spec = paneById('chain');
		const {model, space, selection} = spec.list!(inputOf('chain', layout));
		const top = viewTop(selection, model, space);
		if (selection.follow && top === 0) actions.showBlocks(null, space + CHAIN_MARGIN);
		else actions.showBlocks(snapshot.height - Math.max(0, top - CHAIN_MARGIN), space + 2 * CHAIN_MARGIN);
		// A row selected before it was read gets its hash once it is: from then on it follows the block.
		if (!selection.follow && selection.id === null) {
			const id = model.idAt(selectedIndex(selection, model));
			if (id) n.selection = {...n.selection, chain: {...selection, id}};
		}
	});

	const flowProps = {actions, snapshot, onDone: () => setOverlay(null), addressVersion, maxMoney};
	const overlay = n.overlay;
	const overlayWidth = Math.min(90, size.columns - 2);

	const hints = footerHints(snapshot.stake !== null)
		.split(' · ')
		.filter(h => !h.startsWith('? '))
		// Where q leads, when it is not quitting, comes first: a narrow footer keeps it.
		.filter(h => !(quitLabel && h.startsWith('q ')))
		.map((text, i) => ({text, priority: 100 - i}));
	if (quitLabel) hints.unshift({text: `q ${quitLabel}`, priority: 101});
	const footerLeft = message ?? fitSegments(hints, Math.max(0, size.columns - 10)).map(h => h.text).join(' · ');

	return (
		<Box flexDirection="column" width={size.columns} height={size.rows}>
			<Box height={1} width={size.columns}>
				<StatusBar snapshot={snapshot} width={size.columns} />
			</Box>
			<Box height={Math.max(1, size.rows - 2)} width={size.columns} />
			<Box height={1} width={size.columns}>
				<Box flexGrow={1}>
					<Text dimColor={!message} color={message ? color('yellow') : undefined} wrap="truncate-end">
						{footerLeft}
					</Text>
				</Box>
				<Text color={color('cyan')}> ? help</Text>
			</Box>
			{layout.tabs ? (
				<Box position="absolute" marginTop={layout.tabs.y} width={size.columns} height={1}>
					<Text wrap="truncate-end">
						{panes.map(p => (
							<Text key={p.id} inverse={p.id === n.focused} color={p.id === n.focused ? color('cyan') : undefined}>
								{` ${p.number} ${p.title} `}
							</Text>
						))}
					</Text>
				</Box>
			) : null}
			{layout.panes.map(({id, rect}) => {
				const spec = paneById(id);
				const content = paneContent(rect.width, rect.height);
				const input: PaneInput = {snapshot, nav: n, width: content.width, rows: content.rows};
				const note = [layout.mode === 'zoom' && id !== 'wire' ? 'zoomed · z' : undefined, spec.note?.(input)].filter(Boolean).join(' · ');
				return (
					<Box key={id} position="absolute" marginLeft={rect.x} marginTop={rect.y}>
						<Pane number={spec.badge ?? spec.number} title={spec.title} note={note || undefined} focused={id === n.focused} width={rect.width} height={rect.height}>
							<spec.Component {...input} focused={id === n.focused && overlay === null} />
						</Pane>
					</Box>
				);
			})}
			{overlay === 'quit' ? (
				<Overlay columns={size.columns} rows={size.rows} width={44} borderColor={color('yellow')}>
					<Text color={color('yellow')} bold>
						{snapshot.miner.running ? 'Mining' : 'Staking'} is on. Quit anyway? y / n
					</Text>
				</Overlay>
			) : overlay === 'help' ? (
				<Overlay columns={size.columns} rows={size.rows} width={overlayWidth}>
					<Help rows={Math.max(1, size.rows - 6 - Math.min(Math.floor(size.rows / 5), 6))} offset={n.helpOffset} lines={helpLines(staking)} />
				</Overlay>
			) : overlay ? (
				<TerminalEvents.Provider value={terminal?.events ?? null}>
					<Overlay columns={size.columns} rows={size.rows} width={overlayWidth} bare>
							{overlay === 'search' ? (
								<SearchFlow onSearch={q => void search(q)} onDone={() => setOverlay(null)} />
							) : overlay === 'create-wallet' ? (
								<CreateWalletFlow {...flowProps} />
							) : overlay === 'send' ? (
								<SendFlow {...flowProps} />
							) : overlay === 'record-bpm' ? (
								<BpmFlow {...flowProps} />
							) : overlay === 'stake' ? (
								<StakeFlow {...flowProps} onStarted={text => setMessage(text)} />
							) : overlay === 'clone' ? (
								<CloneFlow {...flowProps} />
							) : (
								<AddPeerFlow {...flowProps} />
							)}
					</Overlay>
				</TerminalEvents.Provider>
			) : null}
		</Box>
	);
}
