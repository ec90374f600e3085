/**
 * Builds the operator console's web app (console/) into dist/console/ (git-ignored): one minified
 * ES module and one stylesheet, plus the page, which local/console/server.ts serves.
 *
 *   npm run build                            (also `npm ci`'s prepare step)
 *   tsx scripts/build-console.ts --optional  a failure is a warning (prepare)
 *
 * Prints each file's size and its gzipped size: the console is meant to stay small.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CONSOLE_OUT = `${ROOT}dist/console/`;

export async function buildConsole(): Promise<{ file: string; bytes: number; gzipBytes: number }[]> {
  mkdirSync(CONSOLE_OUT, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'console/app.ts' },
    outdir: CONSOLE_OUT,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync(`${ROOT}console/index.html`, `${CONSOLE_OUT}index.html`);
  return Object.keys(result.metafile.outputs)
    .concat(`dist/console/index.html`)
    .map((file) => {
      const content = readFileSync(`${ROOT}${file}`);
      return { file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
    });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { optional: { type: 'boolean' } } });
  try {
    for (const { file, bytes, gzipBytes } of await buildConsole())
      console.log(`${file}: ${(bytes / 1024).toFixed(1)} KiB, ${(gzipBytes / 1024).toFixed(1)} KiB gzipped`);
  } catch (error) {
    if (!values.optional) throw error;
    console.warn(`console not built (${(error as Error).message}); npm run build builds it`);
  }
}
