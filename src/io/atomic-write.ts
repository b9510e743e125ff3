import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkOptions, checkString, invalid } from '../core/validate.js';

/** The file-system calls {@link writeFileAtomic} makes; tests inject failures through these. */
export interface AtomicWriteFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
}

const nodeFs: AtomicWriteFs = { open: fsp.open, rename: fsp.rename, unlink: fsp.unlink };
let counter = 0;

/**
 * Writes `data` to `path` so that `path` always holds either its old content or the complete new content,
 * never a mix, even if the process dies midway:
 *
 * 1. write a temp file in the same directory (same file system, so the rename below is atomic);
 * 2. fsync it, so its bytes are on disk before it becomes visible under the real name;
 * 3. rename it over `path` (atomic on POSIX);
 * 4. fsync the directory, so the rename itself survives a crash (best effort: not every platform allows it).
 *
 * If any step fails, the temp file is removed and the error is rethrown; the old file is untouched. Temp
 * files left by writes to the same path whose process was killed are removed first.
 * @param fs - injectable file-system calls (defaults to node:fs/promises), for testing failures
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fs: Partial<AtomicWriteFs> = {}): Promise<void> {
  checkString('writeFileAtomic', 'path', path);
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) invalid('writeFileAtomic', 'data', 'a string or a Uint8Array', data, true);
  checkOptions('writeFileAtomic', 'fs', fs);
  const io: AtomicWriteFs = { ...nodeFs, ...fs };
  const dir = dirname(path);
  await removeStaleTemps(dir, basename(path), io);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  let handle: fsp.FileHandle | null = null;
  try {
    handle = await io.open(temp, 'wx', 0o644); // 'wx': fail rather than clobber an unexpected file
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = null;
    await io.rename(temp, path);
  } catch (err) {
    if (handle !== null) await handle.close().catch(() => {});
    await io.unlink(temp).catch(() => {});
    throw err;
  }
  await syncDirectory(dir);
}

/** A temp file of ours: `.<name>.<pid>.<ms>.<n>.tmp`. */
function tempPattern(name: string): RegExp {
  return new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.(\\d+)\\.\\d+\\.tmp$`);
}

/** A temp file whose writer is still running is younger than this, unless its process id was reused. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Removes temp files that earlier writes to `dir/name` left behind when their process was killed between
 * creating and renaming them (nothing else removes them, and each can be as big as the file). Only names
 * this module creates are touched, and only when their writer is gone: a process id that no longer runs,
 * or a temp file older than a day. Best effort: a failure here never fails the write.
 */
async function removeStaleTemps(dir: string, name: string, io: AtomicWriteFs): Promise<void> {
  let entries: string[];
  try {
    entries = await fsp.readdir(dir);
  } catch {
    return; // the write itself will report a missing or unreadable folder
  }
  const pattern = tempPattern(name);
  const now = Date.now();
  for (const entry of entries) {
    const m = pattern.exec(entry);
    if (m === null) continue;
    const pid = Number(m[1]);
    const age = now - Number(m[2]);
    if (pid === process.pid && age < STALE_AFTER_MS) continue; // a concurrent write of this process
    if (age < STALE_AFTER_MS && processRuns(pid)) continue; // another live writer
    await io.unlink(join(dir, entry)).catch(() => {});
  }
}

/** True if a process with this id exists (signal 0 only checks; EPERM means it exists but is not ours). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | null = null;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (e.g. Windows) cannot fsync a directory; the rename has still happened.
  } finally {
    await handle?.close().catch(() => {});
  }
}
