import {fileURLToPath} from 'node:url';
import {defineConfig} from 'vitest/config';

// Kept under test/ so the top of the repository holds only what ships and builds.
export default defineConfig({
	test: {
		root: fileURLToPath(new URL('..', import.meta.url)),
		include: ['test/**/*.test.{ts,tsx}'],
		setupFiles: ['test/setup.ts'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		// Memory tests collect garbage before they measure, so they see what is kept, not litter.
		// Two files at once: vitest's default on a 2-core machine is one (cores - 1), and most of
		// the suite's time is spent waiting on node processes, sockets and terminals, not computing.
		poolOptions: {forks: {execArgv: ['--expose-gc'], maxForks: 2, minForks: 1}},
	},
});
