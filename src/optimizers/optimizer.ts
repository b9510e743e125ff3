import type { Parameter } from '../layers/layer.js';
import { getKernels } from '../tensor/backend.js';
import { jsUpdates, type UpdateKernels } from '../tensor/kernels/updates.js';
import { allocateData, type Tensor } from '../tensor/tensor.js';
import { checkInteger, describeValue, invalid } from '../core/validate.js';
import { checkSchedule, learningRateAt, scheduleConfig, type LearningRateSchedule, type LearningRateScheduleOptions } from './learning-rate-schedule.js';

/**
 * Options every optimizer accepts: the learning rate and its schedule over the updates (warm-up, cosine
 * or inverse-time decay; see {@link LearningRateScheduleOptions}). `learningRate` must be finite and ≥ 0
 * (0 is valid: parameters stay put).
 */
export type OptimizerOptions = LearningRateScheduleOptions;

/**
 * What `getConfig()` returns: enough to rebuild the optimizer from JSON
 * (`name` picks the class, `options` is its constructor argument).
 */
export interface OptimizerConfig {
  readonly name: string;
  readonly options: Readonly<Record<string, number>>;
}

/**
 * A snapshot of an optimizer's progress, as plain JSON-friendly data, for resuming training.
 * `slots[slotName][i]` is the state of `params[i]` (same order as the `params` given to `getState`),
 * flattened row-major like the parameter's `data`. Slot names per algorithm: SGD `momentum` (only when
 * momentum > 0), AdaGrad and RMSProp `cache`, Adam `momentum` and `cache`.
 */
export interface OptimizerState {
  readonly name: string;
  readonly iterations: number;
  readonly slots: Readonly<Record<string, number[][]>>;
}

/**
 * The book's optimizer loop (Neural Networks from Scratch, ch. 10), shared by every algorithm:
 *
 * 1. pre-update: current lr from the schedule at t = iterations (`learningRate / (1 + decay · t)` in the
 *    book; warm-up and cosine decay optional, see {@link LearningRateScheduleOptions});
 * 2. update each parameter from its gradient (the subclass's formula, {@link Optimizer.updateParameter});
 * 3. post-update: iterations += 1.
 *
 * State (momentum, caches) lives here, not on the layers: a `Map` keyed by the parameter's `value` tensor,
 * which is the same object for a layer's whole life. Each parameter's state arrays are allocated on its
 * first update and reused afterwards, so a steady-state `step` allocates nothing.
 */
export abstract class Optimizer {
  /** Class name, e.g. `"Adam"`; also the `name` in {@link OptimizerConfig}. */
  abstract readonly name: string;
  /** The learning rate before any decay (with a warm-up, the rate it ramps up to). */
  readonly learningRate: number;
  /** Inverse-time decay of the learning rate per update step (0: none). */
  readonly decay: number;
  /** The whole learning-rate schedule, defaults filled in. */
  readonly schedule: LearningRateSchedule;
  /** Number of `step` calls so far. */
  iterations = 0;

  /** Names of the per-parameter state arrays this algorithm keeps, e.g. `['momentum', 'cache']`. */
  protected abstract readonly slotNames: readonly string[];
  /** Slots that can never be negative (running sums or averages of g²); a snapshot with a negative one is refused. */
  protected readonly nonNegativeSlots: readonly string[] = [];
  private readonly state = new Map<Tensor, Float32Array[]>();
  /** What {@link Optimizer.checkpoint} copied aside. */
  private readonly saved = { iterations: 0, slots: new Map<Tensor, Float32Array[]>(), absent: new Set<Tensor>() };

  /**
   * @param op - the algorithm's name, for messages
   * @param options - the constructor's options (only the schedule's are read here)
   * @param defaultLearningRate - the algorithm's default `learningRate`
   */
  protected constructor(op: string, options: LearningRateScheduleOptions, defaultLearningRate: number) {
    this.schedule = checkSchedule(op, options, defaultLearningRate);
    this.learningRate = this.schedule.learningRate;
    this.decay = this.schedule.decay;
  }

  /** The learning rate the next `step` will use: the schedule at t = `iterations`. */
  get currentLearningRate(): number {
    return learningRateAt(this.schedule, this.iterations);
  }

  /**
   * One update of every parameter from its current gradient (`param.grad`), then `iterations += 1`.
   * @throws if a gradient's shape differs from its parameter's
   */
  step(params: readonly Parameter[]): void {
    // pre-update: the decayed learning rate for this step
    const lr = this.currentLearningRate;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p.grad.data.length !== p.value.data.length) {
        throw new RangeError(
          `${this.name}.step: gradient of ${p.name} has shape ${p.grad.shapeString()}, parameter has ${p.value.shapeString()}`,
        );
      }
      this.updateParameter(p.value.data, p.grad.data, this.slotsFor(p.value), lr);
    }
    // post-update
    this.iterations += 1;
  }

  /**
   * {@link Optimizer.checkpoint}, then {@link Optimizer.step}, with the copies fused into the update where
   * the algorithm and kernels can (Adam on the WebAssembly path writes the old parameter and state aside
   * as it reads them: no separate copy pass). `undo[i]` receives `params[i]`'s values before the update;
   * {@link Optimizer.rollback} restores the state. `Sequential`'s training step uses this.
   * @throws if a gradient's shape differs from its parameter's
   */
  stepWithCheckpoint(params: readonly Parameter[], undo: readonly Float32Array[]): void {
    for (const p of params) {
      if (p.grad.data.length !== p.value.data.length) {
        throw new RangeError(
          `${this.name}.step: gradient of ${p.name} has shape ${p.grad.shapeString()}, parameter has ${p.value.shapeString()}`,
        );
      }
    }
    const saved = this.saved;
    saved.iterations = this.iterations;
    const lr = this.currentLearningRate;
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      let copy = saved.slots.get(p.value);
      if (copy === undefined) {
        copy = this.slotNames.map(() => allocateData(p.value.size));
        saved.slots.set(p.value, copy);
      }
      // no state yet: rollback removes what this step creates
      if (this.state.has(p.value)) saved.absent.delete(p.value);
      else saved.absent.add(p.value);
      const slots = this.slotsFor(p.value);
      const w = p.value.data;
      try {
        if (!this.updateParameterWithBackup(w, p.grad.data, slots, lr, undo[i], copy)) {
          undo[i].set(w);
          for (let s = 0; s < slots.length; s++) copy[s].set(slots[s]);
          this.updateParameter(w, p.grad.data, slots, lr);
        }
      } catch (err) {
        // The kernel failed part-way through this parameter (a worker thread stopped): the ones before it
        // go back to their old values; this one's old values were only partly set aside.
        for (let j = 0; j < i; j++) params[j].value.data.set(undo[j]);
        this.rollback(params.slice(0, i));
        this.iterations = saved.iterations;
        throw new Error(
          `${this.name}.step: the update of ${p.name} failed part-way (${(err as Error).message}); ` +
            `the parameters before it were restored, ${p.name} and its optimizer state may be partly updated`,
        );
      }
    }
    this.iterations += 1;
  }

  /**
   * {@link Optimizer.updateParameter} that also copies the old `w` to `wBackup` and the old slots to
   * `slotBackups` in the same pass. Returns false (the default) when the algorithm has no such kernel: the
   * caller then copies first and calls `updateParameter`.
   */
  protected updateParameterWithBackup(
    _w: Float32Array, _g: Float32Array, _slots: Float32Array[], _lr: number,
    _wBackup: Float32Array, _slotBackups: Float32Array[],
  ): boolean {
    return false;
  }

  /**
   * The update rules of the active kernel set (WebAssembly SIMD or plain JS), for `updateParameter`:
   * the formulas are written out in each subclass's doc comment and in `tensor/kernels/updates.ts`.
   */
  protected get kernels(): UpdateKernels {
    return getKernels().updates ?? jsUpdates;
  }

  /**
   * The algorithm's formula for one parameter, in place.
   * @param w - the parameter's values (updated in place)
   * @param g - dL/dw
   * @param slots - this parameter's state arrays, in `slotNames` order, each `w.length` long
   * @param lr - the current (decayed) learning rate
   */
  protected abstract updateParameter(w: Float32Array, g: Float32Array, slots: Float32Array[], lr: number): void;

  /** The algorithm's own constructor options, defaults filled in (the schedule's are added by `getConfig`). */
  protected abstract options(): Record<string, number>;

  /**
   * `{ name, options }`: enough to rebuild the optimizer (e.g. from JSON). The schedule's warm-up and cosine
   * options appear only when set, so a constant-rate optimizer's config is what it always was.
   */
  getConfig(): OptimizerConfig {
    return { name: this.name, options: { ...scheduleConfig(this.schedule), ...this.options() } };
  }

  /** A plain-data snapshot of the iteration count and every parameter's state, ordered like `params`. */
  getState(params: readonly Parameter[]): OptimizerState {
    const slots: Record<string, number[][]> = {};
    this.slotNames.forEach((slot, s) => {
      slots[slot] = params.map((p) => {
        const st = this.state.get(p.value);
        return st ? Array.from(st[s]) : new Array<number>(p.value.size).fill(0);
      });
    });
    return { name: this.name, iterations: this.iterations, slots };
  }

  /**
   * Restores a snapshot from {@link getState}; `params` must be the same parameters, in the same order.
   * @throws naming the mismatch if the snapshot is for another algorithm or other parameter shapes
   */
  setState(params: readonly Parameter[], state: OptimizerState): void {
    const op = `${this.name}.setState`;
    if (state === null || typeof state !== 'object') invalid(op, 'state', 'an OptimizerState { name, iterations, slots }', state, true);
    if (state.name !== this.name) throw new RangeError(`${op}: snapshot is for ${describeValue(state.name)}, not ${this.name}`);
    // a safe integer: beyond 2⁵³ `iterations += 1` stops counting, and the decayed rate and bias corrections with it
    checkInteger(op, 'iterations', state.iterations, { min: 0 });
    if (state.slots === null || typeof state.slots !== 'object') invalid(op, 'slots', 'an object of arrays', state.slots, true);
    for (const slot of this.slotNames) {
      const arrays = state.slots[slot];
      if (!arrays) throw new RangeError(`${op}: snapshot has no '${slot}' state`);
      if (arrays.length !== params.length) {
        throw new RangeError(`${op}: '${slot}' has ${arrays.length} entries for ${params.length} parameters`);
      }
      const nonNegative = this.nonNegativeSlots.includes(slot);
      params.forEach((p, i) => {
        const values = arrays[i];
        if (values?.length !== p.value.size) {
          throw new RangeError(
            `${op}: '${slot}' state of ${p.name} has ${values?.length} values, parameter ${p.value.shapeString()} has ${p.value.size}`,
          );
        }
        for (let j = 0; j < values.length; j++) {
          const v = values[j];
          // finite, and ≥ 0 for caches of squared gradients: anything else silently ruins resumed training
          if (typeof v !== 'number' || !Number.isFinite(v) || (nonNegative && v < 0)) {
            throw new RangeError(
              `${op}: '${slot}' state of ${p.name} holds ${describeValue(v)} at index ${j}; expected a finite number${nonNegative ? ' ≥ 0' : ''}`,
            );
          }
        }
      });
    }
    this.iterations = state.iterations;
    for (const p of params) this.state.delete(p.value);
    params.forEach((p, i) => {
      const slots = this.slotsFor(p.value);
      this.slotNames.forEach((slot, s) => slots[s].set(state.slots[slot][i]));
    });
  }

  /**
   * Copies the state of `params` (and the step count) aside, so the next {@link Optimizer.rollback} can
   * undo one `step` exactly. `Sequential` does this before every update, to undo a step that made a
   * parameter non-finite. Reuses its buffers: allocates only the first time.
   */
  checkpoint(params: readonly Parameter[]): void {
    this.saved.iterations = this.iterations;
    for (const p of params) {
      let copy = this.saved.slots.get(p.value);
      if (copy === undefined) {
        // allocated on the first checkpoint, even before the state exists, so later steps allocate nothing
        copy = this.slotNames.map(() => allocateData(p.value.size));
        this.saved.slots.set(p.value, copy);
      }
      const live = this.state.get(p.value);
      if (live === undefined) {
        this.saved.absent.add(p.value); // no state yet: rollback removes what the step creates
        continue;
      }
      this.saved.absent.delete(p.value);
      for (let s = 0; s < live.length; s++) copy[s].set(live[s]);
    }
  }

  /** Restores the state {@link Optimizer.checkpoint} saved for `params`, and its step count. */
  rollback(params: readonly Parameter[]): void {
    this.iterations = this.saved.iterations;
    for (const p of params) {
      const copy = this.saved.slots.get(p.value);
      const live = this.state.get(p.value);
      if (copy === undefined || this.saved.absent.has(p.value)) this.state.delete(p.value);
      else if (live !== undefined) for (let s = 0; s < live.length; s++) live[s].set(copy[s]);
    }
  }

  /** Forgets all state and sets `iterations` back to 0. */
  reset(): void {
    this.state.clear();
    this.iterations = 0;
  }

  /** The state arrays of one parameter, allocated (zero-filled) on first use. */
  private slotsFor(value: Tensor): Float32Array[] {
    let slots = this.state.get(value);
    if (slots === undefined) {
      slots = this.slotNames.map(() => allocateData(value.size));
      this.state.set(value, slots);
    }
    return slots;
  }
}
