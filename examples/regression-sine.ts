/**
 * `npm run example:regression`: regression as in the book (ch. 17) — Dense(1→64) → ReLU → Dense(64→64) →
 * ReLU → Dense(64→1) → Linear, trained with mean squared error to fit y = sin(2πx) on [0, 1]. Reports the
 * held-out error and regression accuracy (|ŷ − y| < std(y)/250) and writes a PNG of prediction vs target.
 *
 *   npx tsx examples/regression-sine.ts --help
 *
 * Exit codes: 0 success, 1 training failed, 2 bad command line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { Command } from 'commander';
import { Adam, Dense, Linear, MeanAbsoluteError, MeanSquaredError, ReLU, Sequential, Tensor } from 'handgrad';
import { integer, nonNegativeNumber, parseOrExit, positiveInteger, run } from './lib/cli.js';
import { lineChartPng } from './lib/line-chart.js';
import { createProgress } from './lib/progress.js';

interface Flags {
  epochs: number;
  samples: number;
  lr: number;
  seed: number;
  out: string;
}

/** The book's sine data: x_i = i/n (or (i + offset)/n), y_i = sin(2π x_i), as `[n, 1]` tensors. */
function sineData(n: number, offset = 0): { x: Tensor; y: Tensor } {
  const x = new Tensor([n, 1]);
  const y = new Tensor([n, 1]);
  for (let i = 0; i < n; i++) {
    x.data[i] = (i + offset) / n;
    y.data[i] = Math.sin(2 * Math.PI * x.data[i]);
  }
  return { x, y };
}

async function main(): Promise<void> {
  const flags = parseOrExit<Flags>(
    new Command('regression-sine')
      .description('Fit y = sin(2πx) with a Linear-output network and mean squared error; plot prediction vs target.')
      .option('--epochs <n>', 'passes over the training data (full batch)', positiveInteger, 2000)
      .option('--samples <n>', 'training points on [0, 1)', positiveInteger, 1000)
      .option('--lr <rate>', 'Adam learning rate (book: 0.005)', nonNegativeNumber, 0.005)
      .option('--seed <n>', 'seed for the weights', integer, 0)
      .option('--out <path>', 'where to write the prediction-vs-target PNG', 'out/regression-sine.png'),
    process.argv.slice(2),
  );
  const train = sineData(flags.samples);
  const test = sineData(flags.samples, 0.5); // fresh points: half-way between the training points

  const model = new Sequential([
    new Dense(1, 64, { seed: flags.seed + 1, initializer: 'he' }),
    new ReLU(),
    new Dense(64, 64, { seed: flags.seed + 2, initializer: 'he' }),
    new ReLU(),
    new Dense(64, 1, { seed: flags.seed + 3, initializer: 'glorot' }),
    new Linear(),
  ]).compile({ loss: new MeanSquaredError(), optimizer: new Adam({ learningRate: flags.lr, decay: 1e-3 }) });

  console.log('handgrad regression: y = sin(2πx)');
  console.log(model.summary(1));
  console.log(`data: ${train.x.rows} training points, ${test.x.rows} held-out points; Adam lr ${flags.lr}, decay 1e-3; ${flags.epochs} epochs`);

  const progress = createProgress(flags.epochs);
  try {
    model.fit(train.x, train.y, {
      epochs: flags.epochs,
      batchSize: train.x.rows,
      seed: flags.seed + 4,
      onEpochEnd: (log) => progress.update(log.epoch, log),
    });
  } finally {
    progress.stop();
  }
  const trained = model.evaluate(train.x, train.y);
  const held = model.evaluate(test.x, test.y);
  const prediction = model.predict(test.x);
  const mae = new MeanAbsoluteError().forward(prediction, test.y);
  console.log(`training: MSE ${trained.loss.toExponential(3)}, regression accuracy ${trained.accuracy.toFixed(3)}`);
  console.log(
    `held-out: MSE ${held.loss.toExponential(3)}, mean absolute error ${mae.toExponential(3)}, ` +
      `regression accuracy ${held.accuracy.toFixed(3)} (|ŷ − y| < std(y_train)/250)`,
  );

  const png = await lineChartPng(
    [
      { label: 'target sin(2πx)', xs: test.x.data, ys: test.y.data, color: '#3c3c3c', width: 5 },
      { label: 'prediction', xs: test.x.data, ys: prediction.data, color: '#f28e2c', width: 2.5 },
    ],
    {
      title: 'Regression: network prediction vs target on held-out points',
      subtitle: `${flags.epochs} epochs, held-out MSE ${held.loss.toExponential(2)}`,
      xLabel: 'x',
      yLabel: 'y',
    },
  );
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, png);
  const shown = relative(process.cwd(), flags.out);
  console.log(`plot: ${shown.startsWith('..') ? flags.out : shown}`);
}

run(main);
