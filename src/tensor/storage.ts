/**
 * Where big tensors get their storage. The kernel layer (backend.ts) registers a provider when it loads —
 * the WebAssembly set's shared memory, where products use tensors in place — so that tensor.ts itself
 * imports no kernels: an app that only builds tensors (data loading, toy data) bundles no WebAssembly.
 */
export type StorageProvider = (floats: number) => Float32Array | null | undefined;

let provider: StorageProvider | null = null;

/** Registers the provider (backend.ts does, at load). */
export function setStorageProvider(p: StorageProvider | null): void {
  provider = p;
}

/** Storage for `floats` elements from the provider, or null (then the JS heap). */
export function providedStorage(floats: number): Float32Array | null {
  return provider === null ? null : (provider(floats) ?? null);
}
