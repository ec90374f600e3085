/**
 * Bundled in place of `tinyld/light`: the same `detect`, but tinyld is loaded on its first call
 * rather than when the bundle is. Importing tinyld decodes its language tables (~25 ms of a cold
 * start, `npm run bench`, section 3), and most articles never call it: plainly English text is
 * recognised without it (shared/formats/assemble.ts). esbuild bundles a `require` of a CommonJS
 * file as a wrapper that runs on the first call, where an `import` would run at load.
 *
 * The path names the package's CommonJS build directly, because `tinyld/light` itself is aliased
 * to this file (test/infra/bundle.test.ts checks that the bundle finds it and detects alike).
 */
import type * as Tinyld from 'tinyld/light';

let tinyld: typeof Tinyld | undefined;

export function detect(...args: Parameters<typeof Tinyld.detect>): string {
  tinyld ??= require('../../node_modules/tinyld/dist/tinyld.light.node.js') as typeof Tinyld;
  return tinyld.detect(...args);
}
