/**
 * Bundled in place of `cssomnom/parse` (194 KB). linkedom imports it for one thing only: the lazy
 * `HTMLStyleElement.sheet` getter, which nothing in the pipeline reads (Readability looks at inline
 * `style` attributes through `element.style`, which linkedom parses without cssomnom). Should a
 * future dependency read `sheet`, it fails loudly here instead of silently seeing no rules.
 */
export function parse(): never {
  throw new Error('CSS style sheets are not parsed in the Lambda bundle (cssomnom is stubbed out)');
}
