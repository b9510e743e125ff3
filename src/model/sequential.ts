import type { ForwardOptions, Layer, Parameter } from '../layers/layer.js';
import { Softmax } from '../layers/softmax.js';
import { CategoricalCrossEntropy } from '../losses/categorical-cross-entropy.js';
import type { Labels } from '../losses/labels.js';
import type { Loss } from '../losses/loss.js';
import { softmaxCrossEntropyBackward } from '../losses/softmax-cross-entropy.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A stack of layers applied in order. Data flows one way:
 * x → layer₀.forward → … → ŷ → loss → loss.backward → layerₙ.backward → … → layer₀.backward,
 * each layer filling its own gradients; an optimizer then walks {@link Sequential.parameters}.
 *
 * When the last layer is {@link Softmax} and the loss is {@link CategoricalCrossEntropy}, the backward
 * pass uses the fused gradient `(ŷ − y)/N` instead of chaining the two (see `softmaxCrossEntropyBackward`).
 */
export class Sequential {
  readonly layers: readonly Layer[];
  private fusedGrad: Tensor | null = null;

  constructor(layers: readonly Layer[]) {
    if (layers.length === 0) throw new RangeError('Sequential: needs at least one layer');
    this.layers = [...layers];
  }

  /** Runs x through every layer. The result is the last layer's buffer: clone it to keep it past the next call. */
  forward(x: Tensor, options: ForwardOptions = {}): Tensor {
    let out = x;
    for (const layer of this.layers) out = layer.forward(out, options);
    return out;
  }

  /**
   * Backpropagates `loss` at the last forward's output `yPred` through every layer in reverse.
   * Afterwards each layer holds its gradients (`dweights`, `dbiases`, `dinputs`).
   * @returns dL/dx for the model's input
   */
  backward(yPred: Tensor, yTrue: Labels, loss: Loss): Tensor {
    const last = this.layers.length - 1;
    const lastLayer = this.layers[last];
    let grad: Tensor;
    let next: number;
    if (lastLayer instanceof Softmax && loss instanceof CategoricalCrossEntropy) {
      // Fused Softmax + CCE: dL/dz = (ŷ − y)/N, handed straight to the layer below Softmax.
      grad = softmaxCrossEntropyBackward(yPred, yTrue, this.fusedGrad);
      this.fusedGrad = grad;
      lastLayer.dinputs = grad;
      next = last - 1;
    } else {
      grad = loss.backward(yPred, yTrue);
      next = last;
    }
    for (let i = next; i >= 0; i--) grad = this.layers[i].backward(grad);
    return grad;
  }

  /**
   * The sum of every layer's regularisation penalty (L1/L2 on Dense layers), reported apart from the data
   * loss; the total training objective is `dataLoss + regularizationLoss()`. 0 when no layer regularises.
   */
  regularizationLoss(): number {
    let total = 0;
    for (const layer of this.layers) if (layer.regularizationLoss) total += layer.regularizationLoss();
    return total;
  }

  /**
   * Every trainable parameter with its gradient, in layer order. Names are prefixed with the layer's
   * position, e.g. `"0:Dense(2→64).weights"`. The tensors are the layers' own (same objects every call).
   */
  parameters(): Parameter[] {
    const params: Parameter[] = [];
    this.layers.forEach((layer, i) => {
      for (const p of layer.parameters()) {
        params.push({ name: `${i}:${layer.name}.${p.name}`, value: p.value, grad: p.grad });
      }
    });
    return params;
  }
}
