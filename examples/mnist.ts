/**
 * `npm run example:mnist -- --data <folder>`: trains a classifier on MNIST (or Fashion-MNIST) from the IDX
 * files you downloaded — no network access at run time. The folder must hold the four standard files,
 * plain or gzipped (`.gz`):
 *
 *   train-images-idx3-ubyte   train-labels-idx1-ubyte   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte
 *
 * Model: Dense(784→128) → ReLU → Dropout(0.1) → Dense(128→10) → Softmax, Adam, mini-batches; reports
 * accuracy on the held-out t10k test set. Trains with `fitAsync`: progress moves per batch (an epoch of
 * 60 000 images is 469 batches), and Ctrl-C aborts training through an AbortSignal, then the model as
 * trained so far is still evaluated (a second Ctrl-C quits at once).
 *
 *   npx tsx examples/mnist.ts --help
 *
 * Exit codes: 0 success, 1 missing/invalid data or training failed, 2 bad command line.
 */
import { Command } from 'commander';
import {
  Adam,
  CategoricalCrossEntropy,
  Dense,
  Dropout,
  ReLU,
  Sequential,
  Softmax,
} from 'handgrad/node';
import { integer, nonNegativeNumber, parseOrExit, positiveInteger, run } from './lib/cli.js';
import { IDX_FILES, findIdxFiles, loadIdxPair } from './lib/idx-dataset.js';
import { createProgress } from './lib/progress.js';

interface Flags {
  data: string;
  epochs: number;
  batchSize: number;
  hidden: number;
  dropout: number;
  lr: number;
  limit?: number;
  seed: number;
  save?: string;
}

async function main(): Promise<void> {
  const flags = parseOrExit<Flags>(
    new Command('mnist')
      .description('Train on MNIST / Fashion-MNIST IDX files from a local folder and report test accuracy.')
      .requiredOption('--data <folder>', 'folder with the four IDX files (plain or .gz)')
      .option('--epochs <n>', 'passes over the training data', positiveInteger, 5)
      .option('--batch-size <n>', 'rows per update', positiveInteger, 128)
      .option('--hidden <n>', 'neurons in the hidden layer', positiveInteger, 128)
      .option('--dropout <rate>', 'dropout rate after the hidden layer, in [0, 1)', nonNegativeNumber, 0.1)
      .option('--lr <rate>', 'Adam learning rate', nonNegativeNumber, 0.001)
      .option('--limit <n>', 'use only the first n training images', positiveInteger)
      .option('--seed <n>', 'seed for weights, dropout and shuffling', integer, 0)
      .option('--save <path>', 'save the trained model (versioned JSON) to this path'),
    process.argv.slice(2),
  );
  const paths = findIdxFiles(
    flags.data,
    `data folder '${flags.data}' does not exist. Download the four MNIST (or Fashion-MNIST) IDX files ` +
      `(${Object.values(IDX_FILES).join(', ')}; .gz is fine) into it, then pass --data <folder>.`,
  );
  const train = await loadIdxPair(paths.trainImages, paths.trainLabels, { limit: flags.limit });
  const test = await loadIdxPair(paths.testImages, paths.testLabels);
  if (train.x.cols !== test.x.cols) {
    throw new Error(`training images have ${train.x.cols} pixels, test images ${test.x.cols}: they must come from the same dataset`);
  }
  const classes = Math.max(...train.y, ...test.y) + 1;

  const model = new Sequential([
    new Dense(train.x.cols, flags.hidden, { seed: flags.seed + 1, initializer: 'he' }),
    new ReLU(),
    new Dropout({ rate: flags.dropout, seed: flags.seed + 2 }),
    new Dense(flags.hidden, classes, { seed: flags.seed + 3, initializer: 'glorot' }),
    new Softmax(),
  ]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: flags.lr }) });

  console.log(`handgrad on IDX data from ${flags.data}: ${train.x.rows} training and ${test.x.rows} test images of ${train.x.cols} pixels, ${classes} classes`);
  console.log(model.summary(train.x.cols));
  console.log(`Adam lr ${flags.lr}; ${flags.epochs} epochs of batch size ${flags.batchSize}`);

  const batches = Math.ceil(train.x.rows / Math.min(flags.batchSize, train.x.rows));
  const progress = createProgress(flags.epochs * batches, flags.epochs * 4, 'batch');
  // the running means of this epoch's batches, as fit's epoch log will report them
  let rows = 0;
  let lossSum = 0;
  let accuracySum = 0;
  const stop = new AbortController();
  const onInterrupt = (): void => stop.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', onInterrupt);
  let stoppedBecause: string | null = null;
  const start = performance.now();
  try {
    await model.fitAsync(train.x, train.y, {
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      seed: flags.seed + 4,
      signal: stop.signal,
      onBatchEnd: (log) => {
        if (log.batch === 1) rows = lossSum = accuracySum = 0;
        rows += log.size;
        lossSum += log.loss * log.size;
        accuracySum += log.accuracy * log.size;
        progress.update((log.epoch - 1) * log.batches + log.batch, { loss: lossSum / rows, accuracy: accuracySum / rows });
      },
    });
  } catch (err) {
    if (!stop.signal.aborted) throw err;
    stoppedBecause = err instanceof Error ? err.message : String(err);
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onInterrupt);
  }
  if (stoppedBecause !== null) console.log(`training stopped: ${stoppedBecause}; evaluating the model as trained so far`);
  const seconds = (performance.now() - start) / 1000;
  const held = model.evaluate(test.x, test.y);
  console.log(`held-out (test set) accuracy: ${held.accuracy.toFixed(4)} (loss ${held.loss.toFixed(4)}; ${test.x.rows} images)`);
  console.log(`training time: ${seconds.toFixed(1)} s`);
  if (flags.save) {
    await model.save(flags.save);
    console.log(`saved: ${flags.save}`);
  }
}

run(main);
