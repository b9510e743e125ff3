import { invalid } from '../core/validate.js';
import { formatShape } from '../tensor/tensor.js';
import { fmt, type LayerCheckReport } from './check-layer.js';
import { textTable } from './text-table.js';

/**
 * The report of {@link checkLayer} as text: what was checked and against what, one table row per gradient
 * tensor and reference, the contract checks, and — when something failed — one line per failure naming the
 * tensor and its worst element.
 */
export function formatLayerCheck(report: LayerCheckReport): string {
  if (typeof (report as { tolerance?: unknown } | null)?.tolerance !== 'object') {
    invalid('formatLayerCheck', 'report', 'a LayerCheckReport (what checkLayer returns)', report, true);
  }
  const { rtol, atol } = report.tolerance;
  const lines: string[] = [];
  lines.push(
    `${report.layer}: input ${formatShape(report.inputShape)} → output ${formatShape(report.outputShape)}, seed ${report.seed}, L = Σ r ⊙ forward(x)`,
  );
  lines.push(`finite differences: central, ${report.precisionNote}, step ${exp(report.step)}·max(1, |v|)`);
  lines.push(`pass: |a − n| ≤ ${exp(rtol)}·max(|a|, |n|) + ${exp(atol)}·max|n| (a: backward, n: reference, max over the tensor)`);
  lines.push('');
  const rows = report.tensors.map((t) => [
    t.name,
    formatShape(t.shape),
    t.reference,
    t.maxAbsError.toExponential(1),
    t.maxRelError.toExponential(1),
    formatShape(t.worst),
    fmt(t.analytic),
    fmt(t.expected),
    t.passed ? 'ok' : 'FAIL',
  ]);
  lines.push(textTable(['tensor', 'shape', 'reference', 'max abs err', 'max rel err', 'worst at', 'backward', 'expected', 'verdict'], rows));
  lines.push('');
  for (const c of report.contracts) lines.push(`${c.passed ? 'ok  ' : 'FAIL'}  ${c.name}${c.passed ? '' : `: ${c.detail}`}`);
  lines.push('');
  if (report.passed) {
    lines.push(`PASS: ${report.tensors.length} gradient comparisons and ${report.contracts.length} contract checks agree`);
  } else {
    for (const f of report.failures) lines.push(`FAIL ${f}`);
  }
  return lines.join('\n');
}

/** 1e-5 rather than 0.00001. */
function exp(v: number): string {
  return v.toExponential();
}
