import { CONV_WORKER_SOURCE } from './conv-worker-source.js';
import { canBlock, workerHost } from './thread-pool.js';

/*
 * Worker threads for the convolution kernels (conv.wat's shared-memory build), on the same shared
 * `WebAssembly.Memory` as the calling thread: the kernels split a batch by images, each thread computing
 * whole images with the same code, so results do not depend on the thread count. Started lazily and
 * asynchronously like the gemm pool (thread-pool.ts): a share whose worker is not ready yet, or has died,
 * is computed by the calling thread. Node workers are `unref()`ed (they never keep a process alive).
 */

/** Int32 slots per worker in the control block; see conv-worker-source.ts. */
const SLOT = 24;
const READY = 0;
const SEQ = 1;
const DONE = 2;
const FN = 3;
const ARGS = 4;
/** Integer arguments a job can carry. */
export const CONV_JOB_ARGS = SLOT - ARGS;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', listener: (err: Error) => void): void;
}

/** A pool of convolution workers; `dispose()` stops them. */
export class ConvThreadPool {
  readonly workers: number;
  private readonly control: Int32Array;
  private readonly seqs: Int32Array;
  private readonly argViews: Int32Array[] = [];
  private readonly handles: { terminate(): unknown }[] = [];
  private readonly blocking = canBlock();
  private disposed = false;

  /**
   * @param module - the compiled shared-memory conv module
   * @param memory - the shared memory it runs on
   * @param names - the exports jobs may call, by index
   */
  constructor(module: object, memory: object, workers: number, names: readonly string[]) {
    this.workers = workers;
    this.control = new Int32Array(new SharedArrayBuffer(4 * SLOT * workers));
    this.seqs = new Int32Array(workers);
    const host = workerHost();
    for (let i = 0; i < workers; i++) {
      this.argViews.push(this.control.subarray(i * SLOT + ARGS, (i + 1) * SLOT));
      const data = { module, memory, control: this.control.buffer, index: i, names };
      if (host === 'node') {
        const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
        const { Worker } = proc!.getBuiltinModule!('node:worker_threads') as {
          Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
        };
        const worker = new Worker(CONV_WORKER_SOURCE, { eval: true, workerData: data });
        worker.unref();
        worker.on('error', () => this.markDead(i));
        this.handles.push(worker);
      } else if (host === 'web') {
        const g = globalThis as unknown as {
          Worker: new (url: string) => { postMessage(d: unknown): void; terminate(): void; onerror: unknown };
          Blob: new (parts: string[], o: { type: string }) => unknown;
          URL: { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void };
        };
        const url = g.URL.createObjectURL(new g.Blob([CONV_WORKER_SOURCE], { type: 'text/javascript' }));
        const worker = new g.Worker(url);
        g.URL.revokeObjectURL(url);
        worker.onerror = () => this.markDead(i);
        worker.postMessage(data);
        this.handles.push(worker);
      }
    }
  }

  /** Whether worker `i` is ready to take a job. */
  isReady(i: number): boolean {
    return !this.disposed && Atomics.load(this.control, i * SLOT + READY) === 1;
  }

  /** Worker `i`'s argument slots: write a job's arguments here, then call {@link start}. */
  args(i: number): Int32Array {
    return this.argViews[i];
  }

  /** Hands worker `i` a call of export number `fn` with the arguments written to `args(i)`. */
  start(i: number, fn: number): void {
    const ctrl = this.control;
    ctrl[i * SLOT + FN] = fn;
    const seq = (this.seqs[i] = (this.seqs[i] % 0x3fffffff) + 1);
    Atomics.store(ctrl, i * SLOT + SEQ, seq); // publishes the job written before it
    Atomics.notify(ctrl, i * SLOT + SEQ);
  }

  /** Waits for worker `i`'s last job; false if the worker stopped first (the caller then does the job). */
  wait(i: number): boolean {
    const ctrl = this.control;
    const at = i * SLOT + DONE;
    const seq = this.seqs[i];
    for (let spin = 0; spin < 2000; spin++) if (Atomics.load(ctrl, at) === seq) return true;
    for (;;) {
      const done = Atomics.load(ctrl, at);
      if (done === seq) return true;
      if (Atomics.load(ctrl, i * SLOT + READY) !== 1) return false;
      if (this.blocking) Atomics.wait(ctrl, at, done, 20);
    }
  }

  private markDead(i: number): void {
    Atomics.store(this.control, i * SLOT + READY, 0);
  }

  /** Stops the workers. The pool cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let i = 0; i < this.workers; i++) {
      Atomics.store(this.control, i * SLOT + READY, 0);
      Atomics.store(this.control, i * SLOT + SEQ, -1);
      Atomics.notify(this.control, i * SLOT + SEQ);
    }
    for (const h of this.handles) void h.terminate();
  }
}
