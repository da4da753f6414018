/** The panes, in the order of their numbers: id, title, key, component and list model in one place. */
import {bpmPane} from './bpm.js';
import {chainPane} from './chain.js';
import {logPane} from './log.js';
import {mempoolPane} from './mempool.js';
import {minerPane} from './miner.js';
import {peersPane} from './peers.js';
import {tipsPane} from './tips.js';
import {walletPane} from './wallet.js';
import type {PaneId, PaneSpec} from './types.js';

export type {PaneId, PaneSpec} from './types.js';

export const PANES: readonly PaneSpec[] = [chainPane, peersPane, tipsPane, mempoolPane, minerPane, walletPane, bpmPane, logPane];

export const PANE_ORDER: readonly PaneId[] = PANES.map(p => p.id);

export const paneById = (id: PaneId): PaneSpec => PANES.find(p => p.id === id)!;
