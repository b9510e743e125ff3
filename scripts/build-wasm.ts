/** `npm run build:wasm`: regenerates src/tensor/kernels/wasm/matmul-bytes.ts from matmul.wat. */
import { writeFileSync } from 'node:fs';
import { GENERATED_PATH, WAT_PATH, compileWat, renderModule } from './wasm-build.js';

const bytes = await compileWat(WAT_PATH);
writeFileSync(GENERATED_PATH, renderModule(bytes));
console.log(`build:wasm: ${WAT_PATH} → ${GENERATED_PATH} (${bytes.length} bytes)`);
