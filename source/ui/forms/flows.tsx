/**
 * The forms and their steps: create wallet, send (with a confirmation line), record BPM, clone
 * (with progress), add peer, search. Each calls one action and shows its outcome.
 */
import React, {useEffect, useRef, useState} from 'react';
import {Box, Text, useInput} from 'ink';
import type {ScreenActions} from '../../store/actions.js';
import type {CloneResult, PreparedTx, Snapshot, SyncStatus} from '../../store/snapshot.js';
import {checkAddress, checkAmount, checkBpm, checkFeeRate, checkHostPort, checkLabel, checkPassphrasePair} from '../../store/validate.js';
import {ProgressBar} from '../components/progress-bar.js';
import {coins} from '../../store/format.js';
import {middle} from '../lists/columns.js';
import {useColor} from '../theme.js';
import {Form, type Choice} from './form.js';

export interface FlowProps {
	readonly actions: ScreenActions;
	readonly snapshot: Snapshot;
	readonly onDone: () => void;
	readonly addressVersion: number;
	readonly maxMoney: bigint;
}

/** After an action: its outcome, until Enter or Esc. */
function Outcome({lines, onDone, failed = false}: {readonly lines: readonly string[]; readonly onDone: () => void; readonly failed?: boolean}) {
	const color = useColor();
	useInput((_input, key) => {
		if (key.return || key.escape) onDone();
	});
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={failed ? color('red') : color('green')} paddingX={1}>
			{lines.map((line, i) => (
				<Text key={i} color={i === 0 ? (failed ? color('red') : color('green')) : undefined}>
					{line}
				</Text>
			))}
			<Text dimColor>Enter or Esc to close</Text>
		</Box>
	);
}

const fieldErrors = (r: {ok: false; error: string; field?: string}) => ({[r.field ?? '']: r.error});

function addressChoices(snapshot: Snapshot): Choice[] {
	return snapshot.wallet.addresses.map(a => ({value: a.address, label: `${a.label} ${middle(a.address, 15)} (${coins(a.confirmed + a.unconfirmed)})`}));
}

export function CreateWalletFlow({actions, onDone}: FlowProps) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState<string | null>(null);
	const [done, setDone] = useState<string | null>(null);
	if (done) return <Outcome lines={['New address created', done]} onDone={onDone} />;
	return (
		<Form
			title="Create wallet: a new labelled address"
			fields={[
				{name: 'label', label: 'label', validate: checkLabel},
				{name: 'passphrase', label: 'passphrase', mask: true, placeholder: '(optional)'},
				{name: 'repeat', label: 'again', mask: true, validate: (v, all) => checkPassphrasePair(all.passphrase ?? '', v)},
			]}
			errors={errors}
			busy={busy}
			onCancel={onDone}
			onSubmit={async values => {
				setBusy('creating…');
				const r = await actions.createWallet({label: values.label ?? '', passphrase: values.passphrase ?? '', repeat: values.repeat ?? ''});
				setBusy(null);
				if (r.ok) setDone(r.value);
				else setErrors(fieldErrors(r));
			}}
		/>
	);
}

export function SendFlow({actions, snapshot, onDone, addressVersion, maxMoney}: FlowProps) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState<string | null>(null);
	const [prepared, setPrepared] = useState<{tx: PreparedTx; to: string} | null>(null);
	const [result, setResult] = useState<{lines: string[]; failed: boolean} | null>(null);
	const [values, setValues] = useState<Record<string, string>>({});
	const color = useColor();
	const locked = snapshot.wallet.encrypted && snapshot.wallet.locked;
	useInput(
		async (_input, key) => {
			if (!prepared) return;
			if (key.escape) return setPrepared(null);
			if (key.return) {
				setBusy('sending…');
				const r = await actions.broadcast(prepared.tx);
				setBusy(null);
				setPrepared(null);
				setResult(r.ok ? {lines: ['Sent', `txid ${r.value}`, 'it shows in the mempool pane until mined'], failed: false} : {lines: ['Not sent', r.error], failed: true});
			}
		},
		{isActive: prepared !== null && !busy},
	);
	if (result) return <Outcome lines={result.lines} failed={result.failed} onDone={onDone} />;
	if (prepared) {
		const p = prepared.tx;
		return (
			<Box flexDirection="column" borderStyle="round" borderColor={color('yellow')} paddingX={1}>
				<Text bold>Confirm</Text>
				<Text>
					send <Text bold>{coins(p.amount)}</Text> to {prepared.to}
				</Text>
				<Text>
					fee {coins(p.fee)} · total {coins(p.amount + p.fee)} · change {coins(p.change)} · {p.inputs} input{p.inputs > 1 ? 's' : ''}
				</Text>
				<Text dimColor>{busy ?? 'Enter sends · Esc goes back'}</Text>
			</Box>
		);
	}
	const choices = addressChoices(snapshot);
	const balanceOf = (address: string) => {
		const a = snapshot.wallet.addresses.find(x => x.address === address);
		return a ? a.confirmed + a.unconfirmed : undefined;
	};
	return (
		<Form
			title="Send coins"
			initial={{feeRate: '1', ...values}}
			fields={[
				{name: 'from', label: 'from', choices},
				{name: 'to', label: 'to', validate: v => checkAddress(v, addressVersion)},
				{name: 'amount', label: 'amount', placeholder: 'coins, e.g. 1.5', validate: v => checkAmount(v, maxMoney), advise: (v, all) => checkAmount(v, maxMoney, balanceOf(all.from ?? ''))},
				{name: 'feeRate', label: 'fee rate', validate: checkFeeRate},
				...(locked ? [{name: 'passphrase', label: 'passphrase', mask: true, validate: (v: string) => (v ? null : 'the wallet is locked: its passphrase is needed')}] : []),
			]}
			errors={errors}
			busy={busy}
			onCancel={onDone}
			onSubmit={async form => {
				setValues(form);
				if (choices.length === 0) return setErrors({from: 'the wallet has no addresses: press w to create one'});
				if (locked) {
					const u = await actions.unlock(form.passphrase ?? '');
					if (!u.ok) return setErrors(fieldErrors(u));
				}
				setBusy('preparing…');
				const r = await actions.prepareSend({from: form.from ?? '', to: form.to ?? '', amount: form.amount ?? '', feeRate: form.feeRate ?? ''});
				setBusy(null);
				if (r.ok) setPrepared({tx: r.value, to: (form.to ?? '').trim()});
				else setErrors(fieldErrors(r));
			}}
		/>
	);
}

export function BpmFlow({actions, snapshot, onDone}: FlowProps) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState<string | null>(null);
	const [done, setDone] = useState<string | null>(null);
	const locked = snapshot.wallet.encrypted && snapshot.wallet.locked;
	if (done) return <Outcome lines={['BPM reading recorded', `txid ${done}`, 'it shows on the BPM chart once mined']} onDone={onDone} />;
	return (
		<Form
			title="Record a heart-rate (BPM) reading on chain"
			fields={[
				{name: 'address', label: 'address', choices: addressChoices(snapshot)},
				{name: 'bpm', label: 'BPM', placeholder: '20-300', validate: checkBpm},
				...(locked ? [{name: 'passphrase', label: 'passphrase', mask: true, validate: (v: string) => (v ? null : 'the wallet is locked: its passphrase is needed')}] : []),
			]}
			errors={errors}
			busy={busy}
			onCancel={onDone}
			onSubmit={async form => {
				if (!form.address) return setErrors({address: 'the wallet has no addresses: press w to create one'});
				if (locked) {
					const u = await actions.unlock(form.passphrase ?? '');
					if (!u.ok) return setErrors(fieldErrors(u));
				}
				setBusy('recording…');
				const r = await actions.recordBpm({address: form.address, bpm: form.bpm ?? ''});
				setBusy(null);
				if (r.ok) setDone(r.value);
				else setErrors(fieldErrors(r));
			}}
		/>
	);
}

export function CloneFlow({actions, onDone}: FlowProps) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [progress, setProgress] = useState<{host: string; status: SyncStatus | null} | null>(null);
	const [result, setResult] = useState<CloneResult | null>(null);
	const [failure, setFailure] = useState<string | null>(null);
	const abort = useRef<AbortController | null>(null);
	// The clone runs in the background: keys keep working, and Esc cancels it (nothing adopted half-way).
	useInput(
		(_input, key) => {
			if (key.escape) abort.current?.abort();
		},
		{isActive: progress !== null},
	);
	useEffect(() => () => abort.current?.abort(), []);
	if (result) {
		const good = result.outcome === 'adopted' || result.outcome === 'already-have';
		const title = good ? 'Clone finished' : result.outcome === 'cancelled' ? 'Clone cancelled' : 'Clone did not replace the chain';
		return <Outcome lines={[title, result.message, `height ${result.height} · tip ${middle(result.tip, 21)}`]} failed={!good && result.outcome !== 'less-work' && result.outcome !== 'cancelled'} onDone={onDone} />;
	}
	if (failure) return <Outcome lines={['Clone failed', failure]} failed onDone={onDone} />;
	if (progress) {
		const s = progress.status;
		return (
			<Box flexDirection="column" borderStyle="round" paddingX={1}>
				<Text bold>Cloning from {progress.host}</Text>
				<Text>{s === null ? 'connecting…' : s.blocks < s.headers ? `blocks ${s.blocks} of ${s.headers}` : `headers ${s.headers}`}</Text>
				<ProgressBar value={s?.blocks ?? 0} total={Math.max(1, s?.headers ?? 1)} width={40} />
				<Text dimColor>Esc cancels</Text>
			</Box>
		);
	}
	return (
		<Form
			title="Clone a chain from host:port"
			fields={[{name: 'host', label: 'host:port', placeholder: 'e.g. 127.0.0.1:1111', validate: checkHostPort}]}
			errors={errors}
			onCancel={onDone}
			onSubmit={async form => {
				const host = (form.host ?? '').trim();
				const controller = new AbortController();
				abort.current = controller;
				setProgress({host, status: null});
				const r = await actions.clone(host, status => setProgress({host, status}), controller.signal);
				abort.current = null;
				setProgress(null);
				if (r.ok) setResult(r.value);
				else if (r.field === 'host' && checkHostPort(host)) setErrors(fieldErrors(r));
				else setFailure(r.error);
			}}
		/>
	);
}

export function AddPeerFlow({actions, onDone}: FlowProps) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState<string | null>(null);
	const [done, setDone] = useState<string | null>(null);
	if (done) return <Outcome lines={['Peer connected', done]} onDone={onDone} />;
	return (
		<Form
			title="Add a peer"
			fields={[{name: 'host', label: 'host:port', placeholder: 'e.g. 127.0.0.1:1112', validate: checkHostPort}]}
			errors={errors}
			busy={busy}
			onCancel={onDone}
			onSubmit={async form => {
				setBusy('connecting…');
				const r = await actions.addPeer(form.host ?? '');
				setBusy(null);
				if (r.ok) setDone(r.value);
				else setErrors(fieldErrors(r));
			}}
		/>
	);
}

export function SearchFlow({onSearch, onDone}: {readonly onSearch: (query: string) => void; readonly onDone: () => void}) {
	return (
		<Form
			title="Search"
			fields={[{name: 'query', label: 'find', placeholder: 'height, block hash, txid or address', validate: v => (v.trim() ? null : 'type what to look for')}]}
			onCancel={onDone}
			onSubmit={form => onSearch(form.query ?? '')}
		/>
	);
}


/**
 * Staking with a locked wallet: staked blocks are signed by the wallet's keys, so its passphrase
 * unlocks it for as long as staking runs (stopping staking locks it again); then staking starts.
 */
export function StakeFlow({actions, onDone, onStarted}: FlowProps & {readonly onStarted: (text: string) => void}) {
	const [errors, setErrors] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState<string | null>(null);
	return (
		<Form
			title="Start staking: the wallet signs the blocks its coins win"
			fields={[{name: 'passphrase', label: 'passphrase', mask: true, validate: (v: string) => (v ? null : 'the wallet is locked: its passphrase is needed to stake')}]}
			errors={errors}
			busy={busy}
			onCancel={onDone}
			onSubmit={async form => {
				setBusy('unlocking…');
				const r = await actions.startStaking(form.passphrase ?? '');
				setBusy(null);
				if (!r.ok) return setErrors(fieldErrors(r));
				onStarted('staking started');
				onDone();
			}}
		/>
	);
}
