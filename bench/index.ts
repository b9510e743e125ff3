/**
 * `npm run bench` — every benchmark, results saved under bench/results/ (JSON, benny's HTML charts,
 * RESULTS.md). `npm run bench -- --quick` is a < 1 minute smoke run saved under bench/results/quick/.
 * `--only train,matmul` runs selected sections (train, predict, cnn, matmul, layers, scaling, rss) and merges
 * them into the saved results: the other sections keep their earlier numbers (RESULTS.md says when and
 * at what load each section was measured).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { benchCnn, cnnTable } from './cnn.js';
import { benchLayers } from './layers.js';
import { output } from './lib/benny.js';
import { benchMatmul } from './matmul.js';
import { benchPredict } from './predict.js';
import { machineInfo, predictTable, renderMarkdown, trainTable, type AllResults } from './report.js';
import { benchRss } from './rss.js';
import { benchScaling } from './scaling.js';
import { benchTrainingSteps } from './train.js';

const SECTIONS = ['train', 'predict', 'cnn', 'matmul', 'layers', 'scaling', 'rss'] as const;

const program = new Command()
  .name('bench')
  .option('--quick', 'short sampling, fewer sizes (under a minute)', false)
  .option('--only <sections>', `comma-separated subset of ${SECTIONS.join(',')}`)
  .parse();
const opts = program.opts<{ quick: boolean; only?: string }>();
const only = opts.only ? opts.only.split(',').map((s) => s.trim()) : [...SECTIONS];
for (const s of only) {
  if (!(SECTIONS as readonly string[]).includes(s)) {
    console.error(`bench: unknown section '${s}', expected some of ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}

/** Fields of AllResults each section writes. */
const SECTION_FIELDS: Record<(typeof SECTIONS)[number], (keyof AllResults)[]> = {
  train: ['train', 'trainNotes'],
  predict: ['predict'],
  cnn: ['cnn'],
  matmul: ['matmul'],
  layers: ['layers'],
  scaling: ['scaling'],
  rss: ['rss'],
};

const quick = opts.quick;
output.dir = new URL(quick ? './results/quick/' : './results/', import.meta.url).pathname;
mkdirSync(output.dir, { recursive: true });
const log = (line: string) => console.log(line);
const started = performance.now();
const all: AllResults = { machine: machineInfo(), mode: quick ? 'quick' : 'full', seconds: 0 };

console.log(`handgrad benchmarks (${all.mode}) on ${all.machine.cpu}, Node ${all.machine.node}`);
if (only.includes('train')) {
  console.log('\n== Training step, interleaved with TensorFlow.js and numpy ==');
  const run = await benchTrainingSteps({ quick, log }); // throws (exit 1) if the losses disagree
  all.train = run.results;
  all.trainNotes = run.notes;
  console.log('\n' + trainTable(all.train).markdown);
}
if (only.includes('predict')) {
  console.log('\n== Inference latency ==');
  all.predict = await benchPredict(quick, log);
  console.log('\n' + predictTable(all.predict).markdown);
}
if (only.includes('cnn')) {
  console.log('\n== CNN training step: handgrad, numpy, ConvNetJS, TensorFlow.js CPU ==');
  all.cnn = await benchCnn({ quick, log }); // throws (exit 1) if first losses disagree
  console.log('\n' + cnnTable(all.cnn));
}
if (only.includes('matmul')) {
  console.log('\n== Matrix products ==');
  all.matmul = await benchMatmul(quick, log);
}
if (only.includes('layers')) {
  console.log('\n== Layers ==');
  all.layers = await benchLayers(quick, log);
}
if (only.includes('scaling')) {
  console.log('\n== Scaling ==');
  all.scaling = benchScaling(quick, log);
}
if (only.includes('rss')) {
  console.log('\n== Memory ==');
  all.rss = benchRss(quick, log);
}
all.seconds = (performance.now() - started) / 1000;
all.machine.loadAverage = machineInfo().loadAverage;
const measured = { date: all.machine.date, loadAverage: all.machine.loadAverage };
all.measured = Object.fromEntries(only.map((s) => [s, measured]));
const kept = mergeEarlierSections(all, join(output.dir, 'results.json'));

// A kept section saved by an older bench, in a shape this report no longer renders, is dropped alone.
for (const section of kept) {
  const alone = { machine: all.machine, mode: all.mode, seconds: all.seconds } as AllResults;
  for (const f of SECTION_FIELDS[section]) (alone as unknown as Record<string, unknown>)[f] = (all as unknown as Record<string, unknown>)[f];
  try {
    renderMarkdown(alone);
  } catch (err) {
    console.log(`bench: the saved '${section}' section could not be rendered (${(err as Error).message}); it is left out`);
    for (const f of SECTION_FIELDS[section]) delete (all as unknown as Record<string, unknown>)[f];
    delete all.measured?.[section];
  }
}
const rendered = renderMarkdown(all);
const { markdown, missed } = rendered;
writeFileSync(join(output.dir, 'results.json'), JSON.stringify(all, null, 2) + '\n');
writeFileSync(join(output.dir, 'RESULTS.md'), markdown);
console.log('\n' + markdown);
console.log(`\nSaved ${join(output.dir, 'results.json')} and RESULTS.md (${all.seconds.toFixed(0)} s).`);
if (missed.length > 0) console.log(`Targets missed in this run: ${missed.length} (see above).`);

/**
 * A partial run (`--only`) keeps the sections it did not run from the saved results of the same mode, so
 * `--only cnn` no longer drops the training, inference and matmul tables; each kept section keeps the date
 * and load it was measured at (for files older than that record, the file's own date and load). A kept
 * section that an older bench saved in a shape this report cannot render is left out, with a line saying so.
 */
function mergeEarlierSections(all: AllResults, path: string): (typeof SECTIONS)[number][] {
  const kept: (typeof SECTIONS)[number][] = [];
  if (!existsSync(path)) return kept;
  let earlier: AllResults;
  try {
    earlier = JSON.parse(readFileSync(path, 'utf8')) as AllResults;
  } catch {
    return kept; // unreadable: this run's sections alone
  }
  if (earlier.mode !== all.mode) return kept;
  const target = all as unknown as Record<string, unknown>;
  const source = earlier as unknown as Record<string, unknown>;
  for (const section of SECTIONS) {
    if (only.includes(section)) continue;
    const fields = SECTION_FIELDS[section];
    if (fields.every((f) => source[f] === undefined)) continue;
    for (const f of fields) if (source[f] !== undefined) target[f] = source[f];
    all.measured ??= {};
    all.measured[section] = earlier.measured?.[section] ?? { date: earlier.machine.date, loadAverage: earlier.machine.loadAverage };
    kept.push(section);
  }
  return kept;
}
