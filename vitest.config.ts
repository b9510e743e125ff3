import { defineConfig } from 'vitest/config';

/**
 * The suite runs twice, once per kernel path: project `wasm` (WebAssembly SIMD kernels) and project `js`
 * (plain-JS kernels); test/setup/kernels.ts selects the set from HANDGRAD_KERNELS. Both must agree with
 * the finite-difference and TensorFlow.js references. Run one path with `npx vitest run --project js`.
 *
 * Tests that never reach a kernel in this process — they spawn scripts in a child process (examples,
 * README snippets, the browser bundle run in its own V8 context, the packed package in consumer projects)
 * or only read files (architecture, the WASM build check) — run once, in `wasm`.
 */
const KERNEL_INDEPENDENT = ['test/examples/**', 'test/bench/**', 'test/cli/**', 'test/browser/**', 'test/package/**', 'test/readme.test.ts', 'test/architecture.test.ts', 'test/tensor/wasm-build.test.ts'];

export default defineConfig({
  // 'handgrad' / 'handgrad/node' in examples (test/examples imports examples/lib) mean the sources, as in tsconfig.json.
  resolve: { tsconfigPaths: true },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    setupFiles: ['test/setup/kernels.ts'],
    projects: [
      { extends: true, test: { name: 'wasm', env: { HANDGRAD_KERNELS: 'wasm' } } },
      { extends: true, test: { name: 'js', env: { HANDGRAD_KERNELS: 'js' }, exclude: KERNEL_INDEPENDENT } },
    ],
  },
});
