import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WasmKernels, relaxedSimdSupported, wasmSimdSupported } from '../../src/index.js';

/*
 * The relaxed-SIMD builds of the matrix kernels and of conv.wat's direct convolutions (fused
 * multiply-adds), chosen by feature detection.
 * Node 20 has relaxed SIMD only behind `--experimental-wasm-relaxed-simd`, so the kernels are exercised
 * in a child process started with that flag; this process checks the detection and the fallback.
 */

const nodeMajor = Number(process.versions.node.split('.')[0]);

/** Runs fixtures/`fixture` in a child Node with relaxed SIMD switched on and returns its JSON report. */
function runWithFlag(fixture: string): Record<string, unknown> {
  const script = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as Record<string, unknown>;
}

describe.skipIf(!wasmSimdSupported())('relaxed SIMD kernels', () => {
  it('are detected with WebAssembly.validate, and asked for where missing, refused by name', () => {
    expect(typeof relaxedSimdSupported()).toBe('boolean');
    if (nodeMajor < 22) expect(relaxedSimdSupported()).toBe(false); // Node 20 without the flag
    if (!relaxedSimdSupported()) {
      expect(new WasmKernels({ threads: 1 }).relaxed).toBe(false);
      expect(() => new WasmKernels({ relaxed: true })).toThrow(/relaxed SIMD is not supported/);
    }
  });

  it('with the flag: selected by default, within k·u of float64, bit-identical across threads and with the few-row path', () => {
    const report = runWithFlag('relaxed-kernels.ts');
    expect(report).toMatchObject({
      supported: true, relaxedByDefault: true, plainWhenAsked: true, threadsIdentical: true, gemvIdentical: true,
    });
    // float32 sums of up to 784 products: the textbook bound k·u = 784 · 2⁻²⁴ ≈ 4.7e-5 (relative)
    expect(report.maxError as number).toBeLessThan(4.7e-5);
    // the fused build really is another build: some products round differently from the plain one
    expect(report.differsFromPlain).toBe(true);
  }, 60_000);

  it('with the flag: the direct convolutions run fused too — near float64, bit-identical across threads', () => {
    const report = runWithFlag('relaxed-conv.ts');
    expect(report).toMatchObject({ relaxedByDefault: true, plainWithPlainMatrix: true, workerReady: true, threadsIdentical: true, differsFromPlain: true });
    // error relative to Σ|terms| of each sum (72–3136 terms here): within the float32 bound k·u, and the
    // plain build's own test bound 1e-5
    expect(report.maxError as number).toBeLessThan(1e-5);
  }, 60_000);
});
