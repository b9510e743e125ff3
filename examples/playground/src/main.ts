/**
 * The page: reads the settings, hands training to the worker, draws what it reports, and runs the
 * inspector and the gradient check on a replica of the model (see chain-rule.ts).
 */
import type { Sequential } from 'handgrad';
import { buildModel, denseLayers } from './build-model.js';
import { checkModel, inspectWeight, restoreSnapshot, type Inspection, type WeightRef } from './chain-rule.js';
import { makeData, type PlaygroundData } from './datasets.js';
import {
  ACTIVATIONS,
  EXPORT_FORMATS,
  GRID_SIZE,
  type ActivationName,
  type FromWorker,
  type HiddenLayerSpec,
  type Settings,
  type StepSnapshot,
  type ToWorker,
} from './protocol.js';
import { BoundaryView } from './views/boundary.js';
import { CurvesView } from './views/curves.js';
import { renderCheck, renderInspection } from './views/inspector.js';
import { NetworkView } from './views/network.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const ACTIVATION_LABELS: Record<ActivationName, string> = { relu: 'ReLU', 'leaky-relu': 'LeakyReLU', tanh: 'Tanh', sigmoid: 'Sigmoid' };

let hidden: HiddenLayerSpec[] = [
  { units: 16, activation: 'relu', dropout: 0 },
  { units: 16, activation: 'relu', dropout: 0 },
];

const boundary = new BoundaryView($<HTMLCanvasElement>('boundary'), GRID_SIZE);
const lossChart = new CurvesView($<HTMLCanvasElement>('loss-chart'), 'trainLoss', 'testLoss', 'loss', null);
const accuracyChart = new CurvesView($<HTMLCanvasElement>('accuracy-chart'), 'trainAccuracy', 'testAccuracy', 'accuracy', [0, 1]);
const network = new NetworkView($<HTMLCanvasElement>('network-edges'), document.getElementById('network') as unknown as SVGSVGElement, selectWeight);
const inspectorEl = $('weight-inspector');

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (message: ToWorker): void => worker.postMessage(message);

let settings: Settings;
/** Counts configure()s; reports about an older model are dropped. */
let generation = 0;
let data: PlaygroundData;
let replica: Sequential;
let running = false;
let selected: WeightRef | null = null;
let pendingCheck = false;
let lastSnapshotAsked = 0;
let lastCurves = 0;
let snapshot: StepSnapshot | null = null;
let inspection: Inspection | null = null;
let epoch = 0;
let trainAccuracy = NaN;

function readSettings(): Settings {
  const num = (id: string): number => Number($<HTMLInputElement>(id).value);
  return {
    data: { dataset: $<HTMLSelectElement>('dataset').value as Settings['data']['dataset'], size: num('size'), noise: num('noise'), testFraction: num('test'), seed: num('seed') },
    net: {
      hidden: hidden.map((h) => ({ ...h })),
      l2: num('l2'),
      optimizer: $<HTMLSelectElement>('optimizer').value as Settings['net']['optimizer'],
      learningRate: num('lr'),
      batchSize: num('batch'),
      seed: num('seed'),
    },
  };
}

/** Starts over: new data, new model (in the worker and the replica), empty curves. */
function configure(): void {
  settings = readSettings();
  data = makeData(settings.data);
  replica = buildModel(settings.net, 2, data.classes);
  boundary.setData(data);
  const dense = denseLayers(replica).map(({ index, layer }) => ({ layer: index, nIn: layer.nIn, nOut: layer.nOut }));
  network.build(dense, settings.net.hidden.map((h) => ACTIVATION_LABELS[h.activation] + (h.dropout > 0 ? ` + Dropout ${h.dropout}` : '')));
  lossChart.reset();
  accuracyChart.reset();
  selected = null;
  snapshot = null;
  inspection = null;
  inspectorEl.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Click a weight (an edge above) to see the chain rule that computed its gradient on the current batch.' }));
  $('check-result').replaceChildren();
  setRunning(false);
  generation++;
  send({ type: 'configure', settings, generation });
}

function setRunning(value: boolean): void {
  running = value;
  $('play').textContent = running ? '❚❚ Pause' : '▶ Play';
}

function selectWeight(weight: WeightRef): void {
  selected = weight;
  network.select(weight);
  askSnapshot();
}

function askSnapshot(): void {
  lastSnapshotAsked = performance.now();
  send({ type: 'snapshot' });
}

function showError(message: string): void {
  const status = $('status');
  status.textContent = message;
  status.hidden = false;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if ((message.type === 'update' || message.type === 'snapshot') && message.generation !== generation) return;
  switch (message.type) {
    case 'update': {
      const p = message.progress;
      epoch = p.epoch;
      trainAccuracy = p.trainAccuracy;
      $('epoch').textContent = String(p.epoch);
      $('steps').textContent = String(p.step);
      $('train-accuracy').textContent = p.trainAccuracy.toFixed(3);
      $('test-accuracy').textContent = p.testAccuracy.toFixed(3);
      $('train-loss').textContent = p.trainLoss.toFixed(3);
      boundary.setProbabilities(message.grid, data.classes);
      network.update(message.dense);
      for (const e of message.epochs) {
        lossChart.add(e);
        accuracyChart.add(e);
      }
      // The curves change slowly: redraw them at most four times a second.
      if (!message.running || performance.now() - lastCurves > 250) {
        lastCurves = performance.now();
        lossChart.draw();
        accuracyChart.draw();
      }
      if (!message.running && running) setRunning(false);
      // Keep the inspector on the current batch: at once when paused, at most twice a second while playing.
      if (selected !== null && (!message.running || performance.now() - lastSnapshotAsked > 500)) askSnapshot();
      break;
    }
    case 'snapshot':
      snapshot = message.snapshot;
      if (snapshot === null) {
        if (selected !== null) inspectorEl.replaceChildren(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Train at least one step (Play or Step) to see gradients.' }));
        pendingCheck = false;
        break;
      }
      if (selected !== null) {
        inspection = inspectWeight(replica, snapshot, selected);
        renderInspection(inspectorEl, inspection);
      }
      if (pendingCheck) {
        pendingCheck = false;
        renderCheck($('check-result'), checkModel(replica, snapshot));
      }
      break;
    case 'export':
      for (const file of message.files) {
        const blob = new Blob([file.data as BlobPart], { type: file.type });
        const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: file.name });
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      }
      break;
    case 'error':
      setRunning(false);
      showError(`Training stopped: ${message.message}`);
      break;
  }
};

// ---- the network editor ----
function renderLayers(): void {
  const root = $('layers');
  root.replaceChildren();
  hidden.forEach((h, k) => {
    const row = document.createElement('div');
    row.className = 'layer';
    const index = Object.assign(document.createElement('span'), { className: 'muted', textContent: String(k + 1) });
    const units = Object.assign(document.createElement('input'), { type: 'number', min: '1', max: '32', value: String(h.units), title: 'units' });
    units.addEventListener('change', () => {
      hidden[k] = { ...hidden[k], units: Math.min(32, Math.max(1, Math.round(Number(units.value)) || 1)) };
      renderLayers();
      configure();
    });
    const act = document.createElement('select');
    for (const a of ACTIVATIONS) act.append(new Option(ACTIVATION_LABELS[a], a, false, a === h.activation));
    act.addEventListener('change', () => {
      hidden[k] = { ...hidden[k], activation: act.value as ActivationName };
      configure();
    });
    const drop = document.createElement('select');
    drop.title = 'Dropout rate after the activation';
    for (const r of [0, 0.1, 0.2, 0.3, 0.5]) drop.append(new Option(r === 0 ? '—' : String(r), String(r), false, r === h.dropout));
    drop.addEventListener('change', () => {
      hidden[k] = { ...hidden[k], dropout: Number(drop.value) };
      configure();
    });
    const remove = Object.assign(document.createElement('button'), { textContent: '×', title: 'Remove this layer', disabled: hidden.length === 1 });
    remove.addEventListener('click', () => {
      hidden = hidden.filter((_, i) => i !== k);
      renderLayers();
      configure();
    });
    row.append(index, units, act, drop, remove);
    root.append(row);
  });
}

$('add-layer').addEventListener('click', () => {
  if (hidden.length >= 5) return;
  hidden = [...hidden, { units: 8, activation: 'relu', dropout: 0 }];
  renderLayers();
  configure();
});

for (const [id, out, format] of [
  ['size', 'size-value', (v: number) => String(v)],
  ['noise', 'noise-value', (v: number) => v.toFixed(2)],
  ['test', 'test-value', (v: number) => `${Math.round(v * 100)} %`],
] as const) {
  const input = $<HTMLInputElement>(id);
  input.addEventListener('input', () => ($(out).textContent = format(Number(input.value))));
  input.addEventListener('change', configure);
}
for (const id of ['dataset', 'l2', 'seed', 'optimizer', 'lr', 'batch']) $(id).addEventListener('change', configure);

$('play').addEventListener('click', () => {
  setRunning(!running);
  send({ type: running ? 'play' : 'pause' });
});
$('step').addEventListener('click', () => {
  setRunning(false);
  send({ type: 'step' });
});
$('reset').addEventListener('click', configure);
const sendSpeed = (): void => {
  const value = $<HTMLSelectElement>('speed').value;
  send({ type: 'speed', stepsPerSecond: value === 'max' ? null : Number(value) });
};
$('speed').addEventListener('change', sendSpeed);
$<HTMLInputElement>('by-gradient').addEventListener('change', (e) => {
  network.mode = (e.target as HTMLInputElement).checked ? 'gradient' : 'weight';
  network.paint();
});
$('grad-check').addEventListener('click', () => {
  pendingCheck = true;
  $('check-result').textContent = 'checking…';
  askSnapshot();
});
for (const format of EXPORT_FORMATS) $(`export-${format}`).addEventListener('click', () => send({ type: 'export', format }));

// A frame counter, shown in the header: training must never make the page stutter.
let frames = 0;
let since = performance.now();
const countFrames = (now: number): void => {
  frames++;
  if (now - since >= 1000) {
    $('fps').textContent = String(Math.round((frames * 1000) / (now - since)));
    frames = 0;
    since = now;
  }
  requestAnimationFrame(countFrames);
};
requestAnimationFrame(countFrames);

/**
 * Read-only view of the page's state for tests and the curious: the inspected weight, the values the
 * inspector shows, and the model and batch of the step it replays (handgrad JSON before the update).
 */
Object.defineProperty(window, 'handgradPlayground', {
  value: Object.freeze({
    progress: () => ({ epoch, trainAccuracy, running }),
    inspection: () => {
      if (inspection === null || snapshot === null) return null;
      const model = buildModel(settings.net, 2, data.classes);
      restoreSnapshot(model, snapshot);
      return {
        weight: inspection.weight,
        handgrad: inspection.handgrad,
        numeric: inspection.numeric.map((n) => n.value),
        replayed: inspection.replayed,
        model: model.toJSON(),
        batchX: Array.from(snapshot.batchX),
        batchY: Array.from(snapshot.batchY),
      };
    },
  }),
});

renderLayers();
sendSpeed();
configure();
