import { Tensor } from 'handgrad';

/** A `[rows, cols]` tensor over `data` (not copied). The one place the playground calls the Tensor constructor. */
export function matrix(rows: number, cols: number, data?: Float32Array): Tensor {
  return new Tensor([rows, cols], data);
}
