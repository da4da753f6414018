/**
 * What comes from outside, on a real terminal: a peer whose user agent is made of escape sequences
 * cannot move the cursor, clear the screen or set the clipboard; `y` copies through OSC 52 (tmux
 * with set-clipboard on); a payment to the wallet shows in the status bar with its confirmations;
 * a bracketed paste lands whole in a field with nothing in it acting as a key.
 */
import {afterAll, expect, it} from 'vitest';
import {regtest} from '../../source/node/consensus/networks.js';
import {callRpc} from '../../source/node/rpc/client.js';
import {join} from 'node:path';
import {Proc, freePort} from '../helpers/proc.js';
import {RawPeer, versionMessage} from '../helpers/raw-peer.js';
import {TmuxScreen, checkWholeFrame, eraseSequences} from '../helpers/tmux-screen.js';

const screens: TmuxScreen[] = [];
afterAll(() => {
	for (const s of screens) s.close();
});

/** OSC 52 that would put "hello" on the clipboard, a screen clear, a red colour, a C1 CSI. */
const HOSTILE = '/evil\x1b]52;c;aGVsbG8=\x07\x1b[2J\x1b[31mRED\x9b1;1H/';

it('a hostile user agent is drawn escaped; y copies the tip hash; a payment shows in the status bar; a paste lands whole', async () => {
	const port = await freePort();
	const rpcPort = port + 1000;
	const tmux = new TmuxScreen();
	screens.push(tmux);
	const size = {columns: 120, rows: 40};
	await tmux.start({...size, args: ['--network', 'regtest', '--port', String(port), '--datadir', '{datadir}']});
	tmux.tmux('set-option', '-g', 'set-clipboard', 'on');
	const rpc = (method: string, ...args: string[]) => callRpc({port: rpcPort, datadir: tmux.datadir, method, args});
	const deadline = Date.now() + 20_000;
	while (Date.now() < deadline) {
		try {
			await rpc('getblockcount');
			break;
		} catch {
			await new Promise(resolve => setTimeout(resolve, 100));
		}
	}

	// A peer with a hostile user agent.
	const mark = tmux.mark();
	const peer = await RawPeer.connect(port, regtest);
	peer.send(versionMessage({nonce: 7n, agent: HOSTILE}));
	peer.send({type: 'verack'});
	await peer.waitFor(() => peer.received.some(m => m.type === 'verack'), 'verack');
	tmux.keys('2');
	const shown = await tmux.until(s => s.includes('/evil'), 'the peer on screen');
	// Moving the focus leaves every pane's first row where it was (Ink once added a blank one).
	expect(shown[2]).toMatch(/height\s+hash/);
	tmux.keys('Enter');
	const detail = await tmux.until(s => s.includes('blocks in flight'), 'the peer details');
	// Drawn with every control character replaced (the node keeps printable ASCII of an agent, as
	// Core does; the screen escapes whatever else reaches it), never acted on.
	expect(detail.join('\n')).toContain('/evil?]52;c;aGVsbG8=??[2J?[31mRED?1;1H/');
	const bytes = tmux.bytesSince(mark);
	expect(bytes.includes(Buffer.from('/evil?]52;c;aGVsbG8=??[2J?[31mRED?1;1H/'))).toBe(true);
	expect(bytes.includes(Buffer.from('\x1b]52;c;aGVsbG8='))).toBe(false);
	expect(bytes.includes(Buffer.from('\x1b[31mRED'))).toBe(false);
	expect(eraseSequences(bytes)).toEqual([]);
	expect(checkWholeFrame(await tmux.frame(), size)).toEqual([]);
	tmux.keys('Escape');
	peer.close();

	// y on the chain list copies the tip's hash.
	const address = (await rpc('getnewaddress')).trim();
	await rpc('generatetoaddress', '101', address);
	const tip = (await rpc('getbestblockhash')).trim();
	tmux.keys('1', 'Home');
	await tmux.until(s => s.includes('height 101'), 'height 101');
	tmux.keys('y');
	await tmux.until(s => s.includes('copied'), 'the copy message');
	expect(tmux.tmux('show-buffer').trim()).toBe(tip);

	// A real click (an SGR mouse report, as a terminal sends it) on the chain's third row selects it.
	const rows = await tmux.frame();
	const third = rows.findIndex(r => /^\S\s+99\s/.test(r));
	expect(third).toBeGreaterThan(0);
	tmux.text(`\x1b[<0;10;${third + 1}M\x1b[<0;10;${third + 1}m`);
	await tmux.until(s => !s.includes('1 chain  following'), 'following off after the click');
	tmux.keys('y');
	await tmux.until(() => tmux.tmux('show-buffer').trim() !== tip, 'the clicked row copied');
	expect(tmux.tmux('show-buffer').trim()).toBe((await rpc('getblockhash', '99')).trim());

	// Our own spend (sendtoaddress from this wallet) is no payment received, change and all.
	await rpc('sendtoaddress', (await rpc('getnewaddress')).trim(), '3');
	await tmux.until(s => s.includes('1 tx'), 'our own spend in the mempool pane');
	expect((await tmux.frame())[0]).not.toContain('received');

	// A payment from another node's wallet: the status bar says so, then its confirmations.
	const otherPort = await freePort();
	const other = new Proc(['--network', 'regtest', '--headless', '--port', String(otherPort), '--datadir', join(tmux.dir, 'other'), '--peer', `127.0.0.1:${port}`]);
	try {
		await other.waitFor(/listening on port/);
		const otherRpc = (method: string, ...args: string[]) => callRpc({port: otherPort + 1000, datadir: join(tmux.dir, 'other'), method, args});
		// It syncs our chain first, then mines its own coins on top of it.
		for (let i = 0; i < 200; i++) {
			const count = await otherRpc('getblockcount').catch(() => '-1');
			if (Number(count) >= 101) break;
			await new Promise(resolve => setTimeout(resolve, 100));
		}
		const theirs = (await otherRpc('getnewaddress')).trim();
		await otherRpc('generatetoaddress', '101', theirs);
		await tmux.until(s => s.includes('height 202'), 'the other node\'s blocks');
		const ours = (await rpc('getnewaddress')).trim();
		await otherRpc('sendtoaddress', ours, '12.5');
		await tmux.until(s => /received 12\.5 to \S+ \(unconfirmed\)/.test(s.split('\n')[0] ?? ''), 'the payment in the status bar');
		await rpc('generatetoaddress', '1', address);
		await tmux.until(s => /received 12\.5 to \S+ \(1 conf\)/.test(s.split('\n')[0] ?? ''), 'its first confirmation');
	} finally {
		await other.stop();
	}

	// A bracketed paste with Enter and Esc inside arrives as text only.
	tmux.keys('c');
	await tmux.until(s => s.includes('Clone a chain'), 'the clone form');
	tmux.tmux('set-buffer', '127.0.0.1:1\r\x1b9');
	tmux.tmux('paste-buffer', '-p', '-t', tmux.session);
	const pasted = await tmux.until(s => s.includes('127.0.0.1:19'), 'the pasted text');
	expect(pasted.join('\n')).toContain('Clone a chain');
	expect(pasted.join('\n')).not.toContain('Cloning from');
	tmux.keys('Escape');
	await tmux.until(s => !s.includes('Clone a chain'), 'the form closed');

	// Ctrl-Z gives the terminal back (mouse, paste and the alternate screen off); fg redraws it whole.
	const beforeStop = tmux.mark();
	tmux.keys('C-z');
	await tmux.until(s => /Stopped/.test(s), 'the shell says the job stopped');
	const left = tmux.bytesSince(beforeStop).toString('latin1');
	for (const mode of ['\x1b[?1000l', '\x1b[?1006l', '\x1b[?2004l', '\x1b[?25h', '\x1b[?1049l']) expect(left).toContain(mode);
	tmux.text('fg');
	tmux.keys('Enter');
	const back = await tmux.until(s => /^chain-tui regtest/.test(s), 'the screen back after fg');
	expect(checkWholeFrame(back.length === size.rows ? await tmux.frame() : back, size)).toEqual([]);
	const again = tmux.bytesSince(beforeStop).toString('latin1');
	expect(again.slice(left.length)).toContain('\x1b[?1000h');

	// q: every mode off again on the way out, the shell's screen back. (After a job was stopped and
	// resumed, bash runs no more of its command line, so there is no EXIT line to read here.)
	const beforeQuit = tmux.mark();
	tmux.keys('q');
	await tmux.until(s => s.includes('chain-tui stopped (quit)') && !tmux.alive(), 'the app gone, saying it stopped');
	const out = tmux.bytesSince(beforeQuit).toString('latin1');
	for (const mode of ['\x1b[?1000l', '\x1b[?1006l', '\x1b[?2004l', '\x1b[?25h', '\x1b[?1049l']) expect(out).toContain(mode);
}, 90_000);

it('--no-mouse leaves the mouse to the terminal: mouse reporting is never turned on', async () => {
	const tmux = new TmuxScreen();
	screens.push(tmux);
	const size = {columns: 80, rows: 24};
	await tmux.start({...size, args: ['--network', 'regtest', '--port', String(await freePort()), '--datadir', '{datadir}', '--no-rpc', '--no-mouse']});
	expect(checkWholeFrame(await tmux.frame(), size)).toEqual([]);
	const bytes = tmux.allBytes().toString('latin1');
	expect(bytes).toContain('\x1b[?2004h'); // bracketed paste still on
	expect(bytes).not.toContain('\x1b[?1000h');
	tmux.keys('q');
	await tmux.until(s => s.includes('EXIT 0'), 'exit 0');
}, 60_000);
