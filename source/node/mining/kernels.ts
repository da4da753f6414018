/**
 * Which hashing kernel the miner runs: the 4-lane WebAssembly SIMD one where the runtime has
 * WebAssembly SIMD, else the JavaScript loop. Both scan the same way and give the same nonces.
 */
import {HeaderScanner} from './sha256-kernel.js';
import {SimdScanner, simdSupported} from './simd-kernel.js';

export type KernelName = 'simd' | 'js';
export type KernelChoice = 'auto' | KernelName;
export const KERNEL_CHOICES: readonly KernelChoice[] = ['auto', 'simd', 'js'];

/** Scans a nonce range of one header for a hash at or below the target. */
export interface NonceScanner {
	/** The first nonce in [from, from + count) (wrapping at 2^32) that meets the target, or -1. */
	scan(from: number, count: number): number;
}

/** Resolves a choice to a kernel this runtime can run; asking for SIMD where there is none is an error. */
export function chooseKernel(choice: KernelChoice = 'auto', supported: boolean = simdSupported()): KernelName {
	if (!KERNEL_CHOICES.includes(choice)) throw new RangeError(`unknown mining kernel "${String(choice)}": use ${KERNEL_CHOICES.join(', ')}`);
	if (choice === 'js') return 'js';
	if (supported) return 'simd';
	if (choice === 'simd') throw new Error('this runtime has no WebAssembly SIMD: use --kernel js (or auto)');
	return 'js';
}

export function createScanner(kernel: KernelName, header: Uint8Array, target: bigint): NonceScanner {
	return kernel === 'simd' ? new SimdScanner(header, target) : new HeaderScanner(header, target);
}
