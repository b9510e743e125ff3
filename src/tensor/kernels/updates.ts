/**
 * The optimizers' elementwise update rules as kernels, so the WebAssembly set can run them four elements
 * per instruction while the formulas stay documented once, in src/optimizers/. Each updates `w` and the
 * state arrays in place from the gradient `g` (all the same length). Step-dependent scalars (the decayed
 * learning rate, Adam's bias corrections) are computed by the optimizer.
 */
export interface UpdateKernels {
  /** Name shown in benchmarks, e.g. `"js"`. */
  readonly name: string;
  /** SGD: `w ← w − lr · g`. */
  sgd(w: Float32Array, g: Float32Array, lr: number): void;
  /** SGD with momentum: `m ← μ · m − lr · g`, then `w ← w + m`. */
  sgdMomentum(w: Float32Array, g: Float32Array, m: Float32Array, mu: number, lr: number): void;
  /**
   * AdaGrad (ρ = σ = 1) and RMSProp (σ = 1 − ρ): `cache ← ρ · cache + σ · g²`, then
   * `w ← w − lr · g / (√cache + ε)`.
   */
  scaledByCache(w: Float32Array, g: Float32Array, cache: Float32Array, rho: number, sigma: number, lr: number, eps: number): void;
  /**
   * Adam: `m ← β₁ · m + (1 − β₁) · g`, `c ← β₂ · c + (1 − β₂) · g²`,
   * `w ← w − lrm · m / (√(c · cScale) + ε)` with `lrm = lr / (1 − β₁ᵗ)` and `cScale = 1 / (1 − β₂ᵗ)`.
   * With `backup` (three arrays as long as `w`), the old w, m and c are copied there first — fused into
   * the update pass where the kernel can, so a checkpoint for undoing the step costs no extra pass.
   */
  adam(
    w: Float32Array, g: Float32Array, m: Float32Array, c: Float32Array, beta1: number, beta2: number, lrm: number,
    cScale: number, eps: number, backup?: readonly [Float32Array, Float32Array, Float32Array],
  ): void;
}

/** The plain-JS update rules (float64 arithmetic, each result rounded to float32 when stored). */
export const jsUpdates: UpdateKernels = {
  name: 'js',
  sgd(w, g, lr) {
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
  },
  sgdMomentum(w, g, m, mu, lr) {
    for (let i = 0; i < w.length; i++) {
      const update = mu * m[i] - lr * g[i];
      m[i] = update;
      w[i] += update;
    }
  },
  scaledByCache(w, g, cache, rho, sigma, lr, eps) {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const c = rho * cache[i] + sigma * (gi * gi);
      cache[i] = c;
      w[i] -= (lr * gi) / (Math.sqrt(c) + eps);
    }
  },
  adam(w, g, m, c, beta1, beta2, lrm, cScale, eps, backup) {
    if (backup !== undefined) {
      backup[0].set(w);
      backup[1].set(m);
      backup[2].set(c);
    }
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const mi = beta1 * m[i] + (1 - beta1) * gi;
      m[i] = mi;
      const ci = beta2 * c[i] + (1 - beta2) * gi * gi;
      c[i] = ci;
      w[i] -= (lrm * mi) / (Math.sqrt(ci * cScale) + eps);
    }
  },
};
