import { parseArgs } from 'node:util';
import { checkLayer } from '../diagnostics/check-layer.js';
import { formatLayerCheck } from '../diagnostics/format-check.js';
import { importUserModule } from './load-module.js';
import { pickLayer } from './pick-layer.js';
import { UsageError } from './usage-error.js';
import { quote } from '../core/validate.js';

export const CHECK_USAGE = `usage: handgrad check <file> [--export Name] [--input-shape 4,3] [--seed n] [--float32] [--max-elements n] [--json]

Checks the backward pass of the layer that <file> (.ts or .js) exports — a class or a create() factory —
against central finite differences (in float64 where the layer allows) and, when the module also exports
\`tfjs = { tf, forward(x, params) }\`, against TensorFlow.js autodiff.

  --export Name       the export to check (default: create, the default export, or the one layer class)
  --input-shape 4,3   shape of the random input batch (default: the module's \`inputShape\` export, else 4,3)
  --seed n            seed of the random input and output weights (default 0)
  --float32           differentiate the layer in float32 even when a float64 copy would run
  --max-elements n    check at most n elements per tensor (default: all)
  --json              print the report as JSON

exit codes: 0 every gradient agrees, 1 one does not (or the layer failed), 2 usage error`;

/** Output streams, so tests can run the command in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** `handgrad check …`: returns the exit code. */
export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const args = parseCheckArgs(argv);
  if (args === 'help') {
    io.out(CHECK_USAGE);
    return 0;
  }
  const { module } = await importUserModule(args.file);
  const layer = pickLayer(module, args.file, args.exportName);
  const inputShape = args.inputShape ?? layer.inputShape ?? [4, 3];
  let report;
  try {
    report = checkLayer(layer.create, {
      inputShape,
      seed: args.seed,
      precision: args.float32 ? 'float32' : 'auto',
      tfjs: layer.tfjs,
      maxElementsPerTensor: args.maxElements,
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    io.err(`handgrad check: ${args.file} (${layer.exportName}) failed on an input of shape [${inputShape.join(', ')}]: ${message}`);
    io.err('(if the shape is wrong for this layer, pass --input-shape, or export inputShape from the module)');
    return 1;
  }
  if (args.json) {
    io.out(JSON.stringify({ file: args.file, export: layer.exportName, ...report }, null, 2));
  } else {
    io.out(`handgrad check ${args.file} (export ${layer.exportName})`);
    io.out(formatLayerCheck(report));
  }
  return report.passed ? 0 : 1;
}

interface CheckArgs {
  file: string;
  exportName?: string;
  inputShape?: number[];
  seed: number;
  float32: boolean;
  maxElements?: number;
  json: boolean;
}

function parseCheckArgs(argv: string[]): CheckArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        export: { type: 'string' },
        'input-shape': { type: 'string' },
        seed: { type: 'string' },
        float32: { type: 'boolean', default: false },
        'max-elements': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing <file>: the layer module to check' : `expected one file, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  return {
    file: positionals[0],
    exportName: values.export,
    inputShape: values['input-shape'] === undefined ? undefined : parseShape(values['input-shape']),
    seed: values.seed === undefined ? 0 : parseInteger('--seed', values.seed, 0),
    float32: values.float32 ?? false,
    maxElements: values['max-elements'] === undefined ? undefined : parseInteger('--max-elements', values['max-elements'], 1),
    json: values.json ?? false,
  };
}

function parseShape(text: string): number[] {
  const dims = text.split(/[,x×]/).map((d) => d.trim());
  if (dims.length === 0 || dims.some((d) => !/^\d+$/.test(d) || Number(d) < 1)) {
    throw new UsageError(`--input-shape expects positive integers separated by commas, e.g. 4,3 — got ${quote(text)}`);
  }
  return dims.map(Number);
}

function parseInteger(flag: string, text: string, min: number): number {
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`${flag} expects an integer ≥ ${min}, got ${quote(text)}`);
  }
  return Number(text);
}
