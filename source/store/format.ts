/** Short, readable renderings for the screen. */
import {formatAmount} from '../node/wallet/amount.js';

export function coins(units: bigint): string {
	return formatAmount(units);
}

export function ago(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	if (s < 60) return `${s}s ago`;
	if (s < 3600) return `${Math.floor(s / 60)}m ago`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
	return `${Math.floor(s / 86_400)}d ago`;
}

export function duration(seconds: number): string {
	if (!Number.isFinite(seconds)) return '—';
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
	return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

export function bytes(n: number): string {
	if (n < 1000) return `${n} B`;
	if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
	return `${(n / 1_000_000).toFixed(1)} MB`;
}

export function hashRate(h: number): string {
	if (h < 1000) return `${h.toFixed(0)} H/s`;
	if (h < 1e6) return `${(h / 1e3).toFixed(1)} kH/s`;
	if (h < 1e9) return `${(h / 1e6).toFixed(2)} MH/s`;
	return `${(h / 1e9).toFixed(2)} GH/s`;
}

export function clock(time: number): string {
	return new Date(time * 1000).toISOString().slice(11, 19);
}
