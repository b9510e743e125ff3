import { Random } from '../core/random.js';
import { checkFunction, checkHasMethods, checkOptions } from '../core/validate.js';
import type { Layer } from '../layers/layer.js';
import { inFloat64Tensors } from '../tensor/float64-scope.js';
import { Tensor, formatShape, shapesEqual } from '../tensor/tensor.js';
import { checkGradients, type GradCheckEntry, type GradCheckTarget } from './gradcheck.js';
import { compareWithTfjs, type TfjsReference } from './tfjs-reference.js';

/** Makes a fresh layer: a layer class's constructor or a `create()` factory. Called up to three times. */
export type LayerFactory = () => Layer;

/** Options for {@link checkLayer}. */
export interface LayerCheckOptions {
  /** Shape of the random input batch. Default `[4, 3]`. */
  inputShape?: readonly number[];
  /** Seed of the random input (uniform in [−1, 1]) and of the output weights r. Default 0. */
  seed?: number;
  /**
   * `'auto'` (default): differentiate a float64 copy of the layer when its forward stays in float64 (see
   * {@link LayerCheckReport.precision}), else the layer itself in float32. `'float32'` forces the latter.
   */
  precision?: 'auto' | 'float32';
  /** A TensorFlow.js definition of the same forward pass, checked as a second reference. */
  tfjs?: TfjsReference;
  /** Check at most this many elements per tensor, spread evenly. Default: all. */
  maxElementsPerTensor?: number;
}

/** How one gradient tensor compares with one reference. */
export interface TensorCheck {
  /** `"input"` (dL/dx) or the parameter's name, e.g. `"weights"`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** `'finite differences'` or `'tfjs'`. */
  readonly reference: 'finite differences' | 'tfjs';
  readonly maxAbsError: number;
  /** Largest `|a − n| / max(|a|, |n|)` over the checked elements (elements where both are 0 count as 0). */
  readonly maxRelError: number;
  /** The element that is furthest outside the tolerance (or closest to it when all pass), as indices. */
  readonly worst: readonly number[];
  /** The analytic gradient (the layer's backward) at `worst`. */
  readonly analytic: number;
  /** The reference gradient at `worst`. */
  readonly expected: number;
  /** Elements compared. */
  readonly checked: number;
  readonly passed: boolean;
}

/** One behavioural check of the layer contract (not a value comparison). */
export interface ContractCheck {
  readonly name: string;
  readonly passed: boolean;
  /** What was seen, e.g. the error message backward threw, or the tensor that accumulated. */
  readonly detail: string;
}

/** Everything {@link checkLayer} found. */
export interface LayerCheckReport {
  /** The layer's `name`. */
  readonly layer: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly seed: number;
  /**
   * `'float64'`: the numeric gradients come from a copy of the layer built and run with float64 tensor
   * storage, so they carry no float32 rounding (only the central difference's own O(h²) error).
   * `'float32'`: the layer's forward could not run in float64 (it made float32 storage of its own, or
   * `precision: 'float32'`), so the numeric gradients carry float32 rounding of order 2⁻²⁴·Σ|r ⊙ y| / h.
   */
  readonly precision: 'float64' | 'float32';
  /** Why the precision is what it is, in a few words, e.g. `"forward re-run in float64"`. */
  readonly precisionNote: string;
  /** Relative step of the central differences: each element moves by ±step·max(1, |v|). */
  readonly step: number;
  /** An element passes when `|a − n| ≤ rtol·max(|a|, |n|) + atol·max|n|` (max over the tensor). */
  readonly tolerance: { readonly rtol: number; readonly atol: number };
  readonly tensors: readonly TensorCheck[];
  readonly contracts: readonly ContractCheck[];
  /** True when every tensor and every contract check passed. */
  readonly passed: boolean;
  /** One line per failure, naming the tensor and its worst element; empty when passed. */
  readonly failures: readonly string[];
}

/** Step and tolerance per precision: float64 differences are exact to ~1e-10, float32 ones to ~1e-4. */
const SETTINGS = {
  float64: { step: 1e-5, rtol: 1e-4, atol: 1e-5 },
  float32: { step: 1e-3, rtol: 1e-3, atol: 1e-3 },
} as const;

/** Tolerance of the comparison with TensorFlow.js (both sides float32), as in the project's own tests. */
export const TFJS_TOLERANCE = { rtol: 1e-4, atol: 1e-5 } as const;

/**
 * Checks a layer — anyone's, as long as it implements {@link Layer} — the way handgrad checks its own.
 *
 * On a seeded random input x it reduces the output to `L = Σ r ⊙ layer.forward(x)` with fixed random
 * weights r, calls `backward(r)`, and compares dL/dx and every parameter gradient with central finite
 * differences of the forward pass, evaluated in float64 where possible (see
 * {@link LayerCheckReport.precision}), and with TensorFlow.js autodiff when `options.tfjs` is given.
 * It also checks the contract: the forward pass is deterministic, gradient shapes equal the shapes of
 * what they differentiate, a second backward overwrites the gradients instead of adding to them, and
 * backward before any forward throws.
 *
 * @param create - makes a fresh layer (called up to three times: the layer checked, a float64 copy, and
 *   an untouched one for the backward-before-forward check)
 * @example
 * const report = checkLayer(() => new Dense(3, 2, { seed: 1 }));
 * report.passed; // true
 */
export function checkLayer(create: LayerFactory, options: LayerCheckOptions = {}): LayerCheckReport {
  checkFunction('checkLayer', 'create', create);
  checkOptions('checkLayer', 'options', options, ['inputShape', 'seed', 'precision', 'tfjs', 'maxElementsPerTensor']);
  const inputShape = [...(options.inputShape ?? [4, 3])];
  const seed = options.seed ?? 0;
  const contracts: ContractCheck[] = [];
  const layer = create();
  checkHasMethods('checkLayer', 'create()', layer, ['forward', 'backward', 'parameters'], 'a Layer');
  const label = layer.name;

  const random = new Random(seed);
  const x = new Tensor(inputShape);
  random.fillUniform(x.data, -1, 1);

  const y = layer.forward(x.clone(), { training: true }).clone();
  const r = new Tensor(y.shape);
  random.fillUniform(r.data, -1, 1);
  const again = layer.forward(x.clone(), { training: true });
  contracts.push(deterministic(y, again));

  // The analytic gradients, copied before anything runs the layer again.
  const dinputs = layer.backward(r);
  const analytic = [{ name: 'input', of: x, grad: dinputs.clone() }];
  for (const p of layer.parameters()) analytic.push({ name: p.name, of: p.value, grad: p.grad.clone() });
  contracts.push(shapesMatch(analytic));
  contracts.push(notAccumulated(layer, x, r, analytic));
  contracts.push(backwardBeforeForward(create, r));

  const precision = options.precision === 'float32' ? null : float64Copy(create, layer, x);
  const settings = precision === null ? SETTINGS.float32 : SETTINGS.float64;
  const numeric = precision ?? float32Targets(layer, x);
  const report = checkGradients(
    numeric.scalar(r),
    analytic.map((a, k): GradCheckTarget => ({ name: a.name, values: numeric.values[k], analytic: a.grad.data })),
    { epsilon: settings.step, maxElementsPerTensor: options.maxElementsPerTensor },
  );
  const tensors: TensorCheck[] = report.entries.map((entry, k) =>
    compare(entry, analytic[k].of.shape, 'finite differences', settings),
  );
  if (options.tfjs) {
    let expected: Float64Array[] | null = null;
    try {
      expected = compareWithTfjs(options.tfjs, x, r, analytic.slice(1).map((a) => ({ name: a.name, value: a.of })));
    } catch (err) {
      // e.g. tf.grads refuses a parameter the tfjs forward never uses
      contracts.push({ name: 'tfjs reference runs', passed: false, detail: `tf.grads on the tfjs definition failed: ${message(err)}` });
    }
    analytic.forEach((a, k) => {
      if (expected !== null) tensors.push(compareArrays(a.name, a.of.shape, 'tfjs', a.grad.data, expected[k], TFJS_TOLERANCE));
    });
  }

  const failures: string[] = [];
  for (const t of tensors) {
    if (t.passed) continue;
    failures.push(
      `${t.name}: gradient disagrees with ${t.reference} at ${formatShape(t.worst)}: ` +
        `backward gives ${fmt(t.analytic)}, ${t.reference} give ${fmt(t.expected)} (relative error ${relative(t.analytic, t.expected).toExponential(1)})`,
    );
  }
  for (const c of contracts) if (!c.passed) failures.push(`${c.name}: ${c.detail}`);
  return {
    layer: label,
    inputShape,
    outputShape: [...y.shape],
    seed,
    precision: precision === null ? 'float32' : 'float64',
    precisionNote:
      precision !== null
        ? 'forward re-run in float64'
        : options.precision === 'float32'
          ? 'forward in float32, as asked'
          : 'forward in float32 (a float64 copy of the layer still produced float32: it allocates float32 storage of its own)',
    step: settings.step,
    tolerance: { rtol: settings.rtol, atol: settings.atol },
    tensors,
    contracts,
    passed: failures.length === 0,
    failures,
  };
}

interface NumericTargets {
  /** The storage to perturb, one per analytic gradient (input first, then the parameters in order). */
  readonly values: Float32Array[];
  /** `L = Σ r ⊙ forward(x)`, accumulated in float64. */
  scalar(r: Tensor): () => number;
}

/** Differentiates the layer itself: float32 storage, float32 arithmetic inside the forward pass. */
function float32Targets(layer: Layer, x: Tensor): NumericTargets {
  const input = x.clone();
  return {
    values: [input.data, ...layer.parameters().map((p) => p.value.data)],
    scalar: (r) => () => project(layer.forward(input, { training: true }), r),
  };
}

/**
 * A second instance built inside the float64 scope, with the checked layer's parameter values copied in
 * (exactly: float32 values are float64 values). Returns null when its forward output is not float64 —
 * then some storage in the layer is its own float32, and differentiating it would gain nothing.
 */
function float64Copy(create: LayerFactory, layer: Layer, x: Tensor): NumericTargets | null {
  try {
    return inFloat64Tensors(() => {
      const twin = create();
      const mine = layer.parameters();
      const theirs = twin.parameters();
      if (mine.length !== theirs.length) return null;
      for (let k = 0; k < mine.length; k++) {
        if (!shapesEqual(mine[k].value.shape, theirs[k].value.shape)) return null;
        theirs[k].value.data.set(mine[k].value.data);
      }
      const input = new Tensor(x.shape);
      input.data.set(x.data);
      const out = twin.forward(input, { training: true });
      if (!(out.data instanceof Float64Array)) return null;
      return {
        values: [input.data, ...theirs.map((p) => p.value.data)],
        scalar: (r: Tensor) => () => inFloat64Tensors(() => project(twin.forward(input, { training: true }), r)),
      };
    });
  } catch {
    return null; // the float64 copy could not run; the float32 check still can
  }
}

/** Σ r ⊙ y in float64. */
function project(y: Tensor, r: Tensor): number {
  if (!y.sameShape(r)) {
    throw new RangeError(`forward output changed shape from ${r.shapeString()} to ${y.shapeString()} between calls`);
  }
  let s = 0;
  for (let i = 0; i < y.data.length; i++) s += y.data[i] * r.data[i];
  return s;
}

function compare(
  entry: GradCheckEntry,
  shape: readonly number[],
  reference: TensorCheck['reference'],
  tolerance: { rtol: number; atol: number },
): TensorCheck {
  const analytic = new Float64Array(entry.indices.length);
  const expected = new Float64Array(entry.indices.length);
  entry.indices.forEach((_, k) => {
    analytic[k] = entry.analytic[k];
    expected[k] = entry.numeric[k];
  });
  return compareArrays(entry.name, shape, reference, analytic, expected, tolerance, entry.indices);
}

/** Compares `analytic` with `expected` elementwise; `indices` maps positions to flat indices in `shape`. */
function compareArrays(
  name: string,
  shape: readonly number[],
  reference: TensorCheck['reference'],
  analytic: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol, atol }: { rtol: number; atol: number },
  indices?: readonly number[],
): TensorCheck {
  let scale = 0;
  for (let k = 0; k < expected.length; k++) scale = Math.max(scale, Math.abs(expected[k]));
  let maxAbs = 0;
  let maxRel = 0;
  let worst = -1;
  let worstExcess = -1;
  let passed = true;
  for (let k = 0; k < expected.length; k++) {
    const a = analytic[k];
    const n = expected[k];
    const abs = Math.abs(a - n);
    const magnitude = Math.max(Math.abs(a), Math.abs(n));
    const allowed = rtol * magnitude + atol * scale;
    // NaN anywhere fails, and is the worst element
    const excess = Number.isFinite(abs) ? abs / (allowed > 0 ? allowed : Number.MIN_VALUE) : Infinity;
    if (!(abs <= allowed)) passed = false;
    if (excess > worstExcess || worst < 0) {
      worstExcess = excess;
      worst = k;
    }
    maxAbs = Math.max(maxAbs, Number.isFinite(abs) ? abs : Infinity);
    if (magnitude > 0) maxRel = Math.max(maxRel, Number.isFinite(abs) ? abs / magnitude : Infinity);
  }
  const flat = worst < 0 ? 0 : (indices?.[worst] ?? worst);
  return {
    name,
    shape,
    reference,
    maxAbsError: maxAbs,
    maxRelError: maxRel,
    worst: unravel(flat, shape),
    analytic: worst < 0 ? 0 : analytic[worst],
    expected: worst < 0 ? 0 : expected[worst],
    checked: expected.length,
    passed,
  };
}

/** Flat row-major index → one index per dimension. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = shape[d] === 0 ? 0 : rest % shape[d];
    rest = shape[d] === 0 ? 0 : Math.floor(rest / shape[d]);
  }
  return out;
}

function deterministic(first: Tensor, second: Tensor): ContractCheck {
  const name = 'forward is deterministic';
  if (!first.sameShape(second)) {
    return { name, passed: false, detail: `two forward passes on the same input gave shapes ${first.shapeString()} and ${second.shapeString()}` };
  }
  for (let i = 0; i < first.size; i++) {
    if (!Object.is(first.data[i], second.data[i])) {
      const at = formatShape(unravel(i, first.shape));
      return {
        name,
        passed: false,
        detail: `two forward passes on the same input differ at ${at} (${fmt(first.data[i])} vs ${fmt(second.data[i])}); finite differences need a deterministic forward (training: true)`,
      };
    }
  }
  return { name, passed: true, detail: 'two forward passes on the same input agree bit for bit' };
}

function shapesMatch(grads: readonly { name: string; of: Tensor; grad: Tensor }[]): ContractCheck {
  const name = 'gradient shapes match';
  const wrong = grads.filter((g) => !g.of.sameShape(g.grad));
  if (wrong.length > 0) {
    const w = wrong[0];
    return {
      name,
      passed: false,
      detail: `${w.name}: gradient has shape ${w.grad.shapeString()}, ${w.name === 'input' ? 'the input' : 'the parameter'} has ${w.of.shapeString()}`,
    };
  }
  return { name, passed: true, detail: grads.map((g) => `${g.name} ${g.of.shapeString()}`).join(', ') };
}

/** A second forward + backward with the same x and r must reproduce the gradients, not add to them. */
function notAccumulated(
  layer: Layer,
  x: Tensor,
  r: Tensor,
  first: readonly { name: string; grad: Tensor }[],
): ContractCheck {
  const name = 'gradients are overwritten, not accumulated';
  layer.forward(x.clone(), { training: true });
  const second: Tensor[] = [layer.backward(r)];
  for (const p of layer.parameters()) second.push(p.grad);
  for (let k = 0; k < first.length; k++) {
    const a = first[k].grad.data;
    const b = second[k].data;
    if (a.length !== b.length) continue; // the shape check reports this
    let diff = 0;
    let scale = 0;
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(a[i]));
      dot += a[i] * b[i];
      norm += a[i] * a[i];
    }
    if (diff > 1e-6 * scale || !Number.isFinite(diff)) {
      const ratio = norm > 0 ? dot / norm : NaN;
      return {
        name,
        passed: false,
        detail: `${first[k].name}: a second backward with the same input gave ${fmt(ratio, 3)} × the first gradient (largest difference ${fmt(diff)}); backward must overwrite its gradients, not add to them`,
      };
    }
  }
  return { name, passed: true, detail: 'a second backward reproduced every gradient' };
}

function backwardBeforeForward(create: LayerFactory, dvalues: Tensor): ContractCheck {
  const name = 'backward before forward throws';
  let fresh: Layer;
  try {
    fresh = create();
  } catch (err) {
    return { name, passed: false, detail: `could not make a second layer: ${message(err)}` };
  }
  try {
    fresh.backward(dvalues.clone());
  } catch (err) {
    // A TypeError from reading a missing input is JavaScript's error, not the layer's: it names nothing.
    if (err instanceof TypeError && /cannot read|of null|of undefined|is not a function|is not iterable/i.test(err.message)) {
      return { name, passed: false, detail: `backward on a fresh layer threw a raw TypeError (${err.message}) instead of an error saying forward must come first` };
    }
    return { name, passed: true, detail: message(err) };
  }
  return { name, passed: false, detail: 'backward on a fresh layer returned instead of throwing (it has no input to differentiate at)' };
}

function relative(a: number, b: number): number {
  const magnitude = Math.max(Math.abs(a), Math.abs(b));
  return magnitude > 0 ? Math.abs(a - b) / magnitude : Math.abs(a - b);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A number for a report: 4 significant digits, exponent form when very small or large. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
}
