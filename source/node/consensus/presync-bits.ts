/** Interim: replaced by the ASERT module's nextBitsFromTip. */
import type {NetworkParams} from './networks.js';

export function nextBitsFromTip(net: NetworkParams, prev: {height: number; time: number; bits: number}, _anchor: {time: number; bits: number} | null): number | null {
	if (net.noRetarget) return prev.bits;
	if ((prev.height + 1) % net.retargetInterval !== 0) return prev.bits;
	return null;
}
