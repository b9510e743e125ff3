/*
 * The one place that checks what a plain-JavaScript caller can pass to a public entry point, and the one
 * place that decides what the error says:
 *
 *     `${op}: ${name} must be ${expected}, got ${describeValue(value)}`
 *
 * e.g. `Sequential.fit: epochs must be an integer ≥ 1, got 'ten'`. A wrong type is a TypeError, a value of
 * the right type outside its range a RangeError. Values are described briefly: strings quoted and cut to
 * {@link MAX_SHOWN} characters, arrays and objects by kind and size, never echoed whole.
 *
 * Pure and dependency-free: every folder may import it.
 */

/** Longest piece of a caller's value an error message shows. */
export const MAX_SHOWN = 40;

/** Cuts `text` to {@link MAX_SHOWN} characters, saying how long it was. */
export function truncate(text: string): string {
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)`;
}

/** A string quoted for a message (JSON escapes, so line breaks and quotes stay visible), cut when long. */
export function quote(text: string): string {
  if (text.length <= MAX_SHOWN) return JSON.stringify(text).replace(/^"|"$/g, "'");
  return `'${JSON.stringify(text.slice(0, MAX_SHOWN)).slice(1, -1)}…' (${text.length} characters)`;
}

function article(word: string): string {
  return /^[AEIOUaeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/**
 * A short description of any value for an error message: numbers as written (`NaN`, `-Infinity`), strings
 * quoted and cut, `null`/`undefined` by name, arrays and typed arrays by length, class instances by class
 * (with their shape when they have one, like a Tensor), plain objects with their first keys.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${truncate(String(value))}n (a bigint)`;
    case 'boolean':
      return String(value);
    case 'string':
      return quote(value);
    case 'symbol':
      return truncate(String(value));
    case 'function':
      return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor?.name ?? 'typed array';
    return 'length' in value ? `${article(name)} of length ${(value as { length: number }).length}` : article(name);
  }
  if (value instanceof ArrayBuffer) return `an ArrayBuffer of ${value.byteLength} bytes`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) {
    const name = typeof proto.constructor === 'function' && proto.constructor.name ? proto.constructor.name : 'object';
    const shape = (value as { shapeString?: unknown }).shapeString;
    return typeof shape === 'function' ? `${article(name)} ${String(shape.call(value))}` : article(name);
  }
  const keys = Object.keys(value as object);
  if (keys.length === 0) return 'an empty object';
  const shown = keys.slice(0, 4).map((k) => truncate(k)).join(', ');
  return `an object { ${shown}${keys.length > 4 ? ', …' : ''} }`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `value` as a literal, written until about `budget` characters are out; `cut` when something was left off. */
function literal(value: unknown, budget: number, depth: number): { text: string; cut: boolean } {
  const isArray = Array.isArray(value);
  if ((!isArray && !isPlainObject(value)) || depth > 2) return { text: describeValue(value), cut: false };
  const keys = isArray ? null : Object.keys(value as object);
  const count = isArray ? (value as unknown[]).length : (keys as string[]).length;
  let text = '';
  let cut = false;
  for (let i = 0; i < count; i++) {
    if (text.length >= budget) {
      text += i > 0 ? ', …' : '…';
      cut = true;
      break;
    }
    const item = isArray ? (value as unknown[])[i] : (value as Record<string, unknown>)[(keys as string[])[i]];
    const inner = literal(item, budget - text.length, depth + 1);
    cut ||= inner.cut;
    text += `${i > 0 ? ', ' : ''}${isArray ? '' : `${truncate((keys as string[])[i])}: `}${inner.text}`;
  }
  if (isArray) return { text: `[${text}]`, cut };
  return { text: count === 0 ? '{}' : `{ ${text} }`, cut };
}

/**
 * A caller's value written out for a message when a literal says more than a description: a shape
 * `[28, 28, 0]`, a config `{ units: -1 }`. Arrays and plain objects are written as literals of about
 * {@link MAX_SHOWN} characters at most; a longer one shows its start and its size
 * (`[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, …] (an array of length 1000000)`). Anything else is
 * described as {@link describeValue} does.
 */
export function showValue(value: unknown): string {
  const { text, cut } = literal(value, MAX_SHOWN, 0);
  if (!cut) return text;
  const size = Array.isArray(value) ? `an array of length ${value.length}` : `an object with ${Object.keys(value as object).length} key${Object.keys(value as object).length === 1 ? '' : 's'}`;
  return `${text} (${size})`;
}

/** Names for a message: the first `max` (each cut to {@link MAX_SHOWN} characters), then how many in all. */
export function showList(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).map(truncate).join(', ');
  return names.length > max ? `${shown}, … (${names.length} in all)` : shown;
}

/**
 * Throws `${op}: ${name} must be ${expected}, got <value>`: a TypeError when `wrongType`, else a RangeError.
 * Use it for the checks this module has no helper for, so every message looks the same.
 */
export function invalid(op: string, name: string, expected: string, value: unknown, wrongType = false): never {
  const message = `${op}: ${name} must be ${expected}, got ${describeValue(value)}`;
  throw wrongType ? new TypeError(message) : new RangeError(message);
}

/** Bounds for {@link checkInteger} and {@link checkNumber}. */
export interface Bounds {
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  min?: number;
  /** Largest allowed value (inclusive unless `maxExclusive`). */
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

function inBounds(value: number, b: Bounds): boolean {
  if (b.min !== undefined && (b.minExclusive ? !(value > b.min) : !(value >= b.min))) return false;
  if (b.max !== undefined && (b.maxExclusive ? !(value < b.max) : !(value <= b.max))) return false;
  return true;
}

/** "a finite number", "a number in [0, 1)", "an integer ≥ 1", … */
function describeBounds(kind: 'number' | 'integer', b: Bounds): string {
  const { min, max } = b;
  if (min !== undefined && max !== undefined) {
    return `${kind === 'integer' ? 'an integer' : 'a number'} in ${b.minExclusive ? '(' : '['}${min}, ${max}${b.maxExclusive ? ')' : ']'}`;
  }
  const what = kind === 'integer' ? 'an integer' : 'a finite number';
  if (min !== undefined) return `${what} ${b.minExclusive ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `${what} ${b.maxExclusive ? '<' : '≤'} ${max}`;
  return what;
}

/** Returns `value` if it is a finite number within `bounds`; else throws naming `op` and `name`. */
export function checkNumber(op: string, name: string, value: unknown, bounds: Bounds = {}): number {
  const expected = describeBounds('number', bounds);
  if (typeof value !== 'number') invalid(op, name, expected, value, true);
  if (!Number.isFinite(value) || !inBounds(value, bounds)) invalid(op, name, expected, value);
  return value;
}

/** Returns `value` if it is a finite number > 0 (a step size, an epsilon, a precision). */
export function checkPositive(op: string, name: string, value: unknown): number {
  return checkNumber(op, name, value, { min: 0, minExclusive: true });
}

/** Returns `value` if it is an integer (a safe one: |value| < 2⁵³) within `bounds`. */
export function checkInteger(op: string, name: string, value: unknown, bounds: Bounds = {}): number {
  const expected = describeBounds('integer', bounds);
  if (typeof value !== 'number') invalid(op, name, expected, value, true);
  if (!Number.isSafeInteger(value) || !inBounds(value, bounds)) invalid(op, name, expected, value);
  return value;
}

/**
 * Returns `value` if it is a seed: a safe integer (|seed| < 2⁵³; every bit of it counts). A string, NaN,
 * ±Infinity or a fraction would otherwise be truncated into some other seed silently, so they are refused.
 */
export function checkSeed(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number') invalid(op, name, 'an integer', value, true);
  if (!Number.isSafeInteger(value)) invalid(op, name, 'a safe integer (|seed| < 2^53)', value);
  return value;
}

/** Returns `value` if it is a boolean. */
export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') invalid(op, name, 'true or false', value, true);
  return value;
}

/** Returns `value` if it is a string (non-empty unless `allowEmpty`). */
export function checkString(op: string, name: string, value: unknown, allowEmpty = false): string {
  if (typeof value !== 'string') invalid(op, name, allowEmpty ? 'a string' : 'a non-empty string', value, true);
  if (!allowEmpty && value.length === 0) invalid(op, name, 'a non-empty string', value);
  return value;
}

/** Returns `value` if it is one of `allowed` (compared with ===); the message lists them. */
export function checkEnum<T extends string | number | boolean>(op: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a)));
    const expected = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
    invalid(op, name, expected, value, typeof value !== typeof allowed[0]);
  }
  return value as T;
}

/** Returns `value` if it is a function. */
export function checkFunction<F extends (...args: never[]) => unknown>(op: string, name: string, value: unknown): F {
  if (typeof value !== 'function') invalid(op, name, 'a function', value, true);
  return value as F;
}

/** Returns `value` if it is an instance of `cls`; `expected` names it in the message, e.g. `'a Tensor'`. */
export function checkInstance<T>(op: string, name: string, value: unknown, cls: abstract new (...args: never[]) => T, expected: string): T {
  if (!(value instanceof cls)) invalid(op, name, expected, value, true);
  return value;
}

/**
 * An options argument: `undefined` becomes `{}`; anything but a plain object (null, an array, a number …)
 * is refused. With `known`, a key outside the list is refused too, naming the keys that exist — a typo
 * such as `{ epoch: 10 }` would otherwise be ignored silently.
 */
export function checkOptions<T extends object>(op: string, name: string, value: T | undefined, known?: readonly string[]): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(op, name, 'an options object', value, true);
  if (known !== undefined) {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        throw new TypeError(`${op}: unknown option ${quote(key)} in ${name} (known: ${known.join(', ')})`);
      }
    }
  }
  return value;
}

/** Returns `value` if it has a method called `method` (duck typing for interfaces: a Loss, an Optimizer …). */
export function checkHasMethods<T>(op: string, name: string, value: unknown, methods: readonly string[], expected: string): T {
  const ok =
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
  if (!ok) invalid(op, name, `${expected} (with ${methods.join(' and ')})`, value, true);
  return value as T;
}

/**
 * Returns `value` if it is a Tensor — recognised by its shape array and typed-array data rather than by
 * class, so a tensor made by another copy of handgrad (a layer module that imports its own) still counts.
 */
export function checkTensor<T>(op: string, name: string, value: T): T {
  const t = value as { shape?: unknown; data?: unknown } | null;
  if (typeof t !== 'object' || t === null || !Array.isArray(t.shape) || !ArrayBuffer.isView(t.data)) {
    invalid(op, name, 'a Tensor', value, true);
  }
  return value;
}
