import { getKernels } from './backend.js';
import { jsElementwise, type ElementwiseKernels } from './kernels/elementwise.js';
import { Tensor, reuseOrAllocate } from './tensor.js';

/*
 * Tensor-level numeric operations. Every entry point checks shapes and throws an error that names the
 * operation and the shapes at fault; the raw loops live in `kernels/`. Each takes an optional `out`
 * tensor: reused when it has the right shape, else a buffer of the right shape remembered with it from an
 * earlier call is reused (see `reuseOrAllocate`); hot paths pass their own buffers.
 */

/** Throws unless `t` is a Tensor (a plain array or a typed array would fail later with an engine's message). */
function checkTensor(op: string, name: string, t: unknown): void {
  // by shape and data, not class: a layer module may compute with another copy of handgrad
  if (typeof t === 'object' && t !== null && Array.isArray((t as Tensor).shape) && ArrayBuffer.isView((t as Tensor).data)) return;
  const what = t === null ? 'null' : Array.isArray(t) ? `an array of length ${t.length}` : typeof t === 'object' ? Object.prototype.toString.call(t).slice(8, -1) : typeof t;
  throw new TypeError(`${op}: ${name} must be a Tensor, got ${what}`);
}

/** Matrix products take 2-D operands; an image batch must be flattened (or reshaped) first. */
function checkMatrices(op: string, a: Tensor, b: Tensor): void {
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  if (a.rank !== 2 || b.rank !== 2) {
    throw new RangeError(`${op}: expects two 2-D tensors, got ${a.shapeString()} and ${b.shapeString()}`);
  }
}

/** `a · b`: `[m, k] · [k, n] → [m, n]`. */
export function matmul(a: Tensor, b: Tensor, out?: Tensor | null, op = 'matmul'): Tensor {
  checkMatrices(op, a, b);
  const [m, k] = a.shape;
  const [k2, n] = b.shape;
  if (k !== k2) {
    throw new RangeError(`${op}: inner dimensions differ: ${a.shapeString()} · ${b.shapeString()}`);
  }
  const result = reuseOrAllocate(out, [m, n]);
  getKernels().matmul(a.data, b.data, result.data, m, k, n);
  return result;
}

/** `aᵀ · b`: `[k, m]ᵀ · [k, n] → [m, n]`, without materialising `aᵀ`. */
export function matmulTransA(a: Tensor, b: Tensor, out?: Tensor | null, op = 'matmulTransA'): Tensor {
  checkMatrices(op, a, b);
  const [k, m] = a.shape;
  const [k2, n] = b.shape;
  if (k !== k2) {
    throw new RangeError(`${op}: aᵀ · b needs equal row counts: a is ${a.shapeString()}, b is ${b.shapeString()}`);
  }
  const result = reuseOrAllocate(out, [m, n]);
  getKernels().matmulTransA(a.data, b.data, result.data, m, k, n);
  return result;
}

/** `a · bᵀ`: `[m, k] · [n, k]ᵀ → [m, n]`, without materialising `bᵀ`. */
export function matmulTransB(a: Tensor, b: Tensor, out?: Tensor | null, op = 'matmulTransB'): Tensor {
  checkMatrices(op, a, b);
  const [m, k] = a.shape;
  const [n, k2] = b.shape;
  if (k !== k2) {
    throw new RangeError(`${op}: a · bᵀ needs equal column counts: a is ${a.shapeString()}, b is ${b.shapeString()}`);
  }
  const result = reuseOrAllocate(out, [m, n]);
  getKernels().matmulTransB(a.data, b.data, result.data, m, k, n);
  return result;
}

/** `x + bias` with the `[1, cols]` bias row broadcast down every row. `out` may be `x` itself. */
export function addRowVector(x: Tensor, bias: Tensor, out?: Tensor | null, op = 'addRowVector'): Tensor {
  checkTensor(op, 'x', x);
  checkTensor(op, 'bias', bias);
  const [rows, cols] = x.shape;
  if (x.rank !== 2 || bias.rank !== 2 || bias.shape[0] !== 1 || bias.shape[1] !== cols) {
    throw new RangeError(`${op}: bias must be [1, ${cols}] to add to ${x.shapeString()}, got ${bias.shapeString()}`);
  }
  const result = reuseOrAllocate(out, [rows, cols]);
  elementwise().addRowVector(x.data, bias.data, result.data, rows, cols);
  return result;
}

/** Column sums: `[rows, cols] → [1, cols]` (the bias gradient: dL/db = Σ over the batch of dL/dY). */
export function sumColumns(x: Tensor, out?: Tensor | null): Tensor {
  checkTensor('sumColumns', 'x', x);
  const rows = x.rows;
  const cols = x.cols;
  const result = reuseOrAllocate(out, [1, cols]);
  elementwise().sumColumns(x.data, result.data, rows, cols);
  return result;
}

/**
 * Throws if any element is NaN or ±Infinity, naming `where` and the first bad element.
 * Cheap next to a matrix product, and it turns a silent NaN into an error at the place it entered.
 */
export function assertFinite(t: Tensor, where: string): void {
  checkTensor(typeof where === 'string' ? `assertFinite(${where.slice(0, 40)})` : 'assertFinite', 't', t);
  const j = firstNonFinite(t.data);
  if (j < 0) return;
  const v = t.data[j];
  const cols = t.cols;
  const row = cols === 0 ? 0 : Math.floor(j / cols);
  throw new RangeError(`${where}: ${t.shapeString()} tensor holds ${v} at row ${row}, column ${j - row * cols}`);
}

/**
 * Index of the first NaN or ±Infinity in `d`, or −1 — branch-free, four floats per instruction on the
 * WebAssembly path (see kernels/elementwise.ts). This runs on every Dense input and after every update.
 */
export function firstNonFinite(d: Float32Array): number {
  return elementwise().firstNonFinite(d);
}

/** The active kernel set's elementwise passes (the plain-JS loops where it has none). */
function elementwise(): ElementwiseKernels {
  return getKernels().elementwise ?? jsElementwise;
}
