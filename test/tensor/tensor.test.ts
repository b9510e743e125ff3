import { describe, expect, it } from 'vitest';
import { reuseOrAllocate } from '../../src/tensor/tensor.js';
import { Tensor, addRowVector, assertFinite, matmul, matmulTransA, matmulTransB, sumColumns } from '../../src/index.js';

describe('Tensor', () => {
  it('stores rows contiguously and round-trips through arrays', () => {
    const t = Tensor.fromArray([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.get(1, 0)).toBe(4);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(Tensor.zeros([2, 2]).data).toEqual(new Float32Array(4));
  });

  it('clone copies the data', () => {
    const t = Tensor.fromArray([[1, 2]]);
    const c = t.clone();
    c.data[0] = 9;
    expect(t.data[0]).toBe(1);
  });

  it('rejects ragged rows, bad shapes and wrong data lengths', () => {
    expect(() => Tensor.fromArray([[1, 2], [3]])).toThrow('Tensor.fromArray: row 1 has 1 values, row 0 has 2');
    expect(() => new Tensor([-1, 2])).toThrow('Tensor: shape must be an array of non-negative integers, got [-1, 2]');
    expect(() => new Tensor([2, 2], new Float32Array(3))).toThrow('Tensor: data has 3 elements, shape [2, 2] needs 4');
  });
});

describe('N-D tensors', () => {
  it('keeps any rank row-major, and reads as rows × cols', () => {
    const t = new Tensor([2, 3, 4], Float32Array.from({ length: 24 }, (_, i) => i));
    expect(t.rank).toBe(3);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.rows).toBe(2);
    expect(t.cols).toBe(12);
    expect(t.get(1, 2, 3)).toBe(23); // (1·3 + 2)·4 + 3
    expect(t.get(0, 1, 0)).toBe(4);
    expect(t.toArray()[1]).toEqual(Array.from({ length: 12 }, (_, i) => 12 + i));
    expect(t.toNestedArray()).toEqual([
      [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]],
      [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]],
    ]);
    expect(t.shapeString()).toBe('[2, 3, 4]');
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it('reshape is a view that shares data, with one inferred dimension', () => {
    const t = new Tensor([2, 2, 2, 1]);
    const flat = t.reshape([2, -1]);
    expect(flat.shape).toEqual([2, 4]);
    flat.data[5] = 7;
    expect(t.get(1, 0, 1, 0)).toBe(7);
    expect(flat.data).toBe(t.data);
    expect(() => t.reshape([3, -1])).toThrow('Tensor.reshape: cannot reshape [2, 2, 2, 1] (8 elements) to [3, -1]');
    expect(() => t.reshape([4, 3])).toThrow('Tensor.reshape: cannot reshape [2, 2, 2, 1] (8 elements) to [4, 3] (12 elements)');
    expect(() => t.reshape([-1, -1])).toThrow('shape must be an array of non-negative integers');
  });

  it('sameShape compares rank as well as size', () => {
    expect(new Tensor([2, 6]).sameShape(new Tensor([2, 6]))).toBe(true);
    expect(new Tensor([2, 6]).sameShape(new Tensor([2, 2, 3]))).toBe(false);
  });

  it('get is bounds-checked and needs one index per dimension', () => {
    const t = new Tensor([2, 3]);
    expect(() => t.get(2, 0)).toThrow('Tensor.get: index 2 is out of range for dimension 0 of [2, 3]');
    expect(() => t.get(0, -1)).toThrow('Tensor.get: index -1 is out of range for dimension 1 of [2, 3]');
    expect(() => t.get(0)).toThrow('Tensor.get: [2, 3] tensor needs 2 indices, got 1');
  });

  it('names the shape when the engine cannot allocate it, and rejects non-array shapes', () => {
    expect(() => new Tensor([100000, 100000])).toThrow(/Tensor: cannot allocate shape \[100000, 100000\]: 10000000000 float32 elements \(37\.3 GiB\)/);
    expect(() => new Tensor(3 as unknown as number[])).toThrow('Tensor: shape must be an array of non-negative integers, got 3');
    expect(() => new Tensor([2, 2], [1, 2, 3, 4] as unknown as Float32Array)).toThrow('Tensor: data must be a Float32Array, got Array');
  });

  it('reuseOrAllocate keeps one buffer per N-D shape in a slot', () => {
    const a = reuseOrAllocate(null, [2, 4, 4, 3]);
    expect(reuseOrAllocate(a, [2, 4, 4, 3])).toBe(a);
    const b = reuseOrAllocate(a, [1, 4, 4, 3]);
    expect(b.shape).toEqual([1, 4, 4, 3]);
    expect(reuseOrAllocate(a, [1, 4, 4, 3])).toBe(b);
    expect(reuseOrAllocate(b, [2, 4, 4, 3])).toBe(a);
    // same size, other shape: a different buffer
    expect(reuseOrAllocate(a, [2, 48])).not.toBe(a);
  });

  it('matrix operations reject tensors that are not 2-D', () => {
    expect(() => matmul(new Tensor([2, 2, 1]), new Tensor([2, 2]))).toThrow('matmul: expects two 2-D tensors, got [2, 2, 1] and [2, 2]');
  });
});

describe('ops', () => {
  const a = Tensor.fromArray([[1, 2, 3], [4, 5, 6]]); // [2, 3]
  const b = Tensor.fromArray([[1, 0], [0, 1], [1, 1]]); // [3, 2]

  it('matmul, and the transposed variants without materialising a transpose', () => {
    expect(matmul(a, b).toArray()).toEqual([[4, 5], [10, 11]]);
    // aᵀ · a: [3, 2]·[2, 3]
    expect(matmulTransA(a, a).toArray()).toEqual([[17, 22, 27], [22, 29, 36], [27, 36, 45]]);
    // a · aᵀ: [2, 3]·[3, 2]
    expect(matmulTransB(a, a).toArray()).toEqual([[14, 32], [32, 77]]);
  });

  it('reuses an out buffer of the right shape and overwrites it', () => {
    const out = new Tensor([2, 2], new Float32Array([9, 9, 9, 9]));
    expect(matmul(a, b, out)).toBe(out);
    expect(out.toArray()).toEqual([[4, 5], [10, 11]]);
    const wrong = new Tensor([3, 3]);
    expect(matmul(a, b, wrong)).not.toBe(wrong);
  });

  it('names the operation and both shapes on a mismatch', () => {
    expect(() => matmul(a, a)).toThrow('matmul: inner dimensions differ: [2, 3] · [2, 3]');
    expect(() => matmulTransA(a, b)).toThrow('matmulTransA: aᵀ · b needs equal row counts: a is [2, 3], b is [3, 2]');
    expect(() => matmulTransB(a, b)).toThrow('matmulTransB: a · bᵀ needs equal column counts: a is [2, 3], b is [3, 2]');
    expect(() => addRowVector(a, Tensor.fromArray([[1, 2]]))).toThrow('addRowVector: bias must be [1, 3] to add to [2, 3], got [1, 2]');
  });

  it('adds a bias row and sums columns', () => {
    expect(addRowVector(a, Tensor.fromArray([[1, 1, -1]])).toArray()).toEqual([[2, 3, 2], [5, 6, 5]]);
    expect(sumColumns(a).toArray()).toEqual([[5, 7, 9]]);
  });

  it('handles empty inner dimensions (k = 0) as zeros', () => {
    expect(matmul(new Tensor([2, 0]), new Tensor([0, 3])).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('assertFinite names where a NaN or Infinity sits', () => {
    expect(() => assertFinite(Tensor.fromArray([[1, 2], [3, Number.NEGATIVE_INFINITY]]), 'here')).toThrow(
      'here: [2, 2] tensor holds -Infinity at row 1, column 1',
    );
    expect(() => assertFinite(a, 'here')).not.toThrow();
  });
});

describe('reuseOrAllocate', () => {
  it('returns the same buffer for a shape the slot has held before, across alternating shapes', () => {
    const a = reuseOrAllocate(null, [32, 4]);
    const b = reuseOrAllocate(a, [5, 4]);
    expect(b).not.toBe(a);
    expect(b.shape).toEqual([5, 4]);
    expect(reuseOrAllocate(b, [32, 4])).toBe(a);
    expect(reuseOrAllocate(a, [5, 4])).toBe(b);
    expect(reuseOrAllocate(a, [32, 4])).toBe(a);
  });

  it('remembers at most six shapes per slot, forgetting the oldest', () => {
    let slot = reuseOrAllocate(null, [1, 3]);
    const first = slot;
    const byRows = new Map<number, Tensor>([[1, first]]);
    for (let rows = 2; rows <= 7; rows++) {
      slot = reuseOrAllocate(slot, [rows, 3]);
      byRows.set(rows, slot);
    }
    // seven shapes went through the slot: the oldest (1 row) was forgotten, the last six are kept
    expect(reuseOrAllocate(slot, [1, 3])).not.toBe(first);
    expect(reuseOrAllocate(slot, [4, 3])).toBe(byRows.get(4));
  });
});
