import { CONV_WASM_BASE64 } from './conv-bytes.js';
import { CONV_SHARED_WASM_BASE64 } from './conv-shared-bytes.js';
import { decodeBase64 } from './decode-base64.js';

/*
 * conv.wat as the kernel sets and the worker pool need it: its two builds, and the exports a worker's call
 * job may name. In a file of its own because both the matrix set (whose pool's workers instantiate the
 * shared build) and the convolution set (which calls it) need them.
 */

/** The conv.wat exports a call job may run, by number (the convolution set's job numbers index this). */
export const CONV_JOBS = [
  'convForward', 'convBackwardFilter', 'convBackwardInput', 'maxPool', 'maxPoolBackward',
  'bnSums', 'bnSquaredDeviations', 'bnNormalize', 'bnBackwardSums', 'bnBackwardInput',
] as const;

let cachedBytes: Uint8Array<ArrayBuffer> | null = null;
let sharedModule: WebAssembly.Module | null = null;

/** The compiled conv.wat (own-memory build), decoded once from the embedded base64. */
export function convWasmBytes(): Uint8Array<ArrayBuffer> {
  cachedBytes ??= decodeBase64(CONV_WASM_BASE64);
  return cachedBytes;
}

/**
 * The shared-memory build of conv.wat, compiled once (a module holds no state: every kernel set and every
 * worker instantiates it on its own memory).
 */
export function convSharedModule(): WebAssembly.Module {
  sharedModule ??= new WebAssembly.Module(decodeBase64(CONV_SHARED_WASM_BASE64));
  return sharedModule;
}
