/**
 * Native-code peers for the benchmarks: a long-lived Python process (bench/peers/*.py, built on
 * bench/peers/peer.py) that answers JSON requests line by line, so its timings can be interleaved round by
 * round with handgrad's in the same run. Arrays are handed over as raw little-endian files in a temporary
 * directory (see {@link PythonPeer.writeArray}).
 *
 * Where Python or numpy is missing, {@link findNumpy} says why and the benchmarks skip the peer with a note.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Where the peer scripts live. */
export const PEERS_DIR = fileURLToPath(new URL('../peers/', import.meta.url));

/** What {@link findNumpy} found: the interpreter and versions, or why there is none. */
export type NumpyProbe =
  | { available: true; python: string; pythonVersion: string; numpy: string }
  | { available: false; reason: string };

let probe: NumpyProbe | null = null;

/**
 * Looks for a Python with numpy once: `$HANDGRAD_PYTHON`, else `python3`, else `python`.
 */
export function findNumpy(): NumpyProbe {
  if (probe) return probe;
  const candidates = process.env.HANDGRAD_PYTHON ? [process.env.HANDGRAD_PYTHON] : ['python3', 'python'];
  const reasons: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.error) {
      reasons.push(`${python}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
      continue;
    }
    if (r.status !== 0) {
      reasons.push(`${python}: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`);
      continue;
    }
    const [pythonVersion, numpy] = r.stdout.trim().split(/\s+/);
    probe = { available: true, python, pythonVersion, numpy };
    return probe;
  }
  probe = { available: false, reason: `no Python with numpy (${reasons.join('; ')})` };
  return probe;
}

/** A raw array file handed to the peer: `{ path, shape, dtype }` (see peer.py `load_array`). */
export interface ArraySpec {
  path: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** Environment of a peer process with `threads` BLAS threads. */
function peerEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // machine-specific OpenBLAS overrides (set for other tools on some hosts) would make the native
  // reference slower or unrepresentative: let OpenBLAS detect the CPU itself, for this process only
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const n = String(threads);
  Object.assign(env, {
    OPENBLAS_NUM_THREADS: n,
    OMP_NUM_THREADS: n,
    MKL_NUM_THREADS: n,
    BLIS_NUM_THREADS: n,
    VECLIB_MAXIMUM_THREADS: n,
    HANDGRAD_BLAS_THREADS: n, // peer.py also applies it through threadpoolctl when installed
    PYTHONUNBUFFERED: '1',
  });
  return env;
}

/** A running peer process. Requests are answered in order; one may be outstanding at a time. */
export class PythonPeer {
  /** Label for tables, e.g. `numpy 1T`. */
  readonly name: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private readonly dir: string;
  private stderr = '';
  private files = 0;

  private constructor(name: string, child: ChildProcessWithoutNullStreams) {
    this.name = name;
    this.child = child;
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.dir = mkdtempSync(join(tmpdir(), 'handgrad-peer-'));
  }

  /**
   * Starts `script` (a file in bench/peers/) with `threads` BLAS threads.
   * @throws if Python with numpy is not available (check {@link findNumpy} first)
   */
  static start(name: string, script: string, threads: number): PythonPeer {
    const found = findNumpy();
    if (!found.available) throw new Error(`${name}: ${found.reason}`);
    const child = spawn(found.python, ['-u', join(PEERS_DIR, script)], { env: peerEnv(threads), stdio: 'pipe' });
    return new PythonPeer(name, child);
  }

  /** Sends one request and waits for its reply; throws with the peer's error (and stderr) on failure. */
  async call<T = Record<string, unknown>>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    this.child.stdin.write(JSON.stringify({ cmd, ...args }) + '\n');
    const next = await this.lines.next();
    if (next.done) throw new Error(`${this.name}: peer exited before answering '${cmd}'\n${this.stderr}`);
    const reply = JSON.parse(next.value) as { ok: boolean; error?: string; trace?: string } & T;
    if (!reply.ok) throw new Error(`${this.name}: '${cmd}' failed: ${reply.error}\n${reply.trace ?? ''}`);
    return reply;
  }

  /** Writes `data` as a raw little-endian file for the peer and returns its spec. */
  writeArray(data: Float32Array | Int32Array, shape: readonly number[]): ArraySpec {
    const path = join(this.dir, `a${this.files++}.bin`);
    writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return { path, shape: [...shape], dtype: data instanceof Int32Array ? 'int32' : 'float32' };
  }

  /** Asks the peer to exit, waits for it, and removes the array files. */
  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.stdin.end(JSON.stringify({ cmd: 'exit' }) + '\n');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      if (this.child.exitCode === null) this.child.kill();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Milliseconds to wait after a multi-threaded BLAS round: OpenBLAS workers spin briefly before they
 * sleep, and would otherwise steal the other core from whoever is timed next. */
export const BLAS_SPIN_SETTLE_MS = 200;
