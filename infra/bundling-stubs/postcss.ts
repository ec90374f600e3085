/**
 * Bundled in place of `postcss` (with source-map-js, ~90 KB). sanitize-html only parses CSS for an
 * allowed `style` attribute, and our allow-list has none. If one were ever allowed, sanitize-html
 * catches this error and drops the attribute: the stub fails closed.
 */
export function parse(): never {
  throw new Error('CSS is not parsed in the Lambda bundle (postcss is stubbed out)');
}
