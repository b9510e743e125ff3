/**
 * Gradient health over training as one PNG: four panels sharing the training-step axis, one line per layer —
 * ‖dL/dW‖/‖W‖ and the step's ‖ΔW‖/‖W‖ (log scales) for layers with weights, the dead-ReLU / saturated
 * fraction for activations, and every layer's output standard deviation.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { DiagnosisRecord } from 'handgrad';
import { renderChart } from './chart.js';

interface Point {
  step: number;
  layer: string;
  value: number;
}

/** Rows for one panel: `pick` returns null where a layer has no such quantity (or it cannot be drawn). */
function points(records: readonly DiagnosisRecord[], pick: (l: DiagnosisRecord['diagnosis']['layers'][number]) => number | null, positive: boolean): Point[] {
  const out: Point[] = [];
  for (const r of records) {
    for (const l of r.diagnosis.layers) {
      const v = pick(l);
      if (v === null || !Number.isFinite(v) || (positive && v <= 0)) continue;
      out.push({ step: r.step, layer: `${l.index} ${l.name}`, value: v });
    }
  }
  return out;
}

function panel(title: string, values: Point[], log: boolean, width: number): Record<string, unknown> {
  return {
    title,
    width,
    height: 150,
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: values.length < 60 ? { size: 18 } : false },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'training step' },
      y: { field: 'value', type: 'quantitative', title: null, scale: log ? { type: 'log' } : { zero: true } },
      color: { field: 'layer', type: 'nominal', title: 'layer' },
    },
  };
}

/** The Vega-Lite spec (exported so tests can inspect what is drawn). */
export function diagnosisChartSpec(records: readonly DiagnosisRecord[], title: string): TopLevelSpec {
  const width = 560;
  return {
    title,
    vconcat: [
      panel('‖dL/dW‖ / ‖W‖ (log)', points(records, (l) => l.gradToWeight, true), true, width),
      panel('update ‖ΔW‖ / ‖W‖ per step (log)', points(records, (l) => l.updateToWeight, true), true, width),
      panel('dead ReLU units / saturated units (fraction)', points(records, (l) => l.deadFraction ?? l.saturatedFraction, false), false, width),
      panel('output standard deviation', points(records, (l) => l.activationStd, false), false, width),
    ],
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** Renders the records as PNG. */
export function diagnosisChartPng(records: readonly DiagnosisRecord[], title: string): Promise<Buffer> {
  return renderChart(diagnosisChartSpec(records, title));
}
