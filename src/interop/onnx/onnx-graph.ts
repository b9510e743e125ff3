import type { OnnxAttribute, OnnxInitializer, OnnxNode } from './onnx-proto.js';
import { FLOAT, INT64 } from './onnx-proto.js';

/**
 * Where the channels of an image tensor sit. handgrad (like Keras and TF.js) keeps images channels-last,
 * `[batch, height, width, channels]`; ONNX's Conv, MaxPool and BatchNormalization want channels-first,
 * `[batch, channels, height, width]`. Tensors of rank 2 have no layout to speak of.
 */
export type Layout = 'channels-last' | 'channels-first';

/**
 * The graph under construction, as layer converters see it: the name of the value flowing between layers,
 * its shape in handgrad's (channels-last) terms and its current layout, and calls that add nodes and
 * constant tensors with unique names.
 */
export class OnnxGraph {
  nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  /** The value the next layer reads. */
  value: string;
  /** How `value` is laid out (only meaningful for rank-4 values). */
  layout: Layout = 'channels-last';
  private readonly used = new Set<string>();

  constructor(inputName: string) {
    this.value = inputName;
    this.used.add(inputName);
  }

  /** A name not used yet, derived from `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds `opType` reading the current value (then `extraInputs`); its output becomes the current value. */
  apply(opType: string, name: string, extraInputs: readonly string[] = [], attributes: readonly OnnxAttribute[] = []): void {
    const output = this.uniqueName(name);
    this.nodes.push({ opType, name: output, inputs: [this.value, ...extraInputs], outputs: [output], attributes });
    this.value = output;
  }

  /** Adds a float32 constant and returns its name. */
  constant(name: string, dims: readonly number[], values: Float32Array): string {
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims, values, dataType: FLOAT });
    return unique;
  }

  /** Adds an int64 constant (shapes, axes) and returns its name. */
  int64Constant(name: string, values: readonly number[]): string {
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims: [values.length], values, dataType: INT64 });
    return unique;
  }

  /**
   * Brings a rank-4 current value into `layout` with a Transpose (nothing to do if it is there already).
   * Channels-last → channels-first is perm [0, 3, 1, 2]; back is [0, 2, 3, 1].
   */
  ensureLayout(layout: Layout, rank: number, name: string): void {
    if (rank !== 4 || this.layout === layout) return;
    const perm = layout === 'channels-first' ? [0, 3, 1, 2] : [0, 2, 3, 1];
    this.apply('Transpose', `${name}_to_${layout === 'channels-first' ? 'nchw' : 'nhwc'}`, [], [{ name: 'perm', ints: perm }]);
    this.layout = layout;
  }

  /** Renames the current value to `output` (adding an Identity when no node produced it, e.g. a lone Dropout). */
  nameOutput(output: string): void {
    const from = this.value;
    if (!this.nodes.some((n) => n.outputs.includes(from))) {
      this.nodes.push({ opType: 'Identity', name: output, inputs: [from], outputs: [output] });
    } else {
      const rename = (v: string): string => (v === from ? output : v);
      this.nodes = this.nodes.map((n) => ({ ...n, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) }));
    }
    this.value = output;
  }
}
