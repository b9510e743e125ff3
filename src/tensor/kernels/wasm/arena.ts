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
 * grows the memory. A tensor's block comes back to its free list when the engine has collected every
 * Float32Array viewing it (FinalizationRegistry: the one handed out, and any subarray registered with
 * `retainView`), and is zero-filled when handed out again.
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

/** Which arena and block a resident view (or a view derived from one with {@link retainView}) belongs to. */
const blockOf = new WeakMap<Float32Array, { arena: WasmArena; address: number }>();

/**
 * Makes `child` (a subarray of `parent`) keep `parent`'s block alive: the block is reused only once every
 * view registered on it has been collected. For views the library keeps on their own (Conv2D's weights and
 * biases are two views of one buffer); a no-op when `parent` is not resident.
 */
export function retainView(parent: Float32Array, child: Float32Array): void {
  const owner = blockOf.get(parent);
  if (owner === undefined || child === parent) return;
  owner.arena.retain(owner.address, child);
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
  /** Tensor blocks that are in use, by address: their size class and how many live views hold them. */
  private readonly live = new Map<number, { cls: number; views: number }>();
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
    this.live.set(address, { cls, views: 1 });
    this.registry.register(view, address);
    blockOf.set(view, { arena: this, address });
    return view;
  }

  /** One more view holding the tensor block at `address` (see {@link retainView}). */
  retain(address: number, view: Float32Array): void {
    const block = this.live.get(address);
    if (block === undefined) return;
    block.views++;
    this.registry.register(view, address);
    blockOf.set(view, { arena: this, address });
  }

  /** True when `array` views this memory (its data can be used in place by the kernels). */
  owns(array: ArrayBufferView): boolean {
    return this.buffers.has(array.buffer);
  }

  /** A view of a tensor block was collected: the block goes back on its free list with the last one. */
  private release(address: number): void {
    const block = this.live.get(address);
    if (block === undefined || --block.views > 0) return;
    this.live.delete(address);
    (this.free[block.cls] ??= []).push(address);
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

/** A block of the arena for a kernel's operand copies, replaced by a bigger one when a call needs more. */
export class ScratchBlock {
  /** Byte address of the block (−1 before the first {@link ensure}, or when the memory was full). */
  address = -1;
  private bytes = 0;

  constructor(private readonly arena: WasmArena) {}

  /** A block of at least `bytes` at {@link address}. @returns false when the memory cannot hold it */
  ensure(bytes: number): boolean {
    if (bytes <= this.bytes) return true;
    if (this.address >= 0) this.arena.freeBlock(this.address, this.bytes);
    this.address = this.arena.allocBlock(bytes);
    this.bytes = this.address < 0 ? 0 : bytes;
    return this.address >= 0;
  }
}
