import { Tensor } from '../tensor/tensor.js';
import { checkInteger, checkOptions } from '../core/validate.js';
import { type ClassificationData, type ToyDataOptions } from './classification-data.js';
import { randomFor } from '../core/random.js';

/**
 * The book's vertical dataset (`nnfs.datasets.vertical_data`): one Gaussian blob per class, side by side.
 * For class k: x = (0.1 · N(0, 1) + k / 3, 0.1 · N(0, 1) + 0.5), y = k. Rows are grouped by class.
 * @returns `x` of shape `[samples · classes, 2]` and labels `y`
 */
export function verticalData(options: ToyDataOptions = {}): ClassificationData {
  options = checkOptions('verticalData', 'options', options, ['samples', 'classes', 'seed']);
  const samples = checkInteger('verticalData', 'samples', options.samples ?? 100, { min: 1 });
  const classes = checkInteger('verticalData', 'classes', options.classes ?? 3, { min: 1 });
  const rng = randomFor(options.seed, 'verticalData');
  const x = new Tensor([samples * classes, 2]);
  const y = new Int32Array(samples * classes);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < samples; i++) {
      const row = k * samples + i;
      x.data[2 * row] = rng.normal() * 0.1 + k / 3;
      x.data[2 * row + 1] = rng.normal() * 0.1 + 0.5;
      y[row] = k;
    }
  }
  return { x, y };
}
