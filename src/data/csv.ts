import { checkOptions, checkString, describeValue, invalid, quote, showList, truncate } from '../core/validate.js';
import { Tensor } from '../tensor/tensor.js';
import { GrowableArray } from './growable-array.js';

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

/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const CLASS_INDEX = /^\d+$/;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const ZERO = 0x30;

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
  const parser = new CsvParser(options, text.length);
  parser.write(text);
  return parser.end();
}

/** A label seen while reading, kept for the messages that can only be decided at the end. */
interface SeenLabel {
  readonly text: string;
  readonly line: number;
}

/**
 * The CSV reader behind {@link parseCsv}, fed in pieces: `write(chunk)` as text arrives (a chunk may end
 * anywhere, even inside a quoted field or between CR and LF), then `end()`. Rows go straight into growing
 * typed arrays, so reading a file costs the parsed data plus one record and one chunk of text — never the
 * whole text (`loadCsv` streams files through it). Errors are those of `parseCsv`, found in file order.
 */
export class CsvParser {
  private readonly where: string;
  private readonly delimiter: number;
  private readonly labelOption: number | string;
  private readonly headerOption: boolean | 'auto';
  /** A bound on the text's length when known (sizes the arrays' reservation), else Infinity. */
  private readonly sizeHint: number;

  // text not yet parsed: the start of an incomplete record, then chunks written since
  private carry = '';
  private pending: string[] = [];
  private pendingLength = 0;
  private started = false;
  private ended = false;
  /** Line number where `carry` starts. */
  private line = 1;

  // the record being read: its fields (unquoted ones as start/end in `text`, quoted ones unescaped)
  private text = '';
  private fieldCount = 0;
  private starts: number[] = [];
  private ends: number[] = [];
  private quoted: (string | null)[] = [];
  private fieldLines: number[] = [];

  // the table
  private width = -1;
  private firstLine = 0;
  private labelIndex = -1;
  private hasHeader = false;
  private names: string[] = [];
  private rows = 0;
  private features: GrowableArray<Float32Array> | null = null;
  private labels: GrowableArray<Int32Array> | null = null;

  // labels: class indices directly, or text names numbered in order of appearance and sorted at the end
  private classIds = new Map<string, number>();
  private firstNumber: SeenLabel | null = null;
  private firstText: SeenLabel | null = null;
  private firstEmpty: SeenLabel | null = null;
  private firstNonIndex: SeenLabel | null = null;

  /**
   * @param options as for {@link parseCsv}
   * @param sizeHint the text's length in characters (or a bound, such as the file's bytes), if known
   */
  constructor(options: CsvOptions = {}, sizeHint = Infinity) {
    checkOptions('parseCsv', 'options', options);
    this.where = `parseCsv: ${options.source ? `${options.source}: ` : ''}`;
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError(`${this.where}delimiter must be one character other than a quote or line break, got ${describeValue(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.labelOption = options.labelColumn ?? -1;
    if (typeof this.labelOption !== 'number' && typeof this.labelOption !== 'string') {
      invalid('parseCsv', 'labelColumn', 'a column index or a header name', this.labelOption, true);
    }
    this.headerOption = options.header ?? 'auto';
    if (this.headerOption !== 'auto' && typeof this.headerOption !== 'boolean') {
      invalid('parseCsv', 'header', "true, false or 'auto'", this.headerOption, true);
    }
    if (typeof this.labelOption === 'string' && this.headerOption === false) {
      throw new RangeError(`${this.where}labelColumn ${quote(this.labelOption)} is a name, which needs a header row (header is false)`);
    }
    this.sizeHint = sizeHint;
  }

  /** Parses every complete record in `chunk` (with what was left over); keeps an incomplete last one. */
  write(chunk: string): void {
    this.checkOpen('write');
    checkString('CsvParser.write', 'chunk', chunk, true);
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    // A record longer than a chunk is rescanned from its start on each write; waiting until as much new text
    // as carried text has arrived keeps the total rescanning linear in the record's length.
    if (this.pendingLength >= this.carry.length) this.scan(false);
  }

  /** Parses what is left and returns the table. */
  end(): CsvData {
    this.checkOpen('end');
    this.ended = true;
    this.scan(true);
    const where = this.where;
    if (this.width < 0) throw new RangeError(`${where}no data (the text is empty or only blank lines)`);
    if (this.rows === 0) throw new RangeError(`${where}the header on line ${this.firstLine} is followed by no data rows`);
    const labelColumn = this.describe(this.labelIndex);
    if (this.firstEmpty) throw new RangeError(`${where}line ${this.firstEmpty.line}, ${labelColumn}: the label is empty`);
    const y = (this.labels as GrowableArray<Int32Array>).finish(this.rows);
    let classNames: string[] | null = null;
    if (this.firstText === null) {
      const bad = this.firstNonIndex;
      if (bad) throw new RangeError(`${where}line ${bad.line}, ${labelColumn}: label ${quote(bad.text)} is not a class index (a non-negative integer)`);
    } else if (this.firstNumber !== null) {
      // sorting '0', '1', '10', '2', 'x' as names would silently renumber every numeric class
      const number = this.firstNumber;
      const text = this.firstText;
      throw new RangeError(
        `${where}${labelColumn} mixes numbers (${quote(number.text)} on line ${number.line}) and text ` +
          `(${quote(text.text)} on line ${text.line}): labels must be all class indices or all class names`,
      );
    } else {
      // text labels: class i is the i-th name in sorted order
      classNames = [...this.classIds.keys()].sort();
      const sortedId = new Int32Array(classNames.length);
      classNames.forEach((name, c) => (sortedId[this.classIds.get(name) as number] = c));
      for (let i = 0; i < y.length; i++) y[i] = sortedId[y[i]];
    }
    const nFeatures = this.width - 1;
    const x = new Tensor([this.rows, nFeatures], (this.features as GrowableArray<Float32Array>).finish(this.rows * nFeatures));
    return {
      x,
      y,
      featureNames: this.names.filter((_, j) => j !== this.labelIndex),
      labelName: this.names[this.labelIndex],
      classNames,
    };
  }

  private checkOpen(method: string): void {
    if (this.ended) throw new Error(`CsvParser.${method}: the parser has ended (end() was called); make a new one for new text`);
  }

  private scan(final: boolean): void {
    let text = this.carry;
    if (this.pending.length > 0) text += this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark
    }
    this.text = text;
    const n = text.length;
    while (i < n) {
      const next = this.readRecord(i, final);
      if (next < 0) break; // incomplete: wait for more text
      i = next;
    }
    this.carry = i < n ? text.slice(i) : '';
    this.text = '';
  }

  private pushField(start: number, end: number, unescaped: string | null, line: number): void {
    const k = this.fieldCount++;
    this.starts[k] = start;
    this.ends[k] = end;
    this.quoted[k] = unescaped;
    this.fieldLines[k] = line;
  }

  private fieldText(k: number): string {
    return this.quoted[k] ?? this.text.slice(this.starts[k], this.ends[k]);
  }

  /**
   * Reads one record starting at `i` and handles it; returns where the next one starts, or −1 when the text
   * ends inside the record and more may follow (`final` false).
   */
  private readRecord(i: number, final: boolean): number {
    const text = this.text;
    const n = text.length;
    const delimiter = this.delimiter;
    let line = this.line;
    const recordLine = line;
    this.fieldCount = 0;
    for (;;) {
      const fieldLine = line;
      // optional spaces before an opening quote
      let j = i;
      let c = 0;
      while (j < n && ((c = text.charCodeAt(j)) === SPACE || c === TAB) && c !== delimiter) j++;
      if (j >= n && !final) return -1;
      if (j < n && text.charCodeAt(j) === QUOTE) {
        // quoted field: up to the closing quote; "" is an escaped quote
        let value = '';
        let from = ++j;
        for (;;) {
          if (j >= n) {
            if (!final) return -1;
            throw new RangeError(`${this.where}line ${fieldLine}, column ${this.fieldCount + 1}: quoted field is never closed`);
          }
          c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (j + 1 >= n && !final) return -1;
            if (text.charCodeAt(j + 1) === QUOTE) {
              value += text.slice(from, j + 1);
              j += 2;
              from = j;
              continue;
            }
            value += text.slice(from, j);
            j++;
            break;
          }
          if (c === LF) line++;
          j++;
        }
        while (j < n && ((c = text.charCodeAt(j)) === SPACE || c === TAB) && c !== delimiter) j++;
        if (j >= n && !final) return -1;
        if (j < n && (c = text.charCodeAt(j)) !== delimiter && c !== LF && c !== CR) {
          throw new RangeError(
            `${this.where}line ${line}, column ${this.fieldCount + 1}: unexpected ${JSON.stringify(text[j])} after a closing quote`,
          );
        }
        this.pushField(-1, -1, value, fieldLine);
        i = j;
      } else {
        let k = i;
        while (k < n && (c = text.charCodeAt(k)) !== delimiter && c !== LF && c !== CR) {
          if (c === QUOTE) {
            throw new RangeError(
              `${this.where}line ${line}, column ${this.fieldCount + 1}: a quote inside an unquoted field (quote the whole field)`,
            );
          }
          k++;
        }
        if (k >= n && !final) return -1;
        this.pushField(i, k, null, fieldLine);
        i = k;
      }
      // after a field: a delimiter (another field follows), a line break or the end
      if (i < n && text.charCodeAt(i) === delimiter) {
        i++;
        continue;
      }
      if (i < n && text.charCodeAt(i) === CR) {
        i++;
        if (i >= n && !final) return -1; // an LF may follow in the next chunk
      }
      if (i < n && text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    this.line = line;
    const blank = this.fieldCount === 1 && this.quoted[0] === null && this.fieldText(0).trim() === '';
    if (!blank) this.handleRecord(recordLine);
    return i;
  }

  /** "column 3", or "column 3 ('label')" with a header. */
  private describe(j: number): string {
    return this.hasHeader ? `column ${j + 1} ('${truncate(this.names[j])}')` : `column ${j + 1}`;
  }

  private handleRecord(recordLine: number): void {
    if (this.width < 0 && this.handleFirstRecord(recordLine)) return;
    const where = this.where;
    const width = this.width;
    if (this.fieldCount !== width) {
      throw new RangeError(`${where}line ${recordLine} has ${this.fieldCount} fields, expected ${width} (as on line ${this.firstLine})`);
    }
    const row = this.rows;
    const nFeatures = width - 1;
    const x = (this.features as GrowableArray<Float32Array>).reserve((row + 1) * nFeatures);
    const text = this.text;
    let o = row * nFeatures;
    for (let j = 0; j < width; j++) {
      if (j === this.labelIndex) continue;
      // fast path: an unquoted run of up to 15 digits is an integer, exact in float64 and read without a string
      const start = this.starts[j];
      const end = this.ends[j];
      if (this.quoted[j] === null && end > start && end - start <= 15) {
        let v = 0;
        let p = start;
        for (; p < end; p++) {
          const d = text.charCodeAt(p) - ZERO;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
        }
        if (p === end) {
          x[o++] = v;
          continue;
        }
      }
      const field = this.fieldText(j);
      const s = field.trim();
      if (!NUMBER.test(s)) {
        const what = s === '' ? 'is empty' : `${quote(field)} is not a number`;
        throw new RangeError(`${where}line ${this.fieldLines[j]}, ${this.describe(j)}: ${what}`);
      }
      const v = Number(s);
      if (Math.abs(v) > FLOAT32_MAX) {
        // a Float32Array would hold ±Infinity (while the text 'Infinity' itself is refused)
        throw new RangeError(`${where}line ${this.fieldLines[j]}, ${this.describe(j)}: ${quote(s)} is outside the float32 range (±3.4e38)`);
      }
      x[o++] = v;
    }
    const y = (this.labels as GrowableArray<Int32Array>).reserve(row + 1);
    y[row] = this.readLabel();
    this.rows = row + 1;
  }

  /**
   * The label of the current record: a class index, or a text label's number in order of appearance.
   * Faults (an empty label, a number that is not a class index, numbers mixed with text) are noted and
   * reported by `end`, after every feature has been checked.
   */
  private readLabel(): number {
    const k = this.labelIndex;
    const start = this.starts[k];
    const end = this.ends[k];
    // fast path: up to 9 unquoted digits are a class index
    if (this.quoted[k] === null && end > start && end - start <= 9) {
      let v = 0;
      let p = start;
      for (; p < end; p++) {
        const d = this.text.charCodeAt(p) - ZERO;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (p === end) {
        this.firstNumber ??= { text: this.text.slice(start, end), line: this.fieldLines[k] };
        return v;
      }
    }
    const s = this.fieldText(k).trim();
    const line = this.fieldLines[k];
    if (s === '') {
      this.firstEmpty ??= { text: s, line };
      return 0;
    }
    if (NUMBER.test(s)) {
      this.firstNumber ??= { text: s, line };
      if (!CLASS_INDEX.test(s) || !Number.isSafeInteger(Number(s)) || Number(s) > 0x7fffffff) {
        this.firstNonIndex ??= { text: s, line };
        return 0;
      }
      return Number(s);
    }
    this.firstText ??= { text: s, line };
    let id = this.classIds.get(s);
    if (id === undefined) {
      id = this.classIds.size;
      this.classIds.set(s, id);
    }
    return id;
  }

  /** Sets the table up from its first record; true when that record is the header. */
  private handleFirstRecord(recordLine: number): boolean {
    const where = this.where;
    const width = this.fieldCount;
    this.width = width;
    this.firstLine = recordLine;
    if (width < 2) throw new RangeError(`${where}needs at least two columns (features and a label), line ${recordLine} has ${width}`);
    const labelOption = this.labelOption;
    if (typeof labelOption === 'number') {
      if (!Number.isInteger(labelOption) || labelOption < -width || labelOption >= width) {
        throw new RangeError(`${where}labelColumn ${describeValue(labelOption)} is outside the ${width} columns`);
      }
      this.labelIndex = labelOption < 0 ? width + labelOption : labelOption;
    }
    const texts = Array.from({ length: width }, (_, j) => this.fieldText(j));
    if (this.headerOption === 'auto') {
      this.hasHeader =
        typeof labelOption === 'string' ||
        // a header names columns: every feature field holds a letter (so `?,?,1` is a bad data row, not a header)
        texts.every((t, j) => j === this.labelIndex || (!NUMBER.test(t.trim()) && /\p{L}/u.test(t)));
    } else {
      this.hasHeader = this.headerOption;
    }
    this.names = this.hasHeader ? texts.map((t) => t.trim()) : texts.map((_, j) => `column${j + 1}`);
    if (typeof labelOption === 'string') {
      this.labelIndex = this.names.indexOf(labelOption);
      if (this.labelIndex < 0) {
        throw new RangeError(`${where}no column named ${quote(labelOption)} in the header on line ${recordLine} (columns: ${showList(this.names)})`);
      }
    }
    // every data row takes at least 2·width − 1 characters and a line break: a bound on the row count that
    // lets the arrays reserve (not allocate) their largest size up front and then grow in place
    const maxRows = Math.floor((this.sizeHint + 1) / (2 * width)) + 1;
    this.features = new GrowableArray(Float32Array, maxRows * (width - 1));
    this.labels = new GrowableArray(Int32Array, maxRows);
    return this.hasHeader;
  }
}
