/**
 * The disk filling up for real: a tmpfs of a few megabytes mounted in a mount namespace of its
 * own (`unshare -m`, root only). A chain adding blocks until LevelDB's write fails with ENOSPC
 * stops with a disk-full StorageError and its 'fatal' event; remounted with more space, it opens
 * with the same tip and carries on, its datadir whole. The real binary refuses to start on a disk
 * under its 50 MB margin, and, running, stops cleanly when the disk fills under it and a block is
 * to be written: "disk full" in its log, exit code 3. Skipped, with the reason, where mounts are refused.
 */
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdir, mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {checkDatadir} from '../helpers/datadir-check.js';
import {cliPath, freePort} from '../helpers/proc.js';
import {key} from '../helpers/builder.js';
import {encodeAddress} from '../../source/node/crypto/address.js';
import {regtest} from '../../source/node/consensus/networks.js';

const script = fileURLToPath(new URL('./fill-disk.mjs', import.meta.url));

/** Whether this process may mount a tmpfs in a namespace of its own; why not, if not. */
function mountProbe(): string | null {
	const dir = spawnSync('mktemp', ['-d'], {encoding: 'utf8'}).stdout.trim();
	const probe = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs '${dir}'`], {encoding: 'utf8'});
	spawnSync('rmdir', [dir]);
	if (probe.error) return `unshare cannot run: ${probe.error.message}`;
	return probe.status === 0 ? null : `mounting a tmpfs inside unshare -m is refused: ${probe.stderr.trim()}`;
}
const refused = mountProbe();
if (refused) console.warn(`skipping the tmpfs disk-full tests: ${refused}`);

/** Runs `sh -c body` in a mount namespace of its own, with $D and $OUT set; its stdout. */
function inNamespace(body: string, env: Record<string, string>, timeoutMs = 240_000): {stdout: string; stderr: string; status: number | null} {
	const result = spawnSync('unshare', ['-m', 'sh', '-c', body], {encoding: 'utf8', env: {...process.env, ...env}, timeout: timeoutMs});
	return {stdout: result.stdout, stderr: result.stderr, status: result.status};
}

const jsonLines = (text: string) =>
	text
		.split('\n')
		.filter(line => line.startsWith('{'))
		.map(line => JSON.parse(line) as Record<string, unknown>);

let home: string;
beforeAll(async () => {
	home = await mkdtemp(join(tmpdir(), 'chain-tui-diskfull-'));
});
afterAll(async () => {
	await rm(home, {recursive: true, force: true});
});

describe.skipIf(refused !== null)('a real disk filling up (tmpfs in unshare -m)', () => {
	it('the chain stops at ENOSPC with a disk-full StorageError; with space again it carries on, nothing lost', async () => {
		expect(existsSync(cliPath), 'run `npm run build` first (npm test does)').toBe(true);
		const out = join(home, 'chain-copy');
		const mnt = join(home, 'mnt-chain');
		await mkdir(mnt);
		// Margin 0: the write goes on until LevelDB itself fails (ENOSPC on its log).
		const run = inNamespace(
			`mount -t tmpfs -o size=3m tmpfs "$D" || exit 90
			node "$SCRIPT" fill "$D/chain" 0; echo "{\\"exit\\": $?}"
			mount -o remount,size=64m "$D" || exit 91
			node "$SCRIPT" resume "$D/chain"; echo "{\\"exit\\": $?}"
			cp -r "$D/chain" "$OUT"`,
			{D: mnt, OUT: out, SCRIPT: script},
		);
		expect(run.status, run.stderr).toBe(0);
		const [filled, firstExit, reopened, extended, secondExit] = jsonLines(run.stdout);
		expect(filled, run.stdout + run.stderr).toMatchObject({code: 'disk-full', fatalEvent: true});
		expect(String(filled!.message)).toMatch(/^disk full: writing to .* failed/);
		expect(firstExit).toEqual({exit: 3});
		expect(Number(filled!.height)).toBeGreaterThan(100); // it did fill 3 MB
		// The tip the failure left is the tip the next start finds; then it carries on.
		expect(reopened).toEqual({height: filled!.height, tip: filled!.tip});
		expect(extended).toEqual({height: Number(filled!.height) + 3});
		expect(secondExit).toEqual({exit: 0});
		expect(await checkDatadir(out)).toMatchObject({height: Number(filled!.height) + 3});
	}, 240_000);

	it('the binary: under the 50 MB margin at start, exit code 3; when the disk fills under it, a clean stop with "disk full", exit code 3', async () => {
		expect(existsSync(cliPath), 'run `npm run build` first (npm test does)').toBe(true);
		const small = join(home, 'mnt-small');
		const big = join(home, 'mnt-big');
		await mkdir(small);
		await mkdir(big);
		const log = join(home, 'node.out');
		const [port, rpcPort] = [String(await freePort()), String(await freePort())];
		// generatetoaddress over JSON-RPC: a block written on demand, once the disk is full.
		const generate = `fetch('http://127.0.0.1:${rpcPort}/', {method: 'POST', headers: {authorization: 'Basic ' + btoa('u:p')}, body: JSON.stringify({jsonrpc: '1.0', id: 1, method: 'generatetoaddress', params: [1, '${encodeAddress(key('disk').hash, regtest.addressVersion)}']})}).then(r => r.text()).then(console.log, e => console.log(String(e)))`;
		const run = inNamespace(
			`mount -t tmpfs -o size=3m tmpfs "$SMALL" || exit 90
			node "$CLI" --network regtest --headless --no-rpc --port "$PORT" --datadir "$SMALL/node" 2>"$OUT.start-err"; echo "{\\"start\\": $?}"
			mount -t tmpfs -o size=64m tmpfs "$BIG" || exit 91
			node "$CLI" --network regtest --headless --port "$PORT" --rpc-port "$RPC_PORT" --rpc-user u --rpc-password p --datadir "$BIG/node" >"$OUT" 2>&1 &
			pid=$!
			i=0; while [ $i -lt 600 ] && ! grep -q "listening on port" "$OUT"; do i=$((i+1)); sleep 0.1; done
			# Leave 40 MB free: under the node's 50 MB margin.
			avail=$(df -k --output=avail "$BIG" | tail -1)
			dd if=/dev/zero of="$BIG/filler" bs=1024 count=$((avail - 40 * 1024)) 2>/dev/null
			# A block at a time until the node stops: its free-space answer may be up to a second old.
			i=0; while [ $i -lt 100 ] && kill -0 $pid 2>/dev/null; do i=$((i+1)); node -e "$GENERATE" >>"$OUT.rpc" 2>&1; done
			i=0; while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null; do i=$((i+1)); sleep 0.1; done
			kill $pid 2>/dev/null
			wait $pid; echo "{\\"running\\": $?}"`,
			{SMALL: small, BIG: big, OUT: log, CLI: cliPath, PORT: port, RPC_PORT: rpcPort, GENERATE: generate},
		);
		expect(run.status, run.stderr).toBe(0);
		const [start, running] = jsonLines(run.stdout);
		const startErr = await readFile(`${log}.start-err`, 'utf8');
		expect(start, startErr).toEqual({start: 3});
		expect(startErr).toMatch(/^chain-tui: disk full: .* free on the disk of .*, under the 50 MB the node keeps free/);
		const said = await readFile(log, 'utf8');
		expect(running, said).toEqual({running: 3});
		expect(said).toMatch(/disk full: under 50 MB free on the disk of .*: shutting down/);
		expect(said).toMatch(/stopped cleanly/);
	}, 240_000);
});
