/**
 * Article bodies as partners receive them: HTML built from an allow-list (nothing in it can run in a
 * partner's page), and plain text derived from that same HTML.
 */
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

/**
 * The allow-list: structure and inline emphasis, links and images over http(s) only. Everything
 * else — scripts, styles, event handlers, iframes, forms, SVG, `javascript:`/`data:` URLs — goes.
 * Measured on 127 XSS/mXSS vectors: none survives a browser re-parse (../shared/notes/platform-facts.md).
 */
const ABSOLUTE_URL = /^(https?:\/\/|mailto:)/i;

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
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
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'figure',
    'figcaption',
    'hr',
    'br',
    'a',
    'img',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'sub',
    'sup',
    'small',
    'mark',
    'q',
    'cite',
    'abbr',
    'code',
    'span',
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
  exclusiveFilter: (frame) => frame.tag === 'img' && !ABSOLUTE_URL.test(frame.attribs.src ?? ''),
};

export function sanitizeBodyHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS)
    .replace(/<p>\s*<\/p>/g, '')
    .trim();
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

/** Plain text of (sanitised) HTML: one paragraph per block element, separated by blank lines. */
export function htmlToParagraphs(html: string): string[] {
  const paragraphs: string[] = [];
  let current = '';
  const flush = () => {
    const text = current.replace(/\s+/g, ' ').trim();
    if (text) paragraphs.push(text);
    current = '';
  };
  const parser = new Parser(
    {
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
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return paragraphs;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes text for an HTML text node (quotes need escaping only inside attributes). */
export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>]/g, (char) => TEXT_ESCAPES[char] as string);
}

export function paragraphsToHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((paragraph) => `<p>${escapeHtmlText(paragraph)}</p>`).join('\n');
}
