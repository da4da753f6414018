import bs58check from 'bs58check';

export class AddressError extends Error {
	override readonly name = 'AddressError';
}

/** Base58Check of version byte + 20-byte hash160. */
export function encodeAddress(hash: Uint8Array, version: number): string {
	if (hash.length !== 20) throw new AddressError('address hash must be 20 bytes');
	const payload = new Uint8Array(21);
	payload[0] = version;
	payload.set(hash, 1);
	return bs58check.encode(payload);
}

/** Decodes an address of the given network version; every failure says why. */
export function decodeAddress(address: string, version: number): Uint8Array {
	if (typeof address !== 'string' || address.length === 0) throw new AddressError('address is empty');
	if (address.length > 64) throw new AddressError('address is too long');
	let payload: Uint8Array;
	try {
		payload = bs58check.decode(address);
	} catch (error) {
		const msg = String((error as Error).message ?? error);
		if (/checksum/i.test(msg)) throw new AddressError('address checksum does not match (a typo?)');
		throw new AddressError('address is not valid Base58Check');
	}
	if (payload.length !== 21) throw new AddressError(`address payload is ${payload.length} bytes, expected 21`);
	if (payload[0] !== version) {
		throw new AddressError(`address is for another network (version byte ${payload[0]}, expected ${version})`);
	}
	return payload.slice(1);
}
