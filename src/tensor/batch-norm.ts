/*
 * Batch-normalisation kernels over the last axis: x is read as `rows × C` (rows = every position of every
 * sample, C = channels), and each channel c is normalised with its own mean and variance.
 * Per-channel sums are accumulated in float64 (a batch of 64 feature maps of 26×26 is 43 264 terms).
 * These loops are the definitions and the plain-JS set; the WebAssembly set (kernels/batch-norm-kernels.ts,
 * conv.wat's bn*) computes the same bits.
 */

/**
 * Training forward: batch statistics, then normalise, scale and shift, per channel c:
 *   μ_c = (1/M) Σ_r x[r, c],   σ²_c = (1/M) Σ_r (x[r, c] − μ_c)²   (biased, as Keras),
 *   x̂ = (x − μ_c) / √(σ²_c + ε),   y = γ_c · x̂ + β_c.
 * Writes `mean`, `variance` and `invStd` (1/√(σ² + ε)) per channel, and `xhat` and `y` per element.
 */
export function batchNormTrainingForward(
  x: Float32Array, rows: number, channels: number, gamma: Float32Array, beta: Float32Array, epsilon: number,
  mean: Float64Array, variance: Float64Array, invStd: Float64Array, xhat: Float32Array, y: Float32Array,
): void {
  mean.fill(0);
  variance.fill(0);
  let i = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) mean[c] += x[i++];
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  i = 0;
  // two passes (mean first) rather than E[x²] − E[x]², which cancels badly when |μ| ≫ σ
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const d = x[i++] - mean[c];
      variance[c] += d * d;
    }
  }
  for (let c = 0; c < channels; c++) {
    variance[c] /= rows;
    invStd[c] = 1 / Math.sqrt(variance[c] + epsilon);
  }
  normalize(x, rows, channels, mean, invStd, gamma, beta, xhat, y);
}

/**
 * Inference forward with fixed statistics (the moving averages): `x̂ = (x − m_c) / √(v_c + ε)`,
 * `y = γ_c · x̂ + β_c`. Writes `invStd` per channel and `xhat`, `y` per element.
 */
export function batchNormInferenceForward(
  x: Float32Array, rows: number, channels: number, gamma: Float32Array, beta: Float32Array, epsilon: number,
  movingMean: Float32Array, movingVariance: Float32Array, mean: Float64Array, invStd: Float64Array,
  xhat: Float32Array, y: Float32Array,
): void {
  for (let c = 0; c < channels; c++) {
    mean[c] = movingMean[c];
    invStd[c] = 1 / Math.sqrt(movingVariance[c] + epsilon);
  }
  normalize(x, rows, channels, mean, invStd, gamma, beta, xhat, y);
}

function normalize(
  x: Float32Array, rows: number, channels: number, mean: Float64Array, invStd: Float64Array,
  gamma: Float32Array, beta: Float32Array, xhat: Float32Array, y: Float32Array,
): void {
  let i = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const h = (x[i] - mean[c]) * invStd[c];
      xhat[i] = h;
      y[i] = gamma[c] * h + beta[c];
      i++;
    }
  }
}

/**
 * Backward, given g = dL/dy:
 *   dL/dβ_c = Σ_r g,   dL/dγ_c = Σ_r g · x̂.
 * With batch statistics (training), μ and σ² depend on every x of the channel, and
 *   dL/dx = γ_c · invStd_c / M · (M·g − dL/dβ_c − x̂ · dL/dγ_c);
 * with fixed statistics (inference) y is affine in x and dL/dx = γ_c · invStd_c · g.
 * (Derivation: dL/dx̂ = γg; x̂ = (x − μ)·invStd with dμ/dx = 1/M and dσ²/dx = 2(x − μ)/M gives
 *  dL/dx = invStd/M · (M·dL/dx̂ − Σ dL/dx̂ − x̂ · Σ dL/dx̂ · x̂).)
 * Overwrites `dgamma`, `dbeta` (length C) and `dx`.
 */
export function batchNormBackward(
  dy: Float32Array, xhat: Float32Array, rows: number, channels: number, gamma: Float32Array, invStd: Float64Array,
  training: boolean, sumDy: Float64Array, sumDyXhat: Float64Array, dgamma: Float32Array, dbeta: Float32Array, dx: Float32Array,
): void {
  sumDy.fill(0);
  sumDyXhat.fill(0);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const g = dy[i];
      sumDy[c] += g;
      sumDyXhat[c] += g * xhat[i];
      i++;
    }
  }
  for (let c = 0; c < channels; c++) {
    dbeta[c] = sumDy[c];
    dgamma[c] = sumDyXhat[c];
  }
  i = 0;
  if (training) {
    // dL/dx = γ·invStd/M · (M·g − Σg − x̂·Σ g·x̂); reuse sumDy/sumDyXhat as per-channel means and scale
    for (let c = 0; c < channels; c++) {
      sumDy[c] /= rows;
      sumDyXhat[c] /= rows;
    }
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++) {
        dx[i] = gamma[c] * invStd[c] * (dy[i] - sumDy[c] - xhat[i] * sumDyXhat[c]);
        i++;
      }
    }
  } else {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++) {
        dx[i] = gamma[c] * invStd[c] * dy[i];
        i++;
      }
    }
  }
}
