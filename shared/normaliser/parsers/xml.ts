/**
 * A small element tree for the XML news formats (NITF, NewsML-G2), built from saxes events, plus
 * the helpers their parsers share: lookups by local name, text, attributes, dates, and a
 * serialiser of body elements to HTML.
 *
 * Safety: saxes never reads files or the network and errors on undefined entities, but it still
 * accepts DTDs, so a DOCTYPE is refused here unless the caller explicitly accepts that exact one
 * (a harmless external reference, never loaded). That refuses billion-laughs and external-entity
 * documents before anything of them is used. Depth is limited while parsing, not after.
 */
import { type SaxesAttributeNS, SaxesParser, type SaxesTagNS } from 'saxes';
import { escapeHtmlText } from '../body.js';
import { RejectedInputError } from '../errors.js';

export interface XmlElement {
  /** The qualified name as written, e.g. `x:html`. */
  readonly name: string;
  readonly local: string;
  /** The namespace URI, `''` when the element is in no namespace. */
  readonly uri: string;
  /** By qualified name (`xml:lang`, `id-string`); namespace declarations are left out. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}

/** Text is a plain string: entities resolved, CDATA merged with the text around it. */
export type XmlNode = XmlElement | string;

export interface XmlParseOptions {
  readonly maxDepth: number;
  /**
   * Accepts a DOCTYPE the caller knows to be harmless (its raw text, e.g. ` nitf SYSTEM "nitf.dtd"`).
   * Without it every DOCTYPE is refused. Accepted DTDs are never read.
   */
  readonly acceptDoctype?: (doctype: string) => boolean;
}

interface MutableElement extends XmlElement {
  readonly attributes: Record<string, string>;
  readonly children: XmlNode[];
}

const UNDEFINED_ENTITY_HINT =
  ' XML itself defines only &amp; &lt; &gt; &quot; &apos;: write other characters directly or as numeric references such as &#160;';

/**
 * `12:7: unexpected close tag.` from saxes becomes `line 12, column 7: unexpected close tag.`, with a
 * hint when the error is a reference to an entity XML does not define (saxes gives its errors as text
 * only, so the parser tells that case by the failed lookup, not by the words of the message).
 */
function malformed(error: Error, undefinedEntity: string | undefined): RejectedInputError {
  const match = /^(\d+):(\d+): (.*)$/s.exec(error.message);
  const where = match ? `line ${match[1]}, column ${match[2]}: ${match[3]}` : error.message;
  const hint = undefinedEntity !== undefined ? UNDEFINED_ENTITY_HINT : '';
  return new RejectedInputError('MALFORMED', `${where}${hint}`);
}

function shorten(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function parseXml(text: string, options: XmlParseOptions): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;

  // The name of an entity reference that no definition resolved: saxes fails on it right after the
  // lookup, so it is set when that error arrives. Predefined entities are found on the prototype.
  let undefinedEntity: string | undefined;
  parser.ENTITIES = new Proxy(parser.ENTITIES, {
    get(entities, name) {
      const expansion: unknown = Reflect.get(entities, name);
      if (expansion === undefined && typeof name === 'string') undefinedEntity = name;
      return expansion;
    },
  });
  // The first error ends the parse: recovering would mean guessing what a broken document meant.
  parser.on('error', (error) => {
    throw malformed(error, undefinedEntity);
  });
  parser.on('doctype', (doctype) => {
    if (options.acceptDoctype?.(doctype)) return;
    throw new RejectedInputError(
      'UNSAFE',
      `DTDs are not accepted: remove <!DOCTYPE ${shorten(doctype)}> (entity declarations and external DTDs are refused)`,
    );
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stack.length >= options.maxDepth) {
      throw new RejectedInputError(
        'TOO_DEEP',
        `<${tag.name}> at line ${parser.line} is nested more than ${options.maxDepth} elements deep`,
      );
    }
    const attributes: Record<string, string> = Object.create(null);
    const stated = tag.attributes;
    for (const name in stated) {
      const attribute = stated[name] as SaxesAttributeNS;
      if (attribute.prefix === 'xmlns' || attribute.name === 'xmlns') continue;
      attributes[attribute.name] = attribute.value;
    }
    const element: MutableElement = {
      name: tag.name,
      local: tag.local,
      uri: tag.uri,
      attributes,
      children: [],
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (chunk: string) => {
    const parent = stack[stack.length - 1];
    if (!parent) return; // whitespace around the root element
    const last = parent.children.length - 1;
    const previous = parent.children[last];
    if (typeof previous === 'string') parent.children[last] = previous + chunk;
    else parent.children.push(chunk);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.write(text).close();
  if (!root) throw new RejectedInputError('MALFORMED', 'the document has no root element');
  return root;
}

// --- Lookups -------------------------------------------------------------------------------------

export function isElement(node: XmlNode | undefined): node is XmlElement {
  return typeof node === 'object';
}

/** The first child element with this local name (any namespace). */
export function child(element: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const node of element.children) if (isElement(node) && node.local === local) return node;
  return undefined;
}

/** All child elements with this local name (any namespace). */
export function childrenNamed(element: XmlElement | undefined, local: string): XmlElement[] {
  if (!element) return [];
  return element.children.filter((node): node is XmlElement => isElement(node) && node.local === local);
}

/** Follows a path of local names through first children: `path(head, 'docdata', 'doc-id')`. */
export function path(element: XmlElement | undefined, ...locals: string[]): XmlElement | undefined {
  let current = element;
  for (const local of locals) current = child(current, local);
  return current;
}

/** The first descendant with this local name, depth first, in document order. */
export function descendant(element: XmlElement | undefined, local: string): XmlElement | undefined {
  if (!element) return undefined;
  for (const node of element.children) {
    if (!isElement(node)) continue;
    if (node.local === local) return node;
    const found = descendant(node, local);
    if (found) return found;
  }
  return undefined;
}

/** An attribute by qualified name, else by local name (so `stt:version` is found as `version`). */
export function attr(element: XmlElement | undefined, name: string): string | undefined {
  if (!element) return undefined;
  if (Object.hasOwn(element.attributes, name)) return element.attributes[name];
  // for-in rather than Object.entries (same order: the object has no prototype): no array per miss.
  const attributes = element.attributes;
  for (const qualified in attributes) {
    const colon = qualified.indexOf(':');
    if (colon >= 0 && qualified.length - colon - 1 === name.length && qualified.endsWith(name))
      return attributes[qualified];
  }
  return undefined;
}

/** All descendant text, as written (whitespace kept). */
export function textContent(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  let text = '';
  for (const part of node.children) text += textContent(part);
  return text;
}

/** Whether any descendant text is more than whitespace; stops at the first that is. */
export function hasText(node: XmlNode | undefined): boolean {
  if (node === undefined) return false;
  if (typeof node === 'string') return node.trim() !== '';
  return node.children.some(hasText);
}

const STRAY_ENTITY = /&(amp|lt|gt|quot|apos|nbsp|#\d{1,7}|#x[0-9a-f]{1,6});/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * Entity references left in text after parsing (`o&#39;clock`, `&quot;`) mean the producer escaped
 * twice; readers should see the character. Only XML's own entities, `&nbsp;` and numeric
 * references are undone, once. The result is text: it is escaped again wherever it becomes HTML.
 */
export function repairStrayEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(STRAY_ENTITY, (reference, name: string) => {
    if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? reference;
    const code =
      name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    const printable = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0x7f);
    const valid = printable && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : reference;
  });
}

/** Text of a field: stray entities repaired, whitespace collapsed, trimmed; `undefined` when empty. */
export function fieldText(node: XmlNode | undefined): string | undefined {
  const text = repairStrayEntities(textContent(node)).replace(/\s+/g, ' ').trim();
  return text || undefined;
}

// --- Values --------------------------------------------------------------------------------------

export interface DateTimeValue {
  /** ISO 8601 / RFC 3339: `2018-06-11T12:00:00+00:00`, the offset as stated. */
  readonly iso: string;
  /** False when the input gave no UTC offset and UTC was assumed. */
  readonly zoned: boolean;
}

const DATE_TIME =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Whether the day exists in the proleptic Gregorian calendar (no 31 April, 29 February only in leap
 * years). Years before 100 are refused, as they always were: the Date.UTC round trip this replaces
 * read them as 19xx. Arithmetic rather than a Date: a few dates in every document.
 */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return day <= (leap ? 29 : 28);
  }
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/**
 * Dates as news XML states them — ISO 8601 extended (`2017-10-11T10:41:00+01:00`), with an offset
 * lacking its colon (`+0100`), or NITF's basic form (`20020225T143000-0500`, `20131020T192751Z`) —
 * to RFC 3339, which ninjs requires. A date without a time is midnight. Impossible dates
 * (month 13, 31 April) give `undefined`.
 */
export function parseDateTime(value: string | undefined): DateTimeValue | undefined {
  const match = DATE_TIME.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z') {
    const hours = zone.slice(1, 3);
    const minutes = zone.slice(3).replace(':', '') || '00';
    if (Number(hours) > 23 || Number(minutes) > 59) return undefined;
    offset = `${zone[0]}${hours}:${minutes}`;
  }
  return {
    iso: `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction}${offset}`,
    zoned: zone !== undefined,
  };
}

/** The instant of an ISO date-time from parseDateTime, for comparisons. */
export function instant(value: DateTimeValue): number {
  return Date.parse(value.iso);
}

const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/i;

/** A BCP 47-shaped language tag, else `undefined` (`xml:lang=""` means "no language"). */
export function languageTag(value: string | undefined): string | undefined {
  const tag = value?.trim().replace(/_/g, '-');
  return tag && LANGUAGE_TAG.test(tag) ? tag : undefined;
}

/**
 * Text without leading and trailing spaces and commas. A loop, not `/[\s,]+$/`: that regex is
 * quadratic on a long run of commas that does not end the text.
 */
export function trimCommas(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && /[\s,]/.test(text.charAt(start))) start++;
  while (end > start && /[\s,]/.test(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** `By Jane Doe` -> `Jane Doe`; tidies the commas and spaces left around removed parts. */
export function cleanByline(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const byline = trimCommas(
    text
      .replace(/\s+/g, ' ')
      .replace(/ ,/g, ',')
      .replace(/^\s*by[:\s]\s*/i, ''),
  );
  return byline || undefined;
}

// --- Bodies as HTML ------------------------------------------------------------------------------

type Rendering =
  /** An HTML element with inline content: p, h2, li, td... */
  | { readonly as: 'block'; readonly tag: string }
  /** An HTML element whose text children are only layout: ul, table, tr... */
  | { readonly as: 'list'; readonly tag: string }
  /** Holds blocks; loose inline content in it becomes paragraphs. No tag: only its content is kept. */
  | { readonly as: 'flow'; readonly tag?: string }
  /** Inline markup. No tag: only its text is kept. */
  | { readonly as: 'inline'; readonly tag?: string }
  | { readonly as: 'void'; readonly tag: 'br' | 'hr' }
  | { readonly as: 'link' }
  | { readonly as: 'image' }
  | { readonly as: 'media' }
  | { readonly as: 'drop' };

const block = (tag: string): Rendering => ({ as: 'block', tag });
const list = (tag: string): Rendering => ({ as: 'list', tag });
const inline = (tag: string): Rendering => ({ as: 'inline', tag });
const UNWRAP_INLINE: Rendering = { as: 'inline' };
const UNWRAP_FLOW: Rendering = { as: 'flow' };
const DROP: Rendering = { as: 'drop' };

/**
 * NITF body elements and XHTML, by local name. Anything else keeps its text and loses its markup
 * (NITF's person, org, location, chron, money...), except what can only be code, data or
 * non-publishable notes, which goes with its text.
 */
const each = (names: string, rendering: (name: string) => Rendering) =>
  names.split(' ').map((name) => [name, rendering(name)] as const);

const RENDERINGS = new Map<string, Rendering>([
  ['p', block('p')],
  ['hl1', block('h2')],
  ['hl2', block('h3')],
  ...each('h1 h2 h3 h4 h5 h6 pre li dt dd th td caption figcaption', block),
  ...each('ul ol dl table thead tbody tfoot tr', list),
  ...each('bq blockquote', () => ({ as: 'flow', tag: 'blockquote' })),
  ['figure', { as: 'flow', tag: 'figure' }],
  ...each('body.content block div section article body html main aside note fn', () => UNWRAP_FLOW),
  ...each('em strong u s sub sup q cite abbr code small mark', inline),
  ['i', inline('em')],
  ['b', inline('strong')],
  ['br', { as: 'void', tag: 'br' }],
  ['hr', { as: 'void', tag: 'hr' }],
  ['a', { as: 'link' }],
  ['img', { as: 'image' }],
  ['media', { as: 'media' }],
  ...each(
    'script style iframe object embed noscript template head title svg math form input button select textarea ' +
      'media-object media-metadata colgroup col',
    () => DROP,
  ),
]);

/** Unknown elements need a look at their children; remembered so that a body is walked once. */
const decided = new WeakMap<XmlElement, Rendering>();

function renderingOf(element: XmlElement): Rendering {
  const known = RENDERINGS.get(element.local) ?? RENDERINGS.get(element.local.toLowerCase());
  if (known) return element.local === 'note' && attr(element, 'noteclass') === 'editorsnote' ? DROP : known;
  let rendering = decided.get(element);
  if (!rendering) {
    // An unknown wrapper around paragraphs (a provider's own <section>-like element) is a flow.
    const wrapsBlocks = element.children.some((node) => isElement(node) && isBlockLevel(node));
    rendering = wrapsBlocks ? UNWRAP_FLOW : UNWRAP_INLINE;
    decided.set(element, rendering);
  }
  return rendering;
}

function isBlockLevel(element: XmlElement): boolean {
  const rendering = renderingOf(element);
  switch (rendering.as) {
    case 'block':
    case 'list':
    case 'flow':
    case 'media':
      return true;
    case 'void':
      return rendering.tag === 'hr';
    default:
      return false;
  }
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escapeAttribute(value: string): string {
  return value.replace(/[&<>"]/g, (char) => ATTRIBUTE_ESCAPES[char] as string);
}

/** Only absolute web URLs mean anything to a partner; relative ones point into the provider's system. */
function webUrl(value: string | undefined, schemes: RegExp): string | undefined {
  const url = value?.trim();
  if (!url || !schemes.test(url)) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

const LINK_SCHEMES = /^(https?:\/\/|mailto:)/i;
const IMAGE_SCHEMES = /^https?:\/\//i;

/** Runs of XML whitespace other than a single space: most text has none, so most text is not copied. */
const COLLAPSIBLE_SPACE = /[\t\r\n][ \t\r\n]*| [ \t\r\n]+/g;
const HTML_SPECIAL = /[&<>]/;

function renderText(text: string, pre: boolean): string {
  const repaired = repairStrayEntities(text);
  const spaced = pre ? repaired : repaired.replace(COLLAPSIBLE_SPACE, ' ');
  return HTML_SPECIAL.test(spaced) ? escapeHtmlText(spaced) : spaced;
}

function renderInline(nodes: readonly XmlNode[], pre: boolean): string {
  let html = '';
  for (const node of nodes)
    html += typeof node === 'string' ? renderText(node, pre) : renderElement(node, pre);
  return html;
}

/** Blocks one per line; loose text and inline elements between them are gathered into paragraphs. */
function renderFlow(nodes: readonly XmlNode[], pre: boolean): string {
  const blocks: string[] = [];
  let run = '';
  const flush = () => {
    const paragraph = run.trim();
    if (paragraph) blocks.push(`<p>${paragraph}</p>`);
    run = '';
  };
  for (const node of nodes) {
    if (typeof node === 'string') {
      run += renderText(node, pre);
    } else if (isBlockLevel(node)) {
      flush();
      const html = renderElement(node, pre);
      if (html) blocks.push(html);
    } else {
      run += renderElement(node, pre);
    }
  }
  flush();
  return blocks.join('\n');
}

function renderList(element: XmlElement, tag: string): string {
  let html = '';
  for (const node of element.children) {
    if (typeof node !== 'string') html += renderElement(node, false);
    else if (node.trim()) html += renderText(node, false);
  }
  return `<${tag}>${html}</${tag}>`;
}

function renderMedia(element: XmlElement): string {
  const reference = child(element, 'media-reference');
  const type = attr(element, 'media-type') ?? attr(reference, 'mime-type') ?? '';
  const src = webUrl(attr(reference, 'source') ?? attr(reference, 'data-location'), IMAGE_SCHEMES);
  if (!/image|photo|graphic/i.test(type) || !src) return '';
  const alt = attr(reference, 'alternate-text')?.trim();
  const caption = fieldText(child(element, 'media-caption'));
  return `<figure><img src="${escapeAttribute(src)}"${alt ? ` alt="${escapeAttribute(alt)}"` : ''}>${
    caption ? `<figcaption>${escapeHtmlText(caption)}</figcaption>` : ''
  }</figure>`;
}

function cellAttributes(element: XmlElement): string {
  let html = '';
  for (const name of ['colspan', 'rowspan']) {
    const value = attr(element, name);
    if (value && /^\d{1,3}$/.test(value)) html += ` ${name}="${value}"`;
  }
  return html;
}

function renderElement(element: XmlElement, pre: boolean): string {
  const rendering = renderingOf(element);
  switch (rendering.as) {
    case 'drop':
      return '';
    case 'void':
      return `<${rendering.tag}>`;
    case 'flow': {
      const inner = renderFlow(element.children, pre);
      return rendering.tag && inner ? `<${rendering.tag}>${inner}</${rendering.tag}>` : inner;
    }
    case 'list':
      return renderList(element, rendering.tag);
    case 'block': {
      // <p><h3>…</h3></p> happens in real feeds; HTML cannot nest blocks in a paragraph.
      if (rendering.tag === 'p' && element.children.some((node) => isElement(node) && isBlockLevel(node))) {
        return renderFlow(element.children, pre);
      }
      const inPre = pre || rendering.tag === 'pre';
      const attributes = rendering.tag === 'td' || rendering.tag === 'th' ? cellAttributes(element) : '';
      const inner = inPre
        ? renderInline(element.children, true)
        : renderInline(element.children, false).trim();
      // An empty paragraph is layout the provider's editor left behind; empty cells keep the grid.
      if (!inner && rendering.tag === 'p') return '';
      return `<${rendering.tag}${attributes}>${inner}</${rendering.tag}>`;
    }
    case 'inline': {
      const inner = renderInline(element.children, pre);
      return rendering.tag && inner ? `<${rendering.tag}>${inner}</${rendering.tag}>` : inner;
    }
    case 'link': {
      const inner = renderInline(element.children, pre);
      const href = webUrl(attr(element, 'href'), LINK_SCHEMES);
      return href && inner ? `<a href="${escapeAttribute(href)}">${inner}</a>` : inner;
    }
    case 'image': {
      const src = webUrl(attr(element, 'src'), IMAGE_SCHEMES);
      const alt = attr(element, 'alt')?.trim();
      return src ? `<img src="${escapeAttribute(src)}"${alt ? ` alt="${escapeAttribute(alt)}"` : ''}>` : '';
    }
    case 'media':
      return renderMedia(element);
  }
}

/**
 * The children of a body element (NITF body.content, XHTML body) as HTML: known structure mapped
 * (hl1/hl2 -> h2/h3, bq -> blockquote, media -> figure), text and attribute values escaped,
 * unknown elements unwrapped. The result is still sanitised by the assembly; this only makes sure
 * the structure survives that allow-list.
 */
export function bodyToHtml(element: XmlElement): string {
  return renderFlow(element.children, false);
}

/** The HTML of an NITF document's body.content elements, `undefined` when they hold no text. */
export function nitfBodyHtml(nitf: XmlElement): string | undefined {
  const contents = childrenNamed(child(nitf, 'body'), 'body.content');
  if (!contents.some(hasText)) return undefined;
  return contents.map(bodyToHtml).join('\n');
}
