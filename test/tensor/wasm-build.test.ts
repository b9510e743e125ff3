import { describe, expect, it } from 'vitest';
import { WASM_MODULES, compileWat, renderModule } from '../../scripts/wasm-build.js';
import { readFileSync } from 'node:fs';
import { matmulWasmBytes } from '../../src/tensor/kernels/wasm/wasm-kernels.js';
import { updatesWasmBytes } from '../../src/tensor/kernels/wasm/updates-kernels.js';

const embedded: Record<string, () => Uint8Array> = {
  'matmul.wat': matmulWasmBytes,
  'updates.wat': updatesWasmBytes,
};

describe('embedded WebAssembly bytes', () => {
  for (const source of WASM_MODULES) {
    const name = source.wat.split('/').pop() as string;
    it(`equal a fresh build of ${name} (run \`npm run build:wasm\` after editing the .wat)`, async () => {
      const fresh = await compileWat(source.wat);
      expect(Array.from(embedded[name]())).toEqual(Array.from(fresh));
      expect(readFileSync(source.generated, 'utf8')).toBe(renderModule(fresh, source));
    });
  }
});
