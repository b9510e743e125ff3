/**
 * `npm start`: trains the book's toy classifier — Dense(2→64) → ReLU → Dense(64→3) → Softmax with
 * categorical cross-entropy — on spiral data (100 points × 3 classes), shows progress, reports training
 * and held-out accuracy, and writes a decision-boundary PNG.
 *
 *   npx tsx examples/train-spiral.ts --help
 *
 * `--export-onnx <path>` / `--export-tfjs <dir>` also write the trained model for onnxruntime / TensorFlow.js.
 *
 * Exit codes: 0 success, 1 training failed, 2 bad command line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { Command, Option } from 'commander';
import {
  AdaGrad,
  Adam,
  CategoricalCrossEntropy,
  Dense,
  ReLU,
  RMSProp,
  SGD,
  Sequential,
  Softmax,
  spiralData,
  formatDiagnosis,
  recordDiagnostics,
  type DiagnosisRecord,
  type Optimizer,
} from 'handgrad';
import { integer, nonNegativeNumber, parseOrExit, positiveInteger } from './lib/cli.js';
import { decisionBoundaryPng } from './lib/decision-boundary.js';
import { diagnosisChartPng } from './lib/diagnosis-chart.js';
import { addExportOptions, exportTrained, type ExportFlags } from './lib/export.js';
import { createProgress } from './lib/progress.js';

/** Per-optimizer settings from the book (ch. 10), used unless --lr / --decay override them. */
const OPTIMIZERS = {
  sgd: { learningRate: 1, decay: 1e-3, make: (lr: number, decay: number) => new SGD({ learningRate: lr, decay, momentum: 0.9 }) },
  adagrad: { learningRate: 1, decay: 1e-4, make: (lr: number, decay: number) => new AdaGrad({ learningRate: lr, decay }) },
  rmsprop: {
    learningRate: 0.02,
    decay: 1e-5,
    make: (lr: number, decay: number) => new RMSProp({ learningRate: lr, decay, rho: 0.999 }),
  },
  adam: { learningRate: 0.05, decay: 5e-7, make: (lr: number, decay: number) => new Adam({ learningRate: lr, decay }) },
} as const;
type OptimizerName = keyof typeof OPTIMIZERS;

interface Flags extends ExportFlags {
  epochs: number;
  hidden: number;
  optimizer: OptimizerName;
  lr?: number;
  decay?: number;
  batchSize?: number;
  seed: number;
  out: string;
  /** true (flag alone) or the number of steps between diagnoses. */
  diagnose?: number | true;
  diagnoseOut: string;
}

function parseFlags(argv: string[]): Flags {
  const program = new Command('train-spiral')
    .description('Train Dense(2→H) → ReLU → Dense(H→3) → Softmax on the spiral dataset and plot its decision boundary.')
    .option('--epochs <n>', 'passes over the training data', positiveInteger, 3000)
    .option('--hidden <n>', 'neurons in the hidden layer', positiveInteger, 64)
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(Object.keys(OPTIMIZERS)).default('adam'))
    .option('--lr <rate>', 'learning rate (default: the optimizer’s book setting: sgd 1, adagrad 1, rmsprop 0.02, adam 0.05)', nonNegativeNumber)
    .option('--decay <d>', 'learning-rate decay (default: sgd 1e-3, adagrad 1e-4, rmsprop 1e-5, adam 5e-7)', nonNegativeNumber)
    .option('--batch-size <n>', 'rows per update (default: the whole training set)', positiveInteger)
    .option('--seed <n>', 'seed for the data, the weights and the shuffling (held-out data uses seed + 1)', integer, 0)
    .option('--out <path>', 'where to write the decision-boundary PNG', 'out/spiral-decision-boundary.png')
    .option('--diagnose [every]', 'record gradient health every N steps (default 100): print a table, write a PNG', positiveInteger)
    .option('--diagnose-out <path>', 'where --diagnose writes its PNG', 'out/spiral-diagnostics.png');
  return parseOrExit<Flags>(addExportOptions(program), argv);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const preset = OPTIMIZERS[flags.optimizer];
  const lr = flags.lr ?? preset.learningRate;
  const decay = flags.decay ?? preset.decay;
  const optimizer: Optimizer = preset.make(lr, decay);
  const samples = 100;
  const classes = 3;
  const train = spiralData({ samples, classes, seed: flags.seed });
  const heldOut = spiralData({ samples, classes, seed: flags.seed + 1 });
  const batchSize = flags.batchSize ?? train.x.rows;

  const model = new Sequential([
    new Dense(2, flags.hidden, { seed: flags.seed + 2, initializer: 'he' }),
    new ReLU(),
    new Dense(flags.hidden, classes, { seed: flags.seed + 3, initializer: 'he' }),
    new Softmax(),
  ]);
  model.compile({ loss: new CategoricalCrossEntropy(), optimizer });

  console.log(`handgrad spiral classifier: ${model.layers.map((l) => l.name).join(' → ')}`);
  console.log(
    `data: ${train.x.rows} points (${samples} per class × ${classes}), seed ${flags.seed}; ` +
      `${optimizer.name} (lr ${lr}, decay ${decay}); ${flags.epochs} epochs, batch size ${batchSize}`,
  );

  const every = flags.diagnose === true ? 100 : flags.diagnose;
  // The training set is the probe batch: with full-batch training it is exactly what each step sees.
  const recorder = every === undefined ? null : recordDiagnostics(model, train.x, train.y, { every });

  const progress = createProgress(flags.epochs);
  const start = performance.now();
  try {
    model.fit(train.x, train.y, {
      epochs: flags.epochs,
      batchSize,
      seed: flags.seed + 4,
      onEpochEnd: (log) => progress.update(log.epoch, log),
      onBatchEnd: recorder?.onBatchEnd,
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - start) / 1000;

  const trained = model.evaluate(train.x, train.y);
  const held = model.evaluate(heldOut.x, heldOut.y);
  console.log(`training accuracy: ${trained.accuracy.toFixed(3)} (loss ${trained.loss.toFixed(4)})`);
  console.log(`held-out accuracy: ${held.accuracy.toFixed(3)} (loss ${held.loss.toFixed(4)}; ${heldOut.x.rows} fresh points, seed ${flags.seed + 1})`);
  console.log(`training time: ${seconds.toFixed(1)} s`);

  if (recorder !== null) await reportDiagnostics(recorder.records, flags.diagnoseOut, `Gradient health, spiral ${model.layers.map((l) => l.name).join(' → ')}`);

  const png = await decisionBoundaryPng((points) => model.predict(points), train.x, train.y, {
    title: `Spiral classifier after ${flags.epochs} epochs (training accuracy ${trained.accuracy.toFixed(3)})`,
  });
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, png);
  const shown = relative(process.cwd(), flags.out);
  console.log(`decision boundary: ${shown.startsWith('..') ? flags.out : shown}`);
  await exportTrained(model, flags);
}

/** Prints the first and last diagnosis and writes the chart of all of them. */
async function reportDiagnostics(records: readonly DiagnosisRecord[], out: string, title: string): Promise<void> {
  const first = records[0];
  const last = records[records.length - 1];
  console.log(`gradient health at step ${first.step}:`);
  console.log(formatDiagnosis(first.diagnosis));
  if (last !== first) {
    console.log(`gradient health at step ${last.step}:`);
    console.log(formatDiagnosis(last.diagnosis));
  }
  const flagged = records.find((r) => r.diagnosis.nonFinite !== null || r.diagnosis.layers.some((l) => l.flags.length > 0));
  console.log(flagged ? `first flagged at step ${flagged.step}: ${describeFlags(flagged)}` : `no layer flagged in ${records.length} diagnoses`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, await diagnosisChartPng(records, title));
  const shown = relative(process.cwd(), out);
  console.log(`gradient health chart: ${shown.startsWith('..') ? out : shown}`);
}

function describeFlags(record: DiagnosisRecord): string {
  const parts = record.diagnosis.layers.filter((l) => l.flags.length > 0).map((l) => `layer ${l.index} ${l.name} ${l.flags.join(', ')}`);
  if (record.diagnosis.nonFinite) parts.push(record.diagnosis.nonFinite.message);
  return parts.join('; ');
}

main().catch((err: unknown) => {
  console.error(`train-spiral: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
