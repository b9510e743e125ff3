import type { Tensor } from '../tensor/tensor.js';

/** A labelled classification dataset: inputs `[n, features]` and one class index per row. */
export interface ClassificationData {
  readonly x: Tensor;
  readonly y: Int32Array;
}

/** Options for the toy data generators. */
export interface ToyDataOptions {
  /** Points per class, integer ≥ 1. Default 100. */
  samples?: number;
  /** Number of classes, integer ≥ 1. Default 3. */
  classes?: number;
  /** Seed of the noise. Default: a stream forked from the global generator. */
  seed?: number;
}

/** Value i of `n` evenly spaced values from `start` to `stop` inclusive (numpy's `linspace`); `start` when n = 1. */
export function linspace(start: number, stop: number, n: number, i: number): number {
  return n === 1 ? start : start + ((stop - start) * i) / (n - 1);
}
