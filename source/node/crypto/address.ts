import bs58 from 'bs58';
import bs58check from 'bs58check';
import {equalBytes} from '../encoding/hex.js';
import {sha256d} from './hash.js';

export type AddressErrorCode = 'empty' | 'too-long' | 'bad-base58' | 'bad-checksum' | 'bad-length' | 'other-network' | 'bad-hash';

export class AddressError extends Error {
	override readonly name = 'AddressError';
	constructor(
		readonly code: AddressErrorCode,
		message: string,
	) {
		super(message);
	}
}

/** Base58Check of version byte + 20-byte hash160. */
export function encodeAddress(hash: Uint8Array, version: number): string {
	if (hash.length !== 20) throw new AddressError('bad-hash', 'address hash must be 20 bytes');
	const payload = new Uint8Array(21);
	payload[0] = version;
	payload.set(hash, 1);
	return bs58check.encode(payload);
}

/** Decodes an address of the given network version; every failure says why. */
export function decodeAddress(address: string, version: number): Uint8Array {
	if (typeof address !== 'string' || address.length === 0) throw new AddressError('empty', 'address is empty');
	if (address.length > 64) throw new AddressError('too-long', 'address is too long');
	// Base58 first, then the checksum ourselves: the two failures are told apart by what we
	// checked, not by the words of a library's error.
	const raw = bs58.decodeUnsafe(address);
	if (!raw || raw.length < 5) throw new AddressError('bad-base58', 'address is not valid Base58Check');
	const payload = raw.subarray(0, raw.length - 4);
	if (!equalBytes(sha256d(payload).subarray(0, 4), raw.subarray(raw.length - 4))) throw new AddressError('bad-checksum', 'address checksum does not match (a typo?)');
	if (payload.length !== 21) throw new AddressError('bad-length', `address payload is ${payload.length} bytes, expected 21`);
	if (payload[0] !== version) {
		throw new AddressError('other-network', `address is for another network (version byte ${payload[0]}, expected ${version})`);
	}
	return payload.slice(1);
}
