import { invalid } from '../core/validate.js';
import type { Diagnosis } from './diagnose.js';
import { textTable } from './text-table.js';

/**
 * A compact text table of a {@link Diagnosis}: one row per layer (output mean and std, dead / saturated
 * fraction, ‖dL/dW‖/‖W‖, the next step's ‖ΔW‖/‖W‖, flags), then where a non-finite value first appeared.
 */
export function formatDiagnosis(d: Diagnosis): string {
  if (!Array.isArray((d as { layers?: unknown } | null)?.layers)) invalid('formatDiagnosis', 'd', 'a Diagnosis (what diagnose returns)', d, true);
  const pct = (v: number | null): string => (v === null ? '' : `${(100 * v).toFixed(0)}%`);
  const sci = (v: number | null): string => (v === null ? '' : Number.isFinite(v) ? v.toExponential(1) : String(v));
  const num = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : v.toFixed(3)) : String(v));
  const rows = d.layers.map((l) => [
    `${l.index} ${l.name}`,
    num(l.activationMean),
    num(l.activationStd),
    pct(l.deadFraction),
    pct(l.saturatedFraction),
    sci(l.gradToWeight),
    sci(l.updateToWeight),
    l.flags.join(' '),
  ]);
  const lines = [textTable(['layer', 'out mean', 'out std', 'dead', 'saturated', '|dW|/|W|', 'update/|W|', 'flags'], rows)];
  lines.push(`loss ${num(d.loss)}${d.updateNote ? `; update/|W| ${d.updateNote}` : ''}`);
  if (d.nonFinite) lines.push(d.nonFinite.message);
  return lines.join('\n');
}
