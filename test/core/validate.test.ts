import { describe, expect, it } from 'vitest';
import {
  checkEnum,
  checkInteger,
  checkNumber,
  checkOptions,
  checkPositive,
  checkSeed,
  describeValue,
} from '../../src/core/validate.js';
import { Adam, AdaGrad, Dense, Dropout, LeakyReLU, Random, RMSProp, SGD, Tensor, setGlobalSeed, spiralData } from '../../src/index.js';

describe('core/validate: one message format for every entry point', () => {
  it('describes values briefly: strings quoted, long values cut, containers by kind and size', () => {
    expect(describeValue('abc')).toBe("'abc'");
    expect(describeValue('a\nb')).toBe("'a\\nb'");
    const long = 'x'.repeat(5_000_000);
    const shown = describeValue(long);
    expect(shown).toBe(`'${'x'.repeat(40)}…' (5000000 characters)`);
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(-0)).toBe('-0');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue([[1, 2]])).toBe('an array of length 1');
    expect(describeValue(new Float32Array(3))).toBe('a Float32Array of length 3');
    expect(describeValue(new ArrayBuffer(8))).toBe('an ArrayBuffer of 8 bytes');
    expect(describeValue(new Tensor([2, 3]))).toBe('a Tensor [2, 3]');
    expect(describeValue({})).toBe('an empty object');
    expect(describeValue({ a: 1, b: 2, c: 3, d: 4, e: 5 })).toBe('an object { a, b, c, d, … }');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(10n)).toBe('10n (a bigint)');
  });

  it('checks numbers and integers: TypeError for a wrong type, RangeError for a wrong value', () => {
    expect(checkNumber('op', 'x', 1.5)).toBe(1.5);
    expect(() => checkNumber('op', 'x', '1')).toThrow(new TypeError("op: x must be a finite number, got '1'"));
    expect(() => checkNumber('op', 'x', Infinity)).toThrow(new RangeError('op: x must be a finite number, got Infinity'));
    expect(() => checkNumber('op', 'x', 1, { min: 0, max: 1, maxExclusive: true })).toThrow('op: x must be a number in [0, 1), got 1');
    expect(() => checkPositive('op', 'eps', 0)).toThrow('op: eps must be a finite number > 0, got 0');
    expect(checkInteger('op', 'n', 3, { min: 1 })).toBe(3);
    expect(() => checkInteger('op', 'n', 2.5, { min: 1 })).toThrow('op: n must be an integer ≥ 1, got 2.5');
    expect(() => checkInteger('op', 'n', 2 ** 60)).toThrow('op: n must be an integer, got 1152921504606847000');
    expect(() => checkInteger('op', 'n', null)).toThrow(new TypeError('op: n must be an integer, got null'));
  });

  it('checks enums and option objects, naming unknown keys', () => {
    expect(checkEnum('op', 'mode', 'a', ['a', 'b'])).toBe('a');
    expect(() => checkEnum('op', 'mode', 'c', ['a', 'b', 'd'])).toThrow("op: mode must be 'a', 'b' or 'd', got 'c'");
    expect(checkOptions('op', 'options', undefined)).toEqual({});
    expect(() => checkOptions('op', 'options', null as unknown as object)).toThrow(new TypeError('op: options must be an options object, got null'));
    expect(() => checkOptions('op', 'options', { epoch: 3 }, ['epochs'])).toThrow("op: unknown option 'epoch' in options (known: epochs)");
  });

  it('seeds: safe integers only, and every bit of one counts', () => {
    for (const bad of ['abc', Number.NaN, Infinity, 1.5, 2 ** 53]) {
      expect(() => checkSeed('op', 'seed', bad)).toThrow(/^op: seed must be (an integer|a safe integer \(\|seed\| < 2\^53\)), got /);
    }
    const first = (seed: number) => new Random(seed).nextUint32();
    expect(first(2 ** 32)).not.toBe(first(0));
    expect(first(2 ** 32 + 5)).not.toBe(first(5));
    expect(first(-1)).not.toBe(first(2 ** 32 - 1));
  });
});

describe('public constructors validate what plain JavaScript can pass (finding 8/9)', () => {
  it('optimizers: null options, unknown options and strings are errors, not defaults', () => {
    expect(() => new Adam(null as never)).toThrow(new TypeError('Adam: options must be an options object, got null'));
    expect(() => new SGD({ lr: 0.1 } as never)).toThrow("SGD: unknown option 'lr' in options (known: learningRate, decay, warmupSteps, cosineDecaySteps, minLearningRate, momentum)");
    expect(() => new RMSProp({ rho: '0.9' } as never)).toThrow("RMSProp: rho must be a number in [0, 1), got '0.9'");
    expect(() => new AdaGrad({ epsilon: null } as never)).toThrow('AdaGrad: epsilon must be a finite number > 0, got null');
  });

  it('layers and data helpers refuse seeds that would silently become another seed', () => {
    expect(() => new Dense(2, 3, { seed: 'abc' as never })).toThrow("Dense(2, 3): seed must be an integer, got 'abc'");
    expect(() => new Dense(2, 3, { initializer: 'xavier' as never })).toThrow(
      "Dense(2, 3): initializer must be 'small', 'he' or 'glorot', got 'xavier'",
    );
    expect(() => new Dropout({ rate: 0.5, seed: Infinity })).toThrow('Dropout: seed must be a safe integer (|seed| < 2^53), got Infinity');
    expect(() => new Dropout(undefined as never)).toThrow('Dropout: options must be an options object { rate, seed? }, got undefined');
    expect(() => spiralData({ seed: Number.NaN })).toThrow('spiralData: seed must be a safe integer (|seed| < 2^53), got NaN');
    expect(() => setGlobalSeed('1' as never)).toThrow("setGlobalSeed: seed must be an integer, got '1'");
    expect(() => new LeakyReLU({ alpha: '0.1' as never })).toThrow("LeakyReLU: alpha must be a finite number ≥ 0, got '0.1'");
  });
});
