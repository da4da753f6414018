/**
 * How late the event loop runs: a `perf_hooks.monitorEventLoopDelay` histogram, read as the time
 * its timer fired after it was due. Everything the node does (validation, peers, RPC, the screen)
 * shares the one loop, so this is how long a key press or a message can wait.
 */
import {monitorEventLoopDelay, type IntervalHistogram} from 'node:perf_hooks';

export interface LoopDelay {
	/** The timer's period (ms); the figures are time beyond it. */
	readonly resolutionMs: number;
	/** When this window started (ms since the epoch). */
	readonly since: number;
	readonly samples: number;
	readonly p50: number;
	readonly p90: number;
	readonly p99: number;
	/** The 99.9th percentile: the load test's second bound, rare stalls p99 does not see. */
	readonly p999: number;
	readonly max: number;
	readonly mean: number;
}

export class LoopMonitor {
	private readonly histogram: IntervalHistogram;
	private since: number;

	constructor(
		readonly resolutionMs = 10,
		private readonly now: () => number = Date.now,
	) {
		this.histogram = monitorEventLoopDelay({resolution: resolutionMs});
		this.histogram.enable();
		this.since = now();
	}

	/** The delays since the start or the last reset, in milliseconds (two decimals). */
	read(): LoopDelay {
		const h = this.histogram;
		const late = (ns: number) => (h.count === 0 ? 0 : Math.round(Math.max(0, ns / 1e6 - this.resolutionMs) * 100) / 100);
		return {
			resolutionMs: this.resolutionMs,
			since: this.since,
			samples: h.count,
			p50: late(h.percentile(50)),
			p90: late(h.percentile(90)),
			p99: late(h.percentile(99)),
			p999: late(h.percentile(99.9)),
			max: late(h.max),
			mean: late(h.mean),
		};
	}

	/** Starts a new window (the interval the reset falls in is in neither). */
	reset(): void {
		this.histogram.reset();
		this.since = this.now();
	}

	close(): void {
		this.histogram.disable();
	}
}
