/**
 * Turns the benchmark results into the console table and bench/results/RESULTS.md (markdown with the
 * machine it ran on), and checks them against the targets of issues 4 and 13.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { cnnTable, type CnnBench } from './cnn.js';
import type { LayerResult } from './layers.js';
import type { MatmulResult } from './matmul.js';
import type { PredictResult } from './predict.js';
import type { RssResult } from './rss.js';
import type { ScalingResult } from './scaling.js';
import type { TrainResult } from './train.js';

export interface AllResults {
  machine: Machine;
  mode: 'quick' | 'full';
  seconds: number;
  train?: TrainResult[];
  /** Notes on the training peers (numpy version, or why it was skipped). */
  trainNotes?: string[];
  predict?: PredictResult[];
  matmul?: MatmulResult[];
  layers?: LayerResult[];
  scaling?: ScalingResult[];
  rss?: RssResult;
  cnn?: CnnBench;
  /** When and at what load each section present was measured (a partial run keeps earlier sections). */
  measured?: Record<string, { date: string; loadAverage: number[] }>;
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  date: string;
  loadAverage: number[];
}

export function machineInfo(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Targets of issue 4: minimum speed-up of the handgrad WASM path over each tfjs backend. */
const TARGETS: Record<string, { cpu: number; wasm: number }> = {
  W1: { cpu: 5, wasm: 1 },
  W2: { cpu: 20, wasm: 4 },
  W3: { cpu: 20, wasm: 5 },
};

/** Targets of issue 13: the most handgrad's default path may take relative to numpy with one BLAS thread. */
const NUMPY_TARGETS: Record<string, number> = { W2: 1.6, W3: 1.3 };

const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/**
 * The training-step table: ms/step per implementation, handgrad's time as a multiple of numpy's (1 and 2
 * BLAS threads; lower is better, 1 = native speed) and the speed-ups over each tfjs backend.
 */
export function trainTable(results: readonly TrainResult[]): { markdown: string; missed: string[] } {
  const workloads = [...new Set(results.map((r) => r.workload))];
  const ms = (w: string, impl: string) => results.find((r) => r.workload === w && r.implementation === impl)?.msPerStep ?? Number.NaN;
  const missed: string[] = [];
  const rows = workloads.map((w) => {
    const id = w.split(' ')[0];
    const hw = ms(w, 'handgrad wasm');
    const hj = ms(w, 'handgrad js');
    const h1 = ms(w, 'handgrad wasm 1T');
    const tc = ms(w, 'tfjs cpu');
    const tw = ms(w, 'tfjs wasm');
    const n1 = ms(w, 'numpy 1T');
    const n2 = ms(w, 'numpy 2T');
    const verdict: string[] = [];
    const target = TARGETS[id];
    if (target) {
      if (!(tc / hw >= target.cpu)) verdict.push(`MISSED ≥${target.cpu}× tfjs-cpu`);
      if (!(tw / hw >= target.wasm)) verdict.push(`MISSED ${target.wasm === 1 ? '>' : '≥'}${target.wasm}× tfjs-wasm`);
    }
    const numpyTarget = NUMPY_TARGETS[id];
    if (numpyTarget !== undefined && Number.isFinite(n1) && !(hw / n1 <= numpyTarget)) {
      verdict.push(`MISSED ≤${numpyTarget}× numpy 1T`);
    }
    missed.push(...verdict.map((v) => `${id}: ${v} (got ${f(tc / hw, 1)}× / ${f(tw / hw, 1)}× faster than tfjs-cpu / tfjs-wasm, ${f(hw / n1, 2)}× numpy 1T)`));
    const goals = [
      ...(target ? [`≥${target.cpu}× tfjs-cpu, ${target.wasm === 1 ? '>1' : `≥${target.wasm}`}× tfjs-wasm`] : []),
      ...(numpyTarget !== undefined ? [`≤${numpyTarget}× numpy 1T`] : []),
    ];
    return [
      w,
      f(hw, 3),
      f(h1, 3),
      f(hj, 3),
      f(tc, 2),
      f(tw, 3),
      f(n1, 3),
      f(n2, 3),
      `${f(hw / n1, 2)}×`,
      `${f(hw / n2, 2)}×`,
      `${f(tw / hw, 1)}×`,
      `${f(tc / hw, 1)}×`,
      goals.length === 0 ? '' : verdict.length === 0 ? `met (${goals.join('; ')})` : verdict.join(', '),
    ];
  });
  const markdown = table(
    [
      'workload (training step, median)',
      'handgrad wasm ms (default threads)',
      'handgrad wasm 1T ms',
      'handgrad js ms',
      'tfjs-cpu ms',
      'tfjs-wasm ms',
      'numpy 1T ms',
      'numpy 2T ms',
      'wasm ÷ numpy 1T',
      'wasm ÷ numpy 2T',
      'wasm vs tfjs-wasm',
      'wasm vs tfjs-cpu',
      'targets (wasm path)',
    ],
    rows,
  );
  return { markdown, missed };
}

/** Inference latency of W3 per batch size; the issue-13 target: batch-1 handgrad faster than tfjs-wasm. */
export function predictTable(results: readonly PredictResult[]): { markdown: string; missed: string[] } {
  const impls = [...new Set(results.map((r) => r.implementation))];
  const batches = [...new Set(results.map((r) => r.batch))];
  const ms = (b: number, impl: string) => results.find((r) => r.batch === b && r.implementation === impl)?.ms ?? Number.NaN;
  const missed: string[] = [];
  const rows = batches.map((b) => {
    const hw = ms(b, 'handgrad wasm');
    const tw = ms(b, 'tfjs wasm');
    if (b === 1 && !(hw < tw)) missed.push(`W3 predict batch 1: handgrad wasm ${f(hw, 4)} ms, not faster than tfjs-wasm ${f(tw, 4)} ms`);
    return [`${b}`, ...impls.map((i) => f(ms(b, i), 4)), `${f(tw / hw, 2)}×`, `${f(hw / ms(b, 'numpy 1T'), 2)}×`];
  });
  const markdown = table(['W3 predict, batch', ...impls.map((i) => `${i} ms`), 'wasm vs tfjs-wasm', 'wasm ÷ numpy 1T'], rows);
  return { markdown, missed };
}

export function matmulTable(results: readonly MatmulResult[]): { markdown: string; missed: string[] } {
  const sizes = [...new Set(results.map((r) => r.n))];
  const keys = [...new Set(results.map((r) => `${r.implementation}|${r.variant}`))];
  const rows = keys.map((key) => {
    const [impl, variant] = key.split('|');
    return [
      `${impl} ${variant}`,
      ...sizes.map((n) => {
        const r = results.find((x) => x.n === n && x.implementation === impl && x.variant === variant);
        return r ? f(r.gflops, 1) : '—';
      }),
    ];
  });
  const missed: string[] = [];
  for (const r of results.filter((x) => x.n === 512)) {
    if (r.implementation === 'handgrad wasm' && !(r.gflops >= 20)) missed.push(`matmul 512 ${r.variant} wasm ${f(r.gflops, 1)} < 20 GFLOP/s`);
    if (r.implementation === 'handgrad js' && !(r.gflops >= 2.5)) missed.push(`matmul 512 ${r.variant} js ${f(r.gflops, 1)} < 2.5 GFLOP/s`);
  }
  return { markdown: table(['GFLOP/s, square n×n', ...sizes.map((n) => `${n}`)], rows), missed };
}

export function layersTable(results: readonly LayerResult[]): string {
  const layers = [...new Set(results.map((r) => r.layer))];
  const kernels = [...new Set(results.map((r) => r.kernels))];
  return table(
    ['layer, forward + backward, batch 128', ...kernels.map((k) => `${k} kernels, ms`)],
    layers.map((l) => [l, ...kernels.map((k) => f(results.find((r) => r.layer === l && r.kernels === k)?.msPerPass ?? Number.NaN, 4))]),
  );
}

export function scalingTable(results: readonly ScalingResult[], axis: 'batch' | 'hidden'): string {
  const rs = results.filter((r) => r.axis === axis);
  const values = [...new Set(rs.map((r) => r.value))];
  const kernels = [...new Set(rs.map((r) => r.kernels))];
  const title = axis === 'batch' ? 'batch (784→128→10)' : 'hidden width h (784→h→10, batch 128)';
  return table(
    [title, ...kernels.flatMap((k) => [`${k} ms/step`, `${k} µs/sample`])],
    values.map((v) => [
      `${v}`,
      ...kernels.flatMap((k) => {
        const r = rs.find((x) => x.value === v && x.kernels === k);
        return r ? [f(r.msPerStep, 3), f(r.usPerSample, 1)] : ['—', '—'];
      }),
    ]),
  );
}

export function renderMarkdown(all: AllResults): { markdown: string; missed: string[] } {
  const m = all.machine;
  const parts: string[] = [
    '# handgrad benchmark results',
    '',
    `Generated by \`npm run bench${all.mode === 'quick' ? ' -- --quick' : ''}\` (${all.mode} mode, ${f(all.seconds, 0)} s).`,
    '',
    `- CPU: ${m.cpu} (${m.cores} logical cores; handgrad wasm with its default thread count and with 1 thread, the tfjs peers single-threaded, numpy with 1 and 2 BLAS threads)`,
    `- Node ${m.node}, ${m.platform}`,
    `- Date: ${m.date}; load average at the end: ${m.loadAverage.join(', ')}`,
    ...(all.measured && Object.values(all.measured).some((s) => s.date !== m.date)
      ? [`- Sections kept from earlier runs (\`--only\` runs merge into these results): ${Object.entries(all.measured).map(([k, s]) => `${k} ${s.date} (load ${s.loadAverage.join(', ')})`).join('; ')}`]
      : []),
    '',
    'All implementations run in one process, interleaved round-robin, from the same initial weights on the same',
    'batch (Adam, softmax cross-entropy); ratios are measured in the same run: `handgrad ÷ numpy` is handgrad\'s time as a',
    'multiple of numpy\'s (lower is better), `vs tfjs` is the speed-up `tfjs ms / handgrad ms`.',
    '',
  ];
  const missed: string[] = [];
  if (all.train) {
    const t = trainTable(all.train);
    missed.push(...t.missed);
    parts.push('## Training step (forward + loss + backward + Adam update)', '', t.markdown, '');
    if (all.trainNotes?.length) parts.push(all.trainNotes.join(' '), '');
    parts.push(
      'First / second losses (identical weights and data; the second follows one Adam update): ' +
        [...new Set(all.train.map((r) => r.workload.split(' ')[0]))]
          .map((id) => `${id} ${all.train!.filter((r) => r.workload.startsWith(id)).map((r) => `${r.implementation} ${r.firstLoss.toFixed(6)} / ${r.secondLoss.toFixed(6)}`).join(', ')}`)
          .join('; ') +
        '.',
      '',
    );
  }
  if (all.predict) {
    const t = predictTable(all.predict);
    missed.push(...t.missed);
    parts.push('## Inference latency (W3 784→512→512→10, softmax output)', '', t.markdown, '');
  }
  if (all.cnn) {
    parts.push('## CNN training step (forward + loss + backward + Adam update)', '', cnnTable(all.cnn), '');
  }
  if (all.matmul) {
    const t = matmulTable(all.matmul);
    missed.push(...t.missed);
    parts.push('## Matrix products (GFLOP/s, 2n³ flops, higher is better)', '', t.markdown, '');
  }
  if (all.layers) parts.push('## Layers, forward + backward', '', layersTable(all.layers), '');
  if (all.scaling) {
    parts.push('## Scaling of the training step', '', scalingTable(all.scaling, 'batch'), '', scalingTable(all.scaling, 'hidden'), '');
  }
  if (all.rss) {
    const r = all.rss;
    parts.push(
      '## Memory over a long run',
      '',
      `${r.steps} W2 training steps (${r.kernels} kernels, fresh process, ${f(r.seconds, 1)} s): RSS ${f(r.warmRssMB, 1)} MB after warm-up, ` +
        `${f(r.finalRssMB, 1)} MB at the end, peak RSS ${f(r.maxRssMB, 1)} MB; growth after warm-up ${f(r.growthMB, 1)} MB — ` +
        `${r.flat ? 'flat' : 'NOT flat'}.`,
      '',
    );
    if (!r.flat) missed.push(`RSS grew ${f(r.growthMB, 1)} MB after warm-up`);
  }
  parts.push('## Targets', '', missed.length === 0 ? 'All targets met in this run.' : missed.map((x) => `- ${x}`).join('\n'), '');
  return { markdown: parts.join('\n'), missed };
}
