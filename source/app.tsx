/**
 * The screen: status bar, panes, forms and overlays. Panes are pure functions of the store's
 * snapshot; every key goes through the one key table (ui/keymap.ts); forms call actions.
 */
import React, {useReducer, useRef, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import type {Actions, ExplorerView} from './store/actions.js';
import type {Snapshot} from './store/snapshot.js';
import {actionFor} from './ui/keymap.js';
import {StatusBar} from './ui/panes/status-bar.js';
import {ChainPane, explorerItems, type ExplorerTarget} from './ui/panes/chain.js';
import {PeersPane} from './ui/panes/peers.js';
import {TipsPane} from './ui/panes/tips.js';
import {MempoolPane} from './ui/panes/mempool.js';
import {MinerPane} from './ui/panes/miner.js';
import {WalletPane} from './ui/panes/wallet.js';
import {BpmPane} from './ui/panes/bpm.js';
import {LogPane} from './ui/panes/log.js';
import {Pane} from './ui/components/pane.js';
import {Help, PANE_NAMES} from './ui/help.js';
import {AddPeerFlow, BpmFlow, CloneFlow, CreateWalletFlow, SearchFlow, SendFlow} from './ui/forms/flows.js';
import {useSnapshot, type SnapshotSource} from './ui/hooks/use-store.js';
import {useTerminalSize} from './ui/hooks/use-terminal-size.js';
import {useColor} from './ui/theme.js';

type Flow = 'create-wallet' | 'send' | 'record-bpm' | 'clone' | 'add-peer' | 'search';
type Overlay = null | 'help' | 'quit' | Flow;

export interface AppProps {
	readonly store: SnapshotSource;
	readonly actions: Actions;
	readonly addressVersion: number;
	readonly maxMoney: bigint;
	/** Close the node and leave (the caller restores the terminal). */
	readonly onQuit: () => void;
	/** Fixed size for tests; otherwise the terminal's, following resizes. */
	readonly size?: {columns: number; rows: number};
}

const LARGE = {columns: 120, rows: 40};

export function App({store, actions, addressVersion, maxMoney, onQuit, size: fixedSize}: AppProps) {
	const snapshot = useSnapshot(store);
	const size = useTerminalSize(fixedSize);
	const color = useColor();
	// Navigation lives in a ref, read and changed by the key handler directly: keys that arrive
	// faster than the screen redraws (a quick typist, tmux, a held key) each act on the newest
	// state, never on the one the last frame was drawn from.
	const nav = useRef({
		pane: 0,
		selected: PANE_NAMES.map(() => 0),
		stack: [] as ExplorerView[],
		explorerSel: [0],
		overlay: null as Overlay,
	});
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	const [notice, setNotice] = useState<string | null>(null);
	const [message, setMessage] = useState<string | null>(null);
	const {pane, overlay} = nav.current;
	const setOverlay = (o: Overlay) => {
		nav.current.overlay = o;
		redraw();
	};

	const view = nav.current.stack[nav.current.stack.length - 1] ?? null;
	const items = explorerItems(view, snapshot.blocks, addressVersion, snapshot.now);
	// The BPM pane picks all readings or one address's with ↑/↓.
	const bpmChoices: (string | null)[] = [null, ...new Set(snapshot.bpm.map(r => r.address))];
	const lengthOf = (p: number) => [items.length, snapshot.peers.length, snapshot.tips.length, snapshot.mempool.newest.length, 0, snapshot.wallet.addresses.length, bpmChoices.length, 0][p] ?? 0;
	const selOf = (n = nav.current) => (n.pane === 0 ? (n.explorerSel[n.explorerSel.length - 1] ?? 0) : (n.selected[n.pane] ?? 0));
	const sel = selOf();

	const setSel = (value: number) => {
		const n = nav.current;
		const clamped = Math.max(0, Math.min(value, Math.max(0, lengthOf(n.pane) - 1)));
		if (n.pane === 0) n.explorerSel = [...n.explorerSel.slice(0, -1), clamped];
		else n.selected = n.selected.map((v, i) => (i === n.pane ? clamped : v));
		redraw();
	};

	const push = (value: ExplorerView) => {
		const n = nav.current;
		n.pane = 0;
		n.stack = [...n.stack, value];
		n.explorerSel = [...n.explorerSel, 0];
		setNotice(null);
		redraw();
	};

	const open = async (target: ExplorerTarget) => {
		const r = target.kind === 'block' ? await actions.block(target.id) : target.kind === 'tx' ? await actions.tx(target.txid) : await actions.address(target.address);
		if (r.ok) push(r.value);
		else {
			nav.current.pane = 0;
			setNotice(r.error);
		}
	};

	const search = async (query: string) => {
		setOverlay(null);
		const r = await actions.search(query);
		if (r.ok) push(r.value);
		else {
			nav.current.pane = 0;
			setNotice(r.error);
		}
	};

	const quit = () => {
		if (snapshot.miner.running) setOverlay('quit');
		else onQuit();
	};

	useInput(
		(input, key) => {
			if (key.ctrl && input === 'c') return onQuit();
			const n = nav.current;
			// A form just opened and not drawn yet: its keys must never act as commands here.
			if (n.overlay !== null && n.overlay !== 'help' && n.overlay !== 'quit') return;
			if (n.overlay === 'help') {
				if (key.escape || input === '?' || input === 'q') setOverlay(null);
				return;
			}
			if (n.overlay === 'quit') {
				if (input === 'y') onQuit();
				else if (input === 'n' || key.escape) setOverlay(null);
				return;
			}
			const action = actionFor(input, key);
			if (!action) return;
			setMessage(null);
			switch (action) {
				case 'next-pane':
					n.pane = (n.pane + 1) % PANE_NAMES.length;
					return redraw();
				case 'prev-pane':
					n.pane = (n.pane + PANE_NAMES.length - 1) % PANE_NAMES.length;
					return redraw();
				case 'up':
					return setSel(selOf() - 1);
				case 'down':
					return setSel(selOf() + 1);
				case 'open': {
					const at = selOf();
					if (n.pane === 0) {
						const current = n.stack[n.stack.length - 1] ?? null;
						const target = explorerItems(current, snapshot.blocks, addressVersion, snapshot.now)[at]?.target;
						if (target) void open(target);
					} else if (n.pane === 3) {
						const tx = snapshot.mempool.newest[at];
						if (tx) void open({kind: 'tx', txid: tx.txid});
					} else if (n.pane === 5) {
						const a = snapshot.wallet.addresses[at];
						if (a) void open({kind: 'address', address: a.address});
					}
					return;
				}
				case 'back':
					if (n.pane === 0 && n.stack.length > 0) {
						n.stack = n.stack.slice(0, -1);
						n.explorerSel = n.explorerSel.length > 1 ? n.explorerSel.slice(0, -1) : [0];
						redraw();
					}
					return setNotice(null);
				case 'help':
					return setOverlay('help');
				case 'quit':
					return quit();
				case 'toggle-mining':
					void actions.toggleMining().then(r => setMessage(r.ok ? `mining ${r.value}` : r.error));
					return;
				case 'mine-one':
					void actions.mineOne().then(r => setMessage(r.ok ? `mined a block: ${r.value.slice(0, 16)}…` : r.error));
					return;
				case 'search':
				case 'create-wallet':
				case 'send':
				case 'record-bpm':
				case 'clone':
				case 'add-peer':
					return setOverlay(action);
				default:
					if (action.startsWith('pane-')) {
						n.pane = Number(action.slice(5)) - 1;
						redraw();
					}
			}
		},
		{isActive: overlay === null || overlay === 'help' || overlay === 'quit'},
	);

	const large = size.columns >= LARGE.columns && size.rows >= LARGE.rows;
	const flowProps = {actions, snapshot, onDone: () => setOverlay(null), addressVersion, maxMoney};

	const renderPane = (index: number, rows: number, width: number) => {
		switch (index) {
			case 0:
				return <ChainPane blocks={snapshot.blocks} view={view} selected={pane === 0 ? sel : -1} rows={rows} now={snapshot.now} addressVersion={addressVersion} notice={notice} />;
			case 1:
				return <PeersPane peers={snapshot.peers} selected={pane === 1 ? sel : -1} rows={rows} />;
			case 2:
				return <TipsPane tips={snapshot.tips} reorgs={snapshot.log.filter(l => l.text.startsWith('reorganize'))} rows={rows} />;
			case 3:
				return <MempoolPane mempool={snapshot.mempool} selected={pane === 3 ? sel : -1} rows={rows} now={snapshot.now} />;
			case 4:
				return <MinerPane miner={snapshot.miner} width={width} regtest={snapshot.regtest} />;
			case 5:
				return <WalletPane wallet={snapshot.wallet} selected={pane === 5 ? sel : -1} rows={rows} width={width} />;
			case 6:
				return <BpmPane readings={snapshot.bpm} address={bpmChoices[nav.current.selected[6] ?? 0] ?? null} width={width} rows={rows} />;
			default:
				return <LogPane log={snapshot.log} rows={rows} />;
		}
	};

	const box = (index: number, width: number, height: number) => (
		<Pane key={index} index={index + 1} title={PANE_NAMES[index]!} selected={pane === index} width={width} height={height}>
			{renderPane(index, Math.max(1, height - 3), width - 4)}
		</Pane>
	);

	let body: React.ReactNode;
	const bodyRows = size.rows - 3;
	if (overlay && overlay !== 'quit') {
		body =
			overlay === 'help' ? (
				<Help />
			) : overlay === 'search' ? (
				<SearchFlow onSearch={q => void search(q)} onDone={() => setOverlay(null)} />
			) : overlay === 'create-wallet' ? (
				<CreateWalletFlow {...flowProps} />
			) : overlay === 'send' ? (
				<SendFlow {...flowProps} />
			) : overlay === 'record-bpm' ? (
				<BpmFlow {...flowProps} />
			) : overlay === 'clone' ? (
				<CloneFlow {...flowProps} />
			) : (
				<AddPeerFlow {...flowProps} />
			);
	} else if (large) {
		const h1 = Math.floor(bodyRows * 0.4);
		const h2 = Math.floor(bodyRows * 0.3);
		const h3 = bodyRows - h1 - h2;
		const third = Math.floor(size.columns / 3);
		const wide = Math.floor(size.columns * 0.6);
		body = (
			<Box flexDirection="column">
				<Box>
					{box(0, wide, h1)}
					{box(1, size.columns - wide, h1)}
				</Box>
				<Box>
					{box(3, third, h2)}
					{box(4, third, h2)}
					{box(2, size.columns - 2 * third, h2)}
				</Box>
				<Box>
					{box(5, third, h3)}
					{box(6, third, h3)}
					{box(7, size.columns - 2 * third, h3)}
				</Box>
			</Box>
		);
	} else {
		body = (
			<Box flexDirection="column">
				<Text>
					{PANE_NAMES.map((name, i) => (
						<Text key={name} inverse={i === pane} color={i === pane ? color('cyan') : undefined}>
							{` ${i + 1} ${name} `}
						</Text>
					))}
				</Text>
				{box(pane, size.columns, bodyRows - 1)}
			</Box>
		);
	}

	return (
		<Box flexDirection="column" width={size.columns}>
			<StatusBar snapshot={snapshot} width={size.columns} />
			{body}
			{overlay === 'quit' ? (
				<Text color={color('yellow')} bold>
					Mining is on. Quit anyway? y / n
				</Text>
			) : (
				<Text dimColor wrap="truncate-end">
					{message ?? '? keys · Tab panes · m mine · s send · w wallet · b BPM · c clone · a peer · / search · q quit'}
				</Text>
			)}
		</Box>
	);
}
