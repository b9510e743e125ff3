import { describe, expect, it } from 'vitest';
import { Tensor, shuffle, toOneHot, trainTestSplit } from '../../src/index.js';

/** x row i is [i, 10·i], label i mod 3: every row says which original row it was. */
function indexed(n: number): { x: Tensor; y: Int32Array } {
  const x = new Tensor([n, 2]);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.data[2 * i] = i;
    x.data[2 * i + 1] = 10 * i;
    y[i] = i % 3;
  }
  return { x, y };
}

describe('shuffle', () => {
  it('permutes rows and labels together, without touching the inputs', () => {
    const { x, y } = indexed(50);
    const s = shuffle(x, y, { seed: 1 });
    const origins = Array.from({ length: 50 }, (_, i) => s.x.get(i, 0));
    expect([...origins].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(origins).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    origins.forEach((o, i) => {
      expect(s.x.get(i, 1)).toBe(10 * o);
      expect((s.y as Int32Array)[i]).toBe(o % 3);
    });
    expect(x.get(7, 0)).toBe(7);
  });

  it('is seeded, and keeps one-hot targets as a tensor', () => {
    const { x, y } = indexed(20);
    expect(shuffle(x, y, { seed: 4 }).x.data).toEqual(shuffle(x, y, { seed: 4 }).x.data);
    expect(shuffle(x, y, { seed: 4 }).x.data).not.toEqual(shuffle(x, y, { seed: 5 }).x.data);
    const s = shuffle(x, toOneHot(y, 3), { seed: 4 });
    expect(s.y).toBeInstanceOf(Tensor);
    for (let i = 0; i < 20; i++) expect((s.y as Tensor).get(i, s.x.get(i, 0) % 3)).toBe(1);
  });

  it('rejects mismatched lengths', () => {
    const { x, y } = indexed(5);
    expect(() => shuffle(x, y.slice(1))).toThrow('shuffle: x has 5 rows but y has 4 targets');
  });
});

describe('trainTestSplit', () => {
  it('splits into disjoint parts covering every row, with round(n · fraction) test rows', () => {
    const { x, y } = indexed(101);
    const s = trainTestSplit(x, y, { testFraction: 0.25, seed: 2 });
    expect(s.xTest.rows).toBe(25);
    expect(s.xTrain.rows).toBe(76);
    const seen = [...Array.from({ length: 76 }, (_, i) => s.xTrain.get(i, 0)), ...Array.from({ length: 25 }, (_, i) => s.xTest.get(i, 0))];
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 101 }, (_, i) => i));
    for (let i = 0; i < 25; i++) expect((s.yTest as Int32Array)[i]).toBe(s.xTest.get(i, 0) % 3);
  });

  it('without shuffling keeps the order: the last rows are the test set', () => {
    const { x, y } = indexed(10);
    const s = trainTestSplit(x, y, { testFraction: 0.3, shuffle: false });
    expect(Array.from(s.yTest as Int32Array)).toEqual([7 % 3, 8 % 3, 9 % 3]);
    expect(s.xTest.get(0, 0)).toBe(7);
  });

  it('rejects a bad fraction or one that leaves a side empty', () => {
    const { x, y } = indexed(10);
    expect(() => trainTestSplit(x, y, { testFraction: 1 })).toThrow('trainTestSplit: testFraction must be a number in (0, 1), got 1');
    expect(() => trainTestSplit(x, y, { testFraction: 0.01 })).toThrow('trainTestSplit: testFraction 0.01 of 10 rows leaves the test set empty');
  });
});
