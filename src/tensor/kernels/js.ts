import type { MatmulKernels } from './kernels.js';
import { jsUpdates } from './updates.js';

/*
 * Cache-tiled, register-blocked plain-JavaScript kernels: the fallback when WebAssembly SIMD is missing.
 *
 * All three products are one strided routine, out[i,j] = Σ_p A(i,p) · B(p,j), where
 *   A(i,p) = a[i·sai + p·sap]   and   B(p,j) = b[p·sbp + j·sbj].
 * The variants differ only in strides: a·b (A row-major, B row-major), aᵀ·b (A read down columns of a),
 * a·bᵀ (B read along rows of b). No transpose is ever materialised.
 *
 * Blocking (what makes it ~4× faster than the naive loops in `js-reference.ts`):
 * - register tile: a 4×4 block of `out` is kept in 16 local variables while p runs, so each loaded a and
 *   b value is used 4 times and `out` is touched once per k-block instead of once per p;
 * - cache blocks: p runs in chunks of KC and j in chunks of NC, so the KC×NC block of B being reused by
 *   every row block stays in L2 (KC·NC·4 bytes = 128 KiB).
 * Edge rows/columns (sizes not a multiple of 4) fall back to 1×4, 4×1 and 1×1 loops.
 */

/** Depth of a k-block. */
const KC = 256;
/** Width of a column block of B. */
const NC = 128;

/**
 * out[i,j] = Σ_p A(i,p)·B(p,j) for one k-block [p0, p1); `first` says whether to overwrite (first
 * k-block) or accumulate into `out`.
 */
function gemmBlock(
  a: Float32Array,
  sai: number,
  sap: number,
  b: Float32Array,
  sbp: number,
  sbj: number,
  out: Float32Array,
  m: number,
  n: number,
  p0: number,
  p1: number,
  j0: number,
  j1: number,
  first: boolean,
): void {
  const sai2 = 2 * sai;
  const sai3 = 3 * sai;
  const sbj2 = 2 * sbj;
  const sbj3 = 3 * sbj;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      // 4×4 register tile of out.
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pa = i * sai + p0 * sap;
      let pb = p0 * sbp + j * sbj;
      for (let p = p0; p < p1; p++) {
        const a0 = a[pa], a1 = a[pa + sai], a2 = a[pa + sai2], a3 = a[pa + sai3];
        const b0 = b[pb], b1 = b[pb + sbj], b2 = b[pb + sbj2], b3 = b[pb + sbj3];
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        pa += sap;
        pb += sbp;
      }
      const o0 = i * n + j, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      if (first) {
        out[o0] = c00; out[o0 + 1] = c01; out[o0 + 2] = c02; out[o0 + 3] = c03;
        out[o1] = c10; out[o1 + 1] = c11; out[o1 + 2] = c12; out[o1 + 3] = c13;
        out[o2] = c20; out[o2 + 1] = c21; out[o2 + 2] = c22; out[o2 + 3] = c23;
        out[o3] = c30; out[o3 + 1] = c31; out[o3 + 2] = c32; out[o3 + 3] = c33;
      } else {
        out[o0] += c00; out[o0 + 1] += c01; out[o0 + 2] += c02; out[o0 + 3] += c03;
        out[o1] += c10; out[o1 + 1] += c11; out[o1 + 2] += c12; out[o1 + 3] += c13;
        out[o2] += c20; out[o2 + 1] += c21; out[o2 + 2] += c22; out[o2 + 3] += c23;
        out[o3] += c30; out[o3 + 1] += c31; out[o3 + 2] += c32; out[o3 + 3] += c33;
      }
    }
    for (; j < j1; j++) {
      // 4×1 edge column.
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let pa = i * sai + p0 * sap;
      let pb = p0 * sbp + j * sbj;
      for (let p = p0; p < p1; p++) {
        const bv = b[pb];
        c0 += a[pa] * bv; c1 += a[pa + sai] * bv; c2 += a[pa + sai2] * bv; c3 += a[pa + sai3] * bv;
        pa += sap;
        pb += sbp;
      }
      const o = i * n + j;
      if (first) {
        out[o] = c0; out[o + n] = c1; out[o + 2 * n] = c2; out[o + 3 * n] = c3;
      } else {
        out[o] += c0; out[o + n] += c1; out[o + 2 * n] += c2; out[o + 3 * n] += c3;
      }
    }
  }
  for (; i < m; i++) {
    // Edge row: 1×4 tiles, then 1×1.
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      let pa = i * sai + p0 * sap;
      let pb = p0 * sbp + j * sbj;
      for (let p = p0; p < p1; p++) {
        const av = a[pa];
        c0 += av * b[pb]; c1 += av * b[pb + sbj]; c2 += av * b[pb + sbj2]; c3 += av * b[pb + sbj3];
        pa += sap;
        pb += sbp;
      }
      const o = i * n + j;
      if (first) {
        out[o] = c0; out[o + 1] = c1; out[o + 2] = c2; out[o + 3] = c3;
      } else {
        out[o] += c0; out[o + 1] += c1; out[o + 2] += c2; out[o + 3] += c3;
      }
    }
    for (; j < j1; j++) {
      let c = 0;
      let pa = i * sai + p0 * sap;
      let pb = p0 * sbp + j * sbj;
      for (let p = p0; p < p1; p++) {
        c += a[pa] * b[pb];
        pa += sap;
        pb += sbp;
      }
      if (first) out[i * n + j] = c;
      else out[i * n + j] += c;
    }
  }
}

/** out[i,j] = Σ_p a[i·sai + p·sap] · b[p·sbp + j·sbj], blocked over p and j. */
function gemm(
  a: Float32Array,
  sai: number,
  sap: number,
  b: Float32Array,
  sbp: number,
  sbj: number,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  if (k === 0) {
    out.fill(0, 0, m * n); // an empty sum is 0
    return;
  }
  for (let p0 = 0; p0 < k; p0 += KC) {
    const p1 = Math.min(k, p0 + KC);
    for (let j0 = 0; j0 < n; j0 += NC) {
      gemmBlock(a, sai, sap, b, sbp, sbj, out, m, n, p0, p1, j0, Math.min(n, j0 + NC), p0 === 0);
    }
  }
}

/** The tiled plain-JS kernel set (see the file comment). */
export const jsKernels: MatmulKernels = {
  name: 'js',
  updates: jsUpdates,
  // a [m×k], b [k×n]: A(i,p) = a[i·k + p], B(p,j) = b[p·n + j]
  matmul: (a, b, out, m, k, n) => gemm(a, k, 1, b, n, 1, out, m, k, n),
  // a [k×m] read as aᵀ: A(i,p) = a[p·m + i]
  matmulTransA: (a, b, out, m, k, n) => gemm(a, 1, m, b, n, 1, out, m, k, n),
  // b [n×k] read as bᵀ: B(p,j) = b[j·k + p]
  matmulTransB: (a, b, out, m, k, n) => gemm(a, k, 1, b, 1, k, out, m, k, n),
};
