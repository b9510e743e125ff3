import { CONV_WASM_BASE64 } from './conv-bytes.js';
import { CONV_RELAXED_WASM_BASE64 } from './conv-relaxed-bytes.js';
import { CONV_RELAXED_SHARED_WASM_BASE64 } from './conv-relaxed-shared-bytes.js';
import { CONV_SHARED_WASM_BASE64 } from './conv-shared-bytes.js';
import { decodeBase64 } from './decode-base64.js';

/*
 * conv.wat as the kernel sets and the worker pool need it: its builds — own or shared memory, each plain or
 * relaxed SIMD (the direct convolutions' 24 multiply-adds fused, like matmul.wat's; only where the runtime
 * validates relaxed SIMD: see relaxedSimdSupported) — and the exports a worker's call job may name. In a file of its own because both the matrix set (whose pool's workers instantiate the
 * shared build) and the convolution set (which calls it) need them.
 */

/** The conv.wat exports a call job may run, by number (the convolution set's job numbers index this). */
export const CONV_JOBS = [
  'convForward', 'convBackwardFilter', 'convBackwardInput', 'maxPool', 'maxPoolBackward',
  'bnSums', 'bnSquaredDeviations', 'bnNormalize', 'bnBackwardSums', 'bnBackwardInput',
] as const;

const cachedBytes: (Uint8Array<ArrayBuffer> | null)[] = [null, null];
const sharedModules: (WebAssembly.Module | null)[] = [null, null];

/** The compiled conv.wat (own-memory build; `relaxed`: its relaxed-SIMD build), decoded once from the embedded base64. */
export function convWasmBytes(relaxed = false): Uint8Array<ArrayBuffer> {
  const i = relaxed ? 1 : 0;
  cachedBytes[i] ??= decodeBase64(relaxed ? CONV_RELAXED_WASM_BASE64 : CONV_WASM_BASE64);
  return cachedBytes[i];
}

/**
 * The shared-memory build of conv.wat (`relaxed`: its relaxed-SIMD build), compiled once (a module holds no
 * state: every kernel set and every worker instantiates it on its own memory).
 */
export function convSharedModule(relaxed = false): WebAssembly.Module {
  const i = relaxed ? 1 : 0;
  sharedModules[i] ??= new WebAssembly.Module(decodeBase64(relaxed ? CONV_RELAXED_SHARED_WASM_BASE64 : CONV_SHARED_WASM_BASE64));
  return sharedModules[i];
}
