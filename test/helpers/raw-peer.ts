/** A scripted peer on a raw socket, for feeding a node exactly the bytes a test wants. */
import {connect, type Socket} from 'node:net';
import {encodeMessage} from '../../source/node/net/framer.js';
import {PROTOCOL_VERSION, type Message} from '../../source/node/net/messages.js';
import {Parser} from '../../source/node/net/parser.js';
import type {NetworkParams} from '../../source/node/consensus/networks.js';

/** The version message a raw peer sends: a loopback peer at height 0 that wants relayed transactions. */
export function versionMessage(options: {nonce: bigint; agent?: string}): Message {
	return {
		type: 'version',
		version: PROTOCOL_VERSION,
		services: 1n,
		time: BigInt(Math.floor(Date.now() / 1000)),
		recv: {services: 1n, host: '127.0.0.1', port: 0},
		from: {services: 1n, host: '0.0.0.0', port: 0},
		nonce: options.nonce,
		agent: options.agent ?? '/raw/',
		height: 0,
		relay: true,
	};
}

export class RawPeer {
	readonly received: Message[] = [];
	/** Called with each message as it arrives (after it is added to `received`, if kept). */
	onMessage: ((msg: Message) => void) | null = null;
	/** Keep every message in `received` (true); a long-running peer may turn it off after the handshake. */
	keep = true;
	closed = false;
	private readonly parser: Parser;

	private constructor(
		readonly socket: Socket,
		readonly network: NetworkParams,
	) {
		this.parser = new Parser(network.magic);
		socket.on('data', data => {
			try {
				for (const r of this.parser.feed(new Uint8Array(data))) {
					if (r.kind !== 'message') continue;
					if (this.keep) this.received.push(r.message);
					this.onMessage?.(r.message);
				}
			} catch {
				// the node may answer in another magic; tests look at `closed`
			}
		});
		socket.on('close', () => (this.closed = true));
		socket.on('error', () => (this.closed = true));
	}

	/** `localAddress`: another loopback IP to come from (127.0.0.2 ...: Linux answers on all of 127/8). */
	static connect(port: number, network: NetworkParams, options: {localAddress?: string} = {}): Promise<RawPeer> {
		return new Promise((resolve, reject) => {
			const socket = connect({host: '127.0.0.1', port, ...(options.localAddress ? {localAddress: options.localAddress} : {})}, () => resolve(new RawPeer(socket, network)));
			socket.once('error', reject);
		});
	}

	send(msg: Message): void {
		this.socket.write(encodeMessage(this.network.magic, msg));
	}

	write(bytes: Uint8Array): void {
		this.socket.write(bytes);
	}

	/** version + verack; resolves once the node's verack arrives. */
	async handshake(options: {nonce?: bigint; verack?: boolean} = {}): Promise<void> {
		this.send(versionMessage({nonce: options.nonce ?? 42n}));
		if (options.verack ?? true) this.send({type: 'verack'});
		await this.waitFor(() => this.closed || this.received.some(m => m.type === 'verack'), 'verack from the node');
		if (!this.received.some(m => m.type === 'verack')) throw new Error('the node closed the connection during the handshake');
	}

	async waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
		const deadline = Date.now() + ms;
		while (Date.now() < deadline) {
			if (condition()) return;
			await new Promise(resolve => setTimeout(resolve, 10));
		}
		throw new Error(`timed out waiting for ${what}`);
	}

	waitClosed(ms = 10_000): Promise<void> {
		return this.waitFor(() => this.closed, 'the node to disconnect', ms);
	}

	close(): void {
		this.socket.destroy();
	}
}
