import type { Labels } from '../core/labels.js';
import type { Tensor } from '../tensor/tensor.js';
import { fitSteps, type FitOptions, type History, type TrainingTarget } from './fit.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';
import { describeValue } from '../core/validate.js';

/** Options for {@link Sequential.fitAsync}: those of `fit`, plus how often to let the page breathe. */
export interface FitAsyncOptions extends FitOptions {
  /**
   * Longest stretch of training, in milliseconds, before handing the event loop a turn; checked between
   * batches, so one batch is never split (a single batch longer than this still runs to its end). 0 yields
   * after every batch. Default 10: inside one 60 Hz frame, so a page keeps painting and answering input,
   * while tiny batches are not slowed by a yield each.
   */
  yieldEveryMs?: number;
}

/**
 * Runs the same loop as `fit` ({@link fitSteps}), pausing between batches whenever `yieldEveryMs` has passed
 * since the last pause so the host can render, handle input and run timers — e.g. an abort button.
 * Every error, including bad options, arrives as a rejection.
 */
export async function fitModelAsync(model: TrainingTarget, x: Tensor, y: Labels, options: FitAsyncOptions = {}): Promise<History> {
  const op = 'Sequential.fitAsync';
  const yieldEveryMs = options.yieldEveryMs ?? 10;
  if (typeof yieldEveryMs !== 'number' || !(yieldEveryMs >= 0)) {
    throw new RangeError(`${op}: yieldEveryMs must be a number ≥ 0, got ${describeValue(yieldEveryMs)}`);
  }
  const steps = fitSteps(op, model, x, y, options);
  // Date.now, not performance.now: it exists in every ECMAScript host, and 1 ms resolution is enough here.
  let sliceStart = Date.now();
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
    if (Date.now() - sliceStart >= yieldEveryMs) {
      await yieldToEventLoop();
      sliceStart = Date.now();
    }
  }
}
