/**
 * Pictures of a classifier's test results: a confusion matrix (counts, shaded by the share of each true
 * class) and a grid of misclassified images with their true and predicted classes.
 */
import { PNG } from 'pngjs';
import type { TopLevelSpec } from 'vega-lite';
import type { Tensor } from 'handgrad';

/** `counts[t][p]`: test samples of true class t predicted as p. */
export function confusionCounts(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) counts[truth[i]][predicted[i]]++;
  return counts;
}

/** A Vega-Lite view (no top-level config) of the confusion matrix; compose it or render it alone. */
export function confusionMatrixView(counts: number[][], classNames: readonly string[], title: string) {
  const values = counts.flatMap((row, t) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return row.map((count, p) => ({ truth: classNames[t], predicted: classNames[p], count, share: count / total }));
  });
  const order = [...classNames];
  const x = { field: 'predicted', type: 'ordinal', sort: order, title: 'predicted class', axis: { labelAngle: -40 } } as const;
  const y = { field: 'truth', type: 'ordinal', sort: order, title: 'true class' } as const;
  return {
    title: { text: title, subtitle: 'count of test images; shade: share of the true class' },
    width: 440,
    height: 440,
    data: { values },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          x,
          y,
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'share of true class',
            // sqrt: small confusions (1–5 %) still show against the white of none
            scale: { type: 'sqrt', domain: [0, 1], range: ['#ffffff', '#08519c'], interpolate: 'rgb' },
            legend: { format: '.0%', orient: 'bottom', direction: 'horizontal', gradientLength: 300, titleLimit: 400 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x,
          y,
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#222' },
        },
      },
    ],
  };
}

export interface Misclassified {
  /** The image, `[h, w, 1]` or `[h·w]` grey values in [0, 1] (row-major). */
  pixels: Float32Array;
  height: number;
  width: number;
  truth: string;
  predicted: string;
  /** The predicted class's probability. */
  confidence: number;
}

/** A grey image as a PNG data URL, each pixel drawn `zoom`×`zoom` (crisp when scaled), dark on light. */
export function greyImageUrl(pixels: ArrayLike<number>, height: number, width: number, zoom = 4): string {
  const png = new PNG({ width: width * zoom, height: height * zoom });
  for (let y = 0; y < height * zoom; y++) {
    for (let x = 0; x < width * zoom; x++) {
      const v = Math.round(255 * (1 - Math.min(1, Math.max(0, pixels[Math.floor(y / zoom) * width + Math.floor(x / zoom)]))));
      const o = 4 * (y * width * zoom + x);
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
      png.data[o + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

/** A Vega-Lite view of misclassified images in a grid, each captioned "true" and "→ predicted (p)". */
export function misclassifiedView(items: readonly Misclassified[], title: string, columns = 6) {
  const cell = 84;
  const values = items.map((m, i) => ({
    index: i,
    url: greyImageUrl(m.pixels, m.height, m.width),
    truth: m.truth,
    predicted: `→ ${m.predicted} (${m.confidence.toFixed(2)})`,
  }));
  return {
    title: { text: title, subtitle: 'caption: true class, then → predicted class (its probability)' },
    data: { values },
    columns,
    // a wrapped facet draws its labels as cell titles even with labels: false; labelExpr blanks them
    facet: { field: 'index', type: 'ordinal', header: { title: null, labels: false, labelExpr: "''", labelPadding: 0 } },
    spacing: 6,
    spec: {
      width: cell + 20,
      height: cell + 30,
      view: { stroke: null },
      layer: [
        {
          mark: { type: 'image', width: cell, height: cell, aspect: false, align: 'center', baseline: 'top', aria: false },
          encoding: { url: { field: 'url', type: 'nominal' }, x: { value: (cell + 20) / 2 }, y: { value: 0 } },
        },
        {
          mark: { type: 'text', fontSize: 10, baseline: 'top', fontWeight: 'bold' },
          encoding: { text: { field: 'truth', type: 'nominal' }, x: { value: (cell + 20) / 2 }, y: { value: cell + 3 } },
        },
        {
          mark: { type: 'text', fontSize: 10, baseline: 'top', color: '#c0392b' },
          encoding: { text: { field: 'predicted', type: 'nominal' }, x: { value: (cell + 20) / 2 }, y: { value: cell + 16 } },
        },
      ],
    },
  };
}

/** The confusion matrix and the misclassified grid side by side, as one spec. */
export function testReportSpec(
  counts: number[][],
  classNames: readonly string[],
  misclassified: readonly Misclassified[],
  heading: string,
): TopLevelSpec {
  const total = counts.flat().reduce((a, b) => a + b, 0);
  return {
    title: { text: heading, fontSize: 18 },
    hconcat: [
      confusionMatrixView(counts, classNames, `Confusion matrix (${total.toLocaleString('en-US')} test images)`),
      misclassifiedView(misclassified, `${misclassified.length} misclassified test images`),
    ],
    spacing: 40,
    resolve: { legend: { color: 'independent' }, scale: { color: 'independent' } },
  } as TopLevelSpec;
}

/** The `i`-th image of an `[n, h, w, 1]` (or `[n, h·w]`) tensor, sharing its data. */
export function imageAt(x: Tensor, i: number): Float32Array {
  return x.data.subarray(i * x.cols, (i + 1) * x.cols);
}
