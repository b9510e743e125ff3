/**
 * handgrad's Node-only API: everything in the main entry plus file I/O (src/io), which needs `node:fs` /
 * `node:zlib` and so is kept out of `src/index.ts` to keep that entry browser-safe.
 */
export * from './index.js';
export { loadIdx } from './io/idx.js';
export { loadCsv } from './io/csv.js';
