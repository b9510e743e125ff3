import { checkOptions } from '../core/validate.js';
import type { Padding } from '../tensor/window-geometry.js';
import { pairOption, paddingOption } from './window-options.js';

/** Options for {@link MaxPool2D} and {@link AveragePooling2D} (Keras's names and defaults). */
export interface Pool2DOptions {
  /** Window height and width: one number or `[height, width]`. Default 2. */
  poolSize?: number | readonly [number, number];
  /** Step between windows: one number or `[vertical, horizontal]`. Default: `poolSize` (windows tile the image). */
  strides?: number | readonly [number, number];
  /** `'valid'` (default: windows that do not fit are dropped) or `'same'` (output ⌈in / stride⌉). */
  padding?: Padding;
}

const POOL_OPTIONS = ['poolSize', 'strides', 'padding'] as const;

/** The checked window, strides and padding of a pooling layer, and its display name. */
export interface PoolSettings {
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly name: string;
}

/** Checks pooling options (naming `layer` in errors) and builds the layer's name, e.g. `MaxPool2D(2×2)`. */
export function poolSettings(layer: string, options: Pool2DOptions = {}): PoolSettings {
  checkOptions(layer, 'options', options, POOL_OPTIONS);
  const poolSize = pairOption(layer, 'poolSize', options.poolSize, [2, 2]);
  const strides = pairOption(layer, 'strides', options.strides, poolSize);
  const padding = paddingOption(layer, options.padding);
  const parts = [`${poolSize[0]}×${poolSize[1]}`];
  if (strides[0] !== poolSize[0] || strides[1] !== poolSize[1]) {
    parts.push(`stride ${strides[0] === strides[1] ? strides[0] : `${strides[0]}×${strides[1]}`}`);
  }
  if (padding === 'same') parts.push('same');
  return { poolSize, strides, padding, name: `${layer}(${parts.join(', ')})` };
}
