import type {ScriptErrorCode} from './primitives/sign.js';

/** Malformed bytes: truncated, trailing, over-long or non-canonical input. */
export class EncodingError extends Error {
	override readonly name = 'EncodingError';
}

/**
 * A block, header or transaction that breaks a rule. `reason` is Bitcoin Core's reject reason
 * where one exists; `score` is the misbehaviour score a peer earns for sending it (100 = ban);
 * `scriptError` says which script rule a `mandatory-script-verify-flag-failed` broke, when known.
 */
export class VerifyError extends Error {
	override readonly name = 'VerifyError';
	constructor(
		readonly reason: string,
		readonly score: number,
		readonly kind: 'block' | 'header' | 'tx' = 'block',
		detail?: string,
		readonly scriptError: ScriptErrorCode | null = null,
	) {
		super(detail ? `${reason}: ${detail}` : reason);
	}
}

/** A problem with the datadir: locked by another process, wrong schema, unreadable. */
export class DatadirError extends Error {
	override readonly name = 'DatadirError';
}

/**
 * The chain's storage failed: `corrupt` (a record or block whose checksum, hash or merkle root
 * does not match: never served), `disk-full` (free space under the margin, or ENOSPC),
 * `write-failed` (any other failed write). Callers decide by `code`, never by the message.
 */
export class StorageError extends Error {
	override readonly name = 'StorageError';
	constructor(
		readonly code: 'corrupt' | 'disk-full' | 'write-failed',
		message: string,
	) {
		super(message);
	}
}
