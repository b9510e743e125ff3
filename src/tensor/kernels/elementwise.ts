/**
 * Elementwise passes over raw row-major arrays that run on every training step: the finiteness scan,
 * adding a bias row, column sums. A kernel set may offer faster versions (the WebAssembly set runs them
 * four floats per instruction on tensors that live in its memory); these plain-JS loops are the
 * definition and the fallback. Every implementation gives bit-identical results (each element's value
 * is one float32 operation, or a float32 sum in row order).
 */
export interface ElementwiseKernels {
  /** Index of the first NaN or ±Infinity in `d`, or −1. */
  firstNonFinite(d: Float32Array): number;
  /** out[i·cols + j] = x[i·cols + j] + bias[j]; `out` may be `x`. */
  addRowVector(x: Float32Array, bias: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** out[j] = Σ_i x[i·cols + j], summed in row order; out has `cols` elements. */
  sumColumns(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
}

/** The plain-JS passes. */
export const jsElementwise: ElementwiseKernels = {
  /**
   * Fast scan first: x·0 is 0 for every finite x and NaN for NaN/±Infinity, so four independent sums
   * stay 0 exactly when every element is finite — no branch in the loop (about 2.5× faster than testing
   * each element). Only on failure does a second pass find the element.
   */
  firstNonFinite(d) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const n4 = d.length & ~3;
    let i = 0;
    for (; i < n4; i += 4) {
      s0 += d[i] * 0;
      s1 += d[i + 1] * 0;
      s2 += d[i + 2] * 0;
      s3 += d[i + 3] * 0;
    }
    for (; i < d.length; i++) s0 += d[i] * 0;
    if (s0 + s1 + s2 + s3 === 0) return -1;
    for (let j = 0; j < d.length; j++) if (d[j] - d[j] !== 0) return j;
    return -1;
  },
  addRowVector(x, bias, out, rows, cols) {
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) out[row + j] = x[row + j] + bias[j];
    }
  },
  sumColumns(x, out, rows, cols) {
    out.fill(0, 0, cols);
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      for (let j = 0; j < cols; j++) out[j] += x[row + j];
    }
  },
};
