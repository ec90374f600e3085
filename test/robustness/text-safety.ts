/**
 * The safety oracle for the strings partners receive outside the HTML body (headlines, by, located,
 * descriptions, rights, entity names, the plain-text body, identifiers). Partners often put them in
 * a page as HTML, so each is parsed as an HTML fragment by parse5, through jsdom, a parser the
 * normaliser does not use (it strips markup with htmlparser2): what parse5 builds from the string is
 * what a browser would build. A safe string builds no element at all, and holds no control or
 * bidirectional-override character; a `uri` or `href` uses an allowed scheme.
 */
import { JSDOM } from 'jsdom';

/** One window for every check: building a window costs milliseconds, a fragment microseconds. */
let window: JSDOM['window'] | undefined;

function fragmentOf(html: string): DocumentFragment {
  window ??= new JSDOM('<!doctype html><body></body>').window;
  const template = window.document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

/** C0 controls but tab, LF and CR; DEL; C1 controls; bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const ALLOWED_SCHEME = /^(?:https?|urn|tag):/i;

/** Every string of a JSON value with its path, the HTML body left out (the body oracle checks it). */
export function stringsOf(value: unknown, path = ''): { path: string; key: string; value: string }[] {
  if (typeof value === 'string') return [{ path, key: path.slice(path.lastIndexOf('.') + 1), value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsOf(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.contentType === 'text/html' && path.startsWith('bodies')) return [];
    return Object.keys(record).flatMap((key) => stringsOf(record[key], path ? `${path}.${key}` : key));
  }
  return [];
}

/** What is wrong with the strings of a ninjs document, one line per problem; empty when it is safe. */
export function unsafeStrings(ninjs: unknown): string[] {
  const problems: string[] = [];
  for (const { path, key, value } of stringsOf(ninjs)) {
    const elements = fragmentOf(value).querySelectorAll('*');
    if (elements.length > 0) {
      const first = elements[0] as Element;
      const handler = [...first.attributes].find((attribute) => /^on/i.test(attribute.name));
      problems.push(`${path}: builds <${first.localName}>${handler ? ` with ${handler.name}=` : ''}`);
    }
    if (/<[A-Za-z!/?]/.test(value)) problems.push(`${path}: holds a tag start`);
    if (FORBIDDEN_CHARACTER.test(value)) problems.push(`${path}: holds a control or bidi-override character`);
    if ((key === 'uri' || key === 'href') && !ALLOWED_SCHEME.test(value))
      problems.push(`${path}: scheme not http(s), urn or tag: ${value.slice(0, 40)}`);
  }
  return problems;
}
