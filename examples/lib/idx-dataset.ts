/**
 * The four IDX files of MNIST-style datasets (MNIST, Fashion-MNIST) in a local folder: found under their
 * usual spellings, plain or gzipped, and loaded as tensors with integer labels.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, idxToLabels, idxToTensor, loadIdx } from 'handgrad/node';

export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type IdxPaths = Record<keyof typeof IDX_FILES, string>;

/** The file for `base` in `folder`: `base`, `base.gz`, or the `train-images.idx3-ubyte` spelling. */
function findFile(folder: string, base: string): string | null {
  const dotted = base.replace(/-(idx\d)/, '.$1');
  for (const name of [base, `${base}.gz`, dotted, `${dotted}.gz`]) {
    const path = join(folder, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/**
 * The paths of the four files in `folder`.
 * @param whenNoFolder - the error message if `folder` does not exist (say how to get the data)
 * @throws naming the folder and every missing file
 */
export function findIdxFiles(folder: string, whenNoFolder: string): IdxPaths {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(whenNoFolder);
  const entries = Object.entries(IDX_FILES).map(([k, base]) => [k, findFile(folder, base)] as const);
  const missing = entries.filter(([, path]) => path === null).map(([k]) => IDX_FILES[k as keyof typeof IDX_FILES]);
  if (missing.length > 0) {
    throw new Error(`'${folder}' is missing ${missing.map((m) => `${m}(.gz)`).join(', ')}; it must hold all four IDX files.`);
  }
  return Object.fromEntries(entries) as IdxPaths;
}

/**
 * Images (pixels 0–255 scaled to [0, 1]) and their labels; `layout: 'rows'` gives one flattened image per
 * row `[n, h·w]`, `'images'` NHWC `[n, h, w, 1]`; `limit` keeps the first n.
 */
export async function loadIdxPair(
  images: string,
  labels: string,
  options: { limit?: number; layout?: 'rows' | 'images' } = {},
): Promise<{ x: Tensor; y: Int32Array }> {
  let x = idxToTensor(await loadIdx(images), { layout: options.layout ?? 'rows' });
  let y = idxToLabels(await loadIdx(labels));
  if (x.rows !== y.length) {
    throw new Error(`${images} holds ${x.rows} images but ${labels} holds ${y.length} labels`);
  }
  const limit = options.limit;
  if (limit !== undefined && limit < x.rows) {
    x = new Tensor([limit, ...x.shape.slice(1)], x.data.slice(0, limit * x.cols));
    y = y.slice(0, limit);
  }
  return { x, y };
}
