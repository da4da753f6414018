/** What every scenario returns: the expectations it checked and what it measured. */
import type {Lab} from '../lab.js';
import {churn} from './churn.js';
import {deepReorg} from './deep-reorg.js';
import {doubleSpend} from './double-spend.js';
import {lateJoiner} from './late-joiner.js';
import {partitionHeal} from './partition-heal.js';

export interface ScenarioReport {
	readonly scenario: string;
	/** Every expectation held. */
	readonly ok: boolean;
	readonly expectations: Readonly<Record<string, boolean>>;
	readonly figures: Readonly<Record<string, unknown>>;
}

export type Scenario = (lab: Lab) => Promise<ScenarioReport>;

/** The scenarios by name (`chain-tui lab --headless --scenario NAME`). */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {'partition-heal': partitionHeal, 'deep-reorg': deepReorg, 'late-joiner': lateJoiner, churn, 'double-spend': doubleSpend};
