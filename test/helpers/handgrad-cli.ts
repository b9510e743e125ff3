/**
 * Runs the `handgrad` command as a user would: a child process, with its exit code and output.
 * From the repository the bin's TypeScript source runs under tsx.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runHandgrad(args: readonly string[], cwd: string): CliRun {
  const run = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/cli/handgrad.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
