/**
 * numpy as a native reference in the benchmarks: finds a python3 with numpy, prepares its environment,
 * passes arrays as raw little-endian files, and drives a long-lived Python worker over JSON lines (one
 * request, one reply per line), so a benchmark can interleave numpy steps with its own in one run.
 *
 * Environment: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are set on this machine as a workaround for old
 * OpenBLAS builds; they slow a current numpy, so they are removed for the worker (and only there).
 * OPENBLAS_NUM_THREADS (and OMP_/MKL_) is set from `threads` (default 1: the same single thread that
 * handgrad uses).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** The worker's environment: this process's, without the OpenBLAS workarounds, with a thread count. */
export function numpyEnv(threads = 1): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  for (const k of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[k] = String(threads);
  return env;
}

export type NumpyCheck = { ok: true; python: string; numpy: string } | { ok: false; reason: string };

/** Whether `python3` (or $PYTHON) can import numpy; the reason in words if not. */
export function findNumpy(): NumpyCheck {
  const python = process.env.PYTHON ?? 'python3';
  const r = spawnSync(python, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', env: numpyEnv(), timeout: 60_000 });
  if (r.error) return { ok: false, reason: `${python} not found (${r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `${python} has no numpy (${r.stderr.trim().split('\n').pop()})` };
  return { ok: true, python, numpy: r.stdout.trim() };
}

/** Arrays written as raw little-endian files into a temporary folder (removed by `remove`). */
export function writeArrays(arrays: Record<string, Float32Array | Int32Array>): { files: Record<string, string>; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'handgrad-bench-'));
  const files: Record<string, string> = {};
  for (const [name, a] of Object.entries(arrays)) {
    files[name] = join(dir, `${name}.bin`);
    writeFileSync(files[name], new Uint8Array(a.buffer, a.byteOffset, a.byteLength)); // x86/ARM hosts are little-endian
  }
  return { files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A Python script that answers one JSON line on stdout for each JSON line on stdin. */
export class PythonWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private stderr = '';
  private exited = false;

  constructor(python: string, script: string, threads = 1) {
    this.child = spawn(python, [script], { env: numpyEnv(threads), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.replies.push(line);
    });
    this.child.on('exit', () => {
      this.exited = true;
      this.waiting?.(null);
    });
    this.child.on('error', (err) => {
      this.stderr += err.message;
    });
  }

  /** Sends `message` and resolves to the parsed reply; rejects with the worker's stderr if it died. */
  async request<T>(message: object): Promise<T> {
    if (this.exited) throw new Error(`python worker has exited: ${this.stderr.trim()}`);
    this.child.stdin.write(JSON.stringify(message) + '\n');
    const line = this.replies.shift() ?? (await new Promise<string | null>((resolve) => (this.waiting = resolve)));
    if (line === null) throw new Error(`python worker exited: ${this.stderr.trim()}`);
    const reply = JSON.parse(line) as T & { error?: string };
    if (reply.error) throw new Error(`python worker: ${reply.error}`);
    return reply;
  }

  close(): void {
    this.child.stdin.end();
    if (!this.exited) this.child.kill();
  }
}
