/**
 * How every Lambda function is bundled: one esbuild configuration, used by the construct that
 * deploys the functions (./constructs/pipeline-function.ts) and by the benchmark that measures them
 * (bench/sections/lambda.ts), so that what is measured is what is deployed.
 *
 * Minified ESM with code splitting: `index.mjs` holds what a function runs on every invocation, and
 * what it imports with `import()` only when needed goes into `chunks/` beside it — a normaliser's
 * format parsers (linkedom and Readability, markdown-it and YAML, saxes) and the SDK's credential
 * providers other than the environment's. A cold start then compiles and runs only the code the
 * first event needs (issue 7: V8 compiling the whole file was the largest part of normalise's load).
 */
import type { BuildOptions } from 'esbuild';
import { bundlingAliases } from './bundling-stubs/aliases.js';

/** The file Lambda loads (`handler: 'index.handler'`). */
export const FUNCTION_ENTRY_FILE = 'index.mjs';

/**
 * ESM bundles have no `require`; some CommonJS dependencies call it for Node built-ins at run time.
 * The alias avoids clashing with a `createRequire` import inside the bundle. Every chunk is a module
 * of its own, so each gets the banner.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __syndicationCreateRequire } from 'node:module'; const require = __syndicationCreateRequire(import.meta.url);";

/** esbuild options for one function: `entry` (absolute, under functions/) into `outdir`. */
export function functionBuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [{ in: entry, out: 'index' }],
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    // Stack traces only need the mappings; embedding sources would double the source maps.
    sourcemap: true,
    sourcesContent: false,
    // The SDK v3 clients are bundled, not taken from the runtime: minified and tree-shaken they load
    // ~110 ms faster than the runtime's node_modules tree (`npm run bench`, section 3, issue 7), and
    // the versions are the lockfile's, the ones the tests ran. JSON imports are inlined.
    // Dependencies' code the pipeline never runs is replaced by stubs (./bundling-stubs/aliases.ts).
    alias: bundlingAliases(),
    metafile: true,
    logLevel: 'warning',
  };
}
