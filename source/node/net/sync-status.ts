/** How far sync has come, as the screen and the log show it. */
import {performance} from 'node:perf_hooks';

export interface SyncStatus {
	/** Height of the best header some connected peer can still give us the blocks to (or our tip). */
	readonly headers: number;
	readonly blocks: number;
	/** Blocks connected per second over the last few seconds. */
	readonly rate: number;
	/** Seconds to catch up at that rate (0 when synced, Infinity when unknown). */
	readonly eta: number;
	readonly synced: boolean;
}

const RATE_WINDOW_MS = 10_000;

/** Blocks connected over the last ten seconds, for the rate and the time left. */
export class SyncRate {
	private times: number[] = [];

	connected(): void {
		this.times.push(performance.now());
	}

	status(headers: number, blocks: number): SyncStatus {
		const nowMs = performance.now();
		this.times = this.times.filter(t => t > nowMs - RATE_WINDOW_MS);
		const first = this.times[0];
		const rate = first === undefined ? 0 : (this.times.length * 1000) / Math.max(nowMs - first, 1000);
		const left = Math.max(0, headers - blocks);
		return {headers, blocks, rate, eta: left === 0 ? 0 : rate > 0 ? left / rate : Infinity, synced: left === 0};
	}
}
