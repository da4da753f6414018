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
		poolOptions: {forks: {execArgv: ['--expose-gc']}},
	},
});
