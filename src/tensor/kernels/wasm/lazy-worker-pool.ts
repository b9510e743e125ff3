import { checkThreadCount, type PoolModules, WorkerPool } from './thread-pool.js';

/*
 * The thread count of one shared WebAssembly memory and the one worker pool that serves it. A matrix
 * kernel set (WasmKernels) owns one; the convolution kernels computing in that set's memory use the same
 * object, so products, optimizer updates and convolution jobs all run on the same workers (threads − 1 of
 * them, however many kernel sets share the memory). A standalone convolution set, with its own memory,
 * has its own.
 */

/** A thread count and the {@link WorkerPool} serving it, started on first use. */
export class LazyWorkerPool {
  private count = 1;
  private pool: WorkerPool | null = null;

  /**
   * @param memory - the shared `WebAssembly.Memory` (typed loosely: the published .d.ts needs no WebAssembly types)
   * @param modules - the modules the workers instantiate, asked for when the pool starts
   */
  constructor(private readonly memory: object, private readonly modules: () => PoolModules) {}

  /** Threads in use: the calling thread plus `threads − 1` workers. */
  get threads(): number {
    return this.count;
  }

  /**
   * Uses `n` threads; a different count stops the current workers (the next job starts new ones), 1 stops
   * them for good.
   * @throws RangeError on a count that is not an integer from 1 to 32
   */
  setThreads(n: number): void {
    checkThreadCount('setThreads', n);
    if (n !== this.count) this.dispose();
    this.count = n;
  }

  /** The pool (started now if it is not running), or null with one thread. Allocates nothing once started. */
  get(): WorkerPool | null {
    if (this.count === 1) return null;
    this.pool ??= new WorkerPool(this.memory, this.count - 1, this.modules());
    return this.pool;
  }

  /** Workers that have started and take jobs (threads − 1 once all are up; 0 before the first job). */
  get readyWorkers(): number {
    return this.pool?.readyWorkers() ?? 0;
  }

  /** Stops the workers; a later job starts them again unless the count is 1. */
  dispose(): void {
    this.pool?.dispose();
    this.pool = null;
  }
}
