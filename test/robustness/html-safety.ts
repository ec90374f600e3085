/**
 * The safety oracle for article bodies partners receive: the HTML is parsed again, as a partner's
 * page would parse it, and every element, attribute and URL is checked against the allow-list of
 * ../../shared/normaliser/body.ts. "A string is not present" proves little (entities, case, whitespace
 * and parser quirks hide strings); what the parsers build from the markup is what runs.
 *
 * Two independent parsers: htmlparser2 as a token stream (with entity decoding, so `&#106;avascript:`
 * is seen as `javascript:`) and linkedom as a DOM (namespaces, implied elements).
 */
import { Parser } from 'htmlparser2';
import { parseHTML } from 'linkedom';

/** The allow-list of shared/normaliser/body.ts, restated: a change there must be a conscious change here. */
export const ALLOWED_TAGS: ReadonlySet<string> = new Set(
  (
    'p h1 h2 h3 h4 h5 h6 blockquote pre ul ol li dl dt dd table thead tbody tfoot tr th td caption ' +
    'figure figcaption hr br a img strong b em i u s sub sup small mark q cite abbr code span'
  ).split(' '),
);

export const ALLOWED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'width', 'height'],
  th: ['colspan', 'rowspan'],
  td: ['colspan', 'rowspan'],
};

/** Attributes that hold a URL, and the schemes each may use. */
const URL_ATTRIBUTES: Readonly<Record<string, RegExp>> = {
  href: /^(?:https?:\/\/|mailto:)/i,
  src: /^https?:\/\//i,
};

export interface SafetyOptions {
  /**
   * Whether relative URLs (`/path`, `x.jpg`) count as violations. They cannot run script, but in a
   * partner's page they point into the partner's own site (an `<img src="/account/logout">` is a
   * request with the reader's cookies), so the strict check refuses them.
   */
  readonly allowRelativeUrls?: boolean;
}

function urlProblem(tag: string, name: string, value: string, options: SafetyOptions): string | undefined {
  const pattern = URL_ATTRIBUTES[name];
  if (!pattern) return undefined;
  // What a browser does before resolving: strip leading/trailing C0 controls and spaces, drop tabs and newlines.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to strip control characters
  const url = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  if (pattern.test(url)) return undefined;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//');
  if (!hasScheme && options.allowRelativeUrls) return undefined;
  return `<${tag} ${name}="${value.slice(0, 60)}">: ${hasScheme ? 'scheme not allowed' : 'relative URL'}`;
}

function attributeProblems(
  tag: string,
  attributes: Readonly<Record<string, string>>,
  options: SafetyOptions,
): string[] {
  const problems: string[] = [];
  const allowed = ALLOWED_ATTRIBUTES[tag] ?? [];
  for (const [name, value] of Object.entries(attributes)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('on')) problems.push(`<${tag} ${name}>: event handler`);
    else if (!allowed.includes(lower)) problems.push(`<${tag} ${name}>: attribute not allowed`);
    const url = urlProblem(tag, lower, value, options);
    if (url) problems.push(url);
  }
  return problems;
}

/** What htmlparser2 sees: every tag, attribute (entities decoded), comment, CDATA and processing instruction. */
function tokenProblems(html: string, options: SafetyOptions): string[] {
  const problems: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (!ALLOWED_TAGS.has(name)) problems.push(`<${name}>: element not allowed`);
        problems.push(...attributeProblems(name, attributes, options));
      },
      oncomment() {
        problems.push('a comment');
      },
      oncdatastart() {
        problems.push('a CDATA section');
      },
      onprocessinginstruction(name) {
        problems.push(`a declaration or processing instruction (${name})`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return problems;
}

interface DomElement {
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly attributes: Iterable<{ readonly name: string; readonly value: string }>;
}

/** What a DOM builds: elements in any namespace (an `<a>` inside `<svg>` is an SVG element). */
function domProblems(html: string, options: SafetyOptions): string[] {
  const { document } = parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`) as {
    document: { body: { querySelectorAll(selector: string): Iterable<DomElement> } };
  };
  const problems: string[] = [];
  for (const element of document.body.querySelectorAll('*')) {
    const tag = element.localName.toLowerCase();
    if (element.namespaceURI && element.namespaceURI !== 'http://www.w3.org/1999/xhtml')
      problems.push(`<${tag}>: in namespace ${element.namespaceURI}`);
    if (!ALLOWED_TAGS.has(tag)) problems.push(`<${tag}>: element not allowed (DOM)`);
    const attributes: Record<string, string> = {};
    for (const attribute of element.attributes) attributes[attribute.name] = attribute.value;
    problems.push(...attributeProblems(tag, attributes, options).map((problem) => `${problem} (DOM)`));
  }
  return problems;
}

/** Every way the HTML steps outside the allow-list; empty when it is safe to put in a partner's page. */
export function unsafeHtml(html: string, options: SafetyOptions = {}): string[] {
  return [...new Set([...tokenProblems(html, options), ...domProblems(html, options)])];
}

/**
 * The markup of an HTML fragment without its text: each start tag as `<name attr="value">`, entities
 * in attribute values decoded. What is quoted as text (`&lt;script&gt;`) is not in it.
 */
export function markupOf(html: string): string {
  const tags: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const rendered = Object.entries(attributes).map(([key, value]) => ` ${key}="${value}"`);
        tags.push(`<${name}${rendered.join('')}>`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return tags.join('');
}
