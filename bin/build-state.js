// Whether the built CLI (dist/cli/, written by scripts/build-cli.ts) is there and matches the
// sources. Plain JavaScript with no dependency: bin/syndicate.js runs it on every start.
import { readFileSync, statSync } from 'node:fs';

/** The folder the CLI is built into, inside the repository at `root` (a file: URL ending in '/'). */
export const BUILD_FOLDER = 'dist/cli/';
/** What the build writes beside its output: when it was built and from which source files. */
export const BUILD_MANIFEST = 'build.json';

/**
 * Why the build under `root` cannot be used, or undefined when it can: missing, or older than one
 * of the repository files it was built from (node_modules are rebuilt for by `npm ci`'s prepare).
 */
export function buildProblem(root) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL(`${BUILD_FOLDER}${BUILD_MANIFEST}`, root), 'utf8'));
  } catch {
    return 'missing';
  }
  for (const input of manifest.inputs) {
    let modified;
    try {
      modified = statSync(new URL(input, root)).mtimeMs;
    } catch {
      return `stale: ${input} is gone`;
    }
    if (modified > manifest.builtAt) return `stale: ${input} changed since the build`;
  }
  return undefined;
}
