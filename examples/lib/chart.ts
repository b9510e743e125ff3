/**
 * Pictures for the examples: a Vega-Lite spec is compiled to Vega, laid out and drawn to SVG by Vega (no
 * browser, no canvas), and rasterised to PNG by resvg (a prebuilt Rust binary shipped inside its npm
 * package). Text uses DejaVu Sans loaded from the `dejavu-fonts-ttf` package, never from the system, so a
 * fresh machine without fonts draws the same picture (resvg would silently drop text it has no font for).
 */
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';

// vega, vega-lite and resvg are imported on first use, not at start-up: together they take about a second
// to load, and a script that draws its picture after training should start printing before that.

const require = createRequire(import.meta.url);

/** The font every chart uses, by family name and by file. */
export const FONT_FAMILY = 'DejaVu Sans';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));

/** Distinct, colour-blind-friendly class colours (Tableau 10, Vega's default categorical scheme). */
export const CLASS_COLORS: readonly string[] = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
];

/** Shared look: white background, the shipped font everywhere, readable sizes. */
const THEME = {
  background: 'white',
  padding: 12,
  config: {
    font: FONT_FAMILY,
    title: { fontSize: 16, fontWeight: 'bold', anchor: 'start', offset: 12 },
    axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8 },
    legend: { labelFontSize: 12, titleFontSize: 13 },
    header: { labelFontSize: 12, titleFontSize: 13 },
    range: { category: [...CLASS_COLORS] },
  },
} as const;

export interface RenderOptions {
  /** Output pixels per SVG pixel (1.5 gives crisp text on high-density screens). Default 1.5. */
  scale?: number;
}

/** Compiles a Vega-Lite spec (with the shared theme merged under it) to an SVG string. */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const themed = { ...THEME, ...spec, config: deepMerge(THEME.config, (spec as { config?: object }).config ?? {}) } as TopLevelSpec;
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(themed).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG with the shipped font (system fonts are not consulted). */
export async function svgToPng(svg: string, options: RenderOptions = {}): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    fitTo: { mode: 'zoom', value: options.scale ?? 1.5 },
    background: 'white',
  });
  return resvg.render().asPng();
}

/** A Vega-Lite spec as an encoded PNG. */
export async function renderChart(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Buffer> {
  return await svgToPng(await chartSvg(spec), options);
}

function deepMerge(base: object, over: object): object {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
