import { Tensor, shapesEqual } from './tensor.js';

/**
 * `base` seen with `shape`, sharing its data — the cached view when it already is exactly that, else a
 * new view. Layers that hand out reshaped buffers (Conv2D's NHWC output over its GEMM result, Flatten)
 * keep the view between calls, so a steady training step creates no objects and the tensors it returns
 * keep their identity.
 */
export function viewOf(cached: Tensor | null, base: Tensor, shape: readonly number[]): Tensor {
  if (cached !== null && cached.data === base.data && shapesEqual(cached.shape, shape)) return cached;
  return new Tensor(shape, base.data);
}
