import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
 * If any step fails, the temp file is removed and the error is rethrown; the old file is untouched.
 * @param fs - injectable file-system calls (defaults to node:fs/promises), for testing failures
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, fs: Partial<AtomicWriteFs> = {}): Promise<void> {
  const io: AtomicWriteFs = { ...nodeFs, ...fs };
  const dir = dirname(path);
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
