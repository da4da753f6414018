/**
 * Which library checks ECDSA signatures: libsecp256k1 through the `secp256k1` package's native
 * addon where it loads, else libsecp256k1 compiled to WebAssembly (tiny-secp256k1), else
 * @noble/secp256k1 (pure JavaScript, always there). Keys and signing stay with noble.
 *
 * Every backend gets what our own checks have already passed: a 64-byte compact r||s (from
 * strict DER), a 32-byte digest and a public key. Each requires low S as libsecp256k1's
 * secp256k1_ecdsa_verify does, and answers false (never throws) on anything malformed.
 */
import {createRequire} from 'node:module';
import {dirname, sep} from 'node:path';
import * as secp from '@noble/secp256k1';

export type BackendName = 'native' | 'wasm' | 'noble';
export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'native', 'wasm', 'noble'];
/** The order `auto` tries. */
export const BACKEND_ORDER: readonly BackendName[] = ['native', 'wasm', 'noble'];

export interface EcdsaBackend {
	readonly name: BackendName;
	/** What runs, for the screen and RPC: library and, for the addon, the file it came from. */
	readonly detail: string;
	/** compact: r||s, 64 bytes; digest: 32 bytes; publicKey: 33 or 65 bytes. Low S required. */
	verify(compact: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
}

const require = createRequire(import.meta.url);

function validShape(compact: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
	return compact.length === 64 && digest.length === 32 && (publicKey.length === 33 || publicKey.length === 65);
}

export const nobleBackend: EcdsaBackend = {
	name: 'noble',
	detail: '@noble/secp256k1 (JavaScript)',
	verify(compact, digest, publicKey) {
		if (!validShape(compact, digest, publicKey)) return false;
		try {
			return secp.verify(compact, digest, publicKey, {prehash: false, lowS: true, format: 'compact'});
		} catch {
			return false;
		}
	},
};

/** The addon's own class (what `secp256k1/bindings` wraps); ecdsaVerify returns 0 for valid. */
interface NativeAddon {
	Secp256k1: new () => {ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, pubkey: Uint8Array): number};
}

/**
 * Where node-gyp-build would load the addon from. Resolved here, not through
 * `require('secp256k1')`, which silently falls back to elliptic (JavaScript) when the addon fails.
 */
export function nativeAddonPath(): string {
	const dir = dirname(require.resolve('secp256k1/package.json'));
	const nodeGypBuild = require('node-gyp-build') as {path(dir: string): string};
	return nodeGypBuild.path(dir);
}

/**
 * The native addon, only from the package's prebuilds/ (shipped in the npm tarball), never from a
 * build/ compiled at install: what we benchmarked and pinned is what runs.
 */
export function loadNative(addonPath: () => string = nativeAddonPath): EcdsaBackend {
	const path = addonPath();
	if (!path.includes(`${sep}prebuilds${sep}`)) throw new Error(`secp256k1 addon at ${path} is not a prebuilt binary`);
	const addon = require(path) as NativeAddon;
	const ctx = new addon.Secp256k1();
	const backend: EcdsaBackend = {
		name: 'native',
		detail: `libsecp256k1, native (${path.split(`${sep}prebuilds${sep}`)[1]})`,
		verify(compact, digest, publicKey) {
			if (!validShape(compact, digest, publicKey)) return false;
			// 1: r or s out of range, 2: bad public key, 3: does not verify (high S included).
			return ctx.ecdsaVerify(compact, digest, publicKey) === 0;
		},
	};
	selfTest(backend);
	return backend;
}

interface TinySecp {
	verify(h: Uint8Array, Q: Uint8Array, signature: Uint8Array, strict?: boolean): boolean;
}

export function loadWasm(load: () => TinySecp = () => require('tiny-secp256k1') as TinySecp): EcdsaBackend {
	const tiny = load();
	const backend: EcdsaBackend = {
		name: 'wasm',
		detail: 'libsecp256k1, WebAssembly (tiny-secp256k1)',
		verify(compact, digest, publicKey) {
			if (!validShape(compact, digest, publicKey)) return false;
			try {
				// strict: no normalising of high S, as libsecp256k1's verify.
				return tiny.verify(digest, publicKey, compact, true);
			} catch {
				return false; // tiny-secp256k1 throws on a bad point or r/s out of range
			}
		},
	};
	selfTest(backend);
	return backend;
}

// A known signature (RFC 6979 by noble: secret key 1, digest 01 02 .. 20), so a backend that loads
// but answers wrongly is refused at start rather than trusted.
const TEST_PUB = secp.etc.hexToBytes('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
const TEST_DIGEST = Uint8Array.from({length: 32}, (_, i) => i + 1);
const TEST_SIG = secp.etc.hexToBytes(
	'd5ebc88d029956fde425fcd18bcd79824ca3d8b1fde30743ec8add79f07abf331d0cbe5f24aac4c3366d72c8f717ff8815fc0074060f168401d7967bbae7a808',
);
function selfTest(backend: EcdsaBackend): void {
	const wrong = TEST_DIGEST.slice();
	wrong[0]! ^= 1;
	if (!backend.verify(TEST_SIG, TEST_DIGEST, TEST_PUB) || backend.verify(TEST_SIG, wrong, TEST_PUB)) {
		throw new Error(`${backend.name} signature backend failed its self-test`);
	}
}

export type BackendLoaders = Record<BackendName, () => EcdsaBackend>;
export const defaultLoaders: BackendLoaders = {native: () => loadNative(), wasm: () => loadWasm(), noble: () => nobleBackend};

export interface BackendSelection {
	readonly backend: EcdsaBackend;
	/** Why each faster backend was passed over (auto only), e.g. "native: no prebuilt binary". */
	readonly skipped: readonly string[];
}

/**
 * Resolves a choice: `auto` takes the first of native, wasm, noble that loads; a named backend
 * that does not load is an error. Loaders are injectable so tests can make each step fail.
 */
export function chooseBackend(choice: BackendChoice = 'auto', loaders: BackendLoaders = defaultLoaders): BackendSelection {
	if (!BACKEND_CHOICES.includes(choice)) throw new RangeError(`unknown verifier "${String(choice)}": use ${BACKEND_CHOICES.join(', ')}`);
	if (choice !== 'auto') {
		try {
			return {backend: loaders[choice](), skipped: []};
		} catch (error) {
			throw new Error(`the ${choice} verifier does not load here: ${(error as Error).message}`);
		}
	}
	const skipped: string[] = [];
	for (const name of BACKEND_ORDER) {
		try {
			return {backend: loaders[name](), skipped};
		} catch (error) {
			skipped.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
		}
	}
	throw new Error(`no signature backend loads: ${skipped.join('; ')}`);
}

const cache = new Map<BackendChoice, EcdsaBackend>();
/** A backend by choice, loaded once per thread (workers load the one the main thread chose). */
export function backendByName(name: BackendChoice): EcdsaBackend {
	let backend = cache.get(name);
	if (!backend) {
		backend = chooseBackend(name).backend;
		cache.set(name, backend);
	}
	return backend;
}
