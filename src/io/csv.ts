import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { checkOptions, checkString } from '../core/validate.js';
import { CsvParser, type CsvData, type CsvOptions } from '../data/csv.js';

/** Characters handed to the parser at a time: what reading costs beyond the parsed data. */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads a CSV file of numeric features and one label column (Node only; the format and the options are
 * those of the browser-safe {@link parseCsv}). Parse errors name the file, the line and the column.
 *
 * The file is streamed: it is decoded and parsed 1 MiB at a time straight into the feature and label
 * arrays, so memory is about the parsed data (4 bytes per value) plus a chunk, whatever the file's size —
 * never the whole text, which V8 could not even hold past 2²⁹ − 24 characters.
 *
 * @throws an error naming `path` when the file cannot be read or its content is invalid
 */
export async function loadCsv(path: string, options: CsvOptions = {}): Promise<CsvData> {
  checkString('loadCsv', 'path', path);
  checkOptions('loadCsv', 'options', options);
  const cannotRead = (err: unknown): Error =>
    new Error(`loadCsv(${path}): cannot read the file: ${(err as Error).message}`, { cause: err });
  let bytes: number;
  try {
    bytes = (await stat(path)).size;
  } catch (err) {
    throw cannotRead(err);
  }
  // a UTF-8 file has at least as many bytes as characters: a bound the parser sizes its arrays by
  const parser = new CsvParser({ source: path, ...options }, bytes);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<string>;
  try {
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await chunks.next();
      } catch (err) {
        throw cannotRead(err);
      }
      if (next.done) break;
      parser.write(next.value);
    }
  } finally {
    stream.destroy(); // closes the file at once, also when a parse error stops reading early
  }
  return parser.end();
}
