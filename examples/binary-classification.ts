/**
 * `npm run example:binary`: binary classification as in the book (ch. 16) — Dense(2→64, L2) → ReLU →
 * Dense(64→1) → Sigmoid, trained with binary cross-entropy on a two-class spiral, reporting training and
 * held-out binary accuracy (threshold 0.5).
 *
 *   npx tsx examples/binary-classification.ts --help
 *
 * Exit codes: 0 success, 1 training failed, 2 bad command line.
 */
import { Command } from 'commander';
import { Adam, BinaryCrossEntropy, Dense, ReLU, Sequential, Sigmoid, Tensor, spiralData } from 'handgrad';
import { integer, nonNegativeNumber, parseOrExit, positiveInteger, run } from './lib/cli.js';
import { createProgress } from './lib/progress.js';

interface Flags {
  epochs: number;
  hidden: number;
  samples: number;
  lr: number;
  l2: number;
  seed: number;
}

/** Class indices 0/1 as the `[n, 1]` target tensor binary cross-entropy expects. */
function binaryTargets(labels: Int32Array): Tensor {
  const t = new Tensor([labels.length, 1]);
  for (let i = 0; i < labels.length; i++) t.data[i] = labels[i];
  return t;
}

function main(): void {
  const flags = parseOrExit<Flags>(
    new Command('binary-classification')
      .description('Train a sigmoid + binary cross-entropy classifier on a two-class spiral.')
      .option('--epochs <n>', 'passes over the training data (full batch; the book uses 10000)', positiveInteger, 5000)
      .option('--hidden <n>', 'neurons in the hidden layer', positiveInteger, 64)
      .option('--samples <n>', 'points per class', positiveInteger, 100)
      .option('--lr <rate>', 'Adam learning rate', nonNegativeNumber, 0.01)
      .option('--l2 <lambda>', 'L2 regularisation on the hidden layer’s weights and biases (book: 5e-4)', nonNegativeNumber, 5e-4)
      .option('--seed <n>', 'seed for data and weights (held-out data uses seed + 1)', integer, 0),
    process.argv.slice(2),
  );
  const train = spiralData({ samples: flags.samples, classes: 2, seed: flags.seed });
  const test = spiralData({ samples: flags.samples, classes: 2, seed: flags.seed + 1 });
  const yTrain = binaryTargets(train.y);
  const yTest = binaryTargets(test.y);

  const model = new Sequential([
    new Dense(2, flags.hidden, { seed: flags.seed + 2, initializer: 'he', weightL2: flags.l2, biasL2: flags.l2 }),
    new ReLU(),
    new Dense(flags.hidden, 1, { seed: flags.seed + 3, initializer: 'glorot' }),
    new Sigmoid(),
  ]).compile({ loss: new BinaryCrossEntropy(), optimizer: new Adam({ learningRate: flags.lr, decay: 5e-7 }) });

  console.log('handgrad binary classifier (two-class spiral)');
  console.log(model.summary(2));
  console.log(`data: ${train.x.rows} training points, ${test.x.rows} held-out points; Adam lr ${flags.lr}; ${flags.epochs} epochs`);

  const progress = createProgress(flags.epochs);
  let last = { loss: 0, regularizationLoss: 0 };
  try {
    model.fit(train.x, yTrain, {
      epochs: flags.epochs,
      batchSize: train.x.rows,
      seed: flags.seed + 4,
      onEpochEnd: (log) => {
        last = log;
        progress.update(log.epoch, log);
      },
    });
  } finally {
    progress.stop();
  }
  const trained = model.evaluate(train.x, yTrain);
  const held = model.evaluate(test.x, yTest);
  console.log(`data loss ${last.loss.toFixed(4)}, regularisation loss ${last.regularizationLoss.toFixed(4)} (last epoch)`);
  console.log(`training accuracy: ${trained.accuracy.toFixed(3)} (loss ${trained.loss.toFixed(4)})`);
  console.log(`held-out accuracy: ${held.accuracy.toFixed(3)} (loss ${held.loss.toFixed(4)}; ${test.x.rows} fresh points, seed ${flags.seed + 1})`);
}

run(main);
