import { checkInteger, checkNumber } from '../core/validate.js';

/**
 * How the learning rate changes from step to step. Every field is a plain number, so an optimizer's
 * `getConfig()` (and a saved model's training state) carries its schedule, and a resumed run — which
 * restores the optimizer's `iterations` — continues the schedule where it stopped.
 *
 * With t = the number of updates already taken (0 for the first) and lr₀ = `learningRate`:
 *
 *   lr(t) = lr₀ · warm-up(t) · cosine(t) / (1 + decay · t)
 *
 * - warm-up(t) = (t + 1) / warmupSteps while t < warmupSteps, else 1 — a linear ramp from lr₀/warmupSteps
 *   to lr₀, so the first updates (when Adam's moment estimates and a network's statistics are least
 *   reliable) are small;
 * - cosine: for s = t − warmupSteps in [0, cosineDecaySteps], the rate follows half a cosine from lr₀ down
 *   to `minLearningRate`: `min + (lr₀ − min) · ½ (1 + cos(π s / cosineDecaySteps))`, and stays at `min`
 *   after; before s = 0 (during warm-up) it is lr₀. (Loshchilov & Hutter's SGDR without restarts; Keras
 *   `CosineDecay` with `alpha = min / lr₀`.)
 * - `decay` is the book's inverse-time decay; it cannot be combined with a cosine decay (one decay at a time).
 */
export interface LearningRateScheduleOptions {
  /** Step size before any decay (the peak, after warm-up). */
  learningRate?: number;
  /** Inverse-time decay: the rate is divided by `1 + decay · t`. Default 0 (none). */
  decay?: number;
  /** Updates over which the rate ramps linearly up to `learningRate`, integer ≥ 0. Default 0 (no warm-up). */
  warmupSteps?: number;
  /**
   * Updates, after the warm-up, over which the rate falls along half a cosine to `minLearningRate`, integer
   * ≥ 0. Typically the number of updates left in training: `epochs · ⌈n / batchSize⌉ − warmupSteps`.
   * Default 0 (no cosine decay).
   */
  cosineDecaySteps?: number;
  /** Where the cosine decay ends, in [0, learningRate]. Default 0. Only with `cosineDecaySteps`. */
  minLearningRate?: number;
}

/** The option names of {@link LearningRateScheduleOptions}, for each optimizer's list of known options. */
export const SCHEDULE_OPTIONS = ['learningRate', 'decay', 'warmupSteps', 'cosineDecaySteps', 'minLearningRate'] as const;

/** A checked schedule: every field present. */
export type LearningRateSchedule = Readonly<Required<LearningRateScheduleOptions>>;

/**
 * Checks the schedule options of optimizer `op`, filling in defaults.
 * @throws naming the option at fault (a negative or fractional step count, a floor above the rate, decay with cosine)
 */
export function checkSchedule(op: string, options: LearningRateScheduleOptions, defaultLearningRate: number): LearningRateSchedule {
  const learningRate = checkNumber(op, 'learningRate', options.learningRate ?? defaultLearningRate, { min: 0 });
  const decay = checkNumber(op, 'decay', options.decay ?? 0, { min: 0 });
  const warmupSteps = checkInteger(op, 'warmupSteps', options.warmupSteps ?? 0, { min: 0 });
  const cosineDecaySteps = checkInteger(op, 'cosineDecaySteps', options.cosineDecaySteps ?? 0, { min: 0 });
  const minLearningRate = checkNumber(op, 'minLearningRate', options.minLearningRate ?? 0, { min: 0, max: learningRate });
  if (options.minLearningRate !== undefined && cosineDecaySteps === 0) {
    throw new RangeError(`${op}: minLearningRate (${minLearningRate}) is where a cosine decay ends; it needs cosineDecaySteps > 0`);
  }
  if (decay > 0 && cosineDecaySteps > 0) {
    throw new RangeError(`${op}: decay (${decay}) and cosineDecaySteps (${cosineDecaySteps}) are two decays of the learning rate; use one`);
  }
  return { learningRate, decay, warmupSteps, cosineDecaySteps, minLearningRate };
}

/** The learning rate of update t (0-based): the formula of {@link LearningRateScheduleOptions}. */
export function learningRateAt(s: LearningRateSchedule, t: number): number {
  let lr = s.learningRate;
  if (s.cosineDecaySteps > 0) {
    const progress = Math.min(Math.max(t - s.warmupSteps, 0), s.cosineDecaySteps) / s.cosineDecaySteps;
    lr = s.minLearningRate + (s.learningRate - s.minLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
  if (t < s.warmupSteps) lr *= (t + 1) / s.warmupSteps;
  if (s.decay > 0) lr /= 1 + s.decay * t;
  return lr;
}

/** The schedule's options that differ from "constant rate", for `getConfig()` (older configs stay as they were). */
export function scheduleConfig(s: LearningRateSchedule): Record<string, number> {
  const config: Record<string, number> = { learningRate: s.learningRate, decay: s.decay };
  if (s.warmupSteps > 0) config.warmupSteps = s.warmupSteps;
  if (s.cosineDecaySteps > 0) {
    config.cosineDecaySteps = s.cosineDecaySteps;
    config.minLearningRate = s.minLearningRate;
  }
  return config;
}
