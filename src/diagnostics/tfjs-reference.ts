import { Tensor } from '../tensor/tensor.js';

/*
 * handgrad never imports TensorFlow.js: a user who wants it as a second reference hands over their own
 * tfjs-core module (with a backend and the gradients registered) and the forward pass written in its ops.
 * These structural types name only the few functions used here.
 */

/** A tfjs tensor, as far as the checker uses it. */
export interface TfTensorLike {
  readonly shape: number[];
  dataSync(): ArrayLike<number>;
}

/** The part of the tfjs-core module the checker calls. */
export interface TfjsLike {
  tensor(values: Float32Array, shape: number[], dtype: 'float32'): TfTensorLike;
  grads(f: (...args: TfTensorLike[]) => TfTensorLike): (args: TfTensorLike[]) => TfTensorLike[];
  sum(x: TfTensorLike): TfTensorLike;
  mul(a: TfTensorLike, b: TfTensorLike): TfTensorLike;
  tidy<T>(fn: () => T): T;
}

/**
 * A layer's forward pass written in TensorFlow.js ops: `forward(x, params)` with the parameters by name
 * (as the layer's `parameters()` names them). Export it from your layer module as `tfjs` for
 * `handgrad check` to compare your backward with tfjs autodiff too. `TTensor` is tfjs's tensor type
 * (handgrad cannot name it without depending on tfjs), e.g. `TfjsReference<tf.Tensor>`.
 */
export interface TfjsReference<TTensor = any> {
  /**
   * Your tfjs-core module (the namespace import of the tfjs-core package), with a backend loaded and the
   * gradients registered (its `dist/register_all_gradients` module; see the README's "Checking your own
   * layer"). Used for `tensor`, `grads`, `mul`, `sum` and `tidy`. handgrad itself never imports tfjs.
   */
  readonly tf: object;
  forward(x: TTensor, params: Record<string, TTensor>): TTensor;
}

/**
 * dL/dx and dL/dθ of `L = Σ r ⊙ forward(x, θ)` by tfjs autodiff, as float64 arrays: input first, then the
 * parameters in the order given.
 */
export function compareWithTfjs(
  reference: TfjsReference,
  x: Tensor,
  r: Tensor,
  params: readonly { name: string; value: Tensor }[],
): Float64Array[] {
  const tf = reference.tf as TfjsLike;
  const forward = reference.forward as (x: TfTensorLike, params: Record<string, TfTensorLike>) => TfTensorLike;
  const toTf = (t: Tensor): TfTensorLike => tf.tensor(Float32Array.from(t.data), [...t.shape], 'float32');
  return tf.tidy(() => {
    const weights = toTf(r);
    const grads = tf.grads((input: TfTensorLike, ...values: TfTensorLike[]) => {
      const named: Record<string, TfTensorLike> = {};
      params.forEach((p, k) => (named[p.name] = values[k]));
      return tf.sum(tf.mul(weights, forward(input, named)));
    })([toTf(x), ...params.map((p) => toTf(p.value))]);
    return grads.map((g) => Float64Array.from(g.dataSync()));
  });
}
