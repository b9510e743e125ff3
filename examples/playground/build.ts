/**
 * Builds the playground with esbuild: `tsx examples/playground/build.ts` writes static files to
 * examples/playground/dist/; with `--serve` it rebuilds on change and serves them on 127.0.0.1.
 *
 * esbuild rather than Vite: it is already the project's bundler (the browser-bundle test uses it), it
 * bundles TypeScript and the worker as two entry points with no config files, and its built-in server is
 * all a dev loop needs here — one dependency instead of Vite's tree.
 */
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = import.meta.dirname;
export const distDir = join(here, 'dist');

const copyPublic: esbuild.Plugin = {
  name: 'copy-public',
  setup(build) {
    build.onEnd(async () => {
      await cp(join(here, 'public'), distDir, { recursive: true });
    });
  },
};

export function buildOptions(): esbuild.BuildOptions {
  return {
    entryPoints: { main: join(here, 'src/main.ts'), worker: join(here, 'src/worker.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: distDir,
    sourcemap: true,
    // The page imports 'handgrad' as a user's would; in this repo tsconfig.json's `paths` map that name to
    // src/ (esbuild reads them), so the playground needs no `npm run build` first.
    tsconfig: join(here, '..', '..', 'tsconfig.json'),
    logLevel: 'warning',
    plugins: [copyPublic],
  };
}

/** A clean build into dist/. */
export async function buildPlayground(): Promise<void> {
  await rm(distDir, { recursive: true, force: true });
  await mkdir(distDir, { recursive: true });
  await esbuild.build(buildOptions());
}

async function serve(port: number): Promise<void> {
  await mkdir(distDir, { recursive: true });
  const ctx = await esbuild.context(buildOptions());
  await ctx.watch();
  const server = await ctx.serve({ servedir: distDir, host: '127.0.0.1', port });
  console.log(`handgrad playground: http://127.0.0.1:${server.port}/  (rebuilds on change; Ctrl-C to stop)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--serve')) {
    const at = process.argv.indexOf('--port');
    await serve(at > 0 ? Number(process.argv[at + 1]) : 8000);
  } else {
    await buildPlayground();
    console.log(`built ${distDir}`);
  }
}
