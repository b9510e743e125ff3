/**
 * The CNN training workload, defined once for every implementation that the CNN benchmark compares:
 *
 *   [64, 28, 28, 1] → Conv 3×3×32 (valid) → ReLU → MaxPool 2 → Conv 3×3×64 (valid) → ReLU → MaxPool 2
 *   → Flatten (5·5·64 = 1600) → Dense 128 → ReLU → Dense 10 → Softmax, mean categorical cross-entropy, Adam
 *
 * Layouts are TensorFlow's: images NHWC, convolution weights HWIO `[kh, kw, in, out]`, dense weights
 * `[in, out]`, flattening in (row, column, channel) order. Every implementation starts from
 * {@link cnnInitialWeights} (He-normal, seeded) on the batch {@link cnnBatch}, so their first losses must
 * agree.
 */
import { Random } from 'handgrad';

export const CNN = {
  batch: 64,
  height: 28,
  width: 28,
  channels: 1,
  kernel: 3,
  filters1: 32,
  filters2: 64,
  pool: 2,
  hidden: 128,
  classes: 10,
} as const;

/** Spatial sizes through the net (valid convolutions, pooling floors): 28 → 26 → 13 → 11 → 5. */
export const CNN_SHAPES = (() => {
  const c1 = CNN.height - CNN.kernel + 1; // 26
  const p1 = Math.floor(c1 / CNN.pool); // 13
  const c2 = p1 - CNN.kernel + 1; // 11
  const p2 = Math.floor(c2 / CNN.pool); // 5
  return { conv1: c1, pool1: p1, conv2: c2, pool2: p2, flat: p2 * p2 * CNN.filters2 };
})();

/** Adam settings shared by every implementation (handgrad's defaults; Keras uses the same). */
export const CNN_ADAM = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** The parameters, in a fixed order, with their shapes. */
export interface CnnWeights {
  conv1W: Float32Array; // [3, 3, 1, 32]
  conv1B: Float32Array; // [32]
  conv2W: Float32Array; // [3, 3, 32, 64]
  conv2B: Float32Array; // [64]
  dense1W: Float32Array; // [1600, 128]
  dense1B: Float32Array; // [128]
  dense2W: Float32Array; // [128, 10]
  dense2B: Float32Array; // [10]
}

export const CNN_PARAMETER_SHAPES: Record<keyof CnnWeights, readonly number[]> = {
  conv1W: [CNN.kernel, CNN.kernel, CNN.channels, CNN.filters1],
  conv1B: [CNN.filters1],
  conv2W: [CNN.kernel, CNN.kernel, CNN.filters1, CNN.filters2],
  conv2B: [CNN.filters2],
  dense1W: [CNN_SHAPES.flat, CNN.hidden],
  dense1B: [CNN.hidden],
  dense2W: [CNN.hidden, CNN.classes],
  dense2B: [CNN.classes],
};

export const CNN_PARAMETER_NAMES = Object.keys(CNN_PARAMETER_SHAPES) as (keyof CnnWeights)[];

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** He-normal weights N(0, 2 / fanIn) (fanIn = kh·kw·in for a convolution), zero biases; seeded. */
export function cnnInitialWeights(seed = 11): CnnWeights {
  const rng = new Random(seed);
  const out = {} as CnnWeights;
  for (const name of CNN_PARAMETER_NAMES) {
    const shape = CNN_PARAMETER_SHAPES[name];
    const values = new Float32Array(product(shape));
    if (name.endsWith('W')) rng.fillNormal(values, 0, Math.sqrt(2 / product(shape.slice(0, -1))));
    out[name] = values;
  }
  return out;
}

/** One batch: `[64, 28, 28, 1]` uniform pixels in [0, 1) (row-major NHWC) and integer labels. */
export function cnnBatch(seed = 5): { x: Float32Array; y: Int32Array } {
  const rng = new Random(seed);
  const x = rng.fillUniform(new Float32Array(CNN.batch * CNN.height * CNN.width * CNN.channels), 0, 1);
  const y = new Int32Array(CNN.batch);
  for (let i = 0; i < CNN.batch; i++) y[i] = rng.int(CNN.classes);
  return { x, y };
}

/** Losses (each before its step) and milliseconds of consecutive training steps. */
export interface StepTimes {
  losses: number[];
  ms: number[];
}

/** One implementation of the workload, as the CNN benchmark drives it. */
export interface CnnTrainer {
  readonly name: string;
  /** `n` Adam steps on the whole batch, each timed by the implementation itself. */
  steps(n: number): Promise<StepTimes>;
  /** The loss at the current weights by a forward pass alone (for peers too slow to step in --quick). */
  firstLoss?(): Promise<number>;
  dispose(): void;
}

/** Times `n` calls of a synchronous step that returns the loss before its update. */
export function timeSteps(n: number, step: () => number): StepTimes {
  const out: StepTimes = { losses: [], ms: [] };
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    out.losses.push(step());
    out.ms.push(performance.now() - t);
  }
  return out;
}
