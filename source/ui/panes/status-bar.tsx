import React from 'react';
import {Text} from 'ink';
import stringWidth from 'string-width';
import type {PaymentRow, Snapshot} from '../../store/snapshot.js';
import {coins, duration, hashRate} from '../../store/format.js';
import {middle} from '../lists/columns.js';
import {sanitize} from '../terminal/sanitize.js';
import {useColor} from '../theme.js';

export interface StatusBarProps {
	readonly snapshot: Pick<Snapshot, 'network' | 'height' | 'tip' | 'sync' | 'peers' | 'miner' | 'datadir' | 'port' | 'payments' | 'now'> & Partial<Pick<Snapshot, 'stake'>>;
	readonly width: number;
}

interface Segment {
	readonly text: string;
	/** A shorter form, taken before the segment is dropped. */
	readonly short?: string;
	readonly color?: string | undefined;
	readonly dim?: boolean;
	readonly bold?: boolean;
	/** Higher stays longer when the line is short of room. */
	readonly priority: number;
}

/** Payments stay in the bar until six confirmations or ten minutes. */
function recentPayment(payments: readonly PaymentRow[], height: number, now: number): {row: PaymentRow; confirmations: number} | null {
	const row = payments[payments.length - 1];
	if (!row) return null;
	const confirmations = row.height === null ? 0 : height - row.height + 1;
	return confirmations < 6 && now - row.time < 600 ? {row, confirmations} : null;
}

/**
 * The segments that fit in `width`, in their order: from the lowest priority up, each takes its
 * short form if it has one, and goes if that is still too long.
 */
export function fitSegments<T extends {text: string; short?: string; priority: number}>(segments: readonly T[], width: number, separator = ' · '): T[] {
	let shown = [...segments];
	const need = (s: readonly T[]) => s.reduce((n, x) => n + stringWidth(x.text), 0) + stringWidth(separator) * Math.max(0, s.length - 1);
	for (const seg of [...segments].sort((a, b) => a.priority - b.priority)) {
		if (need(shown) <= width || shown.length === 1) break;
		if (seg.short !== undefined) {
			const shorter = {...seg, text: seg.short};
			shown = shown.map(x => (x === seg ? shorter : x));
			if (need(shown) <= width) break;
			shown = shown.filter(x => x !== shorter);
		} else shown = shown.filter(x => x !== seg);
	}
	return shown;
}

/** One row: network, height, sync, peers, mining, a payment just received, tip, port, datadir. */
export function StatusBar({snapshot: s, width}: StatusBarProps) {
	const color = useColor();
	const inbound = s.peers.filter(p => p.direction === 'inbound').length;
	const outbound = s.peers.length - inbound;
	const sync = s.sync;
	const fraction = sync.headers > 0 ? Math.min(1, sync.blocks / sync.headers) : 1;
	const bar = (n: number) => '█'.repeat(Math.round(fraction * n)) + '░'.repeat(n - Math.round(fraction * n));
	const paid = recentPayment(s.payments, s.height, s.now);
	const segments: Segment[] = [
		{text: `chain-tui ${s.network}`, bold: true, color: color('cyan'), priority: 100},
		{text: `height ${s.height}`, bold: true, priority: 99},
		sync.synced
			? {text: 'synced', color: color('green'), priority: 90}
			: {text: `sync ${bar(10)} ${Math.floor(fraction * 100)}% ${sync.blocks}/${sync.headers} · ${sync.rate.toFixed(1)} blk/s · ETA ${duration(sync.eta)}`, color: color('yellow'), priority: 90},
		{text: `peers ${inbound} in ${outbound} out`, short: `peers ${inbound}/${outbound}`, priority: 80},
		// On proof of stake: staking (won) once the bootstrap is mined, the miner while it is mined.
		s.stake && !s.miner.running
			? s.stake.enabled
				? {text: s.stake.reason === null ? `staking · won ${s.stake.won}` : `staking (${s.stake.reason})`, short: 'staking', color: color('yellow'), priority: 70}
				: {text: 'staking off', dim: true, priority: 70}
			: s.miner.running ? {text: `mining ${s.miner.pacedSeconds === null ? hashRate(s.miner.rate) : '(paced)'}`, short: s.miner.pacedSeconds === null ? hashRate(s.miner.rate) : 'mining', color: color('yellow'), priority: 70} : {text: 'mining off', dim: true, priority: 70},
		...(paid
			? [
					{
						text: `received ${coins(paid.row.amount)} to ${sanitize(paid.row.label)} (${paid.confirmations === 0 ? 'unconfirmed' : `${paid.confirmations} conf`})`,
						short: `+${coins(paid.row.amount)} (${paid.confirmations} conf)`,
						color: color('green'),
						bold: true,
						priority: 75,
					},
				]
			: []),
		{text: `tip ${middle(s.tip.hash, 15)}`, priority: 40},
		{text: `port ${s.port}`, dim: true, priority: 30},
		{text: `datadir ${s.datadir}`, dim: true, priority: 10},
	];
	const shown = fitSegments(segments, width);
	return (
		<Text wrap="truncate-end">
			{shown.map((seg, i) => (
				<Text key={i}>
					{i > 0 ? <Text dimColor> · </Text> : null}
					<Text color={seg.color} dimColor={seg.dim} bold={seg.bold}>
						{seg.text}
					</Text>
				</Text>
			))}
		</Text>
	);
}
