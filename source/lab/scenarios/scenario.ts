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
	/**
	 * The lab's networks it runs on. regtest mines on demand; posregtest mines its bootstrap (blocks
	 * 1-10) on demand and stakes the rest; main mines real proof of work, seconds a block.
	 */
	readonly networks: readonly string[];
}

/** The scenarios by name (`chain-tui lab --headless --scenario NAME`). */
export const SCENARIOS: Readonly<Record<string, ScenarioEntry>> = {
	'partition-heal': {run: partitionHeal, networks: ['regtest', 'posregtest']},
	'deep-reorg': {run: deepReorg, networks: ['regtest', 'posregtest']},
	'late-joiner': {run: lateJoiner, networks: ['regtest']},
	churn: {run: churn, networks: ['regtest', 'posregtest']},
	'double-spend': {run: doubleSpend, networks: ['regtest']},
};
