/**
 * Peak resident memory over many W2 training steps, in a fresh child process: it must stay flat after
 * the first steps (buffers are reused, WebAssembly memory does not grow).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RssResult {
  kernels: string;
  steps: number;
  seconds: number;
  /** RSS after the first 10 % of steps (warm) and at the end, MB. */
  warmRssMB: number;
  finalRssMB: number;
  maxRssMB: number;
  /** Growth from the warm sample to the peak, MB. */
  growthMB: number;
  flat: boolean;
  samples: { step: number; rssMB: number; heapMB: number }[];
}

/** Growth beyond this after warm-up counts as not flat (GC heap jitter is a few MB). */
export const FLAT_TOLERANCE_MB = 8;

export function benchRss(quick: boolean, log: (line: string) => void): RssResult {
  const steps = quick ? 1000 : 10000;
  const child = fileURLToPath(new URL('./rss-child.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, String(steps)], { encoding: 'utf8' });
  const data = JSON.parse(out.trim().split('\n').pop() as string) as Omit<RssResult, 'warmRssMB' | 'finalRssMB' | 'growthMB' | 'flat'>;
  const warm = data.samples.find((s) => s.step >= steps / 10) ?? data.samples[0];
  const peakAfterWarm = Math.max(...data.samples.filter((s) => s.step >= warm.step).map((s) => s.rssMB));
  const result: RssResult = {
    ...data,
    warmRssMB: warm.rssMB,
    finalRssMB: data.samples[data.samples.length - 1].rssMB,
    growthMB: peakAfterWarm - warm.rssMB,
    flat: peakAfterWarm - warm.rssMB <= FLAT_TOLERANCE_MB,
  };
  log(
    `  RSS over ${steps} W2 steps (${result.kernels}): warm ${result.warmRssMB.toFixed(1)} MB, final ${result.finalRssMB.toFixed(1)} MB, ` +
      `peak ${result.maxRssMB.toFixed(1)} MB, growth after warm-up ${result.growthMB.toFixed(1)} MB → ${result.flat ? 'flat' : 'NOT FLAT'}` +
      ` (${result.seconds.toFixed(1)} s)`,
  );
  return result;
}
