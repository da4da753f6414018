import {fileURLToPath, pathToFileURL} from 'node:url';
import {dirname, join} from 'node:path';

/**
 * The URL of a compiled module under dist/, for code that must load as JavaScript (worker
 * threads), whether the caller runs from dist/ or from source/ under the test runner.
 * `path` is relative to dist/, e.g. 'node/verify/verify-worker.js'.
 */
export function compiledUrl(path: string): URL {
	const here = fileURLToPath(import.meta.url); // <root>/{dist,source}/node/util/compiled.{js,ts}
	const root = dirname(dirname(dirname(dirname(here))));
	return pathToFileURL(join(root, 'dist', ...path.split('/')));
}

