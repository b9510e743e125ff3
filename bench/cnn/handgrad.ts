/**
 * The CNN workload in handgrad, once per available kernel path. Until Conv2D, MaxPool2D and Flatten are
 * on this branch it returns no trainers and the bench says so.
 */
import type { CnnTrainer, CnnWeights } from '../lib/cnn-workload.js';

export async function handgradTrainers(_weights: CnnWeights, _batch: { x: Float32Array; y: Int32Array }): Promise<CnnTrainer[]> {
  return [];
}
