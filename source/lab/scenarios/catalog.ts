/**
 * The scenarios' names and the lab networks each runs on, with nothing imported: the command
 * line checks `--scenario` against it without loading any scenario's code (scenario.ts pairs each
 * name with its runner). regtest mines on demand; posregtest mines its bootstrap (blocks 1-10) on
 * demand and stakes the rest; main mines real proof of work, seconds a block.
 */
export const SCENARIO_NETWORKS = {
	'partition-heal': ['regtest', 'posregtest'],
	'deep-reorg': ['regtest', 'posregtest'],
	'late-joiner': ['regtest'],
	churn: ['regtest', 'posregtest'],
	'double-spend': ['regtest'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type ScenarioName = keyof typeof SCENARIO_NETWORKS;
