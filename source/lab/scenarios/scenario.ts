/**
 * The scenarios' registry: each by name with the networks it runs on, and what every scenario
 * returns (the expectations it checked and what it measured).
 */
import type {Lab} from '../lab.js';
import {churn} from './churn.js';
import {deepReorg} from './deep-reorg.js';
import {doubleSpend} from './double-spend.js';
import {lateJoiner} from './late-joiner.js';
import {partitionHeal} from './partition-heal.js';
import {SCENARIO_NETWORKS, type ScenarioName} from './catalog.js';

export interface ScenarioReport {
	readonly scenario: string;
	/** Every expectation held. */
	readonly ok: boolean;
	readonly expectations: Readonly<Record<string, boolean>>;
	readonly figures: Readonly<Record<string, unknown>>;
}

export type Scenario = (lab: Lab) => Promise<ScenarioReport>;

export interface ScenarioEntry {
	readonly run: Scenario;
	/** The lab's networks it runs on (catalog.ts). */
	readonly networks: readonly string[];
}

const RUNNERS: Readonly<Record<ScenarioName, Scenario>> = {
	'partition-heal': partitionHeal,
	'deep-reorg': deepReorg,
	'late-joiner': lateJoiner,
	churn,
	'double-spend': doubleSpend,
};

/** The scenarios by name (`chain-tui lab --headless --scenario NAME`). */
export const SCENARIOS: Readonly<Record<string, ScenarioEntry>> = Object.fromEntries(
	Object.entries(RUNNERS).map(([name, run]) => [name, {run, networks: SCENARIO_NETWORKS[name as ScenarioName]}]),
);
