/*
 * The memory the WebAssembly kernels compute in, handed out in blocks: the kernels' own work areas and
 * operand scratch, and — where the memory is shared — the storage of tensors themselves ("resident"
 * tensors), so that the kernels read and write them in place instead of copying them in and out.
 *
 * Why only shared memory hands out tensor storage: growing a non-shared `WebAssembly.Memory` detaches
 * every typed-array view on its old buffer, so a tensor holding such a view would go stale the next time
 * any product needed more memory. A shared memory never moves: a grow makes a new, longer
 * SharedArrayBuffer over the same bytes, and views on the old one stay valid for ever.
 *
 * Allocation: blocks of power-of-two sizes (16 KiB up), a free list per size, and a bump pointer that
 * grows the memory. A tensor's block comes back to its free list when the engine collects the
 * Float32Array viewing it (FinalizationRegistry), and is zero-filled when handed out again.
 */

const PAGE_BYTES = 65536;
/** Smallest block (bytes): tensors smaller than this stay on the JS heap, where allocation is cheapest. */
export const MIN_BLOCK_BYTES = 16384;
const MIN_CLASS = Math.log2(MIN_BLOCK_BYTES);

/** The size class (log2 of the block size) that holds `bytes`. */
function sizeClass(bytes: number): number {
  return Math.max(MIN_CLASS, Math.ceil(Math.log2(Math.max(1, bytes))));
}

/**
 * What the arena needs of a `WebAssembly.Memory` (typed structurally, so the published .d.ts needs no
 * DOM or Node types).
 */
export interface LinearMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

/** Block allocator over one WebAssembly.Memory (addresses in bytes, every block 16-byte aligned). */
export class WasmArena {
  readonly memory: LinearMemory;
  readonly shared: boolean;
  /** Bytes the memory may grow to (its declared maximum, or 4 GiB). */
  private readonly limitBytes: number;
  /** Bytes up to which tensor storage may be handed out; past it tensors go to the JS heap. */
  private readonly tensorLimitBytes: number;
  /** First byte never handed out. */
  private top: number;
  private readonly free: number[][] = [];
  /** Tensor blocks that are in use, by address: their size class (for `release`). */
  private readonly live = new Map<number, number>();
  private readonly registry: FinalizationRegistry<number>;
  /** Every buffer object the memory has had (one per grow), to recognise views on it. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private onGrow: Array<() => void> = [];

  /**
   * @param memory - the kernels' memory
   * @param maxPages - its declared maximum in 64 KiB pages (undefined: 4 GiB)
   * @param reservedBytes - bytes at address 0 kept out of every block (address 0 is never handed out)
   */
  constructor(memory: LinearMemory, maxPages: number | undefined, reservedBytes = 64) {
    this.memory = memory;
    this.shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    this.limitBytes = Math.min(2 ** 32, (maxPages ?? 65536) * PAGE_BYTES);
    this.tensorLimitBytes = this.limitBytes / 2;
    this.top = (reservedBytes + 15) & ~15;
    this.buffers.add(memory.buffer);
    this.registry = new FinalizationRegistry((address) => this.release(address));
  }

  /** Calls `listener` after every grow (the memory's buffer object has changed; non-shared views detached). */
  addGrowListener(listener: () => void): void {
    this.onGrow.push(listener);
  }

  /** Current size of the memory in bytes. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes handed out so far (the high-water mark of all blocks, free or in use). */
  get usedBytes(): number {
    return this.top;
  }

  /**
   * A block of at least `bytes` for the kernels' own use (work areas, scratch), or -1 if the memory
   * cannot grow that far. Give it back with {@link freeBlock}.
   */
  allocBlock(bytes: number): number {
    const cls = sizeClass(bytes);
    const list = this.free[cls];
    if (list !== undefined && list.length > 0) return list.pop() as number;
    const size = 2 ** cls;
    const address = this.top;
    if (address + size > this.limitBytes || !this.ensureBytes(address + size)) return -1;
    this.top = address + size;
    return address;
  }

  /** Returns a block from {@link allocBlock} (`bytes` as asked for then). */
  freeBlock(address: number, bytes: number): void {
    (this.free[sizeClass(bytes)] ??= []).push(address);
  }

  /**
   * Zero-filled storage for `floats` elements inside the memory, or null when this memory cannot hold
   * tensors (not shared, too small a request to be worth it, or past the tensor limit).
   */
  allocFloats(floats: number): Float32Array | null {
    const bytes = floats * 4;
    if (!this.shared || bytes < MIN_BLOCK_BYTES) return null;
    const cls = sizeClass(bytes);
    const list = this.free[cls];
    let address: number;
    let reused = false;
    if (list !== undefined && list.length > 0) {
      address = list.pop() as number;
      reused = true;
    } else {
      if (this.top + 2 ** cls > this.tensorLimitBytes) return null;
      address = this.allocBlock(bytes);
      if (address < 0) return null;
    }
    const view = new Float32Array(this.memory.buffer, address, floats);
    if (reused) view.fill(0);
    this.live.set(address, cls);
    this.registry.register(view, address);
    return view;
  }

  /** True when `array` views this memory (its data can be used in place by the kernels). */
  owns(array: ArrayBufferView): boolean {
    return this.buffers.has(array.buffer);
  }

  /** Puts a collected tensor's block back on its free list. */
  private release(address: number): void {
    const cls = this.live.get(address);
    if (cls === undefined) return;
    this.live.delete(address);
    (this.free[cls] ??= []).push(address);
  }

  /**
   * Grows the memory (whole pages) to at least `bytes`.
   * @returns false when it cannot grow that far
   */
  ensureBytes(bytes: number): boolean {
    const memory = this.memory;
    const have = memory.buffer.byteLength;
    if (bytes <= have) return true;
    if (bytes > this.limitBytes) return false;
    try {
      memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    } catch (err) {
      if (err instanceof RangeError) return false; // "Unable to grow instance memory"
      throw err;
    }
    this.buffers.add(memory.buffer);
    for (const listener of this.onGrow) listener();
    return true;
  }
}
