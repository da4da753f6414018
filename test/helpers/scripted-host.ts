/** A host on 127.0.0.1 that answers the handshake, getheaders with all of `blocks`' headers, and getdata with the blocks `serves` allows: nothing more. */
import {createServer, type Socket} from 'node:net';
import {encodeMessage} from '../../source/node/net/framer.js';
import {PROTOCOL_VERSION, type Message} from '../../source/node/net/messages.js';
import {Parser} from '../../source/node/net/parser.js';
import {hashToHex} from '../../source/node/encoding/hex.js';
import type {Block} from '../../source/node/primitives/block.js';
import {quickNet} from './chain-env.js';

export interface ScriptedHost {
	readonly port: number;
	/** Whether a connection to it has closed. */
	closed(): boolean;
	close(): Promise<void>;
}

export async function scriptedHost(blocks: readonly Block[], options: {serves?: (height: number) => boolean; agent?: string} = {}): Promise<ScriptedHost> {
	const serves = options.serves ?? (() => true);
	let closed = false;
	const sockets = new Set<Socket>();
	const server = createServer(socket => {
		sockets.add(socket);
		const parser = new Parser(quickNet.magic);
		const send = (msg: Message) => socket.write(encodeMessage(quickNet.magic, msg));
		socket.on('error', () => undefined);
		socket.on('close', () => {
			closed = true;
			sockets.delete(socket);
		});
		socket.on('data', data => {
			for (const r of parser.feed(new Uint8Array(data))) {
				if (r.kind !== 'message') continue;
				const m = r.message;
				if (m.type === 'version') {
					send({type: 'version', version: PROTOCOL_VERSION, services: 1n, time: 0n, recv: m.from, from: {services: 1n, host: '0.0.0.0', port: 0}, nonce: 77n, agent: options.agent ?? '/scripted/', height: blocks.length, relay: true});
					send({type: 'verack'});
				} else if (m.type === 'getheaders') send({type: 'headers', headers: blocks.map(b => b.header)});
				else if (m.type === 'getdata') {
					for (const item of m.items) {
						const i = blocks.findIndex(b => b.hashHex() === hashToHex(item.hash));
						if (i >= 0 && serves(i + 1)) send({type: 'block', block: blocks[i]!});
					}
				}
			}
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as {port: number}).port,
		closed: () => closed,
		close: () =>
			new Promise<void>(resolve => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}
