/**
 * Article bodies as partners receive them: HTML built from an allow-list (nothing in it can run in a
 * partner's page), and plain text derived from that same HTML.
 */
import { type Handler, Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { RejectedInputError } from './errors.js';

/**
 * The allow-list: structure and inline emphasis, links and images over http(s) only. Everything
 * else — scripts, styles, event handlers, iframes, forms, SVG, `javascript:`/`data:` URLs — goes.
 * Measured on 127 XSS/mXSS vectors: none survives a browser re-parse (../shared/notes/platform-facts.md).
 */
const ABSOLUTE_URL = /^(https?:\/\/|mailto:)/i;

function isHiddenImage(tag: string, attribs: sanitizeHtml.Attributes): boolean {
  return tag === 'img' && !ABSOLUTE_URL.test(attribs.src ?? '');
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  // A set; sanitize-html looks names up in order, several times per tag and text, so the
  // commonest in articles come first.
  allowedTags: [
    'p',
    'a',
    'li',
    'em',
    'strong',
    'code',
    'span',
    'br',
    'ul',
    'img',
    'h2',
    'h3',
    'i',
    'b',
    'pre',
    'blockquote',
    'ol',
    'h1',
    'h4',
    'h5',
    'h6',
    'figure',
    'figcaption',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'hr',
    'dl',
    'dt',
    'dd',
    'u',
    's',
    'sub',
    'sup',
    'small',
    'mark',
    'q',
    'cite',
    'abbr',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Text inside removed elements such as <script> or <style> is dropped with them.
  nonTextTags: [
    'script',
    'style',
    'textarea',
    'option',
    'noscript',
    'template',
    'title',
    'head',
    'iframe',
    'object',
    'svg',
    'math',
  ],
  transformTags: {
    b: 'strong',
    i: 'em',
    // A relative link cannot resolve in a partner's page: keep the text, drop the href.
    a: (tagName, attribs) => {
      const { href, ...rest } = attribs;
      return { tagName, attribs: href && ABSOLUTE_URL.test(href) ? { ...rest, href } : rest };
    },
  },
  // An image without an absolute http(s) source (relative, lazy-loaded `data-src` only) shows nothing.
  exclusiveFilter: (frame) => isHiddenImage(frame.tag, frame.attribs),
};

const EMPTY_PARAGRAPH = /<p>\s*<\/p>/g;

export function sanitizeBodyHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS).replace(EMPTY_PARAGRAPH, '').trim();
}

/**
 * Runs of whitespace that are not already a single space: a single space between words, the
 * commonest run by far, is left alone, so this rewrites a few runs (indentation, line breaks)
 * instead of every word boundary. Same result as replacing every `\s+`, at about half the cost.
 */
const WHITESPACE_TO_COLLAPSE = /(?: (?=\s)|[^\S ])\s*/g;

/** Every run of whitespace as one space (`\s+` → `' '`). */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_TO_COLLAPSE, ' ');
}

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'table',
  'tr',
  'figure',
  'figcaption',
  'hr',
  'section',
  'article',
  'header',
  'footer',
  'caption',
]);

// ---------------------------------------------------------------------------------------------------
// Limits on untrusted HTML, whatever format carried it
// ---------------------------------------------------------------------------------------------------

/**
 * Real article pages have a few thousand elements, an article body far fewer; 40,000 empty <p>
 * already take Readability ~3.5 s, and the sanitiser's time grows with the elements too.
 */
export const MAX_HTML_ELEMENTS = 20_000;

/** The limits one piece of untrusted HTML is held to, and what to call it in a refusal. */
export interface HtmlLimits {
  /** Deepest nesting of elements allowed (the normaliser's `maxDepth`). */
  readonly maxDepth: number;
  /** What holds the HTML, as the publisher knows it: `the article's body`, `descriptions`, `excerpt`... */
  readonly what: string;
}

/**
 * `handler` for htmlparser2's Parser, refusing the HTML at the first element nested deeper than
 * the limit or beyond MAX_HTML_ELEMENTS. The Parser keeps its open elements in an array it shifts
 * and searches on every tag, so n nested elements cost it ~n²; refused as soon as the nesting
 * passes the limit, that array never holds more than `maxDepth + 1` names and the pass stays
 * linear. Depth is counted from the Parser's own events (implied closes included, `<p><p>` is
 * two siblings), so it is the depth sanitize-html and linkedom, which parse with it, would build.
 */
export function limitedHandler(handler: Partial<Handler>, limits: HtmlLimits): Partial<Handler> {
  let depth = 0;
  let elements = 0;
  return {
    ...handler,
    onopentagname(name) {
      if (++depth > limits.maxDepth) {
        throw new RejectedInputError(
          'TOO_DEEP',
          `HTML in ${limits.what} is nested more than ${limits.maxDepth} levels deep (the first element too deep is a <${name}>); ` +
            'this is usually unclosed tags: close them',
        );
      }
      if (++elements > MAX_HTML_ELEMENTS) {
        throw new RejectedInputError(
          'TOO_LARGE',
          `HTML in ${limits.what} has more than ${MAX_HTML_ELEMENTS} elements; no article needs that many`,
        );
      }
      handler.onopentagname?.(name);
    },
    onclosetag(name, isImplied) {
      depth--;
      handler.onclosetag?.(name, isImplied);
    },
  };
}

/**
 * Refuses HTML nested deeper than `limits.maxDepth` (TOO_DEEP) or with more than
 * MAX_HTML_ELEMENTS elements (TOO_LARGE), in one linear pass that builds nothing: to be run on
 * every untrusted HTML body before a sanitiser or a DOM sees it, both of which take time
 * quadratic in the nesting.
 */
export function checkHtmlLimits(html: string, limits: HtmlLimits): void {
  // Every element an HTML parser opens starts at a `<` (an implied one at its end tag's): none, no element.
  if (!html.includes('<')) return;
  const parser = new Parser(limitedHandler({}, limits), { decodeEntities: false });
  parser.write(html);
  parser.end();
}

// ---------------------------------------------------------------------------------------------------

/**
 * Plain text of HTML: one paragraph per block element, separated by blank lines. Untrusted HTML
 * (a field a producer sends as HTML) is read with `limits`: refused, in the same pass, where
 * checkHtmlLimits would refuse it.
 */
export function htmlToParagraphs(html: string, limits?: HtmlLimits): string[] {
  const paragraphs: string[] = [];
  let current = '';
  const flush = () => {
    const text = collapseWhitespace(current).trim();
    if (text) paragraphs.push(text);
    current = '';
  };
  const handler: Partial<Handler> = {
    onopentag(name) {
      if (BLOCK_TAGS.has(name)) flush();
      else if (name === 'br') current += ' ';
    },
    ontext(text) {
      current += text;
    },
    onclosetag(name) {
      if (BLOCK_TAGS.has(name)) flush();
      else if (name === 'td' || name === 'th') current += ' ';
    },
  };
  const parser = new Parser(limits ? limitedHandler(handler, limits) : handler, { decodeEntities: true });
  parser.write(html);
  parser.end();
  flush();
  return paragraphs;
}

/** A body as partners receive it: the safe HTML, and its text one paragraph per block. */
export interface SafeBody {
  readonly html: string;
  readonly paragraphs: string[];
}

const NON_TEXT_TAGS = new Set(SANITIZE_OPTIONS.nonTextTags);
const ALLOWED_TAGS = new Set(SANITIZE_OPTIONS.allowedTags || []);
const ALLOWED_BLOCK_TAGS = new Set([...ALLOWED_TAGS].filter((tag) => BLOCK_TAGS.has(tag)));
/** Allowed elements that HTML closes when certain elements open inside them (implied end tags). */
const IMPLICITLY_CLOSED = new Set([
  'p',
  'li',
  'dd',
  'dt',
  'td',
  'th',
  'tr',
  'thead',
  'tbody',
  'tfoot',
  'caption',
]);
/** Allowed elements whose start can close one of those (a superset of what HTML's rules use). */
const IMPLICIT_CLOSERS = new Set([...ALLOWED_BLOCK_TAGS, ...IMPLICITLY_CLOSED]);
/**
 * Elements after which sanitize-html's output is not a plain filter of the tree it walked:
 * `<noscript>` content is discarded up to where a browser ends it, and `<iframe>` content is
 * sanitised again as markup of its own.
 */
const REPARSE_TAGS = new Set(['noscript', 'iframe']);
const ESCAPED = /&(amp|lt|gt);/g;
const UNESCAPED: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

/** An allowed `<p>` open in the walk: it leaves the output if nothing visible ends up inside it. */
interface OpenParagraph {
  /** The text collected before it, not yet a paragraph then. */
  readonly before: string;
  /** Whether that text became a paragraph when this one opened. */
  readonly flushed: boolean;
  visible: boolean;
}

/**
 * The safe HTML and its paragraphs from one sanitize-html walk. Its hooks see the tags it walks
 * and the text it keeps (escaped: `&`, `<` and `>` only), so the paragraphs are collected as
 * htmlToParagraphs reads them from the output, without parsing the output again: text inside
 * removed elements (script, svg...) never reaches the text hook, tags inside them are ignored as
 * sanitize-html ignores them, only allowed block tags break paragraphs (no others are in the
 * output), and a `<p>` with nothing visible inside, which sanitizeBodyHtml removes, breaks none.
 * The output is parsed again, as before, where it is more than a filter of the walk: noscript or
 * iframe content, or an element that a parse of the output would close earlier than the walk
 * did because a removed element in between kept it open (`<li>a<div><li>b`).
 */
export function sanitizeBody(html: string): SafeBody {
  const paragraphs: string[] = [];
  let current = '';
  // Elements open in the walk outside removed non-text elements, innermost last.
  const open: string[] = [];
  const openParagraphs: OpenParagraph[] = [];
  let skipDepth = 0;
  let reparse = false;
  const flush = () => {
    const text = collapseWhitespace(current).trim();
    current = '';
    if (!text) return false;
    paragraphs.push(text);
    return true;
  };
  const nearestAllowed = () => open.findLast((name) => ALLOWED_TAGS.has(name));
  const raw = sanitizeHtml(html, {
    ...SANITIZE_OPTIONS,
    onOpenTag(name, attribs) {
      if (REPARSE_TAGS.has(name)) reparse = true;
      // sanitize-html's own rule: inside a removed non-text element, every tag goes with it.
      if (skipDepth > 0) skipDepth++;
      else if (NON_TEXT_TAGS.has(name)) skipDepth = 1;
      else {
        const parent = open.at(-1);
        if (
          !reparse &&
          parent !== undefined &&
          !ALLOWED_TAGS.has(parent) &&
          IMPLICIT_CLOSERS.has(name) &&
          IMPLICITLY_CLOSED.has(nearestAllowed() ?? '')
        ) {
          reparse = true;
        }
        open.push(name);
        const paragraph = openParagraphs.at(-1);
        if (paragraph && !paragraph.visible && ALLOWED_TAGS.has(name) && !isHiddenImage(name, attribs)) {
          paragraph.visible = true;
        }
        if (name === 'p') {
          const before = current;
          openParagraphs.push({ before, flushed: flush(), visible: false });
        } else if (ALLOWED_BLOCK_TAGS.has(name)) flush();
        else if (name === 'br') current += ' ';
      }
    },
    onCloseTag(name) {
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      open.pop();
      if (name === 'p') {
        const paragraph = openParagraphs.pop();
        if (paragraph && !paragraph.visible) {
          // Removed from the output: the text around it runs on as one.
          if (paragraph.flushed) paragraphs.pop();
          current = paragraph.before;
          return;
        }
      }
      if (ALLOWED_BLOCK_TAGS.has(name)) flush();
      else if (name === 'td' || name === 'th') current += ' ';
    },
    textFilter(text) {
      const paragraph = openParagraphs.at(-1);
      if (paragraph && !paragraph.visible && /\S/.test(text)) paragraph.visible = true;
      current += text.includes('&')
        ? text.replace(ESCAPED, (_, name: string) => UNESCAPED[name] as string)
        : text;
      return text;
    },
  });
  flush();
  const safe = raw.replace(EMPTY_PARAGRAPH, '').trim();
  return { html: safe, paragraphs: reparse ? htmlToParagraphs(safe) : paragraphs };
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes text for an HTML text node (quotes need escaping only inside attributes). */
export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>]/g, (char) => TEXT_ESCAPES[char] as string);
}

export function paragraphsToHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((paragraph) => `<p>${escapeHtmlText(paragraph)}</p>`).join('\n');
}
