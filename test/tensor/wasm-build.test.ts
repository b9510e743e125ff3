import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { WASM_MODULES, compileWat, renderModule } from '../../scripts/wasm-build.js';

describe('embedded WebAssembly bytes', () => {
  for (const source of WASM_MODULES) {
    const name = `${source.wat.split('/').pop()} (${source.memory} memory${source.relaxed ? ', relaxed SIMD' : ''})`;
    it(`equal a fresh build of ${name} (run \`npm run build:wasm\` after editing the .wat)`, async () => {
      const fresh = await compileWat(source.wat, source.memory, source.relaxed);
      const generated = (await import(source.generated)) as Record<string, string>;
      expect(Array.from(Buffer.from(generated[source.constant], 'base64'))).toEqual(Array.from(fresh));
      expect(readFileSync(source.generated, 'utf8')).toBe(renderModule(fresh, source));
    });
  }
});
