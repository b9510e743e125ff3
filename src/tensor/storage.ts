/**
 * Where big tensors get their storage. The kernel layer (backend.ts) registers a provider when it loads —
 * the WebAssembly set's shared memory, where products use tensors in place — so that tensor.ts itself
 * imports no kernels: an app that only builds tensors (data loading, toy data) bundles no WebAssembly.
 */
export type StorageProvider = (floats: number) => Float32Array | null | undefined;

/** Makes a subarray keep its parent's storage alive (see `retainView` in kernels/wasm/arena.ts). */
export type ViewRetainer = (parent: Float32Array, child: Float32Array) => void;

let provider: StorageProvider | null = null;
let retainer: ViewRetainer | null = null;

/** Registers the provider and the view retainer (backend.ts does, at load). */
export function setStorageProvider(p: StorageProvider | null, retain: ViewRetainer | null = null): void {
  provider = p;
  retainer = retain;
}

/**
 * `data.subarray(begin, end)` that keeps `data`'s storage alive as long as it lives — for views kept on
 * their own: a plain subarray of a tensor in the kernels' memory does not.
 */
export function subview(data: Float32Array, begin: number, end?: number): Float32Array {
  const child = data.subarray(begin, end);
  retainer?.(data, child);
  return child;
}

/** Storage for `floats` elements from the provider, or null (then the JS heap). */
export function providedStorage(floats: number): Float32Array | null {
  return provider === null ? null : (provider(floats) ?? null);
}
