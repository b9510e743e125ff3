import type { MatmulKernels } from './kernels.js';

/**
 * Naive plain-JavaScript kernels: the readable definition of each product, and the yardstick the fast
 * paths (`js.ts`, `wasm/`) are tested against. Loop orders are chosen so the innermost loop walks memory
 * contiguously; there is no blocking or unrolling (about 0.6 GFLOP/s at 512).
 */
export const referenceKernels: MatmulKernels = {
  name: 'js-reference',

  matmul(a, b, out, m, k, n) {
    out.fill(0, 0, m * n);
    // i-p-j order: out row i += a[i,p] · (row p of b) — both inner accesses are contiguous.
    for (let i = 0; i < m; i++) {
      const outRow = i * n;
      const aRow = i * k;
      for (let p = 0; p < k; p++) {
        const aip = a[aRow + p];
        if (aip === 0) continue;
        const bRow = p * n;
        for (let j = 0; j < n; j++) out[outRow + j] += aip * b[bRow + j];
      }
    }
  },

  matmulTransA(a, b, out, m, k, n) {
    out.fill(0, 0, m * n);
    // out[i,j] = Σ_p a[p,i] · b[p,j]: for each shared row p, add the outer product a[p,:]ᵀ b[p,:].
    for (let p = 0; p < k; p++) {
      const aRow = p * m;
      const bRow = p * n;
      for (let i = 0; i < m; i++) {
        const api = a[aRow + i];
        if (api === 0) continue;
        const outRow = i * n;
        for (let j = 0; j < n; j++) out[outRow + j] += api * b[bRow + j];
      }
    }
  },

  matmulTransB(a, b, out, m, k, n) {
    // out[i,j] = row i of a · row j of b: two contiguous dot products.
    for (let i = 0; i < m; i++) {
      const aRow = i * k;
      for (let j = 0; j < n; j++) {
        const bRow = j * k;
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[aRow + p] * b[bRow + p];
        out[i * n + j] = sum;
      }
    }
  },
};
