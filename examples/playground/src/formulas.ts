/**
 * The derivatives the weight inspector shows, each exactly as written in the comment beside the code in
 * handgrad's source (`source` names the file). This is the only place the playground spells a formula;
 * test/examples/playground-formulas.test.ts fails if one of them no longer appears in its source file.
 */
export interface Formula {
  /** The derivative as the source's comment writes it. */
  readonly text: string;
  /** The file (from the repository root) whose comment holds `text`. */
  readonly source: string;
}

export const FORMULAS = {
  /** Fused Softmax + categorical cross-entropy backward, w.r.t. the softmax input z. */
  softmaxCrossEntropy: { text: 'dL/dz = (ŷ − y) / N', source: 'src/losses/softmax-cross-entropy.ts' },
  denseInputs: { text: 'dL/dX = dL/dY · Wᵀ', source: 'src/layers/dense.ts' },
  denseWeights: { text: 'dL/dW = Xᵀ · dL/dY', source: 'src/layers/dense.ts' },
  denseL2: { text: 'dR/dW = λ₁·sign(W) + 2λ₂·W', source: 'src/layers/dense.ts' },
  relu: { text: 'dL/dx = dL/dy · 1[x > 0]', source: 'src/layers/relu.ts' },
  leakyRelu: { text: 'dL/dx = dL/dy · (x > 0 ? 1 : α)', source: 'src/layers/leaky-relu.ts' },
  tanh: { text: 'dL/dx = dL/dy · (1 − y²)', source: 'src/layers/tanh.ts' },
  sigmoid: { text: 'dL/dx = dL/dσ · σ(1 − σ)', source: 'src/layers/sigmoid.ts' },
  dropout: { text: 'dL/dx = dL/dy ⊙ m', source: 'src/layers/dropout.ts' },
} as const satisfies Record<string, Formula>;

export type FormulaName = keyof typeof FORMULAS;
