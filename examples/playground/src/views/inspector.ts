/** Renders an {@link Inspection}: the chain of local derivatives from the loss down to one weight. */
import { CHECK_TOLERANCE, type Inspection, type LayerCheck } from '../chain-rule.js';
import { FORMULAS } from '../formulas.js';
import { NEGATIVE, POSITIVE } from './colors.js';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className !== undefined) e.className = className;
  return e;
}

const num = (v: number): string => (v === 0 ? '0' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(5) : v.toExponential(4));

/** A strip of cells, one per unit, coloured by sign and size; the path unit outlined. */
function strip(row: Float32Array, unit: number): HTMLElement {
  const box = el('span', undefined, 'strip');
  let max = 1e-30;
  for (const v of row) max = Math.max(max, Math.abs(v));
  const shown = Math.min(row.length, 24);
  for (let u = 0; u < shown; u++) {
    const cell = el('span', undefined, u === unit ? 'cell path' : 'cell');
    const t = Math.abs(row[u]) / max;
    cell.style.background = row[u] >= 0 ? POSITIVE : NEGATIVE;
    cell.style.opacity = (0.12 + 0.88 * t).toFixed(2);
    cell.title = `unit ${u}: ${num(row[u])}`;
    box.append(cell);
  }
  return box;
}

function code(text: string, source?: string): HTMLElement {
  const c = el('code', text, 'formula');
  if (source !== undefined) c.title = `as written in ${source}`;
  return c;
}

export function renderInspection(root: HTMLElement, ins: Inspection): void {
  const { weight, batchSize, sample } = ins;
  root.replaceChildren();
  const head = el('div', undefined, 'inspector-head');
  head.append(
    el('strong', `w = W[${weight.i}, ${weight.j}] of ${ins.layerName} (layer ${weight.layer})`),
    el('span', `  value ${num(ins.value)}`, 'muted'),
  );
  root.append(head);
  root.append(
    el(
      'p',
      `Training step ${ins.step}: a batch of N = ${batchSize}, loss ${num(ins.loss)}. Each row is one backward step, ` +
        `from the loss down to w; values are read at sample n = ${sample} (its term in the sum below is the largest), ` +
        `at the unit outlined in the strip.`,
      'muted small',
    ),
  );

  const table = el('table', undefined, 'chain');
  const header = el('tr');
  for (const h of ['', 'backward of', 'formula in handgrad’s source', 'local', 'gradient at (n, unit)', 'row n of the gradient']) header.append(el('th', h));
  table.append(header);
  ins.steps.forEach((s, k) => {
    const tr = el('tr');
    tr.append(el('td', String(k + 1), 'muted'));
    tr.append(el('td', s.layer));
    const f = el('td');
    f.append(code(s.formula.text, s.formula.source));
    tr.append(f);
    tr.append(el('td', s.local === null ? '' : `${num(s.local)}`, 'num'));
    tr.append(el('td', `${s.produces}[${sample}, ${s.unit}] = ${num(s.value)}`, 'num'));
    const st = el('td');
    st.append(strip(s.row, s.unit), el('span', ` [${s.shape[0]}×${s.shape[1]}]`, 'muted small'));
    tr.append(st);
    table.append(tr);
  });
  root.append(table);

  const last = el('div', undefined, 'final');
  last.append(el('span', `${ins.steps.length + 1}. ${ins.layerName}: `), code(FORMULAS.denseWeights.text, FORMULAS.denseWeights.source));
  last.append(
    el(
      'div',
      `entry [${weight.i}, ${weight.j}] = Σₙ X[n, ${weight.i}] · dL/dY[n, ${weight.j}] over the ${batchSize} samples = ${num(ins.dataTerm)}` +
        `   (at n = ${sample}: ${num(ins.x)} × ${num(ins.g)} = ${num(ins.x * ins.g)})`,
      'num',
    ),
  );
  if (ins.penaltyTerm !== 0) {
    const pen = el('div');
    pen.append(code(FORMULAS.denseL2.text, FORMULAS.denseL2.source), el('span', `  adds 2λ₂·w = ${num(ins.penaltyTerm)}`, 'num'));
    last.append(pen, el('div', `dL/dw = ${num(ins.dataTerm)} + (${num(ins.penaltyTerm)}) = ${num(ins.dataTerm + ins.penaltyTerm)}`, 'num'));
  }
  root.append(last);

  const compare = el('div', undefined, 'compare');
  const a = el('div');
  a.append(el('span', 'dL/dw, handgrad (trainStep in the worker): '));
  const hv = el('strong', num(ins.handgrad));
  hv.dataset.testid = 'inspector-handgrad';
  hv.dataset.value = String(ins.handgrad);
  a.append(hv, el('span', `   (page replay of the step: ${num(ins.replayed)})`, 'muted small'));
  compare.append(a);
  for (const { epsilon, value } of ins.numeric) {
    const row = el('div');
    const h = `h = ${epsilon.toExponential(0)}·max(1, |w|)`;
    row.append(el('span', `central difference in this page, (L(w+h) − L(w−h)) / 2h, ${h}: `));
    const nv = el('strong', num(value));
    nv.dataset.testid = 'inspector-numeric';
    nv.dataset.value = String(value);
    const rel = Math.abs(ins.handgrad - value) / Math.max(Math.abs(ins.handgrad), Math.abs(value), 1e-12);
    row.append(nv, el('span', `   relative difference ${rel.toExponential(1)}`, 'muted small'));
    compare.append(row);
  }
  root.append(compare);
}

export function renderCheck(root: HTMLElement, rows: readonly LayerCheck[]): void {
  root.replaceChildren();
  const table = el('table', undefined, 'check');
  const header = el('tr');
  for (const h of ['parameter', 'elements checked', 'max relative error', 'max abs error', '']) header.append(el('th', h));
  table.append(header);
  for (const r of rows) {
    const tr = el('tr');
    tr.append(el('td', r.name), el('td', String(r.checked), 'num'));
    tr.append(el('td', r.maxRelError.toExponential(2), 'num'), el('td', r.maxAbsError.toExponential(2), 'num'));
    tr.append(el('td', r.passes ? '✓ pass' : '✗ fail', r.passes ? 'ok' : 'warn'));
    table.append(tr);
  }
  root.append(table);
  root.append(
    el(
      'p',
      `handgrad's gradCheck on the current batch: each parameter's backward gradient a against the central difference n ` +
        `(float32), at h = 1e-3 and 1e-4 relative steps; the closer estimate counts, since a step that straddles a ReLU kink ` +
        `measures the average of two slopes. Pass: |a − n| ≤ ${CHECK_TOLERANCE.rtol}·max(|a|, |n|) + ${CHECK_TOLERANCE.atol[0]} ` +
        `(${CHECK_TOLERANCE.atol[1]} at the smaller step) — a large relative error on a tiny gradient is float32 rounding, not a wrong derivative.`,
      'muted small',
    ),
  );
}
