/**
 * Every public entry point names itself, the argument and what it expected when a plain-JavaScript caller
 * passes the wrong kind of value (issue 9, finding 8) — found by calling each export with null, numbers,
 * strings, arrays and objects; each of these gave an engine message before ("Cannot read properties of null
 * (reading 'shape')", "x.clone is not a function", "layers is not iterable", …).
 */
import { describe, expect, it } from 'vitest';
import {
  CategoricalCrossEntropy,
  Dense,
  Sequential,
  Tensor,
  addRowVector,
  assertFinite,
  checkGradients,
  checkLayer,
  defaultMetricFor,
  diagnose,
  exportOnnx,
  exportTfjsLayers,
  formatDiagnosis,
  formatLayerCheck,
  gradCheck,
  gradCheckLoss,
  gradCheckModel,
  idxToLabels,
  idxToTensor,
  loadIdx,
  loadTfjsLayers,
  matmul,
  matmulTransA,
  matmulTransB,
  softmaxCrossEntropyBackward,
  spiralData,
  sumColumns,
  toOneHot,
  registerOptimizer,
  verticalData,
  writeFileAtomic,
  WasmKernels,
} from '../../src/node.js';

const t = Tensor.fromArray([[1, 2]]);
const model = () => new Sequential([new Dense(2, 2, { seed: 1 })]);

describe('public entry points name a wrong kind of argument', () => {
  const cases: [string, () => unknown, string][] = [
    ['new Sequential(null)', () => new Sequential(null as never), 'Sequential: layers must be an array of layers, got null'],
    ['new Sequential(5)', () => new Sequential(5 as never), 'Sequential: layers must be an array of layers, got 5'],
    ['new Sequential([{}])', () => new Sequential([{}] as never), 'Sequential: layers[0] must be a Layer (with forward and backward and parameters), got an empty object'],
    ['model.forward(null)', () => model().forward(null as never), 'Sequential.forward: x must be a Tensor, got null'],
    ['matmul(null, t)', () => matmul(null as never, t), 'matmul: a must be a Tensor, got null'],
    ['matmul([[1]], t)', () => matmul([[1]] as never, t), 'matmul: a must be a Tensor, got an array of length 1'],
    ['matmulTransA(t, "x")', () => matmulTransA(t, 'x' as never), 'matmulTransA: b must be a Tensor, got string'],
    ['matmulTransB(t, {})', () => matmulTransB(t, {} as never), 'matmulTransB: b must be a Tensor, got Object'],
    ['addRowVector(null, t)', () => addRowVector(null as never, t), 'addRowVector: x must be a Tensor, got null'],
    ['sumColumns(null)', () => sumColumns(null as never), 'sumColumns: x must be a Tensor, got null'],
    ['assertFinite(null)', () => assertFinite(null as never, 'here'), 'assertFinite(here): t must be a Tensor, got null'],
    ['toOneHot(null, 3)', () => toOneHot(null as never, 3), 'toOneHot: labels must be class indices (an Int32Array or an array) or a one-hot Tensor, got null'],
    ['toOneHot([0], null)', () => toOneHot([0], null as never), 'toOneHot: classes must be an integer ≥ 1, got null'],
    ['softmaxCrossEntropyBackward(null, [0])', () => softmaxCrossEntropyBackward(null as never, [0]), 'softmaxCrossEntropyBackward: predictions must be a Tensor, got null'],
    ['softmaxCrossEntropyBackward(t, "x")', () => softmaxCrossEntropyBackward(t, 'x' as never), "softmaxCrossEntropyBackward: labels must be class indices (an Int32Array or an array) or a one-hot Tensor, got 'x'"],
    ['defaultMetricFor(null)', () => defaultMetricFor(null as never), 'defaultMetricFor: loss must be a Loss, got null'],
    ['spiralData(null)', () => spiralData(null as never), 'spiralData: options must be an options object, got null'],
    ['verticalData({ sample: 3 })', () => verticalData({ sample: 3 } as never), "verticalData: unknown option 'sample' in options (known: samples, classes, seed)"],
    ['idxToTensor(null)', () => idxToTensor(null as never), 'idxToTensor: idx must be an IDX array ({ type, shape, data } from parseIdx or loadIdx), got null'],
    ['idxToTensor(idx, null)', () => idxToTensor({ type: 'uint8', shape: [1, 1], data: new Uint8Array(1) }, null as never), 'idxToTensor: options must be an options object, got null'],
    ['idxToTensor(idx, { scale: "x" })', () => idxToTensor({ type: 'uint8', shape: [1, 1], data: new Uint8Array(1) }, { scale: 'x' as never }), "idxToTensor: scale must be a finite number, got 'x'"],
    ['idxToLabels([1, 2])', () => idxToLabels([1, 2] as never), 'idxToLabels: idx must be an IDX array ({ type, shape, data } from parseIdx or loadIdx), got an array of length 2'],
    ['gradCheck(layer, null)', () => gradCheck(new Dense(2, 2), null as never), 'gradCheck: x must be a Tensor, got null'],
    ['gradCheck(() => 1, t)', () => gradCheck((() => 1) as never, t), 'gradCheck: layer must be a Layer (with forward and backward and parameters), got a function'],
    ['gradCheckLoss(loss, "x", [0])', () => gradCheckLoss(new CategoricalCrossEntropy(), 'x' as never, [0]), "gradCheckLoss: yPred must be a Tensor, got 'x'"],
    ['gradCheckModel(null, …)', () => gradCheckModel(null as never, new CategoricalCrossEntropy(), t, [0]), 'gradCheckModel: model must be a Sequential model, got null'],
    ['checkGradients(undefined, …)', () => checkGradients(undefined as never, []), 'checkGradients: scalar must be a function, got undefined'],
    ['checkGradients(f, undefined)', () => checkGradients(() => 1, undefined as never), 'checkGradients: targets must be an array of { name, values, analytic }, got undefined'],
    ['checkLayer(undefined)', () => checkLayer(undefined as never), 'checkLayer: create must be a function, got undefined'],
    ['checkLayer(() => 1)', () => checkLayer((() => 1) as never), 'checkLayer: create() must be a Layer (with forward and backward and parameters), got 1'],
    ['formatLayerCheck(null)', () => formatLayerCheck(null as never), 'formatLayerCheck: report must be a LayerCheckReport (what checkLayer returns), got null'],
    ['diagnose(null, …)', () => diagnose(null as never, t, [0]), 'diagnose: model must be a Sequential model, got null'],
    ['formatDiagnosis(null)', () => formatDiagnosis(null as never), 'formatDiagnosis: d must be a Diagnosis (what diagnose returns), got null'],
    ['exportOnnx(null)', () => exportOnnx(null as never), 'exportOnnx: model must be a Sequential model, got null'],
    ['exportTfjsLayers(model, 5)', () => exportTfjsLayers(model(), 5 as never), 'exportTfjsLayers: options must be an options object, got 5'],
    ['new WasmKernels(null)', () => new WasmKernels(null as never), 'WasmKernels: options must be an options object { threads?, relaxed? }, got null'],
    ['new WasmKernels(4)', () => new WasmKernels(4 as never), 'WasmKernels: options must be an options object { threads?, relaxed? }, got 4'],
    ['new WasmKernels({ thread: 2 })', () => new WasmKernels({ thread: 2 } as never), "WasmKernels: unknown option 'thread' (known: threads, relaxed)"],
    ['new WasmKernels({ relaxed: 1 })', () => new WasmKernels({ relaxed: 1 } as never), 'WasmKernels: relaxed must be true or false, got 1'],
    ['registerOptimizer(Symbol(), f)', () => registerOptimizer(Symbol('mine') as never, () => null as never), 'registerOptimizer: name must be a non-empty string, got Symbol(mine)'],
    ["registerOptimizer('Mine', null)", () => registerOptimizer('Mine', null as never), 'registerOptimizer: create must be a function, got null'],
  ];
  it.each(cases)('%s', (_name, run, message) => {
    let error: unknown;
    try {
      run();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(message);
  });

  it('new WasmKernels({ threads }) refuses a count that is not a positive integer', () => {
    expect(() => new WasmKernels({ threads: 0 })).toThrow(new RangeError('WasmKernels: threads must be a positive integer, got 0'));
    expect(() => new WasmKernels({ threads: 'x' as never })).toThrow(new RangeError("WasmKernels: threads must be a positive integer, got 'x'"));
  });

  it('file entry points (async)', async () => {
    await expect(loadIdx(undefined as never)).rejects.toThrow(new TypeError('loadIdx: path must be a non-empty string, got undefined'));
    await expect(loadTfjsLayers(null as never)).rejects.toThrow(new TypeError('loadTfjsLayers: dirOrModelJson must be a non-empty string, got null'));
    await expect(writeFileAtomic(5 as never, 'x')).rejects.toThrow(new TypeError('writeFileAtomic: path must be a non-empty string, got 5'));
    await expect(writeFileAtomic('/tmp/x', 5 as never)).rejects.toThrow(new TypeError('writeFileAtomic: data must be a string or a Uint8Array, got 5'));
  });
});
