import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser } from '../../src/data/csv.js';
import { parseCsv, type CsvData, type CsvOptions } from '../../src/index.js';

describe('parseCsv', () => {
  it('reads numeric features and an integer label column (the last by default), auto-detecting a header', () => {
    const d = parseCsv('a,b,label\n1,2,0\n-3.5,.25,2\n1e-3,+4,1\n');
    expect(d.x.toArray()).toEqual([[1, 2], [-3.5, 0.25], [Math.fround(1e-3), 4]]);
    expect(Array.from(d.y)).toEqual([0, 2, 1]);
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.labelName).toBe('label');
    expect(d.classNames).toBeNull();
  });

  it('without a header names columns by position', () => {
    const d = parseCsv('1,2,0\n3,4,1');
    expect(d.x.rows).toBe(2);
    expect(d.featureNames).toEqual(['column1', 'column2']);
    expect(d.labelName).toBe('column3');
  });

  it('handles CRLF, blank lines, a BOM, quoted fields with delimiters, escaped quotes and line breaks', () => {
    const text = '\ufeff"x, first","say ""hi""\nthere",y\r\n\r\n"1.5", 2 ,0\r\n   \r\n3,"4",1\r\n';
    const d = parseCsv(text);
    expect(d.featureNames).toEqual(['x, first', 'say "hi"\nthere']);
    expect(d.x.toArray()).toEqual([[1.5, 2], [3, 4]]);
    expect(Array.from(d.y)).toEqual([0, 1]);
  });

  it('maps text labels to class indices in sorted order', () => {
    const d = parseCsv('f,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa');
    expect(d.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(d.y)).toEqual([2, 0, 1, 0]);
  });

  it('takes the label column by index (negative from the end) or by header name, and another delimiter', () => {
    const byIndex = parseCsv('0;1.5;2\n1;2.5;3', { labelColumn: 0, delimiter: ';' });
    expect(Array.from(byIndex.y)).toEqual([0, 1]);
    expect(byIndex.x.toArray()).toEqual([[1.5, 2], [2.5, 3]]);
    const byName = parseCsv('k,v,w\n1,2,3', { labelColumn: 'k' });
    expect(Array.from(byName.y)).toEqual([1]);
    expect(byName.featureNames).toEqual(['v', 'w']);
    expect(Array.from(parseCsv('5,1,2', { labelColumn: -3 }).y)).toEqual([5]);
  });

  it('treats a numeric first row as a header when told to', () => {
    const d = parseCsv('10,20,30\n1,2,0', { header: true });
    expect(d.featureNames).toEqual(['10', '20']);
    expect(d.x.rows).toBe(1);
  });

  describe('errors name the line and the column', () => {
    const cases: [string, string, object, string][] = [
      ['a non-number', 'a,b,y\n1,2,0\n\n3,x7,1', {}, "parseCsv: line 4, column 2 ('b'): 'x7' is not a number"],
      ['a typo in a first row without header', '1,x7,0\n2,3,1', {}, "parseCsv: line 1, column 2: 'x7' is not a number"],
      ['an empty field', '1,,0', {}, 'parseCsv: line 1, column 2: is empty'],
      ['a ragged row', 'a,b,y\n1,2,0\n1,2\n', {}, 'parseCsv: line 3 has 2 fields, expected 3 (as on line 1)'],
      ['an unclosed quote', 'a,b,y\n1,"2,0\n', {}, 'parseCsv: line 2, column 2: quoted field is never closed'],
      ['text after a closing quote', '1,"2"x,0', {}, 'parseCsv: line 1, column 2: unexpected "x" after a closing quote'],
      ['a stray quote', '1,2"3,0', {}, 'parseCsv: line 1, column 2: a quote inside an unquoted field'],
      ['a fractional label', 'a,y\n1,0\n2,1.5', {}, "parseCsv: line 3, column 2 ('y'): label '1.5' is not a class index"],
      ['a negative label', '1,-1', {}, "parseCsv: line 1, column 2: label '-1' is not a class index"],
      ['an empty label', 'a,y\n1,\n', {}, "parseCsv: line 2, column 2 ('y'): the label is empty"],
      ['an unknown label name', 'a,y\n1,0', { labelColumn: 'z' }, "parseCsv: no column named 'z' in the header on line 1 (columns: a, y)"],
      ['a label index out of range', '1,0', { labelColumn: 2 }, 'parseCsv: labelColumn 2 is outside the 2 columns'],
      ['no data', '\n \n', {}, 'parseCsv: no data'],
      ['a header without rows', 'a,y\n', {}, 'parseCsv: the header on line 1 is followed by no data rows'],
      ['a named source', '1,x,0', { source: 'data/train.csv' }, "parseCsv: data/train.csv: line 1, column 2: 'x' is not a number"],
    ];
    it.each(cases)('%s', (_name, text, options, message) => {
      expect(() => parseCsv(text, options)).toThrow(message);
    });

    it('names an option of the wrong type', () => {
      expect(() => parseCsv('1,0', { labelColumn: true as never })).toThrow(
        new TypeError('parseCsv: labelColumn must be a column index or a header name, got true'),
      );
      expect(() => parseCsv('1,0', { header: 'yes' as never })).toThrow(new TypeError("parseCsv: header must be true, false or 'auto', got 'yes'"));
    });

    it('counts lines inside quoted line breaks', () => {
      expect(() => parseCsv('"a\nb",y\n1,0\nq,1')).toThrow("parseCsv: line 4, column 1 ('a\nb'): 'q' is not a number");
    });
  });
});

describe('CsvParser: the same table however the text is cut into chunks (loadCsv streams through it)', () => {
  const piece = fc.constantFrom('1', '22', '0.5', '-3', 'x', '', ' ', '"', '""', '"q,r"', '"1"', ',', ',', ',', '\n', '\n', '\r\n', '\r', '\ufeff', 'cat', '007', '\t', '"a\nb"');
  const table = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(fc.constantFrom('1', '0.25', ' 7 ', '"3"', '12345678901234567', '-2e-3', 'cat', 'dog', '"x,y"', '5'), { minLength: 1, maxLength: 5 }), { maxLength: 6 }), fc.constantFrom('\n', '\r\n'))
    .map(([_, rows, eol]) => rows.map((r) => r.join(',')).join(eol));
  const outcome = (parse: () => CsvData) => {
    try {
      const d = parse();
      return { x: Array.from(d.x.data), shape: d.x.shape, y: Array.from(d.y), names: d.featureNames, label: d.labelName, classes: d.classNames };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  it('equals parseCsv on the whole text: values, names and the first error', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), table),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom<CsvOptions>({}, { header: true }, { header: false }, { labelColumn: 0 }),
        (text, cuts, options) => {
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunked = outcome(() => {
            const parser = new CsvParser(options, text.length);
            let from = 0;
            for (const to of [...points, text.length]) {
              parser.write(text.slice(from, to));
              from = to;
            }
            return parser.end();
          });
          expect(chunked).toEqual(outcome(() => parseCsv(text, options)));
        },
      ),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('refuses text after end() and a chunk that is not a string', () => {
    const parser = new CsvParser();
    expect(() => parser.write(5 as never)).toThrow(new TypeError('CsvParser.write: chunk must be a string, got 5'));
    parser.write('1,0\n');
    expect(Array.from(parser.end().y)).toEqual([0]);
    expect(() => parser.write('2,1\n')).toThrow('CsvParser.write: the parser has ended (end() was called); make a new one for new text');
    expect(() => parser.end()).toThrow('CsvParser.end: the parser has ended');
  });

  it('carries a record across a chunk boundary at every position (CR|LF, "|", inside a quote)', () => {
    const text = 'a,"b\r\nc",label\r\n1," 2.5",x\r\n3,4,y';
    const whole = outcome(() => parseCsv(text));
    expect(whole).toEqual({ x: [1, 2.5, 3, 4], shape: [2, 2], y: [0, 1], names: ['a', 'b\r\nc'], label: 'label', classes: ['x', 'y'] });
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new CsvParser();
      parser.write(text.slice(0, cut));
      parser.write(text.slice(cut));
      expect(outcome(() => parser.end()), `cut at ${cut}`).toEqual(whole);
    }
  });
});
