import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Random, WasmKernels, getThreads, setThreads, threadsSupported, wasmSimdSupported } from '../../src/index.js';

/*
 * The threaded WebAssembly products: bit-identical to one thread for every shape (the result is split by
 * rows or columns, so each element's sum runs the same code in the same order), and the workers never keep
 * a process alive. Runs where Node gives shared WebAssembly memory and worker_threads (Node ≥ 20.16).
 */

type Variant = 'matmul' | 'matmulTransA' | 'matmulTransB';
const VARIANTS: Variant[] = ['matmul', 'matmulTransA', 'matmulTransB'];

function randomArray(length: number, rng: Random): Float32Array {
  const a = new Float32Array(length);
  rng.fillUniform(a, -1, 1);
  return a;
}

async function whenWorkersReady(k: WasmKernels): Promise<void> {
  // the pool starts on the first product big enough to split; workers come up asynchronously
  const a = new Float32Array(128 * 128);
  const out = new Float32Array(128 * 128);
  for (let i = 0; i < 500 && k.readyWorkers < k.threads - 1; i++) {
    k.matmul(a, a, out, 128, 128, 128);
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(k.readyWorkers).toBe(k.threads - 1);
}

/** The running pool's worker handles (private: a test stops one from outside, as a host tearing threads down would). */
function workerHandles(k: WasmKernels): { terminate(): Promise<number> }[] {
  return (k.workerPool as unknown as { pool: { handles: { terminate(): Promise<number> }[] } }).pool.handles;
}

describe.skipIf(!wasmSimdSupported() || !threadsSupported())('threaded WebAssembly kernels', () => {
  const single = new WasmKernels({ threads: 1 });
  const threaded = [new WasmKernels({ threads: 2 }), new WasmKernels({ threads: 3 })];
  afterAll(() => threaded.forEach((k) => k.dispose()));

  it('start their workers lazily and report them ready', async () => {
    for (const k of threaded) {
      expect(k.threadsAvailable).toBe(true);
      expect(k.readyWorkers).toBe(0); // nothing started before the first large product
      await whenWorkersReady(k);
    }
  });

  it.each(VARIANTS)('%s: bit-identical to one thread on random shapes split by rows or columns', (variant) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 1e6 }),
        (m, k, n, seed) => {
          // keep products big enough to be split (m·k·n ≥ 2^20), else the test would not reach threads
          fc.pre(m * k * n >= 1 << 20);
          const rng = new Random(seed);
          const a = randomArray(m * k, rng);
          const b = randomArray(k * n, rng);
          const expected = new Float32Array(m * n);
          single[variant](a, b, expected, m, k, n);
          for (const kernels of threaded) {
            const out = new Float32Array(m * n).fill(Number.NaN);
            kernels[variant](a, b, out, m, k, n);
            for (let i = 0; i < m * n; i++) {
              if (!Object.is(out[i], expected[i])) {
                expect.fail(`${kernels.threads} threads ${variant} m=${m} k=${k} n=${n}: element ${i} is ${out[i]}, one thread gives ${expected[i]}`);
              }
            }
          }
        },
      ),
      { seed: 7, numRuns: 40 },
    );
  });

  it('W3-sized products (256×784·784×512 and its gradients) are bit-identical', () => {
    const rng = new Random(1);
    const x = randomArray(256 * 784, rng);
    const w = randomArray(784 * 512, rng);
    const g = randomArray(256 * 512, rng);
    const cases: [Variant, Float32Array, Float32Array, number, number, number][] = [
      ['matmul', x, w, 256, 784, 512],
      ['matmulTransA', x, g, 784, 256, 512],
      ['matmulTransB', g, w, 256, 512, 784],
    ];
    for (const [variant, a, b, m, k, n] of cases) {
      const expected = new Float32Array(m * n);
      single[variant](a, b, expected, m, k, n);
      const out = new Float32Array(m * n);
      threaded[0][variant](a, b, out, m, k, n);
      let differing = 0;
      for (let i = 0; i < m * n; i++) if (!Object.is(out[i], expected[i])) differing++;
      expect(differing, `${variant}: elements differing from one thread`).toBe(0);
    }
  });

  it('setThreads validates its argument and reports the count in effect', () => {
    const before = getThreads();
    expect(() => setThreads(0)).toThrow(/setThreads: expected a positive integer, got 0/);
    expect(() => setThreads(1.5)).toThrow(/positive integer/);
    // the kernels mark the workers given a job in a 32-bit mask: more threads are refused, not miscounted
    expect(() => setThreads(33)).toThrow(new RangeError('setThreads: at most 32 threads, got 33'));
    expect(() => new WasmKernels({ threads: 64 })).toThrow(new RangeError('WasmKernels: threads must be at most 32, got 64'));
    expect(() => new WasmKernels({ threads: 1 }).setThreads(40)).toThrow(new RangeError('setThreads: at most 32 threads, got 40'));
    expect(getThreads()).toBe(before); // a refused count changes nothing
    expect(setThreads(1)).toBe(1);
    expect(getThreads()).toBe(1);
    setThreads(before);
    expect(getThreads()).toBe(before);
  });

  it('a script that trains with 2 threads exits on its own, with its workers having taken part', () => {
    const script = fileURLToPath(new URL('./fixtures/threaded-script.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    const result = JSON.parse(out.trim().split('\n').pop() as string) as { loss: number; readyWorkers: number; threads: number };
    expect(result.threads).toBe(2);
    expect(result.readyWorkers).toBe(1);
    expect(Number.isFinite(result.loss)).toBe(true);
  });
});

describe.skipIf(!wasmSimdSupported() || !threadsSupported())('a worker that stops', () => {
  it('takes no more chunks: products stay correct and finish on the main thread', async () => {
    const k = new WasmKernels({ threads: 2 });
    const single = new WasmKernels({ threads: 1 });
    await whenWorkersReady(k);
    // stop the worker from outside, as a host tearing threads down would
    await workerHandles(k)[0].terminate();
    for (let i = 0; i < 100 && k.readyWorkers > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(k.readyWorkers).toBe(0);
    const rng = new Random(3);
    const a = randomArray(200 * 300, rng);
    const b = randomArray(300 * 250, rng);
    const expected = new Float32Array(200 * 250);
    const out = new Float32Array(200 * 250);
    single.matmul(a, b, expected, 200, 300, 250);
    k.matmul(a, b, out, 200, 300, 250);
    expect(Array.from(out)).toEqual(Array.from(expected));
    k.dispose();
  });
});

describe.skipIf(!wasmSimdSupported() || !threadsSupported())('threaded optimizer updates', () => {
  it('Adam on two threads is bit-identical to one thread, for sizes around the chunking', async () => {
    const two = new WasmKernels({ threads: 2 });
    const one = new WasmKernels({ threads: 1 });
    await whenWorkersReady(two);
    for (const n of [65536, 65537, 100003, 300000]) {
      const state = (k: WasmKernels, seed: number) => {
        const arrays = [0, 1, 2, 3].map(() => k.allocate(n) as Float32Array);
        const rng = new Random(seed);
        arrays.forEach((a, i) => rng.fillUniform(a, i === 3 ? 0 : -1, 1)); // the cache (last) is ≥ 0
        return arrays;
      };
      const [w1, g1, m1, c1] = state(one, n);
      const [w2, g2, m2, c2] = state(two, n);
      for (let step = 1; step <= 3; step++) {
        one.updates.adam(w1, g1, m1, c1, 0.9, 0.999, 0.01 / (1 - 0.9 ** step), 1 / (1 - 0.999 ** step), 1e-7);
        two.updates.adam(w2, g2, m2, c2, 0.9, 0.999, 0.01 / (1 - 0.9 ** step), 1 / (1 - 0.999 ** step), 1e-7);
      }
      for (const [a, b, what] of [[w1, w2, 'w'], [m1, m2, 'm'], [c1, c2, 'c']] as const) {
        let differing = 0;
        for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) differing++;
        expect(differing, `n=${n}: ${what} elements differing`).toBe(0);
      }
    }
    two.dispose();
  });
});
