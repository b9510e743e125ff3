import { describe, expect, it } from 'vitest';
import { showList, showValue } from '../../src/core/validate.js';
import {
  Adam,
  BatchNormalization,
  CategoricalCrossEntropy,
  Dense,
  Random,
  Sequential,
  Softmax,
  Tensor,
  exportTfjsLayers,
  idxToTensor,
  importTfjsLayers,
  parseCsv,
  parseIdx,
  recordDiagnostics,
  setThreads,
  useKernels,
  type ModelJSON,
} from '../../src/index.js';

/** A million-element array and a million-character string: what an error message must never echo whole. */
const hugeArray = Array.from({ length: 1_000_000 }, (_, i) => i);
const hugeText = 'x'.repeat(1_000_000);

/** The message `run` throws, which must be short and name the operation (and, when given, show `shown`). */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

async function asyncMessageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

/** A saved model without its checksum (version 1 reads without one), so a field can be edited. */
function savedModel(layers: ConstructorParameters<typeof Sequential>[0], includeOptimizer = false): ModelJSON {
  const model = new Sequential(layers);
  if (includeOptimizer) {
    model.compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam() });
  }
  const json = JSON.parse(JSON.stringify(model.toJSON({ includeOptimizer }))) as ModelJSON & { checksum?: string };
  delete json.checksum;
  json.version = 1;
  return json;
}

describe('error messages never echo a long value whole (they show its start and its size)', () => {
  it('showValue writes short arrays and objects as literals and cuts long ones', () => {
    expect(showValue([28, 28, 0])).toBe('[28, 28, 0]');
    expect(showValue({ units: -1 })).toBe('{ units: -1 }');
    expect(showValue([])).toBe('[]');
    expect(showValue('relu6')).toBe("'relu6'");
    expect(showValue(hugeArray)).toBe('[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …] (an array of length 1000000)');
    expect(showValue([hugeArray])).toBe('[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …]] (an array of length 1)');
    expect(showValue({ a: hugeText, b: 2 })).toBe(`{ a: '${'x'.repeat(40)}…' (1000000 characters), … } (an object with 2 keys)`);
    expect(showList(['a', 'b'])).toBe('a, b');
    expect(showList(Array.from({ length: 785 }, (_, i) => `pixel${i}`))).toBe(
      'pixel0, pixel1, pixel2, pixel3, pixel4, pixel5, pixel6, pixel7, … (785 in all)',
    );
  });

  const cases: [string, () => unknown, string][] = [
    [
      'Sequential inputShape',
      () => new Sequential([new Dense(2, 2)], { inputShape: [0, ...hugeArray] }),
      'Sequential: inputShape must be a non-empty array of positive integers (one example, no batch dimension), got [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …] (an array of length 1000001)',
    ],
    [
      'Sequential.summary inputShape',
      () => new Sequential([new Dense(2, 2)]).summary(hugeArray),
      'Sequential.summary: inputShape must be a positive integer (features) or an array of them (e.g. [28, 28, 1]), got [0, 1, 2,',
    ],
    [
      'BatchNormalization state (setState on load)',
      () => {
        const json = savedModel([new Dense(2, 3), new BatchNormalization(3)]);
        (json.layers[1].state as { movingMean: unknown }).movingMean = hugeArray;
        return Sequential.fromJSON(json);
      },
      'movingMean: expected a base64 string, got an array of length 1000000',
    ],
    [
      'a loss name in a file',
      () => {
        const json = savedModel([new Dense(2, 3), new Softmax()], true);
        (json.training as { loss: string }).loss = hugeText;
        return Sequential.fromJSON(json);
      },
      `unknown loss '${'x'.repeat(40)}…' (1000000 characters) (registered: `,
    ],
    [
      'optimizer options in a file',
      () => {
        const json = savedModel([new Dense(2, 3), new Softmax()], true);
        (json.training as { optimizer: { config: { options: unknown } } }).optimizer.config.options = { learningRate: hugeText };
        return Sequential.fromJSON(json);
      },
      `options of Adam must be an object of numbers, got { learningRate: '${'x'.repeat(40)}…' (1000000 characters) }`,
    ],
    [
      'an optimizer name in a file',
      () => {
        const json = savedModel([new Dense(2, 3), new Softmax()], true);
        (json.training as { optimizer: { config: { name: unknown } } }).optimizer.config.name = hugeText;
        return Sequential.fromJSON(json);
      },
      `unknown optimizer '${'x'.repeat(40)}…' (1000000 characters) (registered: `,
    ],
    [
      'Random.setState',
      () => new Random(1).setState({ words: hugeArray, spareNormal: null } as never),
      'Random.setState: words must be 4 32-bit integers, got [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …] (an array of length 1000000)',
    ],
    [
      'Random.setState spareNormal',
      () => new Random(1).setState({ words: [1, 2, 3, 4], spareNormal: hugeText } as never),
      `Random.setState: spareNormal must be a finite number or null, got '${'x'.repeat(40)}…' (1000000 characters)`,
    ],
    [
      'parseCsv delimiter',
      () => parseCsv('a,b\n1,2\n', { delimiter: hugeText }),
      `parseCsv: delimiter must be one character other than a quote or line break, got '${'x'.repeat(40)}…' (1000000 characters)`,
    ],
    [
      'parseCsv labelColumn without a header',
      () => parseCsv('1,2\n', { labelColumn: hugeText, header: false }),
      `parseCsv: labelColumn '${'x'.repeat(40)}…' (1000000 characters) is a name, which needs a header row`,
    ],
    [
      'parseCsv labelColumn not in a wide header',
      () => parseCsv(`${Array.from({ length: 785 }, (_, i) => `pixel${i}`).join(',')}\n${Array(785).fill(1).join(',')}\n`, { labelColumn: 'label' }),
      "parseCsv: no column named 'label' in the header on line 1 (columns: pixel0, pixel1, pixel2, pixel3, pixel4, pixel5, pixel6, pixel7, … (785 in all))",
    ],
    [
      'idxToTensor layout',
      () => idxToTensor(parseIdx(Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 7])), { layout: hugeText as never }),
      `idxToTensor: layout must be 'rows' or 'images', got '${'x'.repeat(40)}…' (1000000 characters)`,
    ],
    ['setThreads', () => setThreads(hugeText as never), `setThreads: expected a positive integer, got '${'x'.repeat(40)}…' (1000000 characters)`],
    ['useKernels', () => useKernels(hugeText as never), `useKernels: unknown kernel set '${'x'.repeat(40)}…' (1000000 characters), expected 'wasm' or 'js'`],
    [
      'recordDiagnostics every',
      () => recordDiagnostics(new Sequential([new Dense(2, 2)]), new Tensor([1, 2]), [0], { every: hugeText as never }),
      `recordDiagnostics: every must be an integer ≥ 1, got '${'x'.repeat(40)}…' (1000000 characters)`,
    ],
  ];

  for (const [name, run, expected] of cases) {
    it(name, () => {
      const message = messageOf(run);
      expect(message).toContain(expected);
      expect(message.length).toBeLessThan(400);
    });
  }

  it('fitAsync yieldEveryMs', async () => {
    const model = new Sequential([new Dense(2, 2), new Softmax()]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam() });
    const message = await asyncMessageOf(() => model.fitAsync(new Tensor([2, 2]), [0, 1], { yieldEveryMs: hugeText as never }));
    expect(message).toContain(`Sequential.fitAsync: yieldEveryMs must be a number ≥ 0, got '${'x'.repeat(40)}…' (1000000 characters)`);
    expect(message.length).toBeLessThan(400);
  });

  it('importTfjsLayers: config values and class names from model.json', () => {
    const { modelJson, weightData } = exportTfjsLayers(new Sequential([new Dense(3, 2, { seed: 1 })], { inputShape: [3] }));
    const edited = (edit: (layer: { class_name: string; config: Record<string, unknown> }) => void): unknown => {
      const copy = JSON.parse(JSON.stringify(modelJson));
      edit(copy.modelTopology.config.layers[0]);
      return copy;
    };
    const cases: [unknown, string][] = [
      [edited((l) => (l.config.units = hugeArray)), 'units must be a positive integer, got [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …] (an array of length 1000000)'],
      [edited((l) => (l.config.activation = hugeText)), `activation '${'x'.repeat(40)}…' (1000000 characters) is not supported`],
      [edited((l) => (l.class_name = hugeText)), `Keras class '${'x'.repeat(40)}…' (1000000 characters) has no handgrad equivalent`],
      [edited((l) => (l.config.batch_input_shape = [null, ...hugeArray])), 'expected [null, ...positive integers], got [null, 0, 1, 2,'],
    ];
    for (const [json, expected] of cases) {
      const message = messageOf(() => importTfjsLayers(json, weightData));
      expect(message).toMatch(/^importTfjsLayers: /);
      expect(message).toContain(expected);
      expect(message.length).toBeLessThan(400);
    }
  });
});
