import type { LayerFactory } from '../diagnostics/check-layer.js';
import type { TfjsReference } from '../diagnostics/tfjs-reference.js';
import type { Layer } from '../layers/layer.js';
import { UsageError } from './usage-error.js';
import { quote } from '../core/validate.js';

/** What a layer module provides: the factory to check, and optionally a tfjs reference and an input shape. */
export interface LayerModule {
  /** The export used, e.g. `"create"` or `"ScaledTanh"`. */
  readonly exportName: string;
  readonly create: LayerFactory;
  readonly tfjs?: TfjsReference;
  readonly inputShape?: readonly number[];
}

/**
 * Finds the layer in a module's exports: `--export Name` if given; else a `create()` factory; else the
 * default export; else the one exported class whose prototype has `forward` and `backward`.
 * A class is constructed with no arguments, a factory called with none.
 */
export function pickLayer(exports: Record<string, unknown>, file: string, exportName?: string): LayerModule {
  let name: string;
  if (exportName !== undefined) {
    if (!(exportName in exports)) {
      throw new UsageError(`${file} has no export named ${quote(exportName)} (it exports: ${listExports(exports)})`);
    }
    name = exportName;
  } else if (typeof exports.create === 'function') {
    name = 'create';
  } else if (typeof exports.default === 'function') {
    name = 'default';
  } else {
    const classes = Object.keys(exports).filter((k) => isLayerClass(exports[k]));
    if (classes.length === 0) {
      throw new UsageError(
        `${file} exports no layer: export a class with forward/backward/parameters or a create() factory (it exports: ${listExports(exports)})`,
      );
    }
    if (classes.length > 1) {
      throw new UsageError(`${file} exports several layer classes (${classes.join(', ')}): choose one with --export Name`);
    }
    name = classes[0];
  }
  const value = exports[name];
  if (typeof value !== 'function') throw new UsageError(`export '${name}' of ${file} is not a class or a factory function`);
  const make = isClass(value) ? () => new (value as new () => unknown)() : () => (value as () => unknown)();
  const create = (): Layer => {
    const layer = make();
    if (!isLayer(layer)) {
      throw new UsageError(
        `export '${name}' of ${file} did not make a layer: expected an object with forward(), backward() and parameters()`,
      );
    }
    return layer;
  };
  return { exportName: name, create, tfjs: tfjsReference(exports.tfjs, file), inputShape: shapeExport(exports.inputShape, file) };
}

function listExports(exports: Record<string, unknown>): string {
  const names = Object.keys(exports);
  return names.length === 0 ? 'nothing' : names.join(', ');
}

function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function isLayerClass(value: unknown): boolean {
  if (typeof value !== 'function') return false;
  const proto = (value as { prototype?: Record<string, unknown> }).prototype;
  return proto !== undefined && typeof proto.forward === 'function' && typeof proto.backward === 'function';
}

function isLayer(value: unknown): value is Layer {
  const v = value as Partial<Layer> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.forward === 'function' && typeof v.backward === 'function' && typeof v.parameters === 'function'
  );
}

function tfjsReference(value: unknown, file: string): TfjsReference | undefined {
  if (value === undefined) return undefined;
  const v = value as Partial<TfjsReference> | null;
  if (typeof v !== 'object' || v === null || typeof v.forward !== 'function' || typeof (v.tf as { grads?: unknown } | undefined)?.grads !== 'function') {
    throw new UsageError(`export 'tfjs' of ${file} must be { tf, forward(x, params) } with tf your TensorFlow.js (tfjs-core) module`);
  }
  return v as TfjsReference;
}

function shapeExport(value: unknown, file: string): readonly number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || !value.every((d) => Number.isInteger(d) && d > 0)) {
    throw new UsageError(`export 'inputShape' of ${file} must be an array of positive integers, e.g. [4, 3]`);
  }
  return value as number[];
}
