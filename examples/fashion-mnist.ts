/**
 * `npm run example:fashion -- --data <folder>`: a convolutional network on Fashion-MNIST (28×28 grey images
 * of 10 kinds of clothing). By default it reads the four IDX files Debian's package `dataset-fashion-mnist`
 * installs in /usr/share/datasets/fashion-mnist/.
 *
 *   [n, 28, 28, 1] → Conv 3×3×32 → BatchNorm → MaxPool 2 → ReLU → Conv 3×3×64 → BatchNorm → MaxPool 2 → ReLU
 *   → Flatten → Dense 128 → ReLU → Dense 10 → Softmax   (--no-batch-norm drops the BatchNormalization;
 *   --dropout <rate> adds Dropout before each Dense)
 *
 * Adam with a learning-rate warm-up and a cosine decay to 0 at the last update (`--schedule`), mini-batches,
 * 10 epochs, each on a copy of the training images with a random half mirrored left-right (`--no-mirror`:
 * as they are), progress per batch; at the end the accuracy on the 10 000 test images
 * (`test accuracy: 0.9xxx`), the training time, and a PNG with the confusion matrix and a grid of
 * misclassified test images.
 *
 *   npx tsx examples/fashion-mnist.ts --help
 *
 * Exit codes: 0 success, 1 missing/invalid data or training failed, 2 bad command line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Adam, CategoricalCrossEntropy, Random, Tensor } from 'handgrad/node';
import { renderChart } from './lib/chart.js';
import { integer, nonNegativeNumber, parseOrExit, positiveInteger, run } from './lib/cli.js';
import { confusionCounts, imageAt, testReportSpec, type Misclassified } from './lib/confusion-matrix.js';
import { CLASS_NAMES, DEFAULT_DATA, fashionCnn, mirrorHalf, predictInChunks } from './lib/fashion-cnn.js';
import { findIdxFiles, loadIdxPair } from './lib/idx-dataset.js';
import { addExportOptions, exportTrained, type ExportFlags } from './lib/export.js';
import { createProgress } from './lib/progress.js';

interface Flags extends ExportFlags {
  data: string;
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: 'cosine' | 'inverse-time' | 'constant';
  warmup: number;
  decay: number;
  batchNorm: boolean;
  mirror: boolean;
  dropout: number;
  limit?: number;
  testLimit?: number;
  seed: number;
  out: string;
  save?: string;
}

/** A dropout rate: 0 (none) or in (0, 1). */
function dropoutRate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a number in [0, 1).');
  return n;
}

async function main(): Promise<void> {
  const flags = parseOrExit<Flags>(
    addExportOptions(new Command('fashion-mnist'))
      .description('Train a small CNN on Fashion-MNIST and report test accuracy, with a confusion-matrix picture.')
      .option('--data <folder>', 'folder with the four IDX files (plain or .gz)', DEFAULT_DATA)
      .option('--epochs <n>', 'passes over the training data', positiveInteger, 10)
      .option('--batch-size <n>', 'images per update', positiveInteger, 64)
      .option('--lr <rate>', 'Adam learning rate (the peak, after the warm-up)', nonNegativeNumber, 0.003)
      .addOption(
        new Option('--schedule <name>', 'learning rate after the warm-up: cosine (down to 0 at the last update), inverse-time (lr / (1 + decay · step)) or constant')
          .choices(['cosine', 'inverse-time', 'constant'])
          .default('cosine'),
      )
      .option('--warmup <epochs>', 'linear learning-rate warm-up over this many epochs (a fraction is fine)', nonNegativeNumber, 0.3)
      .option('--decay <d>', 'decay per update for --schedule inverse-time', nonNegativeNumber, 5e-4)
      .option('--no-batch-norm', 'leave out the BatchNormalization after each convolution')
      .option('--no-mirror', 'train on the images as they are (by default each epoch mirrors a random half of them left-right)')
      .option('--dropout <rate>', 'Dropout rate before each Dense layer (0: none)', dropoutRate, 0)
      .option('--limit <n>', 'train on the first n training images only', positiveInteger)
      .option('--test-limit <n>', 'evaluate on the first n test images only', positiveInteger)
      .option('--seed <n>', 'seed for weights and shuffling', integer, 0)
      .option('--out <path>', 'where to write the confusion-matrix / misclassified-images PNG', 'out/fashion-mnist.png')
      .option('--save <path>', 'save the trained model (versioned JSON) to this path'),
    process.argv.slice(2),
  );
  const files = findIdxFiles(
    flags.data,
    `data folder '${flags.data}' does not exist. Install Fashion-MNIST with Debian's package: ` +
      `sudo apt-get install dataset-fashion-mnist (it fills ${DEFAULT_DATA}), or pass --data <folder> with the four IDX files.`,
  );
  const train = await loadIdxPair(files.trainImages, files.trainLabels, { limit: flags.limit, layout: 'images' });
  const test = await loadIdxPair(files.testImages, files.testLabels, { limit: flags.testLimit, layout: 'images' });
  const shape = train.x.shape.slice(1).join('×');
  if (shape !== '28×28×1' || test.x.shape.slice(1).join('×') !== shape) {
    throw new Error(`expected 28×28 grey images, got training ${train.x.shapeString()} and test ${test.x.shapeString()}`);
  }

  const batches = Math.ceil(train.x.rows / Math.min(flags.batchSize, train.x.rows));
  const updates = flags.epochs * batches;
  const warmupSteps = Math.min(Math.round(flags.warmup * batches), updates);
  const model = fashionCnn({ seed: flags.seed, batchNorm: flags.batchNorm, dropout: flags.dropout }).compile({
    loss: new CategoricalCrossEntropy(),
    optimizer: new Adam({
      learningRate: flags.lr,
      warmupSteps,
      ...(flags.schedule === 'cosine' ? { cosineDecaySteps: Math.max(updates - warmupSteps, 1) } : {}),
      ...(flags.schedule === 'inverse-time' ? { decay: flags.decay } : {}),
    }),
  });
  console.log(`handgrad Fashion-MNIST CNN on ${flags.data}: ${train.x.rows} training and ${test.x.rows} test images of 28×28`);
  console.log(model.summary([28, 28, 1]));
  const after = { cosine: 'cosine decay to 0', 'inverse-time': `inverse-time decay ${flags.decay}`, constant: 'constant' }[flags.schedule];
  console.log(`Adam lr ${flags.lr}, warm-up ${warmupSteps} updates, then ${after}; ${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'} of batch size ${flags.batchSize} (${updates} updates)`);

  console.log(flags.mirror ? 'augmentation: every epoch mirrors a random half of the training images left-right' : 'augmentation: none (--no-mirror)');
  const progress = createProgress(updates, flags.epochs * 10, 'batch');
  let rows = 0;
  let lossSum = 0;
  let accuracySum = 0;
  const start = performance.now();
  // augmentation: each epoch trains on a fresh copy with a random half of the images mirrored
  const mirrored = flags.mirror ? new Tensor(train.x.shape) : null;
  const mirrorRandom = new Random(flags.seed + 99);
  try {
    for (let epoch = 0; epoch < flags.epochs; epoch++) {
      if (mirrored !== null) mirrorHalf(train.x, mirrored, mirrorRandom);
      // one epoch per call: `initialEpoch` keeps the shuffling (and the optimizer its schedule) of one long run
      await model.fitAsync(mirrored ?? train.x, train.y, {
        epochs: epoch + 1,
        initialEpoch: epoch,
        batchSize: flags.batchSize,
        seed: flags.seed + 5,
        onBatchEnd: (log) => {
          if (log.batch === 1) rows = lossSum = accuracySum = 0; // running means over this epoch's batches
          rows += log.size;
          lossSum += log.loss * log.size;
          accuracySum += log.accuracy * log.size;
          progress.update((log.epoch - 1) * log.batches + log.batch, { loss: lossSum / rows, accuracy: accuracySum / rows });
        },
      });
    }
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - start) / 1000;

  const { classes, confidence } = predictInChunks(model, test.x);
  let correct = 0;
  for (let i = 0; i < classes.length; i++) if (classes[i] === test.y[i]) correct++;
  const accuracy = correct / classes.length;
  console.log(`test accuracy: ${accuracy.toFixed(4)} (${correct} of ${classes.length} test images)`);
  console.log(`training time: ${seconds.toFixed(1)} s (${((1000 * seconds) / (flags.epochs * train.x.rows)).toFixed(2)} ms per image)`);

  // the most confident mistakes first: the instructive ones
  const wrong = Array.from(classes.keys()).filter((i) => classes[i] !== test.y[i]);
  wrong.sort((a, b) => confidence[b] - confidence[a]);
  const shown: Misclassified[] = wrong.slice(0, 24).map((i) => ({
    pixels: imageAt(test.x, i),
    height: 28,
    width: 28,
    truth: CLASS_NAMES[test.y[i]],
    predicted: CLASS_NAMES[classes[i]],
    confidence: confidence[i],
  }));
  const counts = confusionCounts(test.y, classes, CLASS_NAMES.length);
  const heading = `handgrad CNN on Fashion-MNIST: test accuracy ${accuracy.toFixed(4)} after ${flags.epochs} epoch${flags.epochs === 1 ? '' : 's'} (${seconds.toFixed(0)} s)`;
  const png = await renderChart(testReportSpec(counts, CLASS_NAMES, shown, heading));
  mkdirSync(dirname(flags.out), { recursive: true });
  writeFileSync(flags.out, png);
  const where = relative(process.cwd(), flags.out);
  console.log(`confusion matrix and misclassified images: ${where.startsWith('..') ? flags.out : where}`);
  if (flags.save) {
    await model.save(flags.save);
    console.log(`saved: ${flags.save}`);
  }
  await exportTrained(model, flags);
}

run(main);
