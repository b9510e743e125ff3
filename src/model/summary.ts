import type { Layer } from '../layers/layer.js';
import { Tensor } from '../tensor/tensor.js';

/** One row of {@link summarize}: a layer, the width of its output, and its trainable parameter count. */
export interface LayerSummary {
  readonly index: number;
  readonly name: string;
  /** `[batch, outputWidth]`: the batch size is free, so it is reported as `null`. */
  readonly outputShape: readonly [null, number];
  readonly parameters: number;
}

function thousands(n: number): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Per-layer output shapes and parameter counts for inputs of `inputWidth` features, found by running one
 * zero row through the layers in inference mode (so it works for any layer, including your own, and never
 * draws random numbers: Dropout is the identity at inference).
 * @throws naming the layer when `inputWidth` does not fit the model
 */
export function summarize(layers: readonly Layer[], inputWidth: number): LayerSummary[] {
  if (!Number.isInteger(inputWidth) || inputWidth < 1) {
    throw new RangeError(`Sequential.summary: inputWidth must be a positive integer, got ${inputWidth}`);
  }
  let x = new Tensor([1, inputWidth]);
  return layers.map((layer, index) => {
    try {
      x = layer.forward(x, { training: false });
    } catch (err) {
      throw new RangeError(`Sequential.summary: layer ${index} (${layer.name}) rejects its input: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const parameters = layer.parameters().reduce((n, p) => n + p.value.size, 0);
    return { index, name: layer.name, outputShape: [null, x.cols] as const, parameters };
  });
}

/**
 * The summary as a text table, e.g.
 * ```
 * #  Layer         Output shape  Params
 * ─────────────────────────────────────
 * 0  Dense(2→64)   [batch, 64]      192
 * 1  ReLU          [batch, 64]        0
 * ─────────────────────────────────────
 * Total params: 192 (inputs: [batch, 2])
 * ```
 */
export function formatSummary(rows: readonly LayerSummary[], inputWidth: number): string {
  const table = rows.map((r) => [String(r.index), r.name, `[batch, ${r.outputShape[1]}]`, thousands(r.parameters)]);
  const header = ['#', 'Layer', 'Output shape', 'Params'];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c].length)));
  const line = (cells: string[]): string =>
    cells.map((cell, c) => (c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const total = rows.reduce((n, r) => n + r.parameters, 0);
  const rule = '─'.repeat(line(header).length);
  return [
    line(header),
    rule,
    ...table.map(line),
    rule,
    `Total params: ${thousands(total)} (inputs: [batch, ${inputWidth}])`,
  ].join('\n');
}
