/**
 * The one helper every gradient test goes through: a layer's (or loss's) hand-written backward is
 * compared with (a) central finite differences of its own forward and (b) TensorFlow.js autodiff of the
 * same computation written with tfjs ops. Adding a new layer's check is a few lines.
 */
import {
  Random,
  Tensor,
  gradCheck,
  gradCheckLoss,
  type GradCheckOptions,
  type GradCheckReport,
  type Labels,
  type Layer,
  type Loss,
} from '../../src/index.js';
import { expectClose, type Tolerance } from './close.js';
import { expect } from 'vitest';
import { tf, tfData, toTf, toTfNd } from './tf.js';

/**
 * Bound against central differences. The layers compute in float32, so the difference quotient carries
 * rounding noise of order ulp(output)/h; the absolute part (scaled by the largest gradient) absorbs it
 * on elements whose gradient is near zero.
 */
export const FD_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-3 };
/**
 * Bound against TensorFlow.js. Both compute in float32 but sum in different orders (and we accumulate
 * some sums in float64), so elements that cancel — e.g. s ⊙ (d − d·s) for a saturated softmax — agree
 * only to ~1e-5 relative. A real gradient bug is off by O(1).
 */
export const TF_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/**
 * Default relative finite-difference step of these checks (gradCheck's own default). The error of a
 * central difference is ≈ C·h² (truncation) + δ/h (float32 rounding δ of the scalar); 1e-3 balances the
 * two for smooth float32 functions. Checks of functions with high curvature (log near 0) or with kinks
 * pass their own `gradCheck.epsilon` and keep sample points away from the kink.
 */
export const FD_EPSILON = 1e-3;

/**
 * The same layer computation in tfjs: `params` arrive in `layer.parameters()` order, each with its
 * handgrad shape (`T` is `tf.Tensor2D` for layers on matrices, `tf.Tensor4D` for images, …).
 */
export type TfLayerFn<T extends tf.Tensor = tf.Tensor2D> = (x: T, params: T[]) => tf.Tensor;

export interface LayerCheckOptions {
  fd?: Tolerance;
  tf?: Tolerance;
  gradCheck?: GradCheckOptions;
  /** Seed of the random output weights r in L = Σ r ⊙ y. */
  seed?: number;
  /**
   * The layer's regularisation penalty in tfjs (params in `layer.parameters()` order). Required when the
   * layer reports a non-zero `regularizationLoss()`: then L = Σ r ⊙ y + penalty on both sides.
   */
  tfPenalty?: (params: tf.Tensor2D[]) => tf.Scalar;
  /**
   * Whether to run the layer's forward in training mode (default true). BatchNormalization, for one,
   * computes a different function in each mode; both must be checked.
   */
  training?: boolean;
}

function expectReport(report: GradCheckReport, tol: Tolerance, label: string): void {
  for (const e of report.entries) {
    expectClose(e.analytic, e.numeric, tol, `${label} ${e.name} vs finite differences`);
  }
}

/** Checks `layer.backward` at `x` against finite differences and TensorFlow.js autodiff. */
export function checkLayerGradients<T extends tf.Tensor = tf.Tensor2D>(
  layer: Layer,
  x: Tensor,
  tfForward: TfLayerFn<T>,
  options: LayerCheckOptions = {},
): void {
  const seed = options.seed ?? 7;
  const training = options.training ?? true;
  // (a) finite differences
  const report = gradCheck(layer, x, { epsilon: FD_EPSILON, ...options.gradCheck, seed, training });
  expectReport(report, options.fd ?? FD_TOLERANCE, layer.name);

  // (b) TensorFlow.js: grads of L = Σ r ⊙ f(x, params), with the same r that gradCheck used
  const y = layer.forward(x, { training });
  const r = new Tensor(y.shape);
  new Random(seed).fillUniform(r.data, -1, 1);
  const dinputs = layer.backward(r).data.slice();
  const params = layer.parameters();
  const paramGrads = params.map((p) => p.grad.data.slice());

  const tfTol = options.tf ?? TF_TOLERANCE;
  const penalty = layer.regularizationLoss ? layer.regularizationLoss() : 0;
  if (penalty !== 0 && !options.tfPenalty) {
    throw new Error(`${layer.name} has a regularisation penalty (${penalty}): pass tfPenalty to checkLayerGradients`);
  }
  tf.tidy(() => {
    const rT = toTfNd(r);
    const args = [toTfNd(x), ...params.map((p) => toTfNd(p.value))] as T[];
    const f = (...ts: tf.Tensor[]) => {
      const data = tf.sum(tf.mul(tfForward(ts[0] as T, ts.slice(1) as T[]), rT));
      return options.tfPenalty ? tf.add(data, options.tfPenalty(ts.slice(1) as tf.Tensor2D[])) : data;
    };
    if (options.tfPenalty) {
      const tfPenaltyValue = options.tfPenalty(args.slice(1) as tf.Tensor[] as tf.Tensor2D[]).dataSync()[0];
      expectClose([penalty], [tfPenaltyValue], tfTol, `${layer.name} regularisation penalty vs TensorFlow.js`);
    }
    const yTf = tfForward(args[0], args.slice(1));
    expect(yTf.shape, `${layer.name} output shape vs TensorFlow.js`).toEqual([...y.shape]);
    expectClose(y.data, tfData(yTf), tfTol, `${layer.name} forward vs TensorFlow.js`);
    const grads = tf.grads(f)(args);
    expectClose(dinputs, tfData(grads[0]), tfTol, `${layer.name} dinputs vs TensorFlow.js`);
    params.forEach((p, i) => {
      expectClose(paramGrads[i], tfData(grads[i + 1]), tfTol, `${layer.name} ${p.name} vs TensorFlow.js`);
    });
  });
}

/** The same loss in tfjs: a scalar from predictions (targets are closed over by the caller). */
export type TfLossFn = (yPred: tf.Tensor2D) => tf.Scalar;

/** Checks `loss.backward` w.r.t. predictions against finite differences and TensorFlow.js autodiff. */
export function checkLossGradients(
  loss: Loss,
  yPred: Tensor,
  yTrue: Labels,
  tfLoss: TfLossFn,
  options: LayerCheckOptions = {},
): void {
  const report = gradCheckLoss(loss, yPred, yTrue, { epsilon: FD_EPSILON, ...options.gradCheck });
  expectReport(report, options.fd ?? FD_TOLERANCE, loss.name);

  const value = loss.forward(yPred, yTrue);
  const analytic = loss.backward(yPred, yTrue).data.slice();
  const tfTol = options.tf ?? TF_TOLERANCE;
  tf.tidy(() => {
    const p = toTf(yPred);
    const tfValue = tfLoss(p).dataSync()[0];
    expectClose([value], [tfValue], tfTol, `${loss.name} value vs TensorFlow.js`);
    const [g] = tf.grads((t: tf.Tensor) => tfLoss(t as tf.Tensor2D))([p]);
    expectClose(analytic, tfData(g), tfTol, `${loss.name} gradient vs TensorFlow.js`);
  });
}

/** A `[rows, cols]` tensor of uniform values in [low, high). */
export function randomTensor(rows: number, cols: number, seed: number, low = -1, high = 1): Tensor {
  return randomTensorNd([rows, cols], seed, low, high);
}

/** A tensor of any shape (e.g. `[batch, height, width, channels]`) of uniform values in [low, high). */
export function randomTensorNd(shape: readonly number[], seed: number, low = -1, high = 1): Tensor {
  const t = new Tensor(shape);
  new Random(seed).fillUniform(t.data, low, high);
  return t;
}

/** Random probability rows (each sums to 1), as a softmax would produce. */
export function randomProbabilities(rows: number, cols: number, seed: number): Tensor {
  const t = randomTensor(rows, cols, seed, 0.05, 1);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += t.data[i * cols + j];
    for (let j = 0; j < cols; j++) t.data[i * cols + j] /= s;
  }
  return t;
}

/** Random integer labels in [0, classes). */
export function randomLabels(count: number, classes: number, seed: number): Int32Array {
  const rng = new Random(seed);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) y[i] = rng.int(classes);
  return y;
}
