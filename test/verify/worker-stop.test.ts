import {execFile} from 'node:child_process';
import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it, onTestFinished} from 'vitest';
import {sha256} from '@noble/hashes/sha2.js';
import {WorkerVerifier} from '../../source/node/verify/worker-verifier.js';
import {backendByName} from '../../source/node/verify/backends.js';
import {compiledUrl} from '../../source/node/util/compiled.js';
import {publicKeyOf, signDigest} from '../../source/node/crypto/keys.js';
import type {SigCheck} from '../../source/node/primitives/sign.js';

// The secp256k1 addon's prebuilt binary aborts the whole process when its thread is stopped inside
// a call (CI saw "terminate called after throwing an instance of 'Napi::Error'"). The pool must
// never stop a worker that is inside a batch: close() and the process's exit both wait for it.
const prebuilt = (() => {
	try {
		backendByName('native');
		return true;
	} catch {
		return false;
	}
})();
const backend = prebuilt ? 'native' : 'noble';
const priv = sha256(new TextEncoder().encode('worker stop'));
const digest = sha256(Uint8Array.of(1));
const one: SigCheck = {digest, signature: signDigest(digest, priv), publicKey: publicKeyOf(priv)};
const rounds = Number(process.env.CRASH_ROUNDS ?? 0) > 0 ? 200 : 12;

async function until(condition: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setImmediate(resolve));
	}
}

describe('stopping signature-check threads', () => {
	it(`close() in the middle of big batches (${backend}): waits until no thread is inside a check, rejects the batch, and a closed pool refuses work`, async () => {
		for (let round = 0; round < 5; round++) {
			const pool = new WorkerVerifier(2, {backend});
			await until(() => pool.busyThreads === 0, 'the threads to load their backend');
			const batch = pool.verify(Array.from({length: 20_000}, () => one)).then(
				ok => ok,
				(error: Error) => error,
			);
			await until(() => pool.busyThreads === 2, 'both threads to start the batch');
			await pool.close();
			expect(pool.busyThreads).toBe(0);
			expect(await batch).toMatchObject({message: 'verifier closed'});
			await expect(pool.verify([one])).rejects.toThrow(/closed/);
		}
	});

	it(`the process exits in the middle of batches on 8 threads, ${rounds} times: every exit is clean, with no thread left inside a check`, async () => {
		const run = promisify(execFile);
		const script = `
const {WorkerVerifier} = await import(${JSON.stringify(compiledUrl('node/verify/worker-verifier.js').href)});
const one = ${JSON.stringify({digest: [...digest], signature: [...one.signature], publicKey: [...one.publicKey]})};
const check = {digest: Uint8Array.from(one.digest), signature: Uint8Array.from(one.signature), publicKey: Uint8Array.from(one.publicKey)};
const pool = new WorkerVerifier(8, {backend: ${JSON.stringify(backend)}});
while (pool.busyThreads > 0) await new Promise(r => setImmediate(r));
pool.verify(Array.from({length: 40000}, () => check)).catch(() => {});
while (pool.busyThreads < 8) await new Promise(r => setImmediate(r));
const before = pool.busyThreads;
process.on('exit', () => process.stdout.write(before + ' ' + pool.busyThreads + '\\n'));
setTimeout(() => process.exit(0), Number(process.env.DELAY));
`;
		// A file, not -e: a worker started under `node --input-type=module -e` with a pipe for stdin
		// never finishes loading (Node 20).
		const file = join(compiledUrl('.').pathname, `worker-stop-${process.pid}.mjs`);
		writeFileSync(file, script);
		onTestFinished(() => rmSync(file, {force: true}));
		for (let round = 0; round < rounds; round++) {
			const {stdout, stderr} = await run(process.execPath, [file], {timeout: 20_000, env: {...process.env, DELAY: String(round % 10)}});
			expect(stderr, `round ${round}`).toBe('');
			expect(stdout.trim(), `round ${round}: threads busy when exit began, then after the wait`).toBe('8 0');
		}
	});
});
