import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './usage-error.js';

/*
 * Loading a user's layer file. JavaScript is imported as it is. TypeScript needs its types removed first,
 * and handgrad ships no transpiler (its package has no runtime dependencies), so the first of these that
 * is available does it:
 *   1. Node's own type stripping (on by default from Node 23.6 / 22.18; `--experimental-strip-types` from
 *      22.6), seen as `process.features.typescript`;
 *   2. tsx from the user's project (its loader registered), which also handles the file's own .ts imports;
 *   3. esbuild from the user's project, bundling the file's relative imports (packages stay external).
 * A TypeScript user on Node 20 has one of the two in their project (it is how they run TypeScript); if not,
 * the message says what to install. Both are declared as optional peer dependencies.
 */

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/** How the module was loaded, for the report. */
export type LoadedWith = 'node' | 'node type stripping' | 'tsx' | 'esbuild';

/** Imports the module at `file` (relative to the working directory), TypeScript or JavaScript. */
export async function importUserModule(file: string): Promise<{ module: Record<string, unknown>; loadedWith: LoadedWith }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`cannot find ${file}`);
  const ext = extname(path);
  const url = pathToFileURL(path).href;
  if (JAVASCRIPT.has(ext)) return { module: await importOrExplain(file, () => import(url)), loadedWith: 'node' };
  if (!TYPESCRIPT.has(ext)) throw new UsageError(`${file}: expected a .ts, .mts, .cts, .js, .mjs or .cjs file`);

  if ((process.features as { typescript?: unknown }).typescript) {
    return { module: await importOrExplain(file, () => import(url)), loadedWith: 'node type stripping' };
  }
  const tsx = resolveEsmExport(path, 'tsx', './esm/api');
  if (tsx !== null) {
    const api = (await import(pathToFileURL(tsx).href)) as { register?: TsxRegister; default?: { register?: TsxRegister } };
    const register = api.register ?? api.default?.register;
    if (typeof register === 'function') {
      // Registered for the whole process, not as a namespaced tsImport: a namespace would load the user's
      // `handgrad` import as a second copy of the library, and the float64 check needs it to be this one.
      register();
      // and tsx's require hook, as `tsx file.ts` has both (a layer file may require() an ESM-syntax file)
      const cjs = resolveEsmExport(path, 'tsx', './cjs/api');
      if (cjs !== null) {
        const cjsApi = (await import(pathToFileURL(cjs).href)) as { register?: TsxRegister; default?: { register?: TsxRegister } };
        (cjsApi.register ?? cjsApi.default?.register)?.();
      }
      return { module: await importOrExplain(file, () => import(url)), loadedWith: 'tsx' };
    }
  }
  const esbuild = resolveFromProject(path, 'esbuild');
  if (esbuild !== null) {
    return { module: await importOrExplain(file, () => importWithEsbuild(esbuild, path)), loadedWith: 'esbuild' };
  }
  throw new UsageError(
    `${file} is TypeScript, and Node ${process.version} cannot load TypeScript by itself. ` +
      'Install a transpiler in your project (npm install --save-dev tsx — or esbuild), ' +
      'use Node ≥ 22.18 (or 22.6 with --experimental-strip-types), or check the compiled .js file.',
  );
}

type TsxRegister = () => unknown;

/** `specifier` resolved from the layer file's folder, then from the working directory; null if neither has it. */
function resolveFromProject(path: string, specifier: string): string | null {
  for (const from of [path, join(process.cwd(), 'noop.js')]) {
    try {
      return createRequire(from).resolve(specifier);
    } catch {
      // not installed there
    }
  }
  return null;
}

/**
 * The ES-module file a package exports under `subpath`, found from the user's project. (`require.resolve`
 * would pick the CommonJS build, and tsx's CommonJS API registers its loader from a path that only works
 * when it is itself loaded as ESM.)
 */
function resolveEsmExport(path: string, name: string, subpath: string): string | null {
  const manifest = resolveFromProject(path, `${name}/package.json`);
  if (manifest === null) return null;
  try {
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, unknown> };
    let entry: unknown = pkg.exports?.[subpath];
    while (entry !== null && typeof entry === 'object') {
      const conditions = entry as Record<string, unknown>;
      entry = conditions.import ?? conditions.default;
    }
    return typeof entry === 'string' ? join(dirname(manifest), entry) : null;
  } catch {
    return null;
  }
}

/** Bundles the file's own relative imports with esbuild into a temporary module beside it, and imports that. */
async function importWithEsbuild(esbuildPath: string, path: string): Promise<Record<string, unknown>> {
  const esbuild = (await import(pathToFileURL(esbuildPath).href)) as { build?: EsbuildBuild; default?: { build?: EsbuildBuild } };
  const build = esbuild.build ?? esbuild.default?.build;
  if (typeof build !== 'function') throw new UsageError(`the esbuild at ${esbuildPath} has no build()`);
  const result = await build({
    entryPoints: [path],
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    logLevel: 'silent',
  });
  // Beside the original, so its package imports (handgrad, tfjs) resolve from the same node_modules.
  const temp = join(dirname(path), `.${basename(path)}.handgrad-check-${process.pid}.mjs`);
  writeFileSync(temp, result.outputFiles[0].text);
  try {
    return (await import(pathToFileURL(temp).href)) as Record<string, unknown>;
  } finally {
    unlinkSync(temp);
  }
}

type EsbuildBuild = (options: Record<string, unknown>) => Promise<{ outputFiles: { text: string }[] }>;

/** Runs the import; a module that fails to load (syntax error, missing import) is a usage error naming the file. */
async function importOrExplain(file: string, load: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    return (await load()) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`could not load ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
