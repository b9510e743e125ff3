import type { Labels } from '../core/labels.js';
import type { BatchLog } from '../model/fit.js';
import type { Sequential } from '../model/sequential.js';
import type { Tensor } from '../tensor/tensor.js';
import { diagnose, type Diagnosis, type DiagnoseOptions } from './diagnose.js';
import { describeValue } from '../core/validate.js';

/** Options for {@link recordDiagnostics}. */
export interface RecordDiagnosticsOptions extends DiagnoseOptions {
  /** Diagnose after every `every`-th training step (batch), counting from the first. Default 10. */
  every?: number;
}

/** One recorded diagnosis and when it was taken. */
export interface DiagnosisRecord {
  /** Training steps (batches) done when it was taken, counted across epochs from 1. */
  readonly step: number;
  readonly epoch: number;
  readonly diagnosis: Diagnosis;
}

/** What {@link recordDiagnostics} returns: a callback for `fit` and the records it fills. */
export interface DiagnosticsRecorder {
  /** Pass as `fit(x, y, { onBatchEnd })` (or call it from your own `onBatchEnd`). */
  readonly onBatchEnd: (log: BatchLog) => void;
  /** The diagnoses so far, oldest first. */
  readonly records: DiagnosisRecord[];
}

/**
 * Records {@link diagnose} on a fixed probe batch `(x, y)` every `every` training steps, from `fit`'s
 * `onBatchEnd` — so `fit` itself needs no option for it:
 *
 * ```ts
 * const recorder = recordDiagnostics(model, probe.x, probe.y, { every: 50 });
 * model.fit(x, y, { epochs: 100, onBatchEnd: recorder.onBatchEnd });
 * recorder.records; // [{ step: 1, epoch: 1, diagnosis }, { step: 51, … }, …]
 * ```
 *
 * The first step is always recorded. Diagnosing runs a forward and backward pass on the probe batch
 * between two training steps; it changes no parameter and no optimizer state.
 */
export function recordDiagnostics(model: Sequential, x: Tensor, y: Labels, options: RecordDiagnosticsOptions = {}): DiagnosticsRecorder {
  const every = options.every ?? 10;
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(`recordDiagnostics: every must be an integer ≥ 1, got ${describeValue(every)}`);
  }
  const records: DiagnosisRecord[] = [];
  let step = 0;
  return {
    records,
    onBatchEnd(log: BatchLog): void {
      step++;
      if ((step - 1) % every !== 0) return;
      records.push({ step, epoch: log.epoch, diagnosis: diagnose(model, x, y, options) });
    },
  };
}
