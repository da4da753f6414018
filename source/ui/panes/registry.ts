/** The panes, in the order of their numbers: id, title, key, component and list model in one place. */
import {bpmPane} from './bpm.js';
import {chainPane} from './chain.js';
import {logPane} from './log.js';
import {mempoolPane} from './mempool.js';
import {minerPane} from './miner.js';
import {peersPane} from './peers.js';
import {stakePane} from './stake.js';
import {tipsPane} from './tips.js';
import {walletPane} from './wallet.js';
import {wirePane} from './wire.js';
import type {PaneId, PaneSpec} from './types.js';

export type {PaneId, PaneSpec} from './types.js';

export const PANES: readonly PaneSpec[] = [chainPane, peersPane, tipsPane, mempoolPane, minerPane, walletPane, bpmPane, logPane];

/** Proof-of-stake networks: the stake pane in the miner's place (same id, number, key and place in every layout). */
export const STAKE_PANES: readonly PaneSpec[] = PANES.map(p => (p.id === 'miner' ? stakePane : p));

/** The panes of a network: `stake` on proof-of-stake ones. */
export const panesFor = (stake: boolean): readonly PaneSpec[] => (stake ? STAKE_PANES : PANES);

/** The wire inspector: opened by `i` over the whole body, not one of the numbered panes. */
export const WIRE_PANE: PaneSpec = wirePane;

export const PANE_ORDER: readonly PaneId[] = PANES.map(p => p.id);

export const paneById = (id: PaneId, stake = false): PaneSpec => (id === 'wire' ? WIRE_PANE : panesFor(stake).find(p => p.id === id)!);
