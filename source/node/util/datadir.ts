import {lstat, mkdir, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {DatadirError} from '../errors.js';

/** `~/.chain-tui/<network>/<port>`, so two nodes on one machine need only different ports. */
export function defaultDatadir(network: string, port: number, home = homedir()): string {
	return join(home, '.chain-tui', network, String(port));
}

/** A plain reason for a failed file-system call, from its errno code. */
export function fsReason(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	switch (code) {
		case 'ENOTDIR':
			return 'part of the path is a file, not a directory';
		case 'EEXIST':
			return 'a file of that name is in the way';
		case 'EISDIR':
			return 'it is a directory, not a file';
		case 'EACCES':
		case 'EPERM':
			return 'permission denied';
		case 'EROFS':
			return 'the file system is read-only';
		case 'ENOSPC':
			return 'the disk is full';
		case 'ENOENT':
			return 'no such file or directory';
		default:
			return code ?? (error instanceof Error ? error.message : String(error));
	}
}

/**
 * Why `mkdir -p path` failed: Node's recursive mkdir can answer ENOENT where the parent is on a
 * read-only disk; creating the first missing directory alone gives the real code (EROFS, EACCES).
 */
async function mkdirCause(path: string, error: unknown): Promise<unknown> {
	let first = resolve(path);
	// Up to the deepest ancestor that exists; bounded by the path's depth.
	for (let depth = 0; depth < 4096 && dirname(first) !== first; depth++) {
		const parentExists = await stat(dirname(first)).then(
			() => true,
			() => false,
		);
		if (parentExists) break;
		first = dirname(first);
	}
	try {
		await mkdir(first);
		await rm(first, {recursive: true, force: true}); // it could be made now: the first answer stands
		return error;
	} catch (cause) {
		return cause;
	}
}

/** Files the node keeps in the datadir: each must be a file if it exists. */
const DATADIR_FILES = ['debug.log', '.cookie', 'wallet.json', 'peers.json'];

/**
 * Creates the datadir if need be and checks that the node can use it: a directory it can list and
 * write in, whose own files are files. Throws a DatadirError with a one-line reason, so a datadir of
 * the wrong shape is said plainly before anything opens (not as a stack trace from deep inside).
 */
export async function checkDatadir(datadir: string): Promise<void> {
	const fail = (what: string, error: unknown): never => {
		throw new DatadirError(`${what}: ${fsReason(error)}`);
	};
	try {
		await mkdir(datadir, {recursive: true});
	} catch (error) {
		// mkdir of a path that is a file says EEXIST; say what is actually wrong.
		const isFile = await stat(datadir).then(
			s => !s.isDirectory(),
			() => false,
		);
		if (isFile) throw new DatadirError(`the datadir ${datadir} is a file, not a directory`);
		fail(`cannot create the datadir ${datadir}`, await mkdirCause(datadir, error));
	}
	const info = await stat(datadir).catch(error => fail(`cannot read the datadir ${datadir}`, error));
	if (!info.isDirectory()) throw new DatadirError(`the datadir ${datadir} is a file, not a directory`);
	await readdir(datadir).catch(error => fail(`cannot read the datadir ${datadir}`, error));
	// The real test of writing (access() is not: root passes it, a full disk passes it).
	const probe = join(datadir, `.write-test-${process.pid}`);
	await writeFile(probe, '').catch(error => fail(`cannot write in the datadir ${datadir}`, error));
	await rm(probe, {force: true});
	for (const name of DATADIR_FILES) {
		const path = join(datadir, name);
		const entry = await lstat(path).catch(() => null);
		if (entry?.isDirectory()) throw new DatadirError(`${path} is a directory, not a file: move it away`);
	}
	const chain = await lstat(join(datadir, 'chain')).catch(() => null);
	if (chain && !chain.isDirectory()) throw new DatadirError(`${join(datadir, 'chain')} is a file, not the chain database's directory: move it away`);
}
