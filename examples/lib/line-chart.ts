/**
 * Line charts for examples that compare curves (e.g. a regression model's prediction against its
 * target): shared axes, one line per series, a title and a legend.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderChart } from './chart.js';

export interface Series {
  /** Legend text. */
  label: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  /** CSS colour, e.g. '#3c3c3c'. */
  color: string;
  /** Line width in SVG pixels. Default 2.5. */
  width?: number;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
  /** Plot area size in SVG pixels. Default 600 × 320. */
  width?: number;
  height?: number;
  /** Output pixels per SVG pixel. Default 1.5. */
  scale?: number;
}

/** The Vega-Lite spec of the chart (exported so tests can inspect what is drawn). */
export function lineChartSpec(series: readonly Series[], options: LineChartOptions): TopLevelSpec {
  const color = {
    scale: { domain: series.map((s) => s.label), range: series.map((s) => s.color) },
    legend: { title: null, orient: 'top-right', fillColor: 'white', padding: 6, strokeColor: '#ccc' },
  } as const;
  return {
    title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title,
    width: options.width ?? 600,
    height: options.height ?? 320,
    // one layer per series, drawn in order (the first underneath), each with its own width
    layer: series.map((s) => ({
      data: { values: Array.from({ length: s.xs.length }, (_, i) => ({ x: s.xs[i], y: s.ys[i] })) },
      mark: { type: 'line', strokeWidth: s.width ?? 2.5, strokeCap: 'round', strokeJoin: 'round' },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: options.xLabel ?? 'x', scale: { zero: false } },
        y: { field: 'y', type: 'quantitative', title: options.yLabel ?? 'y', scale: { zero: false } },
        color: { datum: s.label, type: 'nominal', ...color },
        order: { field: 'x', type: 'quantitative' },
      },
    })),
  } as TopLevelSpec;
}

/** Renders the series on shared axes and returns the encoded PNG. */
export function lineChartPng(series: readonly Series[], options: LineChartOptions): Promise<Buffer> {
  return renderChart(lineChartSpec(series, options), { scale: options.scale });
}
