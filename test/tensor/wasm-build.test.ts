import { describe, expect, it } from 'vitest';
import { compileWat, renderModule, GENERATED_PATH } from '../../scripts/wasm-build.js';
import { readFileSync } from 'node:fs';
import { matmulWasmBytes } from '../../src/tensor/kernels/wasm/wasm-kernels.js';

describe('embedded WebAssembly bytes', () => {
  it('equal a fresh build of matmul.wat (run `npm run build:wasm` after editing the .wat)', async () => {
    const fresh = await compileWat();
    expect(Array.from(matmulWasmBytes())).toEqual(Array.from(fresh));
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(renderModule(fresh));
  });
});
