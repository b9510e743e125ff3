/**
 * The playground's weight inspector shows derivatives as text (examples/playground/src/formulas.ts). Each
 * must appear verbatim in the comment beside the code it describes, so the page cannot drift from the
 * source: change a derivative's comment and this fails until the playground says the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMULAS } from '../../examples/playground/src/formulas.js';

const root = join(import.meta.dirname, '..', '..');

describe('playground formulas', () => {
  it.each(Object.entries(FORMULAS))('%s is written in its source file', (_, formula) => {
    const lines = readFileSync(join(root, formula.source), 'utf8').split('\n');
    // On a comment line (`// …` beside the code or ` * …` in the doc comment), not merely somewhere in the file.
    const commented = lines.filter((line) => line.includes(formula.text) && /^\s*(\/\/|\*)/.test(line));
    expect(commented, `${formula.source} should have a comment line containing "${formula.text}"`).not.toEqual([]);
  });

  it('covers every layer the network editor can build, and the fused loss', () => {
    expect(Object.keys(FORMULAS).sort()).toEqual(
      ['denseInputs', 'denseL2', 'denseWeights', 'dropout', 'leakyRelu', 'relu', 'sigmoid', 'softmaxCrossEntropy', 'tanh'].sort(),
    );
  });
});
