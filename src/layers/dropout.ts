import { checkNumber, checkOptions, checkSeed, invalid } from '../core/validate.js';
import { randomFor, type Random } from '../core/random.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/** Options for {@link Dropout}. */
export interface DropoutOptions {
  /** Fraction of units to drop in training, in [0, 1). Required. */
  rate: number;
  /** Seed for the mask generator. Default: a stream forked from the global generator. */
  seed?: number;
}

/**
 * Inverted dropout (book ch. 15). In training, each element is kept with probability `q = 1 − rate` and
 * scaled by `1/q`, or zeroed: `y = x ⊙ m` with `m_i = 1/q` with probability q, else 0 — so the expected
 * output equals the input and inference needs no rescaling. In inference (`training` false or omitted)
 * it is the identity.
 *
 * Each training forward draws a fresh mask from the layer's seeded {@link Random} stream, so a seeded
 * model trains identically every run. Keeps the mask (backward needs it).
 *
 * Backward: `dy/dx = m` (elementwise), so `dL/dx = dL/dy ⊙ m` with the same mask as the forward;
 * after an inference forward the mask is all ones and backward passes the gradient through.
 */
export class Dropout implements Layer {
  readonly name: string;
  readonly rate: number;
  /** The seed given in the options, if any (kept so the layer can be described and rebuilt). */
  readonly seed: number | undefined;
  dinputs: Tensor | null = null;
  /** The stream the masks are drawn from (its state is saved with the model, so training resumes exactly). */
  readonly rng: Random;
  /** The mask m of the last forward, or null after an inference forward (m = 1). */
  private maskTensor: Tensor | null = null;
  private usedMask = false;
  private output: Tensor | null = null;

  constructor(options: DropoutOptions) {
    if (options === undefined) invalid('Dropout', 'options', 'an options object { rate, seed? }', options, true);
    checkOptions('Dropout', 'options', options, ['rate', 'seed']);
    const rate = checkNumber('Dropout', 'rate', options.rate, { min: 0, max: 1, maxExclusive: true });
    if (options.seed !== undefined) checkSeed('Dropout', 'seed', options.seed);
    this.rate = rate;
    this.seed = options.seed;
    this.name = `Dropout(${rate})`;
    this.rng = randomFor(options.seed);
  }

  /** The mask m (values 0 or 1/(1 − rate)) used by the last training forward, or null if it was inference. */
  get mask(): Tensor | null {
    return this.usedMask ? this.maskTensor : null;
  }

  forward(x: Tensor, options: ForwardOptions = {}): Tensor {
    const out = reuseOrAllocate(this.output, x.shape);
    this.output = out;
    if (!options.training) {
      // Inference: y = x (inverted dropout already scaled in training, so nothing to undo here).
      out.data.set(x.data);
      this.usedMask = false;
      return out;
    }
    const mask = reuseOrAllocate(this.maskTensor, x.shape);
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    const md = mask.data;
    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < md.length; i++) {
      // m_i = 1/q with probability q = 1 − rate, else 0
      md[i] = this.rng.uniform() < keep ? scale : 0;
      od[i] = xd[i] * md[i];
    }
    this.maskTensor = mask;
    this.usedMask = true;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.shape);
    const dd = dvalues.data;
    const out = dinputs.data;
    if (this.usedMask) {
      // dL/dx = dL/dy ⊙ m (the very mask the forward applied)
      const md = (this.maskTensor as Tensor).data;
      for (let i = 0; i < dd.length; i++) out[i] = dd[i] * md[i];
    } else {
      // inference forward: y = x, so dL/dx = dL/dy
      out.set(dd);
    }
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
