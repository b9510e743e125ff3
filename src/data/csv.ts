import { checkOptions, checkString, describeValue, quote, showList } from '../core/validate.js';
import { Tensor } from '../tensor/tensor.js';

/** Options for {@link parseCsv}. */
export interface CsvOptions {
  /**
   * Whether the first record names the columns. `'auto'` (default): it does when none of its feature
   * fields is a number (so a typo in a first data row is reported, not taken for a header). Must not be
   * `false` when `labelColumn` is a name.
   */
  header?: boolean | 'auto';
  /** The label column: a 0-based index (negative counts from the end) or a header name. Default −1 (last). */
  labelColumn?: number | string;
  /** Field separator, one character. Default `','`. */
  delimiter?: string;
  /** Name of the input (e.g. a file path), used in error messages. */
  source?: string;
}

/** A parsed CSV table: numeric features and one class label per row. */
export interface CsvData {
  /** `[rows, features]`: every column except the label column, in file order. */
  readonly x: Tensor;
  /** Class index per row. */
  readonly y: Int32Array;
  /** Names of the feature columns (from the header, else `column1`, `column2`, … by 1-based position). */
  readonly featureNames: string[];
  /** Name of the label column. */
  readonly labelName: string;
  /**
   * When the labels are text (e.g. `setosa`), the class names in sorted order: class i is `classNames[i]`.
   * Null when the labels are non-negative integers, which are used as the class indices directly.
   */
  readonly classNames: string[] | null;
}

/** One field of a record, with where it started (for error messages). */
interface Field {
  readonly text: string;
  readonly quoted: boolean;
  readonly line: number;
}

/** One record (row): its fields and the line it starts on. */
interface CsvRecord {
  readonly fields: Field[];
  readonly line: number;
}

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const CLASS_INDEX = /^\d+$/;

/**
 * Parses CSV text holding numeric features and one label column — a small, dependency-free reader for
 * RFC 4180-style files: optional header, double-quoted fields (`""` is a literal quote; delimiters and
 * line breaks may appear inside quotes), LF or CRLF line ends, blank lines skipped, a leading BOM ignored.
 * Numbers are plain decimals (`-1.5`, `.5`, `2e-3`); anything else in a feature column is an error.
 *
 * @throws an error naming the line and the column of the first bad field, or a row with the wrong
 *   number of fields
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvData {
  checkString('parseCsv', 'text', text, true);
  checkOptions('parseCsv', 'options', options);
  const where = `parseCsv: ${options.source ? `${options.source}: ` : ''}`;
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(`${where}delimiter must be one character other than a quote or line break, got ${describeValue(delimiter)}`);
  }
  const records = tokenize(text, delimiter, where);
  if (records.length === 0) throw new RangeError(`${where}no data (the text is empty or only blank lines)`);
  const width = records[0].fields.length;
  for (const r of records) {
    if (r.fields.length !== width) {
      throw new RangeError(`${where}line ${r.line} has ${r.fields.length} fields, expected ${width} (as on line ${records[0].line})`);
    }
  }
  if (width < 2) throw new RangeError(`${where}needs at least two columns (features and a label), line ${records[0].line} has ${width}`);

  // Header and label column.
  const labelOption = options.labelColumn ?? -1;
  const headerOption = options.header ?? 'auto';
  if (typeof labelOption === 'string' && headerOption === false) {
    throw new RangeError(`${where}labelColumn ${quote(labelOption)} is a name, which needs a header row (header is false)`);
  }
  let labelIndex = -1;
  if (typeof labelOption === 'number') {
    if (!Number.isInteger(labelOption) || labelOption < -width || labelOption >= width) {
      throw new RangeError(`${where}labelColumn ${labelOption} is outside the ${width} columns`);
    }
    labelIndex = labelOption < 0 ? width + labelOption : labelOption;
  }
  let hasHeader: boolean;
  if (headerOption === 'auto') {
    hasHeader =
      typeof labelOption === 'string' ||
      // a header names columns: every feature field holds a letter (so `?,?,1` is a bad data row, not a header)
      records[0].fields.every((f, j) => j === labelIndex || (!NUMBER.test(f.text.trim()) && /\p{L}/u.test(f.text)));
  } else {
    hasHeader = headerOption;
  }
  const names = hasHeader ? records[0].fields.map((f) => f.text.trim()) : records[0].fields.map((_, j) => `column${j + 1}`);
  if (typeof labelOption === 'string') {
    labelIndex = names.indexOf(labelOption);
    if (labelIndex < 0) {
      throw new RangeError(`${where}no column named ${quote(labelOption)} in the header on line ${records[0].line} (columns: ${showList(names)})`);
    }
  }
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length === 0) throw new RangeError(`${where}the header on line ${records[0].line} is followed by no data rows`);
  const describe = (j: number) => (hasHeader ? `column ${j + 1} ('${names[j]}')` : `column ${j + 1}`);

  // Features.
  const nFeatures = width - 1;
  const x = new Tensor([rows.length, nFeatures]);
  rows.forEach((r, i) => {
    let k = 0;
    r.fields.forEach((f, j) => {
      if (j === labelIndex) return;
      const s = f.text.trim();
      if (!NUMBER.test(s)) {
        const what = s === '' ? 'is empty' : `'${f.text}' is not a number`;
        throw new RangeError(`${where}line ${f.line}, ${describe(j)}: ${what}`);
      }
      const v = Number(s);
      if (Math.abs(v) > FLOAT32_MAX) {
        // a Float32Array would hold ±Infinity (while the text 'Infinity' itself is refused)
        throw new RangeError(`${where}line ${f.line}, ${describe(j)}: ${quote(s)} is outside the float32 range (±3.4e38)`);
      }
      x.data[i * nFeatures + k++] = v;
    });
  });

  // Labels: non-negative integers are class indices; any text makes them class names.
  const labelFields = rows.map((r) => r.fields[labelIndex]);
  const labelTexts = labelFields.map((f) => f.text.trim());
  const empty = labelTexts.indexOf('');
  if (empty >= 0) throw new RangeError(`${where}line ${labelFields[empty].line}, ${describe(labelIndex)}: the label is empty`);
  const y = new Int32Array(rows.length);
  let classNames: string[] | null = null;
  if (labelTexts.every((s) => NUMBER.test(s))) {
    labelTexts.forEach((s, i) => {
      if (!CLASS_INDEX.test(s) || !Number.isSafeInteger(Number(s)) || Number(s) > 0x7fffffff) {
        throw new RangeError(
          `${where}line ${labelFields[i].line}, ${describe(labelIndex)}: label '${s}' is not a class index (a non-negative integer)`,
        );
      }
      y[i] = Number(s);
    });
  } else {
    const number = labelTexts.findIndex((s) => NUMBER.test(s));
    if (number >= 0) {
      // sorting '0', '1', '10', '2', 'x' as names would silently renumber every numeric class
      const text = labelTexts.findIndex((s) => !NUMBER.test(s));
      throw new RangeError(
        `${where}${describe(labelIndex)} mixes numbers (${quote(labelTexts[number])} on line ${labelFields[number].line}) and text ` +
          `(${quote(labelTexts[text])} on line ${labelFields[text].line}): labels must be all class indices or all class names`,
      );
    }
    classNames = [...new Set(labelTexts)].sort();
    const index = new Map(classNames.map((name, c) => [name, c]));
    labelTexts.forEach((s, i) => (y[i] = index.get(s) as number));
  }
  return {
    x,
    y,
    featureNames: names.filter((_, j) => j !== labelIndex),
    labelName: names[labelIndex],
    classNames,
  };
}

/** Splits CSV text into records of fields, skipping blank lines. */
function tokenize(text: string, delimiter: string, where: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let line = 1;
  const n = text.length;
  while (i < n) {
    const recordLine = line;
    const fields: Field[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      const fieldLine = line;
      // optional spaces before an opening quote
      let j = i;
      while (j < n && (text[j] === ' ' || text[j] === '\t') && text[j] !== delimiter) j++;
      if (j < n && text[j] === '"') {
        // quoted field: up to the closing quote; "" is an escaped quote
        let value = '';
        j++;
        for (;;) {
          if (j >= n) {
            throw new RangeError(`${where}line ${fieldLine}, column ${fields.length + 1}: quoted field is never closed`);
          }
          const c = text[j];
          if (c === '"') {
            if (text[j + 1] === '"') {
              value += '"';
              j += 2;
              continue;
            }
            j++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          j++;
        }
        while (j < n && (text[j] === ' ' || text[j] === '\t') && text[j] !== delimiter) j++;
        if (j < n && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') {
          throw new RangeError(
            `${where}line ${line}, column ${fields.length + 1}: unexpected ${JSON.stringify(text[j])} after a closing quote`,
          );
        }
        fields.push({ text: value, quoted: true, line: fieldLine });
        i = j;
      } else {
        let k = i;
        while (k < n && text[k] !== delimiter && text[k] !== '\n' && text[k] !== '\r') {
          if (text[k] === '"') {
            throw new RangeError(
              `${where}line ${line}, column ${fields.length + 1}: a quote inside an unquoted field (quote the whole field)`,
            );
          }
          k++;
        }
        fields.push({ text: text.slice(i, k), quoted: false, line: fieldLine });
        i = k;
      }
      // after a field: a delimiter (another field follows), a line break or the end
      if (i < n && text[i] === delimiter) {
        i++;
      } else {
        if (i < n && text[i] === '\r') i++;
        if (i < n && text[i] === '\n') i++;
        line++;
        endOfRecord = true;
      }
    }
    const blank = fields.length === 1 && !fields[0].quoted && fields[0].text.trim() === '';
    if (!blank) records.push({ fields, line: recordLine });
  }
  return records;
}
