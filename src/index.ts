/**
 * handgrad — a tensor-level neural-network framework whose every gradient is derived by hand.
 * This file is the public API and nothing else.
 */
export { Tensor } from './tensor/tensor.js';
export { matmul, matmulTransA, matmulTransB, addRowVector, sumColumns, assertFinite } from './tensor/ops.js';
export type { MatmulKernels } from './tensor/kernels/kernels.js';
export { jsKernels } from './tensor/kernels/js.js';
export { referenceKernels } from './tensor/kernels/js-reference.js';
export { WasmKernels, relaxedSimdSupported, wasmSimdSupported, type WasmKernelOptions } from './tensor/kernels/wasm/wasm-kernels.js';
export { threadsSupported } from './tensor/kernels/wasm/thread-pool.js';
export type { UpdateKernels } from './tensor/kernels/updates.js';
export {
  getKernels,
  setKernels,
  useKernels,
  availableKernels,
  kernelsByName,
  setThreads,
  getThreads,
  type KernelName,
} from './tensor/backend.js';

export type { Layer, Parameter, ForwardOptions } from './layers/layer.js';
export { Dense, type DenseOptions } from './layers/dense.js';
export type { InitializerName } from './layers/initializers.js';
export { ReLU } from './layers/relu.js';
export { Softmax } from './layers/softmax.js';
export { Sigmoid } from './layers/sigmoid.js';
export { Tanh } from './layers/tanh.js';
export { LeakyReLU, type LeakyReLUOptions } from './layers/leaky-relu.js';
export { Linear } from './layers/linear.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export { Conv2D, type Conv2DActivation, type Conv2DOptions } from './layers/conv2d.js';
export { Flatten } from './layers/flatten.js';
export { MaxPool2D } from './layers/max-pool2d.js';
export { AveragePooling2D } from './layers/average-pooling2d.js';
export { GlobalAveragePooling2D } from './layers/global-average-pooling2d.js';
export type { Pool2DOptions } from './layers/pool-options.js';
export { BatchNormalization, type BatchNormalizationOptions } from './layers/batch-normalization.js';
export type { Padding } from './tensor/window-geometry.js';

export type { Loss } from './losses/loss.js';
export { type Labels, toOneHot } from './core/labels.js';
export { CategoricalCrossEntropy } from './losses/categorical-cross-entropy.js';
export { softmaxCrossEntropyBackward } from './losses/softmax-cross-entropy.js';
export { BinaryCrossEntropy } from './losses/binary-cross-entropy.js';
export { MeanSquaredError } from './losses/mean-squared-error.js';
export { MeanAbsoluteError } from './losses/mean-absolute-error.js';

export { Sequential, INFERENCE_BATCH_SIZE, type SequentialOptions, type CompileOptions, type Compiled, type Evaluation, type InferenceOptions } from './model/sequential.js';
export type { FitOptions, EpochLog, BatchLog, History, ValidationData, AbortSignalLike } from './model/fit.js';
export type { FitAsyncOptions } from './model/fit-async.js';
export {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelJSON,
  type LayerJSON,
  type TensorJSON,
  type TrainingJSON,
  type SaveOptions,
} from './model/serialization.js';
export { registerLayer, type LayerType, type LayerConfig, type JsonValue } from './model/layer-registry.js';
export { registerLoss } from './losses/registry.js';
export { registerOptimizer } from './optimizers/registry.js';
export type { LayerSummary, InputShape } from './model/summary.js';

export {
  Optimizer,
  type OptimizerOptions,
  type OptimizerConfig,
  type OptimizerState,
} from './optimizers/optimizer.js';
export { learningRateAt, type LearningRateScheduleOptions, type LearningRateSchedule } from './optimizers/learning-rate-schedule.js';
export { SGD, type SGDOptions } from './optimizers/sgd.js';
export { AdaGrad, type AdaGradOptions } from './optimizers/adagrad.js';
export { RMSProp, type RMSPropOptions } from './optimizers/rmsprop.js';
export { Adam, type AdamOptions } from './optimizers/adam.js';

export type { Metric } from './metrics/metric.js';
export { categoricalAccuracy } from './metrics/categorical-accuracy.js';
export { binaryAccuracy } from './metrics/binary-accuracy.js';
export { RegressionAccuracy, type RegressionAccuracyOptions } from './metrics/regression-accuracy.js';
export { defaultMetricFor } from './metrics/default-metric.js';

export { Random, setGlobalSeed, type RandomState } from './core/random.js';
export type { ClassificationData, ToyDataOptions } from './data/classification-data.js';
export { spiralData } from './data/spiral.js';
export { verticalData } from './data/vertical.js';
export { shuffle, type ShuffleOptions, type Dataset } from './data/shuffle.js';
export { trainTestSplit, type SplitOptions, type Split } from './data/split.js';
export { parseCsv, CsvParser, type CsvOptions, type CsvData } from './data/csv.js';
export { parseIdx, idxToTensor, idxToLabels, type IdxArray, type IdxType, type IdxToTensorOptions } from './data/idx.js';

export {
  gradCheck,
  gradCheckLoss,
  gradCheckModel,
  checkGradients,
  type GradCheckOptions,
  type GradCheckReport,
  type GradCheckEntry,
  type GradCheckTarget,
} from './diagnostics/gradcheck.js';
export {
  checkLayer,
  TFJS_TOLERANCE,
  type LayerFactory,
  type LayerCheckOptions,
  type LayerCheckReport,
  type TensorCheck,
  type ContractCheck,
} from './diagnostics/check-layer.js';
export { formatLayerCheck } from './diagnostics/format-check.js';
export {
  diagnose,
  type Diagnosis,
  type DiagnoseOptions,
  type LayerHealth,
  type ParameterHealth,
  type HealthFlag,
  type HealthThresholds,
  type NonFiniteOrigin,
} from './diagnostics/diagnose.js';
export { formatDiagnosis } from './diagnostics/format-diagnosis.js';
export {
  recordDiagnostics,
  type RecordDiagnosticsOptions,
  type DiagnosisRecord,
  type DiagnosticsRecorder,
} from './diagnostics/record-diagnostics.js';
export type { TfjsReference, TfjsLike, TfTensorLike } from './diagnostics/tfjs-reference.js';

export { exportOnnx, ONNX_OPSET_VERSION, ONNX_IR_VERSION, type OnnxExportOptions } from './interop/onnx/export-onnx.js';
export type { ExportOptions } from './interop/model-shapes.js';
export { exportTfjsLayers, type TfjsLayersExportOptions } from './interop/tfjs-layers/export-tfjs-layers.js';
export { importTfjsLayers } from './interop/tfjs-layers/import-tfjs-layers.js';
export type {
  TfjsLayersArtifacts,
  TfjsLayersModelJson,
  TfjsWeightsGroup,
  TfjsWeightEntry,
  KerasLayerJson,
} from './interop/tfjs-layers/types.js';
