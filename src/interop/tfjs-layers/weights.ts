import type { NamedWeight, TfjsWeightEntry } from './types.js';
import { showValue } from '../../core/validate.js';

/** Concatenates the weights, in order, as little-endian float32 bytes (the layout TF.js reads). */
export function packWeights(weights: readonly NamedWeight[]): ArrayBuffer {
  const total = weights.reduce((n, w) => n + w.data.length, 0);
  const buffer = new ArrayBuffer(total * 4);
  const view = new DataView(buffer);
  let offset = 0;
  for (const w of weights) {
    for (let i = 0; i < w.data.length; i++, offset += 4) view.setFloat32(offset, w.data[i], true);
  }
  return buffer;
}

/** The bytes of `weightData` as one Uint8Array: an ArrayBuffer, a typed array / DataView, or a list of them (tfjs ≥ 4.10 may hand over several). */
export function weightBytes(op: string, weightData: unknown): Uint8Array {
  const part = (d: unknown, field: string): Uint8Array => {
    if (d instanceof ArrayBuffer) return new Uint8Array(d);
    if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    throw new TypeError(`${op}: ${field} must be an ArrayBuffer or a typed array (the weights file's bytes), got ${describe(d)}`);
  };
  if (!Array.isArray(weightData)) return part(weightData, 'weightData');
  const parts = weightData.map((d, i) => part(d, `weightData[${i}]`));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : String(value);
}

/**
 * Reads the weights manifest against the weight bytes: every entry `{ name, shape, dtype: 'float32' }`, the
 * values laid out in manifest order, the total length matching exactly. Returns the weights by name.
 * @throws naming the field at fault (`weightsManifest[0].weights[2].dtype`, …)
 */
export function unpackWeights(op: string, manifest: unknown, bytes: Uint8Array): Map<string, { shape: number[]; data: Float32Array }> {
  function fail(field: string, message: string): never {
    throw new RangeError(`${op}: ${field}: ${message}`);
  }
  if (!Array.isArray(manifest)) fail('weightsManifest', `expected an array of { paths, weights }, got ${describe(manifest)}`);
  const entries: { entry: TfjsWeightEntry; field: string }[] = [];
  (manifest as unknown[]).forEach((group, g) => {
    const weights = (group as { weights?: unknown } | null)?.weights;
    if (!Array.isArray(weights)) fail(`weightsManifest[${g}].weights`, `expected an array, got ${describe(weights)}`);
    (weights as unknown[]).forEach((w, k) => {
      const field = `weightsManifest[${g}].weights[${k}]`;
      const e = w as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown } | null;
      if (typeof e !== 'object' || e === null) fail(field, `expected { name, shape, dtype }, got ${describe(w)}`);
      if (typeof e.name !== 'string') fail(`${field}.name`, `expected a string, got ${describe(e.name)}`);
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        fail(`${field}.shape`, `expected an array of non-negative integers, got ${showValue(e.shape)}`);
      }
      if (e.quantization !== undefined) fail(`${field}.quantization`, 'quantized weights are not supported (save the model unquantized)');
      if (e.dtype !== 'float32') fail(`${field}.dtype`, `only 'float32' weights are supported, got ${describe(e.dtype)}`);
      entries.push({ entry: e as TfjsWeightEntry, field });
    });
  });
  const needed = entries.reduce((n, { entry }) => n + 4 * entry.shape.reduce((a, b) => a * b, 1), 0);
  if (needed !== bytes.length) {
    fail('weightData', `has ${bytes.length} bytes, the manifest describes ${entries.length} float32 weights totalling ${needed} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const { entry, field } of entries) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++, offset += 4) {
      const v = view.getFloat32(offset, true);
      if (!Number.isFinite(v)) fail(`${field} (${entry.name})`, `value ${v} at index ${i} is not finite`);
      data[i] = v;
    }
    if (out.has(entry.name)) fail(`${field}.name`, `'${entry.name}' appears twice in the manifest`);
    out.set(entry.name, { shape: entry.shape, data });
  }
  return out;
}
