/**
 * A caller's value for an error message, cut short: strings quoted (at most 40 characters), objects by
 * their kind (`Array`, `Object`, …), anything else as `String(value)`. tensor/ sits below core/validate
 * (whose `showValue` the rest of the library uses), so it has its own.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…' (${value.length} characters)` : `${value}'`}`;
  return typeof value === 'object' && value !== null ? Object.prototype.toString.call(value).slice(8, -1) : String(value);
}
