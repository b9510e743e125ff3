import { readFile } from 'node:fs/promises';
import { parseCsv, type CsvData, type CsvOptions } from '../data/csv.js';

/**
 * Reads a CSV file of numeric features and one label column (Node only; the format and the options are
 * those of the browser-safe {@link parseCsv}). Parse errors name the file, the line and the column.
 *
 * @throws an error naming `path` when the file cannot be read or its content is invalid
 */
export async function loadCsv(path: string, options: CsvOptions = {}): Promise<CsvData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`loadCsv(${path}): cannot read the file: ${(err as Error).message}`, { cause: err });
  }
  return parseCsv(text, { source: path, ...options });
}
