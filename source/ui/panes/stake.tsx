import React from 'react';
import {Text} from 'ink';
import {clock, duration} from '../../store/format.js';
import type {NotStakingReason, SlotTry, StakeView, WalletView} from '../../store/snapshot.js';
import {useColor} from '../theme.js';
import type {PaneProps, PaneSpec} from './types.js';

/** A weight (coin units) in coins, two decimals: weights are sums and estimates, not amounts to the unit. */
export function weightText(units: bigint): string {
	return (Number(units) / 1e8).toFixed(2);
}

/** A chance as a percentage: two decimals, or two significant digits when smaller. */
export function chanceText(chance: number): string {
	const pct = chance * 100;
	if (pct === 0) return '0%';
	return pct >= 0.01 ? `${pct.toFixed(2)}%` : `${pct.toPrecision(2)}%`;
}

/** Why the staker does not try, said plainly with the key that helps. */
export function notStakingText(reason: NotStakingReason, st: Pick<StakeView, 'powBlocks'>, wallet: Pick<WalletView, 'encrypted' | 'locked'>): string {
	switch (reason) {
		case 'disabled':
			return wallet.encrypted && wallet.locked ? 'off · t starts staking (asks for the passphrase)' : 'off · t starts staking';
		case 'locked':
			return 'locked: t asks for the passphrase';
		case 'bootstrap':
			return `mined bootstrap: blocks 1-${st.powBlocks} are mined (g/m)`;
		case 'no-coins':
			return 'no coin old enough to stake yet';
		case 'syncing':
			return 'catching up with peers: staking waits until synced';
		case 'not-pos':
			return 'not a proof-of-stake network';
	}
}

const BAR = 10;

/**
 * One slot's best kernel as a share of its target on a bar whose middle (│) is the target: under
 * it a coin won. Shares from 0 to 2 fill the bar; more is shown full (and said in numbers).
 */
export function kernelBar(best: number | null, width = BAR): string {
	if (best === null) return ' '.repeat(width);
	const half = Math.floor(width / 2);
	const filled = Math.max(0, Math.min(width, Math.round((best / 2) * width)));
	let out = '';
	for (let i = 0; i < width; i++) out += i < filled ? '█' : i === half ? '│' : '·';
	return out;
}

function SlotRow({t, width}: {readonly t: SlotTry; readonly width: number}) {
	const color = useColor();
	const share = t.best === null ? '—' : t.best >= 100 ? t.best.toExponential(1) : t.best.toFixed(2);
	const bar = width >= 36 ? ` ${kernelBar(t.best)}` : '';
	return (
		<Text wrap="truncate-end">
			<Text dimColor>{clock(t.slot)}</Text> #{t.height}
			{bar} {t.won ? <Text color={color('green')}>{share} ✓ won</Text> : share}
		</Text>
	);
}

/**
 * My stakeable coins and their weight against the network's, my chance per slot and the expected
 * time to a block, blocks won against blocks expected, and the last slots' best kernels against
 * their targets (under 1 wins): why I won, or nobody did.
 */
function StakePane({snapshot, width, rows}: PaneProps) {
	const color = useColor();
	const st = snapshot.stake;
	if (!st) return <Text dimColor>proof of work: nothing to stake</Text>;
	const bootstrap = st.height <= st.powBlocks;
	// The miner is on (m) while the bootstrap is mined: which block it is on.
	const bootstrapLine = snapshot.miner.running && bootstrap ? `mining the bootstrap: block ${st.height} of ${st.powBlocks} (m stops)` : notStakingText('bootstrap', st, snapshot.wallet);
	const state =
		st.reason === null ? (
			<Text color={color('yellow')}>staking</Text>
		) : (
			<Text dimColor={st.reason === 'disabled'} color={st.reason === 'disabled' ? undefined : color('yellow')}>
				{st.reason === 'bootstrap' ? bootstrapLine : notStakingText(st.reason, st, snapshot.wallet)}
			</Text>
		);
	const mine = (
		<>
			<Text bold>{st.coins}</Text> coin{st.coins === 1 ? '' : 's'} · <Text bold>{weightText(st.weight)}</Text> weight
		</>
	);
	// While staking the state is a word and shares the coins' row; a reason has a row of its own.
	const extra = st.reason !== null ? 1 : 0;
	const fixed = 4 + extra + (bootstrap && st.reason !== 'bootstrap' ? 1 : 0);
	const room = Math.max(0, rows - fixed);
	const tries = room === 0 ? [] : st.lastTries.slice(-room).reverse();
	return (
		<>
			{st.reason !== null ? <Text wrap="truncate-end">{state}</Text> : null}
			{bootstrap && st.reason !== 'bootstrap' ? <Text wrap="truncate-end">{bootstrapLine}</Text> : null}
			<Text wrap="truncate-end">
				{st.reason === null ? <>{state} · </> : null}
				{mine}
			</Text>
			<Text wrap="truncate-end">
				network {weightText(st.netWeight)} · chance {chanceText(st.chancePerSlot)} a {st.slot}s slot
			</Text>
			<Text wrap="truncate-end">
				won <Text bold>{st.won}</Text> · expected {st.expected.toFixed(1)} · next block in {st.expectedSeconds === null ? '—' : `~${duration(st.expectedSeconds)}`}
			</Text>
			{tries.length === 0 ? (
				rows > fixed ? (
					<Text dimColor wrap="truncate-end">
						no slot tried yet: best kernel / target shows here (under 1 wins)
					</Text>
				) : null
			) : (
				tries.map(t => <SlotRow key={`${t.slot}:${t.height}`} t={t} width={width} />)
			)}
			<Text dimColor wrap="truncate-end">
				t {st.enabled ? 'stops' : 'starts'} staking · {bootstrap ? (snapshot.regtest ? 'g mines one' : 'm mines') : 'b: BPM into the next block'}
			</Text>
		</>
	);
}

/** On proof-of-stake networks this takes the miner pane's place: its number, key and place in every layout. */
export const stakePane: PaneSpec = {
	id: 'miner',
	number: 5,
	title: 'stake',
	Component: StakePane,
	note: ({snapshot}) => (snapshot.stake && snapshot.stake.slotsTried > 0 ? `${snapshot.stake.slotsTried} slot${snapshot.stake.slotsTried === 1 ? '' : 's'} tried` : undefined),
};
