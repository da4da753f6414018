/**
 * The keystore: one file per node (or shared with --wallet), mode 0600, written atomically
 * (temp file, fsync, rename). An optional passphrase covers every key: scrypt (random salt)
 * derives an AES-256-GCM key; a wrong passphrase fails GCM's check and touches nothing.
 * Node's own crypto does scrypt and AES-GCM, so no dependency is needed for them.
 */
import {createCipheriv, createDecipheriv, randomBytes as nodeRandomBytes, scrypt} from 'node:crypto';
import {open, readFile, rename, copyFile, chmod, mkdir, stat, unlink} from 'node:fs/promises';
import {SerialQueue} from '../util/lock.js';
import {dirname} from 'node:path';
import {fromHex, toHex} from '../encoding/hex.js';
import {generatePrivateKey, isValidPrivateKey, publicKeyOf, type RandomBytes} from '../crypto/keys.js';

/**
 * What went wrong, for code to act on: callers decide by the code, never by the message (which
 * is for people and may be reworded).
 */
export type WalletErrorCode =
	| 'wrong-passphrase'
	| 'bad-passphrase'
	| 'locked'
	| 'not-encrypted'
	| 'already-encrypted'
	| 'bad-unlock-time'
	| 'bad-label'
	| 'unknown-key'
	| 'damaged-file'
	| 'wrong-network'
	| 'file-unreadable'
	| 'file-busy'
	| 'bad-backup-path'
	| 'bad-address'
	| 'no-addresses'
	| 'bad-amount'
	| 'bad-fee-rate'
	| 'bad-bpm'
	| 'insufficient-funds'
	| 'coins-in-use'
	| 'refused';

export class WalletError extends Error {
	override readonly name = 'WalletError';
	constructor(
		readonly code: WalletErrorCode,
		message: string,
	) {
		super(message);
	}
}

/** Signing needs the passphrase first. */
export class WalletLockedError extends WalletError {
	constructor(message: string) {
		super('locked', message);
	}
}

/** A wallet error's code, or null for anything else (an address typo, a bug). */
export function walletErrorCode(error: unknown): WalletErrorCode | null {
	return error instanceof WalletError ? error.code : null;
}

const FORMAT = 'chain-tui-wallet';
const VERSION = 1;
const SCRYPT = {N: 1 << 15, r: 8, p: 1};

interface Sealed {
	readonly iv: string;
	readonly data: string;
	readonly tag: string;
}

interface KeyRecord {
	readonly label: string;
	readonly publicKey: string;
	/** Hex when the keystore is not encrypted, sealed when it is. */
	privateKey: string | Sealed;
	readonly created: number;
}

interface KeystoreFile {
	format: typeof FORMAT;
	version: number;
	network: string;
	encryption: null | {kdf: 'scrypt'; N: number; r: number; p: number; salt: string; check: Sealed};
	keys: KeyRecord[];
	/** The wallet's own unconfirmed transactions (raw hex), announced again after a restart. */
	pending: string[];
	/** Notes on the wallet's transactions by txid (Core's comment and comment_to); absent when none. */
	notes?: Record<string, TxNote>;
}

/** What sendtoaddress's comment and comment_to said about a payment (Core keeps them in the wallet, not the transaction). */
export interface TxNote {
	readonly comment?: string;
	readonly to?: string;
}

/** The pending transactions in the file while a withPending job holds the lock. */
export interface PendingLedger {
	/** Raw hex of every pending transaction in the file (every node's that shares it). */
	readonly pending: readonly string[];
	/** Records a pending transaction, with its note (keyed by `txid`) in the same write. */
	record(hex: string, note?: {readonly txid: string; readonly note: TxNote}): Promise<void>;
	/** Forgets a pending transaction (and the note of `txid`, if given). */
	forget(hex: string, txid?: string): Promise<void>;
}

export interface KeyInfo {
	readonly label: string;
	readonly publicKey: Uint8Array;
	readonly created: number;
}

function seal(key: Buffer, plain: Uint8Array, random: RandomBytes): Sealed {
	const iv = Buffer.from(random(12));
	const cipher = createCipheriv('aes-256-gcm', key, iv);
	const data = Buffer.concat([cipher.update(plain), cipher.final()]);
	return {iv: iv.toString('hex'), data: data.toString('hex'), tag: cipher.getAuthTag().toString('hex')};
}

function unseal(key: Buffer, sealed: Sealed): Uint8Array | null {
	try {
		const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'hex'));
		decipher.setAuthTag(Buffer.from(sealed.tag, 'hex'));
		return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(sealed.data, 'hex')), decipher.final()]));
	} catch {
		return null;
	}
}

const CHECK = new TextEncoder().encode('chain-tui passphrase check');

function isHex(s: unknown, bytes?: number): s is string {
	return typeof s === 'string' && /^[0-9a-f]*$/.test(s) && s.length % 2 === 0 && (bytes === undefined || s.length === bytes * 2);
}

function isSealed(v: unknown): v is Sealed {
	const s = v as Sealed;
	return typeof s === 'object' && s !== null && isHex(s.iv, 12) && isHex(s.data) && isHex(s.tag, 16);
}

/** Checks a parsed file field by field: a hand-edited or damaged file gets a plain error. */
function validate(raw: unknown, path: string): KeystoreFile {
	const bad = (what: string) => new WalletError('damaged-file', `wallet file ${path} is damaged: ${what}`);
	const f = raw as KeystoreFile;
	if (typeof f !== 'object' || f === null || f.format !== FORMAT) throw bad('not a chain-tui wallet');
	if (f.version !== VERSION) throw new WalletError('damaged-file', `wallet file ${path} has version ${String(f.version)}; this chain-tui reads version ${VERSION}`);
	if (typeof f.network !== 'string') throw bad('no network');
	if (f.encryption !== null) {
		const e = f.encryption;
		if (typeof e !== 'object' || e.kdf !== 'scrypt' || !isHex(e.salt, 16) || !isSealed(e.check)) throw bad('encryption header');
		if (![e.N, e.r, e.p].every(n => Number.isInteger(n) && n > 0) || e.N > 1 << 20) throw bad('scrypt parameters');
	}
	if (!Array.isArray(f.keys)) throw bad('no key list');
	for (const k of f.keys) {
		if (typeof k !== 'object' || k === null || typeof k.label !== 'string' || !isHex(k.publicKey, 33) || !Number.isInteger(k.created)) throw bad('a key record');
		if (f.encryption ? !isSealed(k.privateKey) : !isHex(k.privateKey, 32)) throw bad(`the private key of "${k.label}"`);
	}
	if (!Array.isArray(f.pending) || !f.pending.every(t => isHex(t))) throw bad('pending transactions');
	if (f.notes !== undefined) {
		const ok = (n: TxNote) => typeof n === 'object' && n !== null && (n.comment === undefined || typeof n.comment === 'string') && (n.to === undefined || typeof n.to === 'string');
		if (typeof f.notes !== 'object' || f.notes === null || !Object.entries(f.notes).every(([txid, n]) => isHex(txid, 32) && ok(n))) throw bad('transaction notes');
	}
	return f;
}

export class Keystore {
	private readonly queue = new SerialQueue();
	private unlocked: Map<string, Uint8Array> | null = null;
	private lockTimer: NodeJS.Timeout | undefined;

	private constructor(
		readonly path: string,
		private file: KeystoreFile,
		private readonly random: RandomBytes,
		private readonly now: () => number,
	) {}

	/** Opens the keystore at `path`, creating an empty unencrypted one if there is none. */
	static async open(path: string, network: string, options: {random?: RandomBytes; now?: () => number} = {}): Promise<Keystore> {
		const random = options.random ?? ((n: number) => new Uint8Array(nodeRandomBytes(n)));
		const now = options.now ?? (() => Math.floor(Date.now() / 1000));
		const empty: KeystoreFile = {format: FORMAT, version: VERSION, network, encryption: null, keys: [], pending: []};
		const store = new Keystore(path, (await readKeystore(path, network)) ?? empty, random, now);
		// Creates the file if there was none (under the lock, in case another node does too).
		await store.mutate(() => undefined);
		return store;
	}

	/**
	 * Runs `job` holding the file lock (several nodes may share one wallet file) with the file
	 * read afresh; one job at a time within this process too.
	 */
	private exclusive<T>(job: () => Promise<T>): Promise<T> {
		return this.queue.run(() =>
			withFileLock(`${this.path}.lock`, async () => {
				const disk = await readKeystore(this.path, this.file.network);
				if (disk) {
					// Another node re-encrypted it: keys unlocked under the old passphrase are stale.
					if (disk.encryption?.salt !== this.file.encryption?.salt) this.lock();
					this.file = disk;
				}
				return job();
			}),
		);
	}

	/** Every change: under the lock, apply `change` to the fresh file and write it atomically. */
	private mutate<T>(change: () => T | Promise<T>): Promise<T> {
		return this.exclusive(async () => {
			const previous = structuredClone(this.file);
			try {
				const result = await change();
				await this.write();
				return result;
			} catch (error) {
				this.file = previous;
				throw error;
			}
		});
	}

	/**
	 * Runs `job` holding the file lock, with every pending transaction in the file as it is now
	 * (other nodes' too). A send chooses coins, records its transaction and submits it inside one
	 * such job, so no node sharing the file can choose the same coins meanwhile. `record` and
	 * `forget` write the file at once, still under the lock.
	 */
	withPending<T>(job: (ledger: PendingLedger) => Promise<T>): Promise<T> {
		return this.exclusive(() =>
			job({
				pending: [...this.file.pending],
				record: (hex, note) => this.writePending([...this.file.pending.filter(h => h !== hex), hex], note ? {...this.file.notes, [note.txid]: note.note} : this.file.notes),
				forget: (hex, txid) => {
					const notes = {...this.file.notes};
					if (txid !== undefined) delete notes[txid];
					return this.writePending(this.file.pending.filter(h => h !== hex), Object.keys(notes).length > 0 ? notes : undefined);
				},
			}),
		);
	}

	private async writePending(pending: string[], notes: Record<string, TxNote> | undefined): Promise<void> {
		const previous = {pending: this.file.pending, notes: this.file.notes};
		this.file.pending = pending;
		if (notes === undefined) delete this.file.notes;
		else this.file.notes = notes;
		try {
			await this.write();
		} catch (error) {
			this.file.pending = previous.pending;
			if (previous.notes === undefined) delete this.file.notes;
			else this.file.notes = previous.notes;
			throw error;
		}
	}

	/** The note kept on a transaction of this wallet (sendtoaddress's comment and comment_to). */
	note(txid: string): TxNote | undefined {
		return this.file.notes?.[txid];
	}

	/** Re-reads the file, for keys another node sharing it has added. */
	async refresh(): Promise<void> {
		await this.queue.run(async () => {
			const disk = await readKeystore(this.path, this.file.network);
			if (!disk) return;
			if (disk.encryption?.salt !== this.file.encryption?.salt) this.lock();
			this.file = disk;
		});
	}

	get encrypted(): boolean {
		return this.file.encryption !== null;
	}

	get locked(): boolean {
		return this.encrypted && this.unlocked === null;
	}

	keys(): KeyInfo[] {
		return this.file.keys.map(k => ({label: k.label, publicKey: fromHex(k.publicKey), created: k.created}));
	}

	get pending(): readonly string[] {
		return this.file.pending;
	}

	/** Writes the file atomically: a temp file in the same folder, fsync'd, then renamed over. */
	private async write(): Promise<void> {
		await mkdir(dirname(this.path), {recursive: true});
		const temp = `${this.path}.${process.pid}.${toHex(this.random(6))}.tmp`;
		const handle = await open(temp, 'w', 0o600);
		try {
			await handle.writeFile(`${JSON.stringify(this.file, null, 1)}\n`);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await chmod(temp, 0o600);
		await rename(temp, this.path);
	}

	/**
	 * scrypt on libuv's thread pool (the async form), so the ~100 ms it takes never stalls the
	 * event loop; same parameters and so the same key as the synchronous form files were made with.
	 */
	private deriveKey(passphrase: string, e: NonNullable<KeystoreFile['encryption']>): Promise<Buffer> {
		return new Promise((resolve, reject) => {
			scrypt(passphrase.normalize('NFKC'), Buffer.from(e.salt, 'hex'), 32, {N: e.N, r: e.r, p: e.p, maxmem: 256 * e.N * e.r}, (error, key) => (error ? reject(error) : resolve(key)));
		});
	}

	/** Decrypts every key with `passphrase`; a wrong one throws and changes nothing. */
	private async openAll(passphrase: string): Promise<{keys: Map<string, Uint8Array>; key: Buffer}> {
		const e = this.file.encryption;
		if (!e) throw new WalletError('not-encrypted', 'the wallet is not encrypted');
		const key = await this.deriveKey(passphrase, e);
		// Another node may have re-encrypted the file while scrypt ran (it was re-read meanwhile).
		const file = this.file.encryption?.salt === e.salt ? this.file : null;
		if (!file) throw new WalletError('wrong-passphrase', 'the passphrase changed meanwhile (another node sharing the wallet file): wrong passphrase');
		if (!unseal(key, e.check)) throw new WalletError('wrong-passphrase', 'wrong passphrase');
		const keys = new Map<string, Uint8Array>();
		for (const k of file.keys) {
			const priv = unseal(key, k.privateKey as Sealed);
			if (!priv || !isValidPrivateKey(priv)) throw new WalletError('damaged-file', `wallet file ${this.path} is damaged: key "${k.label}" does not decrypt`);
			keys.set(k.publicKey, priv);
		}
		return {keys, key};
	}

	/** The private key for a public key; throws WalletLockedError while locked. */
	privateKey(publicKey: Uint8Array): Uint8Array {
		const hex = toHex(publicKey);
		const record = this.file.keys.find(k => k.publicKey === hex);
		if (!record) throw new WalletError('unknown-key', 'that key is not in this wallet');
		if (!this.encrypted) return fromHex(record.privateKey as string);
		const priv = this.unlocked?.get(hex);
		if (!priv) throw new WalletLockedError('the wallet is locked: enter the passphrase to sign');
		return priv;
	}

	/** A new labelled key. An encrypted keystore must be unlocked to add one. */
	async createKey(label: string): Promise<KeyInfo> {
		const clean = label.trim();
		if (clean.length === 0 || clean.length > 64 || /[\u0000-\u001f]/.test(clean)) throw new WalletError('bad-label', 'label must be 1-64 printable characters');
		return this.mutate(() => {
			if (this.locked) throw new WalletLockedError('the wallet is locked: enter the passphrase to create a key');
			const priv = generatePrivateKey(this.random);
			const pub = publicKeyOf(priv);
			let stored: string | Sealed = toHex(priv);
			if (this.file.encryption) {
				stored = seal(this.sessionKey!, priv, this.random);
				this.unlocked!.set(toHex(pub), priv);
			}
			const record: KeyRecord = {label: clean, publicKey: toHex(pub), privateKey: stored, created: this.now()};
			this.file.keys.push(record);
			return {label: clean, publicKey: pub, created: record.created};
		});
	}

	/** The AES key while unlocked (kept only as long as the decrypted keys are). */
	private sessionKey: Buffer | null = null;

	/** Encrypts every key under a new passphrase (the wallet must not be encrypted yet). */
	async encrypt(passphrase: string): Promise<void> {
		checkPassphrase(passphrase);
		await this.mutate(async () => {
			if (this.encrypted) throw new WalletError('already-encrypted', 'the wallet is already encrypted: change the passphrase instead');
			await this.reseal(passphrase, new Map(this.file.keys.map(k => [k.publicKey, fromHex(k.privateKey as string)])));
		});
		this.lock();
	}

	async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
		checkPassphrase(newPassphrase);
		await this.mutate(async () => this.reseal(newPassphrase, (await this.openAll(oldPassphrase)).keys));
		this.lock();
	}

	/** Seals `keys` under `passphrase` with a fresh salt (the caller writes the file). */
	private async reseal(passphrase: string, keys: ReadonlyMap<string, Uint8Array>): Promise<void> {
		const e = {kdf: 'scrypt' as const, ...SCRYPT, salt: toHex(this.random(16)), check: {iv: '', data: '', tag: ''}};
		const key = await this.deriveKey(passphrase, e);
		e.check = seal(key, CHECK, this.random);
		this.file = {...this.file, encryption: e, keys: this.file.keys.map(k => ({...k, privateKey: seal(key, keys.get(k.publicKey)!, this.random)}))};
	}

	/** Holds the decrypted keys for `seconds`, then forgets them. scrypt runs off the event loop. */
	async unlock(passphrase: string, seconds: number): Promise<void> {
		if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 100_000_000) throw new WalletError('bad-unlock-time', 'unlock time must be from 1 second to ~3 years');
		const {keys, key} = await this.openAll(passphrase);
		this.lock();
		this.unlocked = keys;
		this.sessionKey = key;
		this.armLock(Date.now() + seconds * 1000);
	}

	/** setTimeout holds at most ~24.8 days, so long unlocks re-arm in steps. */
	private armLock(deadline: number): void {
		const wait = Math.min(deadline - Date.now(), 2 ** 31 - 1);
		this.lockTimer = setTimeout(() => (Date.now() >= deadline ? this.lock() : this.armLock(deadline)), Math.max(0, wait));
		this.lockTimer.unref();
	}

	/** Forgets decrypted keys now (overwriting them in memory). */
	lock(): void {
		clearTimeout(this.lockTimer);
		for (const key of this.unlocked?.values() ?? []) key.fill(0);
		this.sessionKey?.fill(0);
		this.unlocked = null;
		this.sessionKey = null;
	}

	/** Remembers one of the wallet's unconfirmed transactions (raw hex). */
	async addPending(hex: string): Promise<void> {
		await this.mutate(() => {
			if (!this.file.pending.includes(hex)) this.file.pending.push(hex);
		});
	}

	/** Forgets transactions that were mined or can never be. */
	async removePending(hexes: readonly string[]): Promise<void> {
		if (hexes.length === 0) return;
		const drop = new Set(hexes);
		await this.mutate(() => {
			this.file.pending = this.file.pending.filter(h => !drop.has(h));
		});
	}

	/** A backup is a copy of the file, made 0600 like the original. */
	async backup(destination: string): Promise<void> {
		if (destination === this.path) throw new WalletError('bad-backup-path', 'backup destination is the wallet file itself');
		await copyFile(this.path, destination);
		await chmod(destination, 0o600);
	}

	/** For tests and a clean shutdown. */
	async close(): Promise<void> {
		this.lock();
	}
}

/** The file, validated, or null if there is none. */
async function readKeystore(path: string, network: string): Promise<KeystoreFile | null> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw new WalletError('file-unreadable', `cannot read wallet file ${path}: ${(error as Error).message}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new WalletError('damaged-file', `wallet file ${path} is damaged: not JSON`);
	}
	const file = validate(parsed, path);
	if (file.network !== network) throw new WalletError('wrong-network', `wallet file ${path} is for the ${file.network} network, not ${network}`);
	return file;
}

/** A lock file beside the wallet: held only while one change is written (milliseconds). */
async function withFileLock<T>(lockPath: string, job: () => Promise<T>): Promise<T> {
	await mkdir(dirname(lockPath), {recursive: true});
	const deadline = Date.now() + 10_000;
	for (;;) {
		try {
			const handle = await open(lockPath, 'wx', 0o600);
			await handle.writeFile(String(process.pid));
			await handle.close();
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			// Left by a process that died mid-write: its pid is gone, or the lock is over 30 s old.
			const holder = Number(await readFile(lockPath, 'utf8').catch(() => ''));
			const age = await stat(lockPath).then(s => Date.now() - s.mtimeMs, () => 0);
			// (An empty lock is one whose writer died between creating it and writing its pid.)
			const stale = (holder > 0 && holder !== process.pid && !processAlive(holder)) || (!holder && age > 1000) || age > 30_000;
			if (stale) await unlink(lockPath).catch(() => undefined);
			else if (Date.now() > deadline) throw new WalletError('file-busy', `wallet file is locked by another process (${lockPath})`);
			else await new Promise(resolve => setTimeout(resolve, 20));
		}
	}
	try {
		return await job();
	} finally {
		await unlink(lockPath).catch(() => undefined);
	}
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function checkPassphrase(passphrase: string): void {
	if (typeof passphrase !== 'string' || passphrase.length < 1) throw new WalletError('bad-passphrase', 'passphrase must not be empty');
	if (passphrase.length > 1024) throw new WalletError('bad-passphrase', 'passphrase is too long (1,024 characters at most)');
}
