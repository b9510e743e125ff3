import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';
import { checkFunction, checkString, describeValue, showValue } from '../core/validate.js';

type OptimizerFactory = (options: Record<string, number>) => Optimizer;
const factories = new Map<string, OptimizerFactory>();

/**
 * Makes an optimizer restorable from its `getConfig()` (saved models with `includeOptimizer`).
 * @throws TypeError unless `name` is a non-empty string and `create` a function
 */
export function registerOptimizer(name: string, create: OptimizerFactory): void {
  checkString('registerOptimizer', 'name', name);
  checkFunction('registerOptimizer', 'create', create);
  factories.set(name, create);
}

/**
 * A new optimizer from `{ name, options }` as `getConfig()` returns it. The constructor checks the options.
 * @throws naming an unknown optimizer or a malformed config
 */
export function optimizerFromConfig(config: unknown): Optimizer {
  if (typeof config !== 'object' || config === null) throw new RangeError(`expected { name, options }, got ${describeValue(config)}`);
  const { name, options } = config as { name?: unknown; options?: unknown };
  const create = typeof name === 'string' ? factories.get(name) : undefined;
  if (!create) {
    throw new RangeError(`unknown optimizer ${describeValue(name)} (registered: ${[...factories.keys()].join(', ')})`);
  }
  if (typeof options !== 'object' || options === null || Object.values(options).some((v) => typeof v !== 'number')) {
    throw new RangeError(`options of ${name} must be an object of numbers, got ${showValue(options)}`);
  }
  return create(options as Record<string, number>);
}

registerOptimizer('SGD', (o) => new SGD(o));
registerOptimizer('AdaGrad', (o) => new AdaGrad(o));
registerOptimizer('RMSProp', (o) => new RMSProp(o));
registerOptimizer('Adam', (o) => new Adam(o));
