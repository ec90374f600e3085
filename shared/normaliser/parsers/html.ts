/**
 * HTML news pages: the article body from Mozilla Readability, the metadata from what the page states
 * (JSON-LD, OpenGraph, `article:*` and other meta tags, `<link rel=canonical>`, `<html lang>`,
 * `<title>`), both read from one linkedom document (../shared/notes/platform-facts.md).
 *
 * Steps: one streaming pass before any DOM exists checks the nesting depth and keeps the JSON-LD
 * scripts and `<html lang>`; build the DOM once; read the meta tags from `<head>`; point relative
 * links at the page's own URL; run Readability, which mutates that same document (it removes the
 * scripts, hence the JSON-LD read before); refuse pages whose "article" is too short or mostly
 * links; choose each field from the most explicit source and record the choice in `provenance`.
 * The body is returned unsanitised: the assembly sanitises it (./body.ts).
 */
import { Readability } from '@mozilla/readability';
import { Parser } from 'htmlparser2';
import { parseHTML } from 'linkedom';
import type { Provenance } from '../../domain/provenance.js';
import { collapseWhitespace, MAX_HTML_ELEMENTS } from '../body.js';
import { RejectedInputError } from '../errors.js';
import type { ArticleParts, FormatParser, ParseContext } from '../parts.js';

/**
 * Fewer words than this is not an article. Readability returns its best block even when the page
 * has no article, so on an error page or a cookie wall it returns a sentence or two. 25 words is
 * about two sentences: more than such notices, less than a one-paragraph news brief.
 */
const MIN_ARTICLE_WORDS = 25;
/**
 * Above this share of the text inside links, the block Readability chose is a list of links (a
 * section front, a navigation menu, a list of related stories), not an article. Article paragraphs
 * with inline links stay far below it (the fixtures: 11% for heise, 0% for the Herald Sun).
 */
const MAX_LINK_DENSITY = 0.5;
/** A longer "title" is a paragraph or junk, not a headline (the plain-text parser's limit too). */
const MAX_HEADLINE_CHARS = 300;
/** More keywords than this is tag stuffing; they add noise to subject matching, not meaning. */
const MAX_KEYWORDS = 50;

/** schema.org types (and their subtypes) whose JSON-LD describes the article itself. */
const ARTICLE_TYPES = new Set([
  'Article',
  'NewsArticle',
  'AnalysisNewsArticle',
  'AskPublicNewsArticle',
  'BackgroundNewsArticle',
  'OpinionNewsArticle',
  'ReportageNewsArticle',
  'ReviewNewsArticle',
  'BlogPosting',
  'LiveBlogPosting',
  'SocialMediaPosting',
  'DiscussionForumPosting',
  'Report',
  'ScholarlyArticle',
  'TechArticle',
  'SatiricalArticle',
  'AdvertiserContentArticle',
]);

/**
 * The part of the DOM this parser uses. The project compiles without the DOM library, so linkedom's
 * and Readability's declarations name types that do not resolve here; linkedom's nodes have these
 * members.
 */
interface PageNode {
  /** Elements only; text and comment nodes have none. */
  readonly localName?: string;
}

interface PageElement extends PageNode {
  readonly localName: string;
  readonly textContent: string | null;
  readonly innerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selectors: string): Iterable<PageElement>;
  getElementsByTagName(name: string): Iterable<PageElement>;
  closest(selectors: string): PageElement | null;
  readonly firstElementChild: PageElement | null;
  readonly nextElementSibling: PageElement | null;
  readonly childNodes: Iterable<PageNode>;
  append(...nodes: PageNode[]): void;
  prepend(...nodes: PageNode[]): void;
  remove(): void;
}

/**
 * Readability's declared `Document`: the DOM library's when some dependency's types load it, else
 * unresolved. linkedom's document is one at run time; PageDocument names what this file uses of it.
 */
type ReadabilityDocument = ConstructorParameters<typeof Readability>[0];

interface PageDocument {
  readonly documentElement: PageElement | null;
  readonly firstElementChild: PageElement | null;
  readonly head: PageElement | null;
  querySelectorAll(selectors: string): Iterable<PageElement>;
  createElement(localName: string): PageElement;
}

/** What one streaming pass over the markup finds before any DOM is built. */
interface MarkupScan {
  /** `<html>` comes first: a whole document rather than a fragment. */
  readonly isDocument: boolean;
  /** The first `<html lang>`: the root's, or a fragment's own `<html>` further in. */
  readonly lang?: string;
  /** The text of each `<script type="application/ld+json">`, in document order. */
  readonly jsonLd: readonly string[];
  /** A named `<meta>` or a canonical `<link>` outside `<head>`: metadata is looked for everywhere. */
  readonly metadataOutsideHead: boolean;
}

/** What the page states about its article, before any choice between sources. */
interface PageMetadata {
  /** Meta tag values by lower-cased `property` or `name`, in document order. */
  readonly meta: ReadonlyMap<string, readonly string[]>;
  readonly canonical?: string;
  readonly title?: string;
  readonly lang?: string;
  /** The `href` of the page's own `<base>`, `''` for a `<base>` without one. */
  readonly baseHref?: string;
  readonly jsonLd: JsonLdArticle;
}

/** The fields read from the first JSON-LD node of an article type. */
interface JsonLdArticle {
  readonly headline?: string;
  readonly alternativeHeadline?: string;
  readonly authors: readonly string[];
  readonly datePublished?: string;
  readonly dateModified?: string;
  readonly description?: string;
  readonly keywords: readonly string[];
  readonly sections: readonly string[];
  readonly inLanguage?: string;
  readonly url?: string;
  readonly publisher?: string;
}

interface Extraction {
  readonly title?: string;
  readonly byline?: string;
  readonly html: string;
}

interface Choice {
  readonly value: string;
  readonly provenance: Provenance;
}

/** Made on first use: creating it loads ICU's word-break data (6–28 ms), which non-HTML articles never need. */
let wordSegmenter: Intl.Segmenter | undefined;

function clean(value: string | null | undefined): string | undefined {
  const cleaned = value === null || value === undefined ? undefined : collapseWhitespace(value).trim();
  return cleaned || undefined;
}

function wordsIn(text: string, limit: number): number {
  let words = 0;
  wordSegmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  for (const segment of wordSegmenter.segment(text)) {
    if (segment.isWordLike && ++words >= limit) break;
  }
  return words;
}

/**
 * Counts words up to `limit` only. The segmenter copies all the text it is given, so it gets a
 * prefix: first one where `limit` words of a Latin-script language fit, then, if they were not
 * all there, one long enough for any language. The cost does not grow with the article.
 */
function wordsUpTo(text: string, limit: number): number {
  const short = limit * 12;
  if (text.length > short) {
    // A word cut at the end of the prefix is still one word: the count up to `limit` is the same.
    const words = wordsIn(text.slice(0, short), limit);
    if (words >= limit) return words;
  }
  return wordsIn(text.slice(0, limit * 50), limit);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

const JSON_LD_TYPE = /^\s*application\/ld\+json/i;
const CANONICAL_REL = /(^|\s)canonical(\s|$)/i;

/**
 * Above this many `<`, the page is scanned before any DOM is built. htmlparser2 keeps its open
 * elements in an array it shifts, so building n nested elements costs ~n²: about 10 ms for 5,000,
 * 100 ms for 20,000 — a refusal that the scan, stopping at the first element too deep, gives in
 * under a millisecond. Pages of up to ~3,000 elements (the fixtures: ~600 elements, ~1,500 `<`)
 * take the one parse.
 */
const SCAN_FIRST_ABOVE = 8_000;

/**
 * At least the number of elements any parse of `text` can make: every element comes from a `<`
 * (an open tag, or htmlparser2's `</p>` and `</br>` for stray end tags). Counting them costs ~2%
 * of tokenising, so pages that cannot be too large are never tokenised just to count.
 */
function elementBound(text: string): number {
  let count = 0;
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) count++;
  return count;
}

/**
 * The usual start of a page: whitespace, an XML prolog and a doctype (neither opens an element),
 * then `<html`. Comments are left to the parser (`<!--->` is a whole comment).
 */
const HTML_START = /^\s*(?:<\?[^>]*>\s*)?(?:<!doctype[^>]*>\s*)?<html[\s/>]/i;

/**
 * Whether the first tag htmlparser2 opens is `<html>` (a whole document rather than a fragment).
 * Any other start is left to the parser, paused at the first tag so that it reads only the
 * page's first bytes.
 */
function opensWithHtml(text: string): boolean {
  if (HTML_START.test(text)) return true;
  let first: string | undefined;
  const parser = new Parser(
    {
      onopentagname(name) {
        first ??= name;
        parser.pause();
      },
    },
    { decodeEntities: false },
  );
  parser.write(text);
  return first === 'html';
}

/**
 * One pass of htmlparser2's streaming parser, which is what linkedom builds its tree with (same
 * implied closes, same void elements), so the depth seen here is the depth of the DOM. It stops at
 * the first element too deep. It decodes no entities and builds no attribute objects, but it is a
 * second tokenisation of the page (~5% of the normaliser's time): it runs only when the page may
 * be too large or too deep for a DOM (elementBound), and to name the line of an element found too
 * deep in the DOM (scanDocument). Script text is never entity-decoded in HTML, so the JSON-LD kept here is
 * what the DOM would hold.
 */
function scanMarkup(text: string, maxDepth: number): MarkupScan {
  let depth = 0;
  let elements = 0;
  // A fragment gets an <html> and a <body> around it: two more levels.
  let wrapperDepth: number | undefined;
  let tag = '';
  let inHead = false;
  let lang: string | undefined;
  let metadataOutsideHead = false;
  const jsonLd: string[] = [];
  let script: string | undefined;
  const parser = new Parser(
    {
      onopentagname(name) {
        wrapperDepth ??= name === 'html' ? 0 : 2;
        depth++;
        // Readability on linkedom is super-linear in the number of elements: refuse before building a DOM.
        if (++elements > MAX_HTML_ELEMENTS) {
          throw new RejectedInputError(
            'TOO_LARGE',
            `the page has more than ${MAX_HTML_ELEMENTS} HTML elements; no article page needs that many`,
          );
        }
        if (depth + wrapperDepth > maxDepth) {
          throw new RejectedInputError(
            'TOO_DEEP',
            `HTML elements are nested more than ${maxDepth} levels deep (<${name}> on line ${lineAt(text, parser.startIndex)}); ` +
              'this is usually unclosed tags: close them, or send the article markup on its own',
          );
        }
        tag = name;
        if (name === 'head') inHead = true;
      },
      // Called while the tag named last is open, so `tag` is the element the attribute is on.
      onattribute(name, value) {
        if (tag === 'script') {
          if (name === 'type' && JSON_LD_TYPE.test(value)) script = '';
        } else if (tag === 'html') {
          if (name === 'lang') lang ??= value;
        } else if (
          !inHead &&
          ((tag === 'meta' && (name === 'name' || name === 'property')) ||
            (tag === 'link' && name === 'rel' && CANONICAL_REL.test(value)))
        ) {
          metadataOutsideHead = true;
        }
      },
      ontext(data) {
        if (script !== undefined) script += data;
      },
      onclosetag(name) {
        depth--;
        if (name === 'head') inHead = false;
        else if (name === 'script' && script !== undefined) {
          jsonLd.push(script);
          script = undefined;
        }
      },
    },
    { decodeEntities: false },
  );
  parser.write(text);
  parser.end();
  return { isDocument: wrapperDepth === 0, lang: clean(lang), jsonLd, metadataOutsideHead };
}

/**
 * What scanMarkup finds, read from the DOM linkedom built (before Readability removes the scripts
 * and before completeHeadAndBody moves elements): one walk over the elements, no tokenising.
 * `wrapperLevels` is how many levels the page will have above its own first elements (a fragment
 * gets an `<html>` here and a `<body>` later). Undefined when an element is nested deeper than
 * `maxDepth`: the caller then asks scanMarkup for the line to name.
 */
function scanDocument(document: PageDocument, isDocument: boolean, maxDepth: number): MarkupScan | undefined {
  // The fragment's own elements are children of the <html> added around it: one more level to come.
  const extraLevels = isDocument ? 0 : 1;
  let lang: string | undefined;
  let metadataOutsideHead = false;
  const jsonLd: string[] = [];
  const ancestors: PageElement[] = [];
  let headsOpen = 0;
  let element = document.firstElementChild;
  while (element) {
    if (ancestors.length + 1 + extraLevels > maxDepth) return undefined;
    const name = element.localName;
    if (name === 'script') {
      if (JSON_LD_TYPE.test(element.getAttribute('type') ?? '')) jsonLd.push(element.textContent ?? '');
    } else if (name === 'html') {
      lang ??= element.getAttribute('lang') ?? undefined;
    } else if (!metadataOutsideHead && headsOpen === 0) {
      metadataOutsideHead =
        (name === 'meta' &&
          (element.getAttribute('name') !== null || element.getAttribute('property') !== null)) ||
        (name === 'link' && CANONICAL_REL.test(element.getAttribute('rel') ?? ''));
    }
    const child = element.firstElementChild;
    if (child) {
      ancestors.push(element);
      if (name === 'head') headsOpen++;
      element = child;
      continue;
    }
    let next = element.nextElementSibling;
    while (!next) {
      const parent = ancestors.pop();
      if (!parent) break;
      if (parent.localName === 'head') headsOpen--;
      next = parent.nextElementSibling;
    }
    element = next;
  }
  return { isDocument, lang: clean(lang), jsonLd, metadataOutsideHead };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** JSON-LD strings are often HTML-escaped a second time by the CMS (`Mac &amp; i`). */
function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(
    /&(?:#(\d{1,7})|#x([\da-f]{1,6})|([a-z]+));/gi,
    (entity: string, decimal?: string, hex?: string, name?: string) => {
      const code = decimal ? Number.parseInt(decimal, 10) : hex ? Number.parseInt(hex, 16) : undefined;
      if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      return NAMED_ENTITIES[name?.toLowerCase() ?? ''] ?? entity;
    },
  );
}

function jsonString(value: unknown): string | undefined {
  return typeof value === 'string' ? clean(decodeEntities(value)) : undefined;
}

function jsonStrings(value: unknown): string[] {
  return asArray(value).flatMap((item) => jsonString(item) ?? []);
}

/** `NewsArticle`, `schema:NewsArticle` and `https://schema.org/NewsArticle` alike. */
function isArticleNode(node: Record<string, unknown>): boolean {
  return asArray(node['@type']).some(
    (type) =>
      typeof type === 'string' &&
      ARTICLE_TYPES.has(type.slice(Math.max(type.lastIndexOf('/'), type.lastIndexOf(':')) + 1)),
  );
}

function looksLikeUrl(value: string): boolean {
  return /^(https?:)?\/\//i.test(value) || /^www\./i.test(value);
}

function withoutBy(name: string): string | undefined {
  return clean(name.replace(/^\s*by\s*:?\s+/i, ''));
}

/** Person or Organization objects, plain names, or arrays of either; URLs are not names. */
function authorNames(value: unknown): string[] {
  return asArray(value).flatMap((author) => {
    const name = isRecord(author) ? jsonString(author.name) : jsonString(author);
    const cleaned = name && !looksLikeUrl(name) ? withoutBy(name) : undefined;
    return cleaned ? [cleaned] : [];
  });
}

/** `url`, then `mainEntityOfPage` (the page), then `@id` (often a fragment or a blank node). */
function articleUrl(node: Record<string, unknown>): string | undefined {
  const page = node.mainEntityOfPage;
  return (
    jsonString(node.url) ??
    (isRecord(page) ? jsonString(page['@id'] ?? page.url) : jsonString(page)) ??
    jsonString(node['@id'])
  );
}

function readJsonLdArticle(node: Record<string, unknown>): JsonLdArticle {
  const language = node.inLanguage;
  const publisher = node.publisher;
  const keywords = asArray(node.keywords).flatMap((item) =>
    typeof item === 'string' ? item.split(',') : [],
  );
  return {
    headline: jsonString(node.headline) ?? jsonString(node.name),
    alternativeHeadline: jsonString(node.alternativeHeadline),
    authors: authorNames(node.author),
    datePublished: jsonString(node.datePublished),
    dateModified: jsonString(node.dateModified),
    description: jsonString(node.description),
    keywords: jsonStrings(keywords),
    sections: jsonStrings(node.articleSection),
    inLanguage: isRecord(language)
      ? jsonString(language.alternateName ?? language.name)
      : jsonString(language),
    url: articleUrl(node),
    publisher: isRecord(publisher) ? jsonString(publisher.name) : jsonString(publisher),
  };
}

/** Candidates in the order a page lists them: top-level arrays, `@graph`, a WebPage's `mainEntity`. */
function jsonLdCandidates(parsed: unknown): Record<string, unknown>[] {
  const nodes = asArray(parsed).filter(isRecord);
  return nodes.flatMap((node) => [
    node,
    ...asArray(node['@graph']).filter(isRecord),
    ...asArray(node.mainEntity).filter(isRecord),
  ]);
}

/** The first article node across the page's JSON-LD scripts; a script that does not parse is skipped. */
function readJsonLd(scripts: readonly string[]): JsonLdArticle {
  for (const script of scripts) {
    let parsed: unknown;
    try {
      // Some CMSs wrap the JSON in a comment or CDATA section.
      parsed = JSON.parse(script.replace(/^\s*(?:<!--|\/\/\s*<!\[CDATA\[)|(?:-->|\/\/\s*\]\]>)\s*$/g, ''));
    } catch {
      continue;
    }
    const article = jsonLdCandidates(parsed).find(isArticleNode);
    if (article) return readJsonLdArticle(article);
  }
  return { authors: [], keywords: [], sections: [] };
}

/**
 * The elements inside `root` in document order, except inside SVG (whose `<title>` names a
 * picture). A loop with a stack: a generator per element costs four times as much.
 */
function elementsUnder(root: PageElement): PageElement[] {
  const found: PageElement[] = [];
  const pending: PageElement[] = [root];
  for (let parent = pending.pop(); parent; parent = pending.pop()) {
    if (parent !== root) found.push(parent);
    if (parent.localName === 'svg') continue;
    const children: PageElement[] = [];
    for (let child = parent.firstElementChild; child; child = child.nextElementSibling) children.push(child);
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index] as PageElement);
  }
  return found;
}

/**
 * Meta tags, canonical link, title and base: from `<head>` alone (a walk of a few dozen elements),
 * unless the scan saw named metadata elsewhere; then from the whole document (~1 ms more).
 */
function readPageMetadata(document: PageDocument, scan: MarkupScan): PageMetadata {
  const meta = new Map<string, string[]>();
  let canonical: string | undefined;
  let title: string | undefined;
  let baseHref: string | undefined;
  const head = document.head;
  const elements =
    scan.metadataOutsideHead || !head
      ? document.querySelectorAll('meta, link, title, base')
      : elementsUnder(head);
  for (const element of elements) {
    switch (element.localName) {
      case 'meta': {
        const content = clean(element.getAttribute('content'));
        if (!content) break;
        // Some pages give one tag both (`name="description" property="og:description"`).
        const keys = new Set(
          [element.getAttribute('property'), element.getAttribute('name')].map((key) =>
            key?.trim().toLowerCase(),
          ),
        );
        for (const key of keys) {
          if (!key) continue;
          const values = meta.get(key);
          if (values) values.push(content);
          else meta.set(key, [content]);
        }
        break;
      }
      case 'link':
        if (!canonical && CANONICAL_REL.test(element.getAttribute('rel') ?? '')) {
          canonical = clean(element.getAttribute('href'));
        }
        break;
      case 'title':
        if (!title && !element.closest('svg')) title = clean(element.textContent);
        break;
      case 'base':
        baseHref ??= element.getAttribute('href')?.trim() ?? '';
        break;
    }
  }
  return { meta, canonical, title, lang: scan.lang, baseHref, jsonLd: readJsonLd(scan.jsonLd) };
}

function absoluteUrl(value: string | undefined, base?: string): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Readability resolves relative links and images against the document's base URI; linkedom's is
 * the page's first `<base>`. Without one, links would reach partners relative to a page they do not
 * host; a relative `<base>` is resolved against the page's URL as a browser would.
 */
function setBaseUrl(document: PageDocument, pageUrl: string | undefined, baseHref: string | undefined): void {
  if (!pageUrl || !document.head || absoluteUrl(baseHref)) return;
  const base = document.createElement('base');
  base.setAttribute('href', absoluteUrl(baseHref, pageUrl) ?? pageUrl);
  document.head.prepend(base);
}

const HEAD_ELEMENTS = new Set(['base', 'link', 'meta', 'style', 'title']);

/**
 * Puts the children of `<html>` in one `<head>` and one `<body>`, as a browser implies them.
 * linkedom does not: when `<html>`'s first elements are not exactly those two (no `<head>` tag, a
 * `<meta>` before it, a script after `</body>`), its `head` and `body` getters make new empty ones
 * and Readability reads an empty page.
 */
function completeHeadAndBody(document: PageDocument): void {
  const root = document.documentElement;
  const first = root?.firstElementChild;
  const second = first?.nextElementSibling;
  if (!root || (first?.localName === 'head' && second?.localName === 'body' && !second.nextElementSibling))
    return;
  const children = [...root.childNodes];
  const isElement = (node: PageNode, name: string): node is PageElement => node.localName === name;
  const head = children.find((node) => isElement(node, 'head')) ?? document.createElement('head');
  const body = children.find((node) => isElement(node, 'body')) ?? document.createElement('body');
  const beforeBody: PageNode[] = [];
  let afterBody = false;
  for (const node of children) {
    if (node === head) continue;
    if (node === body) afterBody = true;
    else if (!afterBody && node.localName && HEAD_ELEMENTS.has(node.localName)) head.append(node);
    else if (afterBody) body.append(node);
    else beforeBody.push(node);
  }
  body.prepend(...beforeBody);
  // Every other child is now inside one of the two. linkedom's prepend() loses the order when a
  // node is put before itself, so both leave and come back in order.
  head.remove();
  body.remove();
  root.append(head, body);
}

/** A parser or extractor failure on given markup is permanent: retrying the same page cannot help. */
function malformed(error: unknown): RejectedInputError {
  return new RejectedInputError('MALFORMED', `the page could not be read as HTML (${String(error)})`);
}

/**
 * The DOM of the page and what scanMarkup would have found in it. A page that may have too many
 * elements, or elements too deep, for a DOM is scanned first; any other is read once by linkedom
 * and walked.
 */
function buildDocument(text: string, maxDepth: number): { document: PageDocument; scan: MarkupScan } {
  const prescan = elementBound(text) > SCAN_FIRST_ABOVE ? scanMarkup(text, maxDepth) : undefined;
  const isDocument = prescan?.isDocument ?? opensWithHtml(text);
  // A fragment gets the <html> it lacks; completeHeadAndBody then sorts its children into
  // <head> and <body> as a browser would.
  const html = isDocument ? text : `<html>${text}</html>`;
  let document: PageDocument;
  try {
    document = (parseHTML(html) as { document: PageDocument }).document;
  } catch (error) {
    throw malformed(error);
  }
  const scan = prescan ?? scanDocument(document, isDocument, maxDepth);
  if (!scan) {
    // Too deep: the streaming scan throws the same rejection as before any DOM, naming the line.
    scanMarkup(text, maxDepth);
    throw new RejectedInputError('TOO_DEEP', `HTML elements are nested more than ${maxDepth} levels deep`);
  }
  try {
    completeHeadAndBody(document);
  } catch (error) {
    throw malformed(error);
  }
  return { document, scan };
}

function extractArticle(document: PageDocument): Extraction {
  let article: ReturnType<Readability<PageElement>['parse']>;
  try {
    article = new Readability<PageElement>(document as unknown as ReadabilityDocument, {
      // The serializer hands back the article element itself, so link density and the HTML come
      // from the same node without another parse.
      serializer: (node: unknown) => node as PageElement,
      // Read already, more fully (@graph, arrays, mainEntity): a second pass over every script
      // would only feed Readability's metadata, which ranks below the page's own here.
      disableJSONLD: true,
      // The sanitiser keeps no class attribute: Readability's own walk removing them is wasted.
      keepClasses: true,
    }).parse();
  } catch (error) {
    throw malformed(error);
  }
  const content = article?.content;
  // Readability has already computed the text of the article element: not walked a second time.
  const text = clean(article?.textContent);
  if (!article || !content || !text) {
    throw new RejectedInputError(
      'NO_ARTICLE',
      'no block of text was found on the page; send an article page, not a template or a script-rendered shell',
    );
  }
  const words = wordsUpTo(text, MIN_ARTICLE_WORDS);
  if (words < MIN_ARTICLE_WORDS) {
    throw new RejectedInputError(
      'NO_ARTICLE',
      `the main text found has only ${words} words (at least ${MIN_ARTICLE_WORDS} needed); the page looks like an index, error or navigation page, not an article`,
    );
  }
  let linkChars = 0;
  for (const link of content.getElementsByTagName('a')) linkChars += clean(link.textContent)?.length ?? 0;
  const linkDensity = linkChars / text.length;
  if (linkDensity > MAX_LINK_DENSITY) {
    throw new RejectedInputError(
      'NO_ARTICLE',
      `${Math.round(Math.min(linkDensity, 1) * 100)}% of the main text found is link text; the page looks like an index or navigation page, not an article`,
    );
  }
  return { title: clean(article.title), byline: clean(article.byline), html: content.innerHTML };
}

function siteKey(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** Titles reach here with their whitespace collapsed (`clean`), so one space each side. */
const TITLE_SEPARATOR = / [|\-–—:·•»/] /gu;

/**
 * Removes a trailing ` | Site` or ` - Site`: when the last segment is a known name of the site
 * (spacing and case aside: "Herald Sun" is "HeraldSun"), or, with `byPattern`, when it follows a
 * pipe and is short. Dashes and colons also occur inside headlines, pipes rarely.
 */
function withoutSiteName(
  title: string,
  siteNames: readonly string[],
  byPattern: boolean,
): string | undefined {
  // The last separator, found by a linear scan (a look-ahead for "no separator after this one"
  // would backtrack quadratically on a hostile title).
  const match = [...title.matchAll(TITLE_SEPARATOR)].at(-1);
  if (!match) return undefined;
  const head = clean(title.slice(0, match.index));
  const tail = title.slice(match.index + match[0].length);
  if (!head) return undefined;
  if (siteNames.some((name) => siteKey(name) !== '' && siteKey(name) === siteKey(tail))) return head;
  const shortTail = wordsUpTo(tail, 6) <= 5 && wordsUpTo(head, 3) >= 3;
  return byPattern && match[0].trim() === '|' && shortTail ? head : undefined;
}

function chooseHeadline(page: PageMetadata, extraction: Extraction): Choice | undefined {
  const siteNames = [
    ...(page.meta.get('og:site_name') ?? []),
    ...(page.jsonLd.publisher ? [page.jsonLd.publisher] : []),
  ];
  const candidates: ReadonlyArray<readonly [string | undefined, string, number, boolean]> = [
    [page.jsonLd.headline, 'json-ld:headline', 95, false],
    [page.meta.get('og:title')?.[0], 'og:title', 90, false],
    [extraction.title, 'readability:title', 70, false],
    [page.title, 'html:title', 70, true],
  ];
  for (const [value, rule, confidence, byPattern] of candidates) {
    if (!value || value.length > MAX_HEADLINE_CHARS) continue;
    const shortened = withoutSiteName(value, siteNames, byPattern);
    return shortened
      ? { value: shortened, provenance: { rule: `${rule}-without-site-name`, confidence: confidence - 10 } }
      : { value, provenance: { rule, confidence } };
  }
  return undefined;
}

function chooseByline(page: PageMetadata, extraction: Extraction): Choice | undefined {
  const person = (values: readonly string[] | undefined) =>
    values
      ?.filter((value) => !looksLikeUrl(value))
      .map(withoutBy)
      .filter((value) => value !== undefined)
      .join(', ') || undefined;
  const candidates: ReadonlyArray<readonly [string | undefined, string, number]> = [
    [
      page.jsonLd.authors.length > 0 ? [...new Set(page.jsonLd.authors)].join(', ') : undefined,
      'json-ld:author',
      95,
    ],
    [person(page.meta.get('author')), 'meta:author', 90],
    // Facebook's article:author is meant to be a profile URL; some sites put the name there.
    [person(page.meta.get('article:author')), 'meta:article:author', 85],
    [extraction.byline ? withoutBy(extraction.byline) : undefined, 'readability:byline', 60],
  ];
  for (const [value, rule, confidence] of candidates) {
    if (value) return { value, provenance: { rule, confidence } };
  }
  return undefined;
}

/** BCP 47 in its canonical case (`en_US` and `en-us` become `en-US`); anything else is ignored. */
function languageTag(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return Intl.getCanonicalLocales(value.trim().replace(/_/g, '-'))[0];
  } catch {
    return undefined;
  }
}

function chooseLanguage(page: PageMetadata): Choice | undefined {
  const candidates: ReadonlyArray<readonly [string | undefined, string, number]> = [
    [page.jsonLd.inLanguage, 'json-ld:inLanguage', 95],
    [page.lang, 'html:lang', 90],
    [page.meta.get('og:locale')?.[0], 'og:locale', 80],
  ];
  for (const [value, rule, confidence] of candidates) {
    const tag = languageTag(value);
    if (tag) return { value: tag, provenance: { rule, confidence } };
  }
  return undefined;
}

function chooseSummary(page: PageMetadata): Choice | undefined {
  const candidates: ReadonlyArray<readonly [string | undefined, string]> = [
    [page.jsonLd.description, 'json-ld:description'],
    [page.meta.get('og:description')?.[0], 'og:description'],
    [page.meta.get('description')?.[0], 'meta:description'],
  ];
  for (const [value, rule] of candidates) {
    if (value) return { value, provenance: { rule, confidence: 90 } };
  }
  return undefined;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * An ISO 8601 date-time with a UTC offset, as UTC. A date alone, or a time without an offset, does
 * not say which instant it is, and `new Date` would read it in the server's time zone: dropped.
 * Impossible dates (February 30) are dropped too rather than rolled over as `Date` does.
 */
export function isoDateTime(value: string | undefined): string | undefined {
  const match = value ? ISO_DATE_TIME.exec(value.trim()) : null;
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction, zone = 'Z'] = match;
  const offset =
    zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.length > 3 ? zone.slice(-2) : '00'}`;
  const milliseconds = fraction ? `.${fraction.slice(0, 3)}` : '';
  const normalised = `${year}-${month}-${day}T${hour}:${minute}:${second}${milliseconds}${offset}`;
  const date = new Date(normalised);
  const calendarDay = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const valid =
    !Number.isNaN(date.getTime()) &&
    calendarDay.getUTCDate() === Number(day) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59;
  return valid ? date.toISOString() : undefined;
}

function keywordsOf(page: PageMetadata): string[] {
  const all = [
    ...page.jsonLd.keywords,
    ...(page.meta.get('article:tag') ?? []),
    ...page.jsonLd.sections,
    ...(page.meta.get('article:section') ?? []),
  ];
  const seen = new Set<string>();
  return all
    .filter((keyword) => {
      const folded = keyword.toLowerCase();
      if (seen.has(folded)) return false;
      seen.add(folded);
      return true;
    })
    .slice(0, MAX_KEYWORDS);
}

export const parseHtml: FormatParser = (text: string, context: ParseContext): ArticleParts => {
  const { document, scan } = buildDocument(text, context.limits.maxDepth);
  if (!document.documentElement) {
    // e.g. a page cut off inside its <html start tag: there is no tree to read, and retrying cannot help.
    throw new RejectedInputError(
      'MALFORMED',
      'the page has no <html> element a parser can build (is it cut off?)',
    );
  }
  const page = readPageMetadata(document, scan);
  const statedUrl = absoluteUrl(page.jsonLd.url) ?? absoluteUrl(page.meta.get('og:url')?.[0]);
  // A relative canonical is resolved against the URL the page states elsewhere.
  const id = absoluteUrl(page.canonical, statedUrl) ?? statedUrl;
  setBaseUrl(document, id, page.baseHref);
  const extraction = extractArticle(document);

  const headline = chooseHeadline(page, extraction);
  if (!headline) {
    throw new RejectedInputError(
      'NO_HEADLINE',
      `the page has no JSON-LD headline, og:title meta tag or <title> of at most ${MAX_HEADLINE_CHARS} characters; add one`,
    );
  }
  const byline = chooseByline(page, extraction);
  const language = chooseLanguage(page);
  const summary = chooseSummary(page);
  const published =
    isoDateTime(page.jsonLd.datePublished) ?? isoDateTime(page.meta.get('article:published_time')?.[0]);
  const modified =
    isoDateTime(page.jsonLd.dateModified) ?? isoDateTime(page.meta.get('article:modified_time')?.[0]);
  const keywords = keywordsOf(page);

  return {
    ...(id ? { id } : {}),
    headline: headline.value,
    ...(page.jsonLd.alternativeHeadline ? { subheadline: page.jsonLd.alternativeHeadline } : {}),
    ...(byline ? { byline: byline.value } : {}),
    ...(language ? { language: language.value } : {}),
    ...(summary ? { summary: summary.value } : {}),
    body: { kind: 'html', html: extraction.html },
    ...(published ? { contentCreated: published, firstCreated: published } : {}),
    ...(modified ? { versionCreated: modified } : {}),
    ...(keywords.length > 0 ? { keywords } : {}),
    provenance: {
      headlines: headline.provenance,
      ...(byline ? { by: byline.provenance } : {}),
      ...(language ? { language: language.provenance } : {}),
      ...(summary ? { descriptions: summary.provenance } : {}),
    },
  };
};
