/**
 * The CNN workload in ConvNetJS (npm `convnetjs` 0.3.0, plain JavaScript, Float64Array volumes).
 *
 * ConvNetJS trains one image at a time: `net.forward(vol)` then `net.backward(label)` (which returns
 * −log p[label] and adds this image's gradients to every layer's `dw`). A batch step runs the 64 images,
 * then updates. npm's 0.3.0 has no Adam (its Trainer offers sgd/adagrad/adadelta/windowgrad), so the
 * update is Adam written here over `getParamsAndGrads()` — the same formula as handgrad's — on the mean
 * gradient; it costs well under 1 % of the step.
 *
 * Layouts: a ConvNetJS Vol(sx, sy, depth) stores (x, y, d) at ((sx·y)+x)·depth+d — NHWC for one image;
 * a conv filter is a Vol(kw, kh, in) — one output channel of HWIO weights; an fc neuron is a Vol(1, 1, n)
 * over the flattened (y, x, d) input — one column of `[in, out]` dense weights.
 */
import { createRequire } from 'node:module';
import { CNN, CNN_ADAM, timeSteps, type CnnTrainer, type CnnWeights } from '../lib/cnn-workload.js';

interface Vol {
  sx: number;
  sy: number;
  depth: number;
  w: Float64Array;
  dw: Float64Array;
}
interface ParamsAndGrads {
  params: Float64Array;
  grads: Float64Array;
}
interface Layer {
  layer_type: string;
  filters?: Vol[];
  biases?: Vol;
}
interface Net {
  layers: Layer[];
  makeLayers(defs: object[]): void;
  forward(v: Vol, training: boolean): Vol;
  backward(label: number): number;
  getParamsAndGrads(): ParamsAndGrads[];
}
interface ConvNetJs {
  Net: new () => Net;
  Vol: new (sx: number, sy: number, depth: number, c?: number) => Vol;
}

const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJs;

/** Copies HWIO `[kh, kw, in, out]` (conv) or `[in, out]` (dense, kh = kw = 1) weights into per-output Vols. */
function loadFilters(filters: Vol[], w: Float32Array, perFilter: number): void {
  const out = filters.length;
  filters.forEach((f, o) => {
    if (f.w.length !== perFilter) throw new Error(`convnetjs filter has ${f.w.length} weights, expected ${perFilter}`);
    // filter index ((kw·fy)+fx)·in + fd equals the HWIO row index (fy, fx, fd) flattened: one column of w
    for (let i = 0; i < perFilter; i++) f.w[i] = w[i * out + o];
  });
}

export function convnetjsTrainer(weights: CnnWeights, batch: { x: Float32Array; y: Int32Array }): CnnTrainer {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: CNN.width, out_sy: CNN.height, out_depth: CNN.channels },
    { type: 'conv', sx: CNN.kernel, filters: CNN.filters1, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: CNN.pool, stride: CNN.pool },
    { type: 'conv', sx: CNN.kernel, filters: CNN.filters2, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: CNN.pool, stride: CNN.pool },
    { type: 'fc', num_neurons: CNN.hidden, activation: 'relu' },
    { type: 'softmax', num_classes: CNN.classes },
  ]);
  const withParams = net.layers.filter((l) => l.layer_type === 'conv' || l.layer_type === 'fc');
  const pairs: [Float32Array, Float32Array][] = [
    [weights.conv1W, weights.conv1B],
    [weights.conv2W, weights.conv2B],
    [weights.dense1W, weights.dense1B],
    [weights.dense2W, weights.dense2B],
  ];
  if (withParams.length !== pairs.length) throw new Error(`convnetjs net has ${withParams.length} parameter layers, expected ${pairs.length}`);
  withParams.forEach((layer, i) => {
    const [w, b] = pairs[i];
    loadFilters(layer.filters!, w, w.length / b.length);
    layer.biases!.w.set(b);
  });

  const pixels = CNN.height * CNN.width * CNN.channels;
  const images = Array.from({ length: CNN.batch }, (_, n) => {
    const v = new convnetjs.Vol(CNN.width, CNN.height, CNN.channels, 0);
    v.w.set(batch.x.subarray(n * pixels, (n + 1) * pixels)); // NHWC image = Vol (x, y, d) order
    return v;
  });

  const params = net.getParamsAndGrads();
  const m = params.map((p) => new Float64Array(p.params.length));
  const v = params.map((p) => new Float64Array(p.params.length));
  let t = 0;

  const step = (): number => {
    let loss = 0;
    for (let n = 0; n < CNN.batch; n++) {
      net.forward(images[n], true);
      loss += net.backward(batch.y[n]); // adds this image's gradients into every dw
    }
    // Adam on the mean gradient g = Σ dw / batch (handgrad's formula, bias-corrected)
    t++;
    const { learningRate: lr, beta1, beta2, epsilon } = CNN_ADAM;
    const mScale = 1 / (1 - beta1 ** t);
    const vScale = 1 / (1 - beta2 ** t);
    params.forEach(({ params: w, grads }, i) => {
      const mi = m[i];
      const vi = v[i];
      for (let j = 0; j < w.length; j++) {
        const g = grads[j] / CNN.batch;
        mi[j] = beta1 * mi[j] + (1 - beta1) * g;
        vi[j] = beta2 * vi[j] + (1 - beta2) * g * g;
        w[j] -= (lr * mi[j] * mScale) / (Math.sqrt(vi[j] * vScale) + epsilon);
        grads[j] = 0; // ConvNetJS accumulates: clear for the next batch
      }
    });
    return loss / CNN.batch;
  };
  return { name: 'ConvNetJS', steps: async (n) => timeSteps(n, step), dispose() {} };
}
