/**
 * handgrad as a user gets it: `npm pack` (which builds dist/ through the `prepare` script) and an
 * `npm install <tarball>` into a fresh temporary project. Any test that needs the installed package —
 * the consumer tests in test/package/, a CLI test spawning `node_modules/.bin/handgrad` — uses these two
 * functions, so the package is built and packed once, not once per test file.
 *
 * The tarball is cached in node_modules/.cache/handgrad-packed/<hash>/, keyed by a hash of everything the
 * build reads (src/, package.json, the tsconfigs, README, LICENSE, the TypeScript version): an unchanged
 * tree reuses it, any change packs afresh. A lock directory keeps parallel test workers from building
 * into dist/ at the same time. Installing needs no network: handgrad has no dependencies.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
const cacheRoot = join(repoRoot, 'node_modules', '.cache', 'handgrad-packed');

/** The packed package: where the tarball is and what npm says is in it. */
export interface PackedPackage {
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** Paths inside the package, e.g. `dist/index.js`, `LICENSE`. */
  readonly files: readonly string[];
  /** Bytes of the tarball (gzipped). */
  readonly size: number;
  /** Bytes of all files once unpacked. */
  readonly unpackedSize: number;
}

/** What a finished command left behind. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args…` in `cwd` and collects its output; never rejects (check `code`). */
export function run(command: string, args: readonly string[], cwd: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20, env: { ...process.env, ...quietNpm, ...options.env } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr: err !== null && stderr === '' ? err.message : stderr });
      },
    );
  });
}

const quietNpm = { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

let packed: Promise<PackedPackage> | null = null;

/** Builds and packs the repo once (or reuses the cached tarball of an identical tree). */
export function packedPackage(): Promise<PackedPackage> {
  packed ??= packOnce();
  return packed;
}

async function packOnce(): Promise<PackedPackage> {
  const dir = join(cacheRoot, inputsHash());
  const manifest = join(dir, 'pack.json');
  if (!existsSync(manifest)) {
    await withLock(async () => {
      if (existsSync(manifest)) return; // another worker packed it while we waited
      mkdirSync(cacheRoot, { recursive: true });
      const staging = mkdtempSync(join(cacheRoot, 'staging-'));
      const r = await run('npm', ['pack', '--json', '--pack-destination', staging], repoRoot, { timeoutMs: 300_000 });
      if (r.code !== 0) throw new Error(`npm pack failed (exit ${r.code}):\n${r.stderr}\n${r.stdout}`);
      // lifecycle output goes to stderr; stdout is the JSON report (an array with one entry)
      const [report] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as NpmPackReport[];
      const info = { filename: report.filename, size: report.size, unpackedSize: report.unpackedSize, files: report.files.map((f) => f.path) };
      writeFileSync(join(staging, 'pack.json'), JSON.stringify(info, null, 2));
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir); // the cache entry appears whole or not at all
      pruneOldEntries(dir);
    });
  }
  const info = JSON.parse(readFileSync(manifest, 'utf8')) as { filename: string; size: number; unpackedSize: number; files: string[] };
  return { tarball: join(dir, info.filename), files: info.files, size: info.size, unpackedSize: info.unpackedSize };
}

interface NpmPackReport {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/**
 * A new temporary project (its own folder under the OS temp dir, with a package.json of the given module
 * type and the given files) with the packed handgrad installed from the tarball, as `npm install` does it
 * for a user. Returns the project folder; remove it with {@link removeProject}.
 */
export async function consumerProject(options: { type: 'module' | 'commonjs'; files?: Record<string, string> }): Promise<string> {
  const { tarball } = await packedPackage();
  const dir = mkdtempSync(join(tmpdir(), 'handgrad-consumer-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'handgrad-consumer', private: true, type: options.type }, null, 2));
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  // --offline: nothing to download (no dependencies); --ignore-scripts: a tarball's `prepare` never runs anyway
  const r = await run('npm', ['install', tarball, '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  if (r.code !== 0) throw new Error(`npm install ${tarball} failed in ${dir} (exit ${r.code}):\n${r.stderr}`);
  return dir;
}

/** Removes cache entries (other than `keep`) untouched for a day: each edit of src/ leaves one behind. */
function pruneOldEntries(keep: string): void {
  for (const name of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, name);
    if (path !== keep && name !== 'lock' && Date.now() - statMtime(path) > 24 * 3600_000) rmSync(path, { recursive: true, force: true });
  }
}

/** Deletes a folder made by {@link consumerProject}. */
export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A hash of every file the build and the tarball depend on. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const files = [...listFiles(join(repoRoot, 'src')), ...['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE'].map((f) => join(repoRoot, f))];
  for (const file of files.sort()) {
    hash.update(relative(repoRoot, file)).update('\0').update(existsSync(file) ? readFileSync(file) : '').update('\0');
  }
  const typescript = JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string };
  hash.update(`typescript@${typescript.version}`);
  return hash.digest('hex').slice(0, 16);
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Runs `work` while holding a lock directory; a lock older than 10 minutes is taken as abandoned. */
async function withLock(work: () => Promise<void>): Promise<void> {
  const lock = join(cacheRoot, 'lock');
  mkdirSync(cacheRoot, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - statMtime(lock) > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function statMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now(); // just released: try again
  }
}
