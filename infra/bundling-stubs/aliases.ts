/**
 * Modules replaced by small stubs when a function is bundled: code our dependencies import but the
 * pipeline never runs, ~370 KB of the normalise bundle (what each stub replaces, and why that is
 * safe, is in its own file). The tests and the local runtime run the real modules unbundled;
 * test/infra/bundle.test.ts checks that bundled and unbundled normalisation give the same articles.
 *
 * Used by the function construct (esbuild `--alias`) and by the benchmark, so both bundle alike.
 */
import { fileURLToPath } from 'node:url';

/** Import path -> stub file in this folder. esbuild matches an alias on the whole import path. */
const STUBS: Readonly<Record<string, string>> = {
  // linkedom's HTMLStyleElement.sheet
  'cssomnom/parse': 'cssomnom-parse.ts',
  // sanitize-html's style-attribute filter (no style attribute is allowed)
  postcss: 'postcss.ts',
  // domutils' getOuterHTML, pulled in by linkedom's `import * as` of htmlparser2
  'dom-serializer': 'dom-serializer.ts',
  // Not code we never run: tinyld itself, loaded on the first language detection instead of at load
  'tinyld/light': 'tinyld-light.ts',
};

/** Import path -> absolute stub path (esbuild resolves alias targets from its working directory). */
export function bundlingAliases(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(STUBS).map(([module, file]) => [module, fileURLToPath(new URL(file, import.meta.url))]),
  );
}
