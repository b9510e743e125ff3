import { Tensor } from '../tensor/tensor.js';
import type { Labels } from '../core/labels.js';

/** One mini-batch: rows of x and the matching targets. Both are buffers owned by {@link BatchBuffers}. */
export interface Batch {
  readonly x: Tensor;
  readonly y: Int32Array | Tensor;
}

/**
 * Gathers mini-batches of `(x, y)` by row index into preallocated buffers — one pair per distinct batch
 * size (usually two: `batchSize` and the smaller last batch) — so a training loop allocates nothing per
 * batch. A returned batch is overwritten by the next `gather` of the same size.
 */
export class BatchBuffers {
  private readonly buffers = new Map<number, Batch>();

  constructor(
    private readonly x: Tensor,
    private readonly y: Labels,
  ) {}

  /** Rows `indices[start .. start + size)` of x and y. */
  gather(indices: Int32Array, start: number, size: number): Batch {
    let batch = this.buffers.get(size);
    if (batch === undefined) {
      const y = this.y instanceof Tensor ? new Tensor([size, ...this.y.shape.slice(1)]) : new Int32Array(size);
      batch = { x: new Tensor([size, ...this.x.shape.slice(1)]), y };
      this.buffers.set(size, batch);
    }
    copyRows(this.x, batch.x, indices, start, size);
    if (batch.y instanceof Tensor) {
      copyRows(this.y as Tensor, batch.y, indices, start, size);
    } else {
      const src = this.y as Int32Array | readonly number[];
      const dst = batch.y;
      for (let i = 0; i < size; i++) dst[i] = src[indices[start + i]];
    }
    return batch;
  }
}

/** `dst[i, :] = src[indices[start + i], :]` for i in [0, size), without allocating. */
function copyRows(src: Tensor, dst: Tensor, indices: Int32Array, start: number, size: number): void {
  const cols = src.cols;
  const s = src.data;
  const d = dst.data;
  for (let i = 0; i < size; i++) {
    const from = indices[start + i] * cols;
    const to = i * cols;
    for (let j = 0; j < cols; j++) d[to + j] = s[from + j];
  }
}
