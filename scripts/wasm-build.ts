/**
 * Compiles the readable WebAssembly text kernels (src/tensor/kernels/wasm/*.wat) to bytes with wabt, and
 * renders the TypeScript modules that embed them as base64 (so src/ loads them with no filesystem or
 * network access, in Node and browsers). Used by `npm run build:wasm` and by the test that proves the
 * embedded bytes equal a fresh build.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const dir = (file: string) => fileURLToPath(new URL(`../src/tensor/kernels/wasm/${file}`, import.meta.url));

/** One embedded module: its .wat source, the generated .ts, and the base64 constant that file exports. */
export interface WasmModuleSource {
  readonly wat: string;
  readonly generated: string;
  readonly constant: string;
  /**
   * Which memory the build uses: `'imported'` (a plain memory imported as `env.memory`, so several modules
   * compute in one memory), `'shared'` (the same, shared, for worker threads) or `'own'` (the module's
   * own exported memory, as written in the .wat).
   */
  readonly memory: MemoryVariant;
  /**
   * Build with relaxed SIMD: every vector multiply-add `(f32x4.add (local.get $acc) (f32x4.mul x y))`
   * becomes `(f32x4.relaxed_madd x y (local.get $acc))`, a fused multiply-add where the CPU has one.
   */
  readonly relaxed?: boolean;
}

/** A vector operand as the kernels write them: a local, or a (splat) load from a local address. */
const OPERAND = String.raw`\((?:local\.get \$\w+|v128\.load(?:32_splat)?(?: offset=\d+)? \(local\.get \$\w+\))\)`;
const MULTIPLY_ADD = new RegExp(String.raw`\(f32x4\.add \(local\.get (\$\w+)\)\s*\(f32x4\.mul (${OPERAND}) (${OPERAND})\)\)`, 'g');

/** The relaxed-SIMD text of a kernel: its multiply-adds fused (see {@link WasmModuleSource.relaxed}). */
export function relaxWat(text: string): { text: string; replaced: number } {
  let replaced = 0;
  const out = text.replace(MULTIPLY_ADD, (_, acc: string, x: string, y: string) => {
    replaced++;
    return `(f32x4.relaxed_madd ${x} ${y} (local.get ${acc}))`;
  });
  return { text: out, replaced };
}

/** See {@link WasmModuleSource.memory}. */
export type MemoryVariant = 'imported' | 'shared' | 'own';

/**
 * The memory declaration each .wat source has (so it reads, and runs, standalone), and what each build
 * puts in its place.
 */
const OWN_MEMORY = '(memory (export "memory") 1)';
const MEMORY_IMPORTS: Record<MemoryVariant, string> = {
  own: OWN_MEMORY,
  imported: '(import "env" "memory" (memory 1))',
  shared: '(import "env" "memory" (memory 1 32768 shared))',
};

/** Every embedded module. */
export const WASM_MODULES: readonly WasmModuleSource[] = [
  { wat: dir('matmul.wat'), generated: dir('matmul-bytes.ts'), constant: 'MATMUL_WASM_BASE64', memory: 'imported' },
  { wat: dir('matmul.wat'), generated: dir('matmul-shared-bytes.ts'), constant: 'MATMUL_SHARED_WASM_BASE64', memory: 'shared' },
  { wat: dir('matmul.wat'), generated: dir('matmul-relaxed-bytes.ts'), constant: 'MATMUL_RELAXED_WASM_BASE64', memory: 'imported', relaxed: true },
  { wat: dir('matmul.wat'), generated: dir('matmul-relaxed-shared-bytes.ts'), constant: 'MATMUL_RELAXED_SHARED_WASM_BASE64', memory: 'shared', relaxed: true },
  { wat: dir('updates.wat'), generated: dir('updates-bytes.ts'), constant: 'UPDATES_WASM_BASE64', memory: 'imported' },
  { wat: dir('updates.wat'), generated: dir('updates-shared-bytes.ts'), constant: 'UPDATES_SHARED_WASM_BASE64', memory: 'shared' },
  { wat: dir('elementwise.wat'), generated: dir('elementwise-bytes.ts'), constant: 'ELEMENTWISE_WASM_BASE64', memory: 'imported' },
  { wat: dir('elementwise.wat'), generated: dir('elementwise-shared-bytes.ts'), constant: 'ELEMENTWISE_SHARED_WASM_BASE64', memory: 'shared' },
  { wat: dir('conv.wat'), generated: dir('conv-bytes.ts'), constant: 'CONV_WASM_BASE64', memory: 'own' },
  { wat: dir('conv.wat'), generated: dir('conv-shared-bytes.ts'), constant: 'CONV_SHARED_WASM_BASE64', memory: 'shared' },
  { wat: dir('conv.wat'), generated: dir('conv-relaxed-bytes.ts'), constant: 'CONV_RELAXED_WASM_BASE64', memory: 'own', relaxed: true },
  { wat: dir('conv.wat'), generated: dir('conv-relaxed-shared-bytes.ts'), constant: 'CONV_RELAXED_SHARED_WASM_BASE64', memory: 'shared', relaxed: true },
];

/** The matmul module's source and generated file (kept for callers that know only that one). */
export const WAT_PATH = WASM_MODULES[0].wat;
export const GENERATED_PATH = WASM_MODULES[0].generated;

/**
 * The .wat file compiled to a validated binary (SIMD enabled; no names section, so output is stable),
 * its own memory declaration replaced by the imported memory of `variant`.
 */
export async function compileWat(path = WAT_PATH, variant: MemoryVariant = 'imported', relaxed = false): Promise<Uint8Array> {
  const wabt = await wabtInit();
  let text = readFileSync(path, 'utf8');
  if (!text.includes(OWN_MEMORY)) throw new Error(`${path}: no '${OWN_MEMORY}' line to replace by an imported memory`);
  text = text.replace(OWN_MEMORY, MEMORY_IMPORTS[variant]);
  if (relaxed) {
    const r = relaxWat(text);
    if (r.replaced === 0) throw new Error(`${path}: no vector multiply-add to relax`);
    text = r.text;
  }
  const features = { simd: true, threads: true, relaxed_simd: relaxed };
  const module = wabt.parseWat(path, text, features);
  try {
    module.resolveNames();
    (module.validate as (features?: Record<string, boolean>) => void)(features);
    return module.toBinary({ canonicalize_lebs: true, write_debug_names: false }).buffer.slice();
  } finally {
    module.destroy();
  }
}

/** The TypeScript source of the generated module embedding `bytes` (default: the matmul module). */
export function renderModule(bytes: Uint8Array, source: WasmModuleSource = WASM_MODULES[0]): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,100}/g) ?? [''];
  const wat = `${source.wat.split('/').pop()} (${source.memory}-memory${source.relaxed ? ', relaxed-SIMD' : ''} variant)`;
  return [
    `// GENERATED by \`npm run build:wasm\` from ${wat} — do not edit by hand.`,
    '// The test test/tensor/wasm-build.test.ts fails when this file is stale.',
    '',
    `/** The compiled ${wat} (${bytes.length} bytes), base64. */`,
    `export const ${source.constant} =`,
    lines.map((l) => `  '${l}'`).join(' +\n') + ';',
    '',
  ].join('\n');
}
