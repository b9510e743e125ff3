/**
 * Thin helpers over benny: case options for quick/full runs, and a suite runner that prints one compact
 * line per case and optionally saves benny's JSON and HTML chart under bench/results/.
 */
import b from 'benny';

/** What benny's suite resolves to. */
type Summary = Awaited<ReturnType<typeof b.suite>>;

/** Where results go: bench/results/ for full runs, bench/results/quick/ for `--quick` (set by index.ts). */
export const output = { dir: new URL('../results/', import.meta.url).pathname };

export interface CaseResult {
  name: string;
  /** Operations per second (benny/benchmark.js). */
  ops: number;
  /** Median seconds per operation. */
  medianSeconds: number;
  /** Relative margin of error, %. */
  margin: number;
  samples: number;
}

/** benchmark.js options: quick runs sample for ~0.1 s per case, full runs for ~1 s. */
export function caseOptions(quick: boolean): { minSamples: number; maxTime: number; delay: number } {
  return quick ? { minSamples: 3, maxTime: 0.08, delay: 0 } : { minSamples: 8, maxTime: 0.8, delay: 0.005 };
}

/** A case: a name and a setup that returns the function to time. */
export interface Case {
  name: string;
  setup: () => () => void;
}

/**
 * Runs `cases` as one benny suite (sequentially, as benny does).
 * @param save - file stem under bench/results/ for benny's JSON and chart.html, or null not to save
 */
export async function runSuite(
  name: string,
  cases: readonly Case[],
  quick: boolean,
  save: string | null,
  log: (line: string) => void,
): Promise<CaseResult[]> {
  const options = caseOptions(quick);
  const entries = cases.map((c) => {
    // benny calls the setup more than once while preparing; build the state once per case
    let fn: (() => void) | null = null;
    return b.add(c.name, () => (fn ??= c.setup()), options);
  });
  const saves = save === null
    ? []
    : [
        b.save({ file: save, folder: output.dir, format: 'json', details: false }),
        b.save({ file: save, folder: output.dir, format: 'chart.html', details: false }),
      ];
  const summary: Summary = await b.suite(name, ...entries, b.cycle(() => undefined), b.complete(() => undefined), ...saves);
  const results = summary.results.map((r): CaseResult => ({
    name: r.name,
    ops: r.ops,
    medianSeconds: r.details.median,
    margin: r.margin,
    samples: r.samples,
  }));
  for (const r of results) log(`  ${name} | ${r.name}: ${r.ops.toFixed(1)} ops/s ±${r.margin.toFixed(1)}%`);
  return results;
}
