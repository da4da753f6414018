/**
 * The wire inspector on lab links: each tapped link's messages go into one ring (store/wire.ts),
 * and the news is announced at most every 200 ms however many come. The lab's screen watches one
 * link; node k's view watches every link of node k.
 */
import {linkWireInput, WireRing} from '../store/wire.js';
import type {Link} from './link.js';

const NEWS_MS = 200;

export class LinkWire {
	readonly ring = new WireRing();
	private readonly untaps: (() => void)[] = [];
	private timer: NodeJS.Timeout | undefined;

	/** `onNews` runs once a burst of messages, after NEWS_MS. */
	constructor(private readonly onNews: (ring: WireRing) => void) {}

	/**
	 * Taps `link`, its rows naming `peer`. `flip`: the node watched is the link's target, so the
	 * link's a→b (out from the dialling node) comes in to it.
	 */
	watch(link: Link, peer: string, flip = false): void {
		this.untaps.push(
			link.tap(record => {
				const input = linkWireInput(record, peer);
				this.ring.add(flip ? {...input, direction: input.direction === 'out' ? 'in' : 'out'} : input);
				this.timer ??= setTimeout(() => {
					this.timer = undefined;
					this.onNews(this.ring);
				}, NEWS_MS);
			}),
		);
	}

	/** Every tap let go, nothing more announced. */
	stop(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		for (const untap of this.untaps.splice(0)) untap();
	}
}
