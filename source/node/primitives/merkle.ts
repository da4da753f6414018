import {concatBytes, equalBytes} from '../encoding/hex.js';
import {sha256d} from '../crypto/hash.js';

/**
 * Bitcoin Core's ComputeMerkleRoot: an odd level repeats its last hash. `mutated` reports the
 * CVE-2012-2459 case, two equal hashes paired at some level, where a block with duplicated
 * transactions has the same root as the honest one.
 */
export function merkleRoot(hashes: readonly Uint8Array[]): {root: Uint8Array; mutated: boolean} {
	if (hashes.length === 0) return {root: new Uint8Array(32), mutated: false};
	let level = hashes.slice();
	let mutated = false;
	while (level.length > 1) {
		for (let i = 0; i + 1 < level.length; i += 2) {
			if (equalBytes(level[i]!, level[i + 1]!)) mutated = true;
		}
		if (level.length & 1) level.push(level[level.length - 1]!);
		const next: Uint8Array[] = [];
		for (let i = 0; i < level.length; i += 2) next.push(sha256d(concatBytes(level[i]!, level[i + 1]!)));
		level = next;
	}
	return {root: level[0]!, mutated};
}
