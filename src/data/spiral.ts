import { Tensor } from '../tensor/tensor.js';
import { checkInteger, checkOptions } from '../core/validate.js';
import { linspace, type ClassificationData, type ToyDataOptions } from './classification-data.js';
import { randomFor } from '../core/random.js';

/**
 * The book's spiral dataset (`nnfs.datasets.spiral_data`): `classes` interleaved spiral arms of
 * `samples` points each. For class k and point i of n:
 *
 * - r = linspace(0, 1)ᵢ,  t = linspace(4k, 4(k + 1))ᵢ + 0.2 · N(0, 1)
 * - x = (r · sin(2.5 t), r · cos(2.5 t)),  y = k
 *
 * Rows are grouped by class (all of class 0 first). Same seed ⇒ identical data.
 * @returns `x` of shape `[samples · classes, 2]` and labels `y`
 */
export function spiralData(options: ToyDataOptions = {}): ClassificationData {
  options = checkOptions('spiralData', 'options', options, ['samples', 'classes', 'seed']);
  const samples = checkInteger('spiralData', 'samples', options.samples ?? 100, { min: 1 });
  const classes = checkInteger('spiralData', 'classes', options.classes ?? 3, { min: 1 });
  const rng = randomFor(options.seed, 'spiralData');
  const x = new Tensor([samples * classes, 2]);
  const y = new Int32Array(samples * classes);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < samples; i++) {
      const row = k * samples + i;
      const r = linspace(0, 1, samples, i);
      const t = linspace(4 * k, 4 * (k + 1), samples, i) + rng.normal() * 0.2;
      x.data[2 * row] = r * Math.sin(t * 2.5);
      x.data[2 * row + 1] = r * Math.cos(t * 2.5);
      y[row] = k;
    }
  }
  return { x, y };
}
