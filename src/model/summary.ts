import type { Layer } from '../layers/layer.js';
import { Tensor } from '../tensor/tensor.js';
import { showValue } from '../core/validate.js';

/** One row of {@link summarize}: a layer, the shape of its output, and its trainable parameter count. */
export interface LayerSummary {
  readonly index: number;
  readonly name: string;
  /**
   * The output shape with the batch first, e.g. `[null, 64]` or `[null, 26, 26, 32]`: the batch size is
   * free, so it is reported as `null`.
   */
  readonly outputShape: readonly [null, ...number[]];
  readonly parameters: number;
}

/**
 * The shape of one input sample: a number of features (`784`), or the dimensions after the batch
 * (`[28, 28, 1]` for grey 28×28 images in NHWC).
 */
export type InputShape = number | readonly number[];

/** The per-sample dimensions of an {@link InputShape}, checked (positive integers, at least one). */
function sampleShape(input: InputShape): number[] {
  const dims = typeof input === 'number' ? [input] : Array.isArray(input) ? [...input] : [];
  if (dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(
      `Sequential.summary: inputShape must be a positive integer (features) or an array of them (e.g. [28, 28, 1]), got ${showValue(input)}`,
    );
  }
  return dims;
}

const batchShape = (dims: readonly number[]): string => `[batch, ${dims.join(', ')}]`;

function thousands(n: number): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Per-layer output shapes and parameter counts for inputs of shape `input` (per sample), found by running
 * one zero sample through the layers in inference mode (so it works for any layer, including your own, and
 * never draws random numbers: Dropout is the identity at inference).
 * @throws naming the layer when `input` does not fit the model
 */
export function summarize(layers: readonly Layer[], input: InputShape): LayerSummary[] {
  let x = new Tensor([1, ...sampleShape(input)]);
  return layers.map((layer, index) => {
    try {
      x = layer.forward(x, { training: false });
    } catch (err) {
      throw new RangeError(`Sequential.summary: layer ${index} (${layer.name}) rejects its input: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const parameters = layer.parameters().reduce((n, p) => n + p.value.size, 0);
    return { index, name: layer.name, outputShape: [null, ...x.shape.slice(1)] as const, parameters };
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
export function formatSummary(rows: readonly LayerSummary[], input: InputShape): string {
  const table = rows.map((r) => [String(r.index), r.name, batchShape(r.outputShape.slice(1) as number[]), thousands(r.parameters)]);
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
    `Total params: ${thousands(total)} (inputs: ${batchShape(sampleShape(input))})`,
  ].join('\n');
}
