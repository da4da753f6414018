/**
 * The wire inspector on a real terminal (tmux): `i` opens it, a peer that connects meanwhile shows
 * its version (a hostile user agent drawn escaped, never acted on) and a ping answered by a pong;
 * Esc closes it. Needs dist/ (npm run build).
 */
import {afterAll, expect, it} from 'vitest';
import {regtest} from '../../source/node/consensus/networks.js';
import {freePort} from '../helpers/proc.js';
import {RawPeer, versionMessage} from '../helpers/raw-peer.js';
import {TmuxScreen, checkWholeFrame} from '../helpers/tmux-screen.js';

const screens: TmuxScreen[] = [];
const peers: RawPeer[] = [];
afterAll(() => {
	for (const p of peers) p.close();
	for (const s of screens) s.close();
});

/** OSC 52 that would put "hello" on the clipboard, and a screen clear. */
const HOSTILE = '/evil\x1b]52;c;aGVsbG8=\x07\x1b[2J/';

it('i opens the wire inspector; a peer connecting shows its version and a ping and pong; Esc closes it', async () => {
	const port = await freePort();
	const tmux = new TmuxScreen();
	screens.push(tmux);
	const size = {columns: 100, rows: 30};
	await tmux.start({...size, args: ['--network', 'regtest', '--port', String(port), '--datadir', '{datadir}', '--no-rpc']});
	tmux.keys('i');
	await tmux.until(s => s.includes('i wire') && s.includes('no messages yet'), 'the inspector, empty');

	const mark = tmux.mark();
	const peer = await RawPeer.connect(port, regtest);
	peers.push(peer);
	peer.send(versionMessage({nonce: 7n, agent: HOSTILE}));
	peer.send({type: 'verack'});
	await peer.waitFor(() => peer.received.some(m => m.type === 'verack'), 'verack');
	peer.send({type: 'ping', nonce: 0x77n});
	const screen = await tmux.until(s => /→ \S+\s+version\s+\d+ version 70016/.test(s) && /← \S+\s+ping\s+8 ping nonce 0000000000000077/.test(s) && /→ \S+\s+pong\s+8 pong nonce 0000000000000077/.test(s), 'version, ping and pong in the inspector');
	expect(checkWholeFrame(screen, size)).toEqual([]);
	// Our peer's version, its agent escaped: control pictures drawn, nothing sent to the terminal raw.
	expect(screen.join('\n')).toMatch(/← \S+\s+version\s+\d+ version 70016 \/evil␛]52;c;aGVsbG8=␇␛\[2J\/ h=0/);
	const bytes = tmux.bytesSince(mark);
	expect(bytes.includes(Buffer.from('\x1b]52;c;aGVsbG8='))).toBe(false);

	tmux.keys('Escape');
	await tmux.until(s => !s.includes('i wire') && s.includes('1 chain'), 'the inspector closed');
}, 30_000);
