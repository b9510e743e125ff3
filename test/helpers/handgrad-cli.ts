/**
 * The `handgrad` command as a user gets it: the packed package installed into a fresh project (through
 * test/helpers/packed-package.ts), run as `node_modules/.bin/handgrad` in a child process.
 *
 * A project may also have a TypeScript transpiler or TensorFlow.js "installed": the repository's own copy is
 * linked into its node_modules (what `npm install` of a local folder does), because these tests run
 * offline and npm's cache holds tarballs, not the registry's package listings.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { consumerProject, removeProject, repoRoot } from './packed-package.js';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Extra packages a test project has besides handgrad. */
export type ProjectPackage = 'tsx' | 'esbuild' | '@tensorflow';

/** A temporary ES-module project with the packed handgrad (and `extras`) installed; remove it with {@link removeProject}. */
export async function cliProject(extras: readonly ProjectPackage[] = []): Promise<string> {
  const dir = await consumerProject({ type: 'module' });
  for (const name of extras) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  return dir;
}

/** Runs `handgrad args…` in `project` (made by {@link cliProject}). */
export function runHandgrad(args: readonly string[], project: string): CliRun {
  const run = spawnSync(join(project, 'node_modules/.bin/handgrad'), args, { cwd: project, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export { removeProject };
