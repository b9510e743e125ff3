/**
 * The training worker: owns the model and the data, runs handgrad's `trainStep` in mini-batches while
 * playing, and reports progress, the boundary grid and the current weights/gradients to the page about
 * ten times a second. Training runs in short time slices so play/pause/step messages get through.
 */
import { Random, exportOnnx, exportTfjsLayers, type RandomState, type Sequential, type Tensor } from 'handgrad';
import { buildModel, denseLayers, dropoutLayers } from './build-model.js';
import { gridPoints, makeData, type PlaygroundData } from './datasets.js';
import { matrix } from './matrix.js';
import { GRID_SIZE, type DenseState, type ExportFile, type ExportFormat, type FromWorker, type Progress, type Settings, type StepSnapshot, type ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** Milliseconds of training per slice before the worker looks at its messages again. */
const SLICE_MS = 15;
/** Milliseconds the worker rests between slices. */
const REST_MS = 4;
/** Milliseconds between progress reports while playing. */
const REPORT_MS = 100;

class Trainer {
  readonly model: Sequential;
  readonly data: PlaygroundData;
  private readonly grid: Tensor;
  private readonly batchSize: number;
  private readonly order: Int32Array;
  private readonly shuffleSeed: number;
  private cursor = 0;
  epoch = 0;
  step = 0;
  /** Per-epoch progress not yet sent to the page. */
  unsentEpochs: Progress[] = [];
  /** The last step's model and batch before its update (see StepSnapshot). */
  private before: { parameters: Float32Array[]; dropoutStates: RandomState[]; batchX: Float32Array; batchY: Int32Array } | null = null;

  constructor(settings: Settings) {
    this.data = makeData(settings.data);
    this.model = buildModel(settings.net, 2, this.data.classes);
    this.grid = gridPoints(this.data.domain, GRID_SIZE);
    this.batchSize = Math.min(settings.net.batchSize, this.data.xTrain.rows);
    this.order = new Int32Array(this.data.xTrain.rows);
    this.shuffleSeed = settings.net.seed;
    this.reshuffle();
  }

  /** One mini-batch step with `trainStep`; keeps what the page needs to replay it. */
  trainOneStep(): void {
    const { xTrain, yTrain } = this.data;
    const n = this.order.length;
    const size = Math.min(this.batchSize, n - this.cursor);
    const batchX = new Float32Array(size * 2);
    const batchY = new Int32Array(size);
    for (let r = 0; r < size; r++) {
      const row = this.order[this.cursor + r];
      batchX[2 * r] = xTrain.data[2 * row];
      batchX[2 * r + 1] = xTrain.data[2 * row + 1];
      batchY[r] = yTrain[row];
    }
    this.before = {
      parameters: this.model.parameters().map((p) => p.value.data.slice()),
      dropoutStates: dropoutLayers(this.model).map((d) => d.rng.getState()),
      batchX,
      batchY,
    };
    this.model.trainStep(matrix(size, 2, batchX), batchY);
    this.step++;
    this.cursor += size;
    if (this.cursor >= n) {
      this.epoch++;
      this.reshuffle();
      this.unsentEpochs.push(this.progress());
    }
  }

  private reshuffle(): void {
    this.cursor = 0;
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    // Fisher–Yates with a stream per epoch, so a run is the same whatever the report timing.
    const rng = new Random(this.shuffleSeed * 7919 + this.epoch);
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
    }
  }

  progress(): Progress {
    const train = this.model.evaluate(this.data.xTrain, this.data.yTrain);
    const test = this.model.evaluate(this.data.xTest, this.data.yTest);
    return {
      epoch: this.epoch,
      step: this.step,
      trainLoss: train.loss,
      trainAccuracy: train.accuracy,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
    };
  }

  gridProbabilities(): Float32Array {
    return this.model.predict(this.grid).data;
  }

  denseStates(): DenseState[] {
    return denseLayers(this.model).map(({ index, layer }) => ({
      layer: index,
      nIn: layer.nIn,
      nOut: layer.nOut,
      weights: layer.weights.data.slice(),
      biases: layer.biases.data.slice(),
      dweights: layer.dweights.data.slice(),
    }));
  }

  snapshot(): StepSnapshot | null {
    if (this.before === null) return null;
    const dweights: Record<number, Float32Array> = {};
    for (const { index, layer } of denseLayers(this.model)) dweights[index] = layer.dweights.data.slice();
    return { step: this.step, epoch: this.epoch, ...this.before, dweights };
  }
}

/** The trained model as files in `format`; every layer the editor builds has an ONNX and a TF.js form. */
function exportFiles(model: Sequential, format: ExportFormat): ExportFile[] {
  switch (format) {
    case 'handgrad':
      return [{ name: 'handgrad-model.json', type: 'application/json', data: JSON.stringify(model.toJSON(), null, 1) }];
    case 'onnx':
      return [{ name: 'handgrad-model.onnx', type: 'application/octet-stream', data: exportOnnx(model, { inputShape: [2] }) }];
    case 'tfjs': {
      const { modelJson, weightData } = exportTfjsLayers(model, { inputShape: [2] });
      return [
        { name: 'model.json', type: 'application/json', data: JSON.stringify(modelJson) },
        { name: 'weights.bin', type: 'application/octet-stream', data: weightData },
      ];
    }
  }
}

let trainer: Trainer | null = null;
let generation = 0;
let running = false;
let lastReport = 0;
/** Speed cap (steps per second) or null; `allowance` is the steps it currently permits (a token bucket). */
let stepsPerSecond: number | null = null;
let allowance = 0;
let lastTick = 0;

function report(): void {
  if (trainer === null) return;
  lastReport = performance.now();
  const grid = trainer.gridProbabilities();
  const epochs = trainer.unsentEpochs;
  trainer.unsentEpochs = [];
  scope.postMessage({ type: 'update', generation, running, progress: trainer.progress(), epochs, grid, dense: trainer.denseStates() }, [grid.buffer]);
}

function fail(err: unknown): void {
  running = false;
  scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
}

let scheduled = false;

/** Trains for one slice, reports if due, and schedules the next slice while playing. */
function slice(): void {
  scheduled = false;
  if (!running || trainer === null) return;
  try {
    const now = performance.now();
    const end = now + SLICE_MS;
    if (stepsPerSecond === null) {
      do trainer.trainOneStep();
      while (performance.now() < end);
    } else {
      allowance = Math.min(allowance + ((now - lastTick) * stepsPerSecond) / 1000, Math.max(1, stepsPerSecond / 10));
      while (allowance >= 1 && performance.now() < end) {
        trainer.trainOneStep();
        allowance--;
      }
    }
    lastTick = now;
    if (performance.now() - lastReport >= REPORT_MS) report();
  } catch (err) {
    fail(err);
    report();
    return;
  }
  schedule(REST_MS);
}

function schedule(delay: number): void {
  if (scheduled) return;
  scheduled = true;
  // The rest between slices leaves part of a core to the page's own threads even at full speed, which
  // on a busy machine keeps the page drawing; messages (pause, step, snapshot) are handled in between.
  setTimeout(slice, delay);
}

scope.onmessage = (event) => {
  const message = event.data;
  try {
    switch (message.type) {
      case 'configure':
        running = false;
        generation = message.generation;
        trainer = new Trainer(message.settings);
        report();
        break;
      case 'speed':
        stepsPerSecond = message.stepsPerSecond;
        break;
      case 'play':
        if (!running) {
          running = true;
          lastTick = performance.now();
          allowance = 0;
          schedule(0);
        }
        break;
      case 'pause':
        running = false;
        report();
        break;
      case 'step':
        running = false;
        trainer?.trainOneStep();
        report();
        break;
      case 'snapshot':
        scope.postMessage({ type: 'snapshot', generation, snapshot: trainer?.snapshot() ?? null });
        break;
      case 'export':
        if (trainer !== null) scope.postMessage({ type: 'export', files: exportFiles(trainer.model, message.format) });
        break;
    }
  } catch (err) {
    fail(err);
  }
};
