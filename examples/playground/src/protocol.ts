/**
 * What the page and the training worker say to each other, and the settings both build from.
 * The page owns the settings; the worker owns the model being trained and reports on it.
 */
import type { RandomState } from 'handgrad';

export const DATASETS = ['spiral', 'circles', 'xor', 'gaussians', 'vertical'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const ACTIVATIONS = ['relu', 'leaky-relu', 'tanh', 'sigmoid'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['sgd', 'adagrad', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface DataSpec {
  readonly dataset: DatasetName;
  /** Total number of points (split between the classes). */
  readonly size: number;
  /** Standard deviation of extra Gaussian jitter added to every point (0 = the generator's own). */
  readonly noise: number;
  /** Fraction of the points held out as the test set. */
  readonly testFraction: number;
  readonly seed: number;
}

export interface HiddenLayerSpec {
  readonly units: number;
  readonly activation: ActivationName;
  /** Dropout rate after the activation; 0 = no Dropout layer. */
  readonly dropout: number;
}

export interface NetworkSpec {
  readonly hidden: readonly HiddenLayerSpec[];
  /** L2 strength λ on every Dense layer's weights. */
  readonly l2: number;
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly seed: number;
}

export interface Settings {
  readonly data: DataSpec;
  readonly net: NetworkSpec;
}

/** The parameters and last gradients of one Dense layer (copies, safe to keep). */
export interface DenseState {
  /** Index of the layer in the Sequential. */
  readonly layer: number;
  readonly nIn: number;
  readonly nOut: number;
  readonly weights: Float32Array;
  readonly biases: Float32Array;
  /** dL/dW from the last training step. */
  readonly dweights: Float32Array;
}

/** Everything needed to replay the last training step in the page: the model and batch before the update. */
export interface StepSnapshot {
  /** Training steps done so far; the snapshot is of step `step` (1-based), taken before its update. */
  readonly step: number;
  readonly epoch: number;
  /** Parameter values before the step's update, in `model.parameters()` order. */
  readonly parameters: Float32Array[];
  /** Each Dropout layer's random stream before the step (so the page draws the same masks). */
  readonly dropoutStates: RandomState[];
  readonly batchX: Float32Array;
  readonly batchY: Int32Array;
  /** dL/dW of every Dense layer as the worker's `trainStep` computed it, keyed by layer index. */
  readonly dweights: Record<number, Float32Array>;
}

export type ToWorker =
  /** A new model; `generation` tags every later report, so the page can drop reports about the old one. */
  | { type: 'configure'; settings: Settings; generation: number }
  | { type: 'play' }
  /** Training speed cap in steps per second; null = as fast as the worker can go. */
  | { type: 'speed'; stepsPerSecond: number | null }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'snapshot' }
  | { type: 'export'; format: ExportFormat };

export const EXPORT_FORMATS = ['handgrad', 'onnx', 'tfjs'] as const;
/** handgrad's own JSON (`model.toJSON()`), ONNX (`exportOnnx`), TF.js Layers (`exportTfjsLayers`: model.json + weights.bin). */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One file to hand to the user. */
export interface ExportFile {
  readonly name: string;
  readonly type: string;
  readonly data: string | Uint8Array | ArrayBuffer;
}

export interface Progress {
  readonly epoch: number;
  readonly step: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
}

export type FromWorker =
  | {
      type: 'update';
      generation: number;
      running: boolean;
      progress: Progress;
      /** One entry per epoch completed since the last update (for the curves). */
      epochs: Progress[];
      /** Class probabilities on the boundary grid, `[gridSize², classes]` row-major. */
      grid: Float32Array;
      dense: DenseState[];
    }
  | { type: 'snapshot'; generation: number; snapshot: StepSnapshot | null }
  | { type: 'export'; files: ExportFile[] }
  | { type: 'error'; message: string };

/** Boundary heatmap resolution (cells per side). */
export const GRID_SIZE = 80;
