/**
 * BENCH_CPU_PROFILE=DIR: a CPU profile (.cpuprofile, for Chrome's DevTools) of one measured stretch
 * of the bench, e.g. IBD or mempool acceptance, and its top functions by self time on stderr.
 */
import {Session} from 'node:inspector/promises';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';

interface ProfileNode {
	id: number;
	callFrame: {functionName: string; url: string; lineNumber: number};
	hitCount?: number;
}

export async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
	const dir = process.env.BENCH_CPU_PROFILE;
	if (!dir) return run();
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', {interval: 200});
	await session.post('Profiler.start');
	try {
		return await run();
	} finally {
		const {profile} = (await session.post('Profiler.stop')) as unknown as {profile: {nodes: ProfileNode[]}};
		session.disconnect();
		await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
		const self = new Map<string, number>();
		let total = 0;
		for (const node of profile.nodes) {
			const hits = node.hitCount ?? 0;
			total += hits;
			const {functionName, url, lineNumber} = node.callFrame;
			const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
			self.set(where, (self.get(where) ?? 0) + hits);
		}
		const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25);
		console.error(`profile ${name}: top self time of ${total} samples`);
		for (const [where, hits] of top) console.error(`  ${((hits / total) * 100).toFixed(1).padStart(5)}%  ${where}`);
	}
}
