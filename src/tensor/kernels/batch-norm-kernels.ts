import { batchNormBackward, batchNormInferenceForward, batchNormTrainingForward } from '../batch-norm.js';
import { convKernels } from './conv-kernels.js';

/**
 * Batch normalisation's three passes (see `../batch-norm.ts` for the maths and the plain-JS definitions)
 * as one set per path, like the matrix and convolution kernels. Every set computes the same values bit
 * for bit: per-channel sums in float64 in row order, and each element as the same float64 expression
 * rounded once. Arguments as the JS functions'.
 */
export interface BatchNormKernels {
  /** See {@link batchNormTrainingForward}. */
  trainingForward: typeof batchNormTrainingForward;
  /** See {@link batchNormInferenceForward}. */
  inferenceForward: typeof batchNormInferenceForward;
  /** See {@link batchNormBackward}. */
  backward: typeof batchNormBackward;
}

/** The plain-JS set (the definitions). */
export const jsBatchNormKernels: BatchNormKernels = {
  trainingForward: batchNormTrainingForward,
  inferenceForward: batchNormInferenceForward,
  backward: batchNormBackward,
};

/**
 * The set that goes with the active kernels: WebAssembly SIMD (conv.wat, threads split the channels) when
 * the convolution kernels have it, plain JS otherwise (`useKernels('js')`, the gradient checker's float64
 * scope).
 */
export function batchNormKernels(): BatchNormKernels {
  return convKernels().batchNorm ?? jsBatchNormKernels;
}
