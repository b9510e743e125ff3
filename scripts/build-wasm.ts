/** `npm run build:wasm`: regenerates each src/tensor/kernels/wasm/*-bytes.ts from its .wat. */
import { writeFileSync } from 'node:fs';
import { WASM_MODULES, compileWat, renderModule } from './wasm-build.js';

for (const source of WASM_MODULES) {
  const bytes = await compileWat(source.wat, source.memory, source.relaxed);
  writeFileSync(source.generated, renderModule(bytes, source));
  console.log(`build:wasm: ${source.wat} (${source.memory} memory${source.relaxed ? ', relaxed SIMD' : ''}) → ${source.generated} (${bytes.length} bytes)`);
}
