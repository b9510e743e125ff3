import { describe, expect, it } from 'vitest';
import { WASM_MODULES, compileWat, renderModule } from '../../scripts/wasm-build.js';
import { readFileSync } from 'node:fs';
import { matmulWasmBytes } from '../../src/tensor/kernels/wasm/wasm-kernels.js';
import { matmulSharedWasmBytes } from '../../src/tensor/kernels/wasm/thread-pool.js';
import { updatesWasmBytes } from '../../src/tensor/kernels/wasm/updates-kernels.js';
import { convWasmBytes } from '../../src/tensor/kernels/wasm/wasm-conv-kernels.js';

const embedded: Record<string, () => Uint8Array> = {
  'matmul.wat': matmulWasmBytes,
  'matmul.wat shared': matmulSharedWasmBytes,
  'updates.wat': updatesWasmBytes,
  'conv.wat': convWasmBytes,
};

describe('embedded WebAssembly bytes', () => {
  for (const source of WASM_MODULES) {
    const name = (source.wat.split('/').pop() as string) + (source.sharedMemory ? ' shared' : '');
    it(`equal a fresh build of ${name} (run \`npm run build:wasm\` after editing the .wat)`, async () => {
      const fresh = await compileWat(source.wat, source.sharedMemory);
      expect(Array.from(embedded[name]())).toEqual(Array.from(fresh));
      expect(readFileSync(source.generated, 'utf8')).toBe(renderModule(fresh, source));
    });
  }
});
