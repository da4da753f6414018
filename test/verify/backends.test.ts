/** Which signature backend loads, the fallback chain forced step by step, and where the addon comes from. */
import {execFile} from 'node:child_process';
import {existsSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, sep} from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
import {
	chooseBackend,
	defaultLoaders,
	loadNative,
	loadWasm,
	nativeAddonPath,
	nobleBackend,
	type BackendLoaders,
} from '../../source/node/verify/backends.js';
import {compiledUrl} from '../../source/node/util/compiled.js';
import {mkdtemp, rm} from 'node:fs/promises';
import {sha256} from '@noble/hashes/sha2.js';
import {publicKeyOf, signDigest} from '../../source/node/crypto/keys.js';
import type {SigCheck} from '../../source/node/primitives/sign.js';
import {INLINE_BELOW, pooledVerifier} from '../../source/node/verify/worker-verifier.js';
import {FullNode} from '../../source/node/node.js';
import {rpcMethods} from '../../source/node/rpc/methods.js';
import {quickNet} from '../helpers/chain-env.js';

const missing = (what: string) => () => {
	throw new Error(`Cannot find module '${what}'`);
};
const prebuilt = process.platform === 'linux' && process.arch === 'x64';

describe('signature backends', () => {
	it.runIf(prebuilt)('auto picks the native addon, loaded from the package prebuilds, nothing compiled at install', () => {
		const {backend, skipped} = chooseBackend('auto');
		expect(backend.name).toBe('native');
		expect(skipped).toEqual([]);
		expect(nativeAddonPath()).toContain(`${sep}prebuilds${sep}linux-x64${sep}`);
		expect(existsSync(join(dirname(dirname(nativeAddonPath())), '..', 'build'))).toBe(false);
	});

	it('native missing goes to wasm; wasm missing goes to noble; saying why', () => {
		const noNative: BackendLoaders = {...defaultLoaders, native: missing('secp256k1')};
		const first = chooseBackend('auto', noNative);
		expect(first.backend.name).toBe('wasm');
		expect(first.skipped).toEqual([`native: Cannot find module 'secp256k1'`]);
		const second = chooseBackend('auto', {...noNative, wasm: missing('tiny-secp256k1')});
		expect(second.backend).toBe(nobleBackend);
		expect(second.skipped).toHaveLength(2);
	});

	it('a named backend that does not load is an error, not a quiet fallback; unknown names are refused', () => {
		expect(() => chooseBackend('native', {...defaultLoaders, native: missing('secp256k1')})).toThrow(/the native verifier does not load here/);
		expect(chooseBackend('noble').backend.name).toBe('noble');
		expect(chooseBackend('wasm').backend.name).toBe('wasm');
		expect(() => chooseBackend('elliptic' as never)).toThrow(RangeError);
	});

	it('refuses an addon compiled at install (build/) rather than shipped prebuilt', () => {
		expect(() => loadNative(() => join('x', 'node_modules', 'secp256k1', 'build', 'Release', 'addon.node'))).toThrow(/not a prebuilt binary/);
	});

	it('refuses a backend that loads but answers wrongly (self-test at start)', () => {
		expect(() => loadWasm(() => ({verify: () => true}))).toThrow(/self-test/);
		expect(() => loadWasm(() => ({verify: () => false}))).toThrow(/self-test/);
	});

	it('forced for real in a fresh process: with the addon and then the wasm module unloadable', async () => {
		const run = promisify(execFile);
		// Makes node-gyp-build (the addon's loader) and then tiny-secp256k1 fail to load.
		const hook = join(tmpdir(), `chain-tui-block-${process.pid}.cjs`);
		writeFileSync(
			hook,
			`const M = require('node:module'); const load = M._load; const blocked = (process.env.BLOCK || '').split(',');
M._load = function (request, ...rest) { if (blocked.some(b => b && request.startsWith(b))) throw new Error('blocked ' + request); return load.call(this, request, ...rest); };`,
		);
		const script = `import(${JSON.stringify(compiledUrl('node/verify/backends.js').href)}).then(m => console.log(m.chooseBackend('auto').backend.name))`;
		const pick = async (block: string) => (await run(process.execPath, ['-r', hook, '-e', script], {env: {...process.env, BLOCK: block}})).stdout.trim();
		if (prebuilt) expect(await pick('')).toBe('native');
		expect(await pick('node-gyp-build')).toBe('wasm');
		expect(await pick('node-gyp-build,tiny-secp256k1')).toBe('noble');
	});
});

describe('the pool with each backend', () => {
	const priv = sha256(new TextEncoder().encode('pool backends'));
	const pub = publicKeyOf(priv);
	const good: SigCheck[] = Array.from({length: 40}, (_, i) => {
		const digest = sha256(Uint8Array.of(3, i));
		return {digest, signature: signDigest(digest, priv), publicKey: pub};
	});
	const badAt = (n: number, at: number) => good.slice(0, n).map((c, i) => (i === at ? {...c, digest: sha256(Uint8Array.of(4, i))} : c));

	it('answers alike in this thread (small batches) and in the workers (large), at and around the cut', async () => {
		for (const name of ['native', 'wasm', 'noble'] as const) {
			if (name === 'native' && !prebuilt) continue;
			const pool = pooledVerifier(name, 2);
			try {
				expect(pool.backend.name).toBe(name);
				const cut = INLINE_BELOW[name];
				for (const n of new Set([1, Math.max(1, cut - 1), Math.max(1, cut), cut + 1, 40])) {
					expect([name, n, await pool.verify(good.slice(0, n))]).toEqual([name, n, true]);
					expect([name, n, await pool.verify(badAt(n, n - 1))]).toEqual([name, n, false]);
				}
			} finally {
				await pool.close();
			}
		}
	});

	it('a node runs the backend it was given and says so over RPC', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'chain-tui-verifier-'));
		const node = await FullNode.open({network: quickNet, datadir: dir, verifyThreads: 1, verifier: 'wasm'});
		try {
			expect(node.verifier.backend?.name).toBe('wasm');
			const info = (await rpcMethods({node, startedAt: 0, stop: () => undefined}).getnetworkinfo!([])) as {verifier: string};
			expect(info.verifier).toBe('wasm');
		} finally {
			await node.close();
			await rm(dir, {recursive: true, force: true});
		}
	});
});
