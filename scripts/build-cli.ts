/**
 * Builds the `syndicate` CLI and the local runtime into dist/cli/ (git-ignored): ESM bundles with
 * source maps, split so that each command's code, and the emulators', handlers' and parsers' behind
 * it, is a chunk loaded only when that command runs (`syndicate --help` loads the entry alone).
 * bin/syndicate.js runs the result, and falls back to the sources when it is missing or stale.
 *
 *   npm run build                          (also `npm ci`'s prepare step)
 *   tsx scripts/build-cli.ts --if-stale    only when the sources changed since the last build
 *   tsx scripts/build-cli.ts --optional    a failure is a warning (prepare: the CLI still runs from the sources)
 *
 * esbuild is a dependency of tsx, so this also works after `npm ci --omit=dev`. The output is built
 * beside dist/cli/ and then swapped in, so a CLI started meanwhile finds the old build or the new.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { BUILD_FOLDER, BUILD_MANIFEST, buildProblem } from '../bin/build-state.js';
import { bundlingAliases } from '../infra/bundling-stubs/aliases.js';

const ROOT_URL = new URL('../', import.meta.url);
const ROOT = fileURLToPath(ROOT_URL);
const OUT = fileURLToPath(new URL(BUILD_FOLDER, ROOT_URL));

/**
 * ESM bundles have no `require`; some CommonJS dependencies call it for Node built-ins at run time
 * (the same banner as the Lambda bundles, infra/bundling.ts).
 */
const REQUIRE_BANNER =
  "import { createRequire as __syndicationCreateRequire } from 'node:module'; const require = __syndicationCreateRequire(import.meta.url);";

export async function buildCli(): Promise<{ files: number; inputs: number }> {
  const builtAt = Date.now();
  const staging = `${OUT.replace(/\/$/, '')}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'cli/main.ts', 'emulator-thread': 'local/emulator-thread.ts' },
    outdir: staging,
    // Every chunk sits beside the entries, two folders below the repository root as the sources
    // are, so module-relative paths (config/partners.json, events/) resolve the same from both.
    chunkNames: '[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    // What the Lambda bundles stub out (code the pipeline never runs), stubbed here too, so the
    // CLI normalises exactly as the deployed function does.
    alias: bundlingAliases(),
    // The emulators stay in node_modules: they read files beside their own code (dynalite's storage
    // loads a native addon) and only `start`, `run` and `invoke` load them.
    external: ['dynalite', 's3rver', 'fauxqs'],
    metafile: true,
    logLevel: 'warning',
  });
  // The repository's own files the build read: changing one makes the build stale.
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/') && !input.startsWith('<'))
    .map((input) => relative(ROOT, `${ROOT}${input}`))
    .sort();
  writeFileSync(`${staging}/${BUILD_MANIFEST}`, `${JSON.stringify({ builtAt, inputs }, null, 2)}\n`);
  const previous = `${OUT.replace(/\/$/, '')}.previous-${process.pid}`;
  if (existsSync(OUT)) renameSync(OUT, previous);
  try {
    renameSync(staging, OUT);
  } catch {
    // Another build swapped its output in meanwhile: it was built from the same sources.
    rmSync(staging, { recursive: true, force: true });
  }
  rmSync(previous, { recursive: true, force: true });
  return { files: Object.keys(result.metafile.outputs).length, inputs: inputs.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      'if-stale': { type: 'boolean', default: false },
      optional: { type: 'boolean', default: false },
    },
  });
  if (values['if-stale'] && buildProblem(ROOT_URL) === undefined) process.exit(0);
  try {
    const started = performance.now();
    const { files, inputs } = await buildCli();
    process.stdout.write(
      `built the CLI into ${BUILD_FOLDER}: ${files} files from ${inputs} sources in ${Math.round(performance.now() - started)} ms\n`,
    );
  } catch (error) {
    if (!values.optional) throw error;
    process.stderr.write(
      `warning: the CLI could not be built (${(error as Error).message.split('\n')[0]}); bin/syndicate.js runs the sources instead\n`,
    );
  }
}
