/**
 * NewsML-G2 text items to ArticleParts: a `newsItem`, or the first text `newsItem` of a
 * `newsMessage` (the other items of a message — pictures, further stories — are not read).
 *
 * Field sources: `@guid`, `@version`; itemMeta: pubStatus, embargoed, versionCreated, firstCreated,
 * title (headline fallback); contentMeta: headline (main and sub by role), by, located, urgency,
 * language, subject, keyword, description, contentCreated, altId; rightsInfo; and the content of
 * contentSet: inlineXML (XHTML, or NITF) as HTML, inlineData as plain text paragraphs.
 * Elements are matched by local name: providers do not always put them in the NAR namespace.
 */
import { Parser } from 'htmlparser2';
import type { Provenance } from '../../domain/provenance.js';
import type { AltId, PubStatus } from '../../ninjs/types.js';
import { limitedHandler } from '../body.js';
import { RejectedInputError } from '../errors.js';
import { recordDropped } from '../lenient.js';
import type { ArticleParts, FormatParser, SourceBody, SourceSubject } from '../parts.js';
import { lineFeeds } from './text.js';
import {
  attr,
  bodyToHtml,
  child,
  childrenNamed,
  cleanByline,
  descendant,
  fieldText,
  hasText,
  languageTag,
  nitfBodyHtml,
  parseDateTime,
  parseXml,
  path,
  repairStrayEntities,
  textContent,
  type XmlElement,
} from './xml.js';

const MIN_URGENCY = 1;
const MAX_URGENCY = 9;

const PUB_STATUS = new Map<string, PubStatus>([
  ['usable', 'usable'],
  ['withheld', 'withheld'],
  ['canceled', 'canceled'],
  ['cancelled', 'canceled'],
]);

/** The code part of a QCode: `stat:usable` -> `usable`. */
function qcodeValue(qcode: string | undefined): string | undefined {
  const value = qcode?.trim();
  return value ? value.slice(value.indexOf(':') + 1) : undefined;
}

function hasInlineContent(item: XmlElement): boolean {
  const contentSet = child(item, 'contentSet');
  return Boolean(child(contentSet, 'inlineXML') ?? child(contentSet, 'inlineData'));
}

/** A text item by its class (`ninat:text`, older `icls:text`), else by carrying inline content. */
function isTextItem(item: XmlElement): boolean {
  const itemClass = qcodeValue(attr(path(item, 'itemMeta', 'itemClass'), 'qcode'));
  return itemClass ? itemClass === 'text' : hasInlineContent(item);
}

function newsItemOf(root: XmlElement): XmlElement {
  if (root.local === 'newsItem') {
    if (isTextItem(root)) return root;
    const itemClass = attr(path(root, 'itemMeta', 'itemClass'), 'qcode') ?? 'no itemClass';
    throw new RejectedInputError(
      'NO_ARTICLE',
      `the newsItem is ${itemClass}, not a text item with inline content`,
    );
  }
  if (root.local === 'newsMessage') {
    const items = childrenNamed(child(root, 'itemSet'), 'newsItem');
    const item = items.find(isTextItem);
    if (item) return item;
    throw new RejectedInputError(
      'NO_ARTICLE',
      `the newsMessage holds ${items.length} newsItem(s), none of them text`,
    );
  }
  throw new RejectedInputError(
    'UNSUPPORTED_FORMAT',
    `the root element is <${root.name}>; only NewsML-G2 newsItem and newsMessage are read`,
  );
}

// --- Content -------------------------------------------------------------------------------------

// Bounded, so that a hostile run of `<p<p<p…` without `>` cannot make the test quadratic.
const HTML_MARKUP =
  /<\/?(?:p|br|div|h[1-6]|ul|ol|li|blockquote|pre|table|tr|td|b|i|em|strong|a|span)\b[^<>]{0,200}>/i;
const HTML_BLOCKS = new Set('p div h1 h2 h3 h4 h5 h6 ul ol li blockquote pre table tr'.split(' '));
const HTML_NON_TEXT = new Set('script style head title template noscript iframe object svg math'.split(' '));

/**
 * Paragraphs of wire text: blank lines separate them; without blank lines, an indented line
 * starts one (the lines between are hard-wrapped); without either, every line is one.
 */
function plainParagraphs(text: string): string[] {
  const normalised = lineFeeds(repairStrayEntities(text)).trim();
  const separator = /\n[ \t]*\n/.test(normalised)
    ? /\n[ \t]*\n/
    : /\n[ \t]+\S/.test(normalised)
      ? /\n(?=[ \t])/
      : /\n/;
  return normalised
    .split(separator)
    .map((paragraph) => paragraph.replace(/[ \t\n]+/g, ' ').trim())
    .filter(Boolean);
}

/**
 * Text declared text/plain that is really HTML (ANSA wraps its wire text in <p> inside CDATA):
 * the text of each block, entities decoded, tags and scripts gone, line breaks kept for
 * plainParagraphs. Read as text because that is what the provider declared, and held to the HTML
 * limits as every untrusted HTML is.
 */
function htmlTextBlocks(html: string, maxDepth: number): string[] {
  const blocks: string[] = [];
  let current = '';
  let skipping = 0;
  const flush = () => {
    blocks.push(current);
    current = '';
  };
  const parser = new Parser(
    limitedHandler(
      {
        onopentag(name) {
          if (HTML_NON_TEXT.has(name)) skipping++;
          else if (HTML_BLOCKS.has(name)) flush();
          else if (name === 'br') current += '\n';
        },
        ontext(text) {
          if (skipping === 0) current += text;
        },
        onclosetag(name) {
          if (HTML_NON_TEXT.has(name)) skipping = Math.max(0, skipping - 1);
          else if (HTML_BLOCKS.has(name)) flush();
        },
      },
      { maxDepth, what: 'the inlineData text' },
    ),
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return blocks;
}

function inlineXmlBody(inline: XmlElement): SourceBody | undefined {
  const nitf = descendant(inline, 'nitf');
  if (nitf) {
    const html = nitfBodyHtml(nitf);
    return html ? { kind: 'html', html } : undefined;
  }
  const container = child(descendant(inline, 'html'), 'body') ?? inline;
  return hasText(container) ? { kind: 'html', html: bodyToHtml(container) } : undefined;
}

function inlineDataBody(data: XmlElement, maxDepth: number): SourceBody | undefined {
  let text = textContent(data);
  const encoding = attr(data, 'encoding')?.trim().toLowerCase();
  if (encoding === 'base64') {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'base64'));
    } catch {
      return undefined;
    }
  } else if (encoding) {
    return undefined;
  }
  if (!text.trim()) return undefined;
  const contentType = attr(data, 'contenttype')?.toLowerCase() ?? 'text/plain';
  if (contentType.includes('html')) return { kind: 'html', html: text };
  const paragraphs = HTML_MARKUP.test(text)
    ? htmlTextBlocks(text, maxDepth).flatMap(plainParagraphs)
    : plainParagraphs(text);
  return paragraphs.length > 0 ? { kind: 'text', paragraphs } : undefined;
}

/** The first inline rendition with text: XML (structured) before data (plain). */
function bodyOf(item: XmlElement, maxDepth: number): SourceBody {
  const contentSet = child(item, 'contentSet');
  for (const inline of childrenNamed(contentSet, 'inlineXML')) {
    const body = inlineXmlBody(inline);
    if (body) return body;
  }
  for (const data of childrenNamed(contentSet, 'inlineData')) {
    const body = inlineDataBody(data, maxDepth);
    if (body) return body;
  }
  const remote = child(contentSet, 'remoteContent') ? ' (remoteContent is never fetched)' : '';
  throw new RejectedInputError('NO_BODY', `contentSet has no inlineXML or inlineData with text${remote}`);
}

// --- Metadata ------------------------------------------------------------------------------------

/** `name` child, else `@literal`: how G2 properties give a human-readable value. */
function nameOf(element: XmlElement | undefined): string | undefined {
  return fieldText(child(element, 'name')) ?? (attr(element, 'literal')?.trim() || undefined);
}

function headlinesOf(contentMeta: XmlElement | undefined): { main?: string; sub?: string } {
  let main: string | undefined;
  let sub: string | undefined;
  for (const headline of childrenNamed(contentMeta, 'headline')) {
    const text = fieldText(headline);
    if (!text) continue;
    // hld:subHeadline, hld:sub...; no role (or hld:main, hld:title) is the main headline.
    if (/sub/i.test(attr(headline, 'role') ?? '')) sub ??= text;
    else main ??= text;
  }
  return { ...(main ? { main } : {}), ...(sub ? { sub } : {}) };
}

const IPTC_CV = /^https?:\/\/cv\.iptc\.org\/newscodes\/(mediatopic|subjectcode)\/(\d{8})\/?$/i;

/** Subjects with a code; `literal`-only subjects are free text, so they become keywords. */
function subjectsOf(contentMeta: XmlElement | undefined): { subjects: SourceSubject[]; literals: string[] } {
  const subjects: SourceSubject[] = [];
  const literals: string[] = [];
  for (const subject of childrenNamed(contentMeta, 'subject')) {
    const qcode = attr(subject, 'qcode')?.trim();
    const uri = attr(subject, 'uri')?.trim();
    const name = fieldText(child(subject, 'name'));
    const iptc = uri ? IPTC_CV.exec(uri) : null;
    const code =
      qcode ||
      (iptc ? `${iptc[1]?.toLowerCase() === 'mediatopic' ? 'medtop' : 'subj'}:${iptc[2]}` : undefined);
    if (code || uri) {
      subjects.push({ ...(code ? { code } : {}), ...(name ? { name } : {}), ...(uri ? { uri } : {}) });
    } else {
      const literal = name ?? attr(subject, 'literal')?.trim();
      if (literal) literals.push(literal);
    }
  }
  return { subjects, literals };
}

function urgencyOf(
  contentMeta: XmlElement | undefined,
  provenance: Record<string, Provenance>,
): number | undefined {
  const stated = fieldText(child(contentMeta, 'urgency'));
  if (!stated) return undefined;
  const urgency = Number(stated);
  if (Number.isInteger(urgency) && urgency >= MIN_URGENCY && urgency <= MAX_URGENCY) return urgency;
  // Urgency only orders the wire; losing the story over it would cost more than losing the value.
  recordDropped(provenance, 'urgency', 'newsml:urgency-out-of-range-dropped', stated);
  return undefined;
}

/** A date property: RFC 3339, or dropped with a note when unreadable (these only describe the item). */
function dateOf(
  element: XmlElement | undefined,
  field: string,
  provenance: Record<string, Provenance>,
): string | undefined {
  const stated = fieldText(element);
  if (!stated) return undefined;
  const date = parseDateTime(stated);
  if (!date) recordDropped(provenance, field, `newsml:${element?.local}-unreadable-dropped`, stated);
  else if (!date.zoned) provenance[field] = { rule: `newsml:${element?.local}-assumed-utc`, confidence: 60 };
  return date?.iso;
}

interface Status {
  pubStatus?: PubStatus;
  embargoedUntil?: string;
}

/**
 * pubStatus and embargo decide whether partners may publish: an unreadable value is dropped and
 * recorded, and the item is indexed as withheld (kept, not published), since it might be an embargo
 * or a withdrawal we would otherwise break. An empty <embargoed/> states an embargo without an end: withheld.
 */
function statusOf(itemMeta: XmlElement | undefined, provenance: Record<string, Provenance>): Status {
  const status: Status = {};
  const statedStatus = attr(child(itemMeta, 'pubStatus'), 'qcode')?.trim();
  if (statedStatus) {
    const pubStatus = PUB_STATUS.get(qcodeValue(statedStatus)?.toLowerCase() ?? '');
    if (pubStatus) status.pubStatus = pubStatus;
    else {
      recordDropped(
        provenance,
        'pubStatus',
        'newsml:pubStatus-not-stat:usable-withheld-or-canceled-dropped;withheld',
        statedStatus,
      );
      status.pubStatus = 'withheld';
    }
  }
  const embargoed = child(itemMeta, 'embargoed');
  if (embargoed) {
    const stated = fieldText(embargoed);
    const date = parseDateTime(stated);
    if (stated && !date) {
      recordDropped(provenance, 'embargoedUntil', 'newsml:embargoed-unreadable-dropped;withheld', stated);
      if (status.pubStatus !== 'canceled') status.pubStatus = 'withheld';
    } else if (date) {
      status.embargoedUntil = date.iso;
      if (!date.zoned) provenance.embargoedUntil = { rule: 'newsml:embargoed-assumed-utc', confidence: 60 };
    } else if (status.pubStatus !== 'canceled') {
      status.pubStatus = 'withheld';
      provenance.pubStatus = { rule: 'newsml:embargoed-without-time', confidence: 100 };
    }
  }
  return status;
}

function rightsOf(item: XmlElement): Partial<ArticleParts> {
  const rightsInfo = child(item, 'rightsInfo');
  const holder = nameOf(child(rightsInfo, 'copyrightHolder'));
  const notice = fieldText(child(rightsInfo, 'copyrightNotice'));
  const usageTerms = fieldText(child(rightsInfo, 'usageTerms'));
  return {
    ...(holder ? { copyrightHolder: holder } : {}),
    ...(notice ? { copyrightNotice: notice } : {}),
    ...(usageTerms ? { usageTerms } : {}),
  };
}

function altIdsOf(item: XmlElement, contentMeta: XmlElement | undefined): AltId[] {
  const altIds: AltId[] = [];
  for (const altId of childrenNamed(contentMeta, 'altId')) {
    const value = fieldText(altId);
    if (value) altIds.push({ role: attr(altId, 'type')?.trim() || 'newsml:altId', value });
  }
  // The provider's version number orders updates of one guid (ArticleParts has no field for it).
  const version = attr(item, 'version')?.trim();
  if (version) altIds.push({ role: 'newsml:version', value: version });
  return altIds;
}

export const parseNewsml: FormatParser = (text, context) =>
  newsmlParts(parseXml(text, { maxDepth: context.limits.maxDepth }), context.limits.maxDepth);

/**
 * The parts of a parsed NewsML-G2 document (a newsItem or newsMessage root); `maxDepth` bounds the
 * nesting of HTML found inside its text.
 */
export function newsmlParts(root: XmlElement, maxDepth: number): ArticleParts {
  const item = newsItemOf(root);
  const itemMeta = child(item, 'itemMeta');
  const contentMeta = child(item, 'contentMeta');
  const provenance: Record<string, Provenance> = {};

  const headlines = headlinesOf(contentMeta);
  let headline = headlines.main;
  if (!headline) {
    headline = fieldText(child(itemMeta, 'title'));
    if (headline) provenance.headlines = { rule: 'newsml:itemMeta-title', confidence: 80 };
  }
  if (!headline)
    throw new RejectedInputError('NO_HEADLINE', 'neither contentMeta/headline nor itemMeta/title has text');
  const body = bodyOf(item, maxDepth);

  const id = attr(item, 'guid')?.trim();
  const byline = cleanByline(fieldText(child(contentMeta, 'by')));
  const located = nameOf(child(contentMeta, 'located'));
  const language =
    languageTag(attr(child(contentMeta, 'language'), 'tag')) ??
    languageTag(attr(item, 'xml:lang')) ??
    languageTag(attr(root, 'xml:lang'));
  const summary = childrenNamed(contentMeta, 'description')
    .filter((description) => /summary|^$/i.test(attr(description, 'role') ?? ''))
    .map(fieldText)
    .find(Boolean);
  const urgency = urgencyOf(contentMeta, provenance);
  const { subjects, literals } = subjectsOf(contentMeta);
  const keywords = [
    ...childrenNamed(contentMeta, 'keyword')
      .map(fieldText)
      .filter((keyword): keyword is string => Boolean(keyword)),
    ...literals,
  ];
  const contentCreated = dateOf(child(contentMeta, 'contentCreated'), 'contentCreated', provenance);
  const firstCreated = dateOf(child(itemMeta, 'firstCreated'), 'firstCreated', provenance);
  const versionCreated = dateOf(child(itemMeta, 'versionCreated'), 'versionCreated', provenance);
  const status = statusOf(itemMeta, provenance);
  const altIds = altIdsOf(item, contentMeta);

  return {
    headline,
    body,
    ...(id ? { id } : {}),
    ...(headlines.sub ? { subheadline: headlines.sub } : {}),
    ...(byline ? { byline } : {}),
    ...(located ? { located } : {}),
    ...(language ? { language } : {}),
    ...(summary ? { summary } : {}),
    ...(contentCreated ? { contentCreated } : {}),
    ...(firstCreated ? { firstCreated } : {}),
    ...(versionCreated ? { versionCreated } : {}),
    ...status,
    ...(urgency !== undefined ? { urgency } : {}),
    ...(subjects.length > 0 ? { subjects } : {}),
    ...(keywords.length > 0 ? { keywords } : {}),
    ...rightsOf(item),
    ...(altIds.length > 0 ? { altIds } : {}),
    ...(Object.keys(provenance).length > 0 ? { provenance } : {}),
  };
}
