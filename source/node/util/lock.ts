/** Runs async jobs one at a time, in the order they were queued. */
export class SerialQueue {
	private last: Promise<unknown> = Promise.resolve();

	run<T>(job: () => Promise<T>): Promise<T> {
		const next = this.last.then(job, job);
		this.last = next.catch(() => undefined);
		return next;
	}
}
