/**
 * NITF 3.x (IPTC News Industry Text Format) to ArticleParts.
 *
 * Field sources: headline `body.head/hedline/hl1` (else `head/title`), subheadline `hl2`, byline,
 * dateline location, abstract as summary, `body.content` as HTML; from `head/docdata`: doc-id,
 * urgency, dates, management-status, keywords, copyright and rights; subjects from `tobject`.
 * Elements are matched by local name, so NITF 3.5+ documents in the NITF namespace read the same.
 */

import type { Provenance } from '../../domain/provenance.js';
import type { AltId, Party, PubStatus } from '../../ninjs/types.js';
import { RejectedInputError } from '../errors.js';
import { recordDropped } from '../lenient.js';
import type { ArticleParts, FormatParser, SourceSubject } from '../parts.js';
import { newsmlParts } from './newsml.js';
import {
  attr,
  child,
  childrenNamed,
  cleanByline,
  type DateTimeValue,
  descendant,
  fieldText,
  instant,
  isElement,
  languageTag,
  nitfBodyHtml,
  parseDateTime,
  parseXml,
  textContent,
  trimCommas,
  type XmlElement,
} from './xml.js';

/**
 * Real NITF files often name the NITF DTD (`<!DOCTYPE nitf SYSTEM "nitf-3-2.dtd">`). Such a bare
 * reference to an NITF DTD, without an internal subset, declares no entities and is never loaded,
 * so it is accepted; any other DOCTYPE (internal subset, other file, file: URL) is refused as UNSAFE.
 */
const NITF_DOCTYPE =
  /^\s*nitf\s+(?:SYSTEM\s+(["'])([^"'[\]]*)\1|PUBLIC\s+(["'])-\/\/IPTC(?:-NAA)?\/\/DTD NITF[^"']*\3(?:\s+(["'])([^"'[\]]*)\4)?)\s*$/i;
const NITF_DTD_LOCATION =
  /^(?:https?:\/\/(?:www\.)?(?:iptc|nitf)\.org\/[\w./-]*\/)?(?:[\w.-]+\/)*nitf[\w.-]*\.dtd$/i;

/** Real NITF DOCTYPEs are short; the cap also keeps the patterns below linear on hostile input. */
const MAX_DOCTYPE_CHARS = 300;

export function isNitfDtdReference(doctype: string): boolean {
  if (doctype.length > MAX_DOCTYPE_CHARS) return false;
  const match = NITF_DOCTYPE.exec(doctype);
  if (!match) return false;
  const location = match[2] ?? match[5];
  return location === undefined ? match[3] !== undefined : NITF_DTD_LOCATION.test(location);
}

/** NITF says 1-8 (1 most urgent, 5 normal); ninjs allows 1-9, so every NITF value carries over. */
const MIN_URGENCY = 1;
const MAX_URGENCY = 9;

const MANAGEMENT_STATUS = new Map<string, PubStatus | 'embargoed'>([
  ['usable', 'usable'],
  ['embargoed', 'embargoed'],
  ['withheld', 'withheld'],
  ['canceled', 'canceled'],
  ['cancelled', 'canceled'],
]);

function urgencyOf(
  docdata: XmlElement | undefined,
  provenance: Record<string, Provenance>,
): number | undefined {
  const stated = attr(child(docdata, 'urgency'), 'ed-urg')?.trim();
  if (!stated) return undefined;
  const urgency = Number(stated);
  if (Number.isInteger(urgency) && urgency >= MIN_URGENCY && urgency <= MAX_URGENCY) return urgency;
  // Urgency only orders the wire; losing the story over it would cost more than losing the value.
  recordDropped(provenance, 'urgency', 'nitf:ed-urg-out-of-range-dropped', stated);
  return undefined;
}

/** The byline text with the title (`byttl`) set off by a comma, and the people it names. */
function bylineOf(byline: XmlElement | undefined): { byline?: string; people: Party[] } {
  if (!byline) return { people: [] };
  let text = '';
  const people: Party[] = [];
  for (const node of byline.children) {
    if (!isElement(node)) text += node;
    else if (node.local === 'byttl') text += `, ${textContent(node)}`;
    else {
      if (node.local === 'person') {
        const name = fieldText(node);
        if (name) people.push({ name, rel: 'author' });
      }
      text += textContent(node);
    }
  }
  const cleaned = cleanByline(fieldText(text));
  return cleaned ? { byline: cleaned, people } : { people };
}

/** The place of a dateline: its `location`, else the text before the date (`SYDNEY, Oct 20 (AAP) -`). */
function locatedOf(
  dateline: XmlElement | undefined,
  provenance: Record<string, Provenance>,
): string | undefined {
  if (!dateline) return undefined;
  const location = fieldText(descendant(dateline, 'location'));
  if (location) return trimCommas(location);
  const text = dateline.children
    .filter((node) => !(isElement(node) && node.local === 'story.date'))
    .map(textContent)
    .join('');
  const place = fieldText(text)
    ?.split(/,|\s[-–—]\s|\(/)[0]
    ?.trim();
  if (place) provenance.located = { rule: 'nitf:dateline-text-before-comma', confidence: 70 };
  return place || undefined;
}

function subjectsOf(head: XmlElement | undefined): SourceSubject[] {
  const subjects: SourceSubject[] = [];
  for (const tobject of childrenNamed(head, 'tobject')) {
    for (const subject of childrenNamed(tobject, 'tobject.subject')) {
      const refnum = attr(subject, 'tobject.subject.refnum')?.trim();
      // The most specific label given names the code: detail, else matter, else type.
      const name = ['detail', 'matter', 'type']
        .map((level) => attr(subject, `tobject.subject.${level}`)?.trim())
        .find(Boolean);
      const code = refnum && /^\d{8}$/.test(refnum) ? `subj:${refnum}` : undefined;
      if (code || name) subjects.push({ ...(code ? { code } : {}), ...(name ? { name } : {}) });
    }
  }
  return subjects;
}

function languageOf(nitf: XmlElement, body: XmlElement | undefined): string | undefined {
  for (const [element, name] of [
    [nitf, 'xml:lang'],
    [nitf, 'baselang'],
    [body, 'xml:lang'],
    [body, 'lang'],
  ] as const) {
    const tag = languageTag(attr(element, name));
    if (tag) return tag;
  }
  return undefined;
}

/**
 * A date template left unfilled: the pattern letters of a format (`YYYYMMDDHHMMSS`, `yyyy-MM-dd`)
 * where the digits should be. Editing systems send these when no date was set.
 */
export function isDatePlaceholder(value: string): boolean {
  return /(?:YYYY|yyyy)/.test(value) && /^[YyMDdHhmSsTZz0-9:+\-. ]+$/.test(value);
}

interface Management {
  pubStatus?: PubStatus;
  embargoedUntil?: string;
}

/**
 * NITF has no embargo element. `date.release` is when the document "is available to be released"
 * (on receipt if absent), and docdata@management-status may say `embargoed`. So the release time
 * is an embargo when the status says so, or when it is later than the issue time (a document sent
 * before it may be used). Compared with the issue time, not the clock, so that the same file
 * always gives the same article. `embargoed` without a release time can only be withheld.
 */
function managementOf(
  docdata: XmlElement | undefined,
  issued: DateTimeValue | undefined,
  provenance: Record<string, Provenance>,
): Management {
  const statedStatus = attr(docdata, 'management-status')?.trim().toLowerCase();
  const status = statedStatus ? MANAGEMENT_STATUS.get(statedStatus) : undefined;
  const management: Management = {};
  // An unreadable status or release time could be a withdrawal or an embargo we would break: the
  // value is dropped and the document indexed as withheld (kept, not published).
  let withhold = false;
  if (statedStatus && !status) {
    recordDropped(provenance, 'pubStatus', 'nitf:management-status-unknown-dropped;withheld', statedStatus);
    withhold = true;
  }
  const releaseNorm = attr(child(docdata, 'date.release'), 'norm')?.trim();
  const release = parseDateTime(releaseNorm);
  if (releaseNorm && !release) {
    if (isDatePlaceholder(releaseNorm)) {
      // An editing system's unfilled template (`YYYYMMDD000000-HHMM`) states no release time at all.
      recordDropped(provenance, 'embargoedUntil', 'nitf:date.release-placeholder-dropped', releaseNorm);
    } else {
      recordDropped(
        provenance,
        'embargoedUntil',
        'nitf:date.release-unreadable-dropped;withheld',
        releaseNorm,
      );
      withhold = true;
    }
  }
  if (status && status !== 'embargoed') management.pubStatus = status;
  if (withhold && management.pubStatus !== 'canceled') management.pubStatus = 'withheld';
  const releasedLater = release && (!issued || instant(release) > instant(issued));
  if (release && (status === 'embargoed' || releasedLater)) {
    management.embargoedUntil = release.iso;
    if (!release.zoned) provenance.embargoedUntil = { rule: 'nitf:date.release-assumed-utc', confidence: 60 };
  } else if (status === 'embargoed') {
    management.pubStatus = 'withheld';
    provenance.pubStatus = { rule: 'nitf:embargoed-without-release-time', confidence: 100 };
  }
  return management;
}

function rightsOf(docdata: XmlElement | undefined): Partial<ArticleParts> {
  const copyright = child(docdata, 'doc.copyright');
  const rights = child(docdata, 'doc.rights');
  const holder = attr(copyright, 'holder')?.trim() || attr(rights, 'owner')?.trim();
  const year = attr(copyright, 'year')?.trim();
  const usageTerms = attr(rights, 'limitations')?.replace(/\s+/g, ' ').trim();
  return {
    ...(holder ? { copyrightHolder: holder } : {}),
    ...(holder && year ? { copyrightNotice: `© ${year} ${holder}` } : {}),
    ...(usageTerms ? { usageTerms } : {}),
  };
}

function altIdsOf(docdata: XmlElement | undefined): AltId[] {
  const altIds: AltId[] = [];
  const duKey = attr(child(docdata, 'du-key'), 'key')?.trim();
  if (duKey) altIds.push({ role: 'nitf:du-key', value: duKey });
  const updates = attr(docdata, 'management-doc-idref')?.trim();
  if (updates) altIds.push({ role: 'nitf:management-doc-idref', value: updates });
  return altIds;
}

export const parseNitf: FormatParser = (text, context) => {
  const root = parseXml(text, { maxDepth: context.limits.maxDepth, acceptDoctype: isNitfDtdReference });
  // A NewsML-G2 item carrying NITF inline is a NewsML-G2 item: its metadata is in the item.
  if (root.local === 'newsItem' || root.local === 'newsMessage')
    return newsmlParts(root, context.limits.maxDepth);
  // NewsML 1 and other wrappers carry the NITF document inside.
  const nitf = root.local === 'nitf' ? root : descendant(root, 'nitf');
  if (!nitf) {
    throw new RejectedInputError(
      'UNSUPPORTED_FORMAT',
      `the root element is <${root.name}> and holds no <nitf>`,
    );
  }
  const head = child(nitf, 'head');
  const body = child(nitf, 'body');
  const bodyHead = child(body, 'body.head');
  const docdata = child(head, 'docdata');
  const provenance: Record<string, Provenance> = {};

  const hedline = child(bodyHead, 'hedline');
  let headline = fieldText(child(hedline, 'hl1'));
  if (!headline) {
    headline = fieldText(child(head, 'title'));
    if (headline) provenance.headlines = { rule: 'nitf:head-title', confidence: 80 };
  }
  if (!headline)
    throw new RejectedInputError('NO_HEADLINE', 'neither body.head/hedline/hl1 nor head/title has text');

  const html = nitfBodyHtml(nitf);
  if (html === undefined)
    throw new RejectedInputError('NO_BODY', 'body/body.content is missing or holds no text');

  const issueNorm = attr(child(docdata, 'date.issue'), 'norm');
  const issued = parseDateTime(issueNorm);
  // The issue time only describes the document: an unreadable one is dropped, not a reason to refuse it.
  if (issueNorm?.trim() && !issued) {
    recordDropped(provenance, 'contentCreated', 'nitf:date.issue-unreadable-dropped', issueNorm);
  }
  const { byline, people } = bylineOf(child(bodyHead, 'byline'));
  const id = attr(child(docdata, 'doc-id'), 'id-string')?.trim();
  const subheadline = fieldText(child(hedline, 'hl2'));
  const summary = fieldText(child(bodyHead, 'abstract'));
  const located = locatedOf(child(bodyHead, 'dateline'), provenance);
  const language = languageOf(nitf, body);
  const urgency = urgencyOf(docdata, provenance);
  const keywords = childrenNamed(child(docdata, 'key-list'), 'keyword')
    .map((keyword) => attr(keyword, 'key')?.trim())
    .filter((keyword): keyword is string => Boolean(keyword));
  const subjects = subjectsOf(head);
  const altIds = altIdsOf(docdata);
  if (issued && !issued.zoned)
    provenance.contentCreated = { rule: 'nitf:date.issue-assumed-utc', confidence: 60 };
  const management = managementOf(docdata, issued, provenance);

  return {
    headline,
    body: { kind: 'html', html },
    ...(id ? { id } : {}),
    ...(subheadline ? { subheadline } : {}),
    ...(byline ? { byline } : {}),
    ...(people.length > 0 ? { people } : {}),
    ...(located ? { located } : {}),
    ...(language ? { language } : {}),
    ...(summary ? { summary } : {}),
    ...(issued ? { contentCreated: issued.iso, firstCreated: issued.iso } : {}),
    ...management,
    ...(urgency !== undefined ? { urgency } : {}),
    ...(subjects.length > 0 ? { subjects } : {}),
    ...(keywords.length > 0 ? { keywords } : {}),
    ...rightsOf(docdata),
    ...(altIds.length > 0 ? { altIds } : {}),
    ...(Object.keys(provenance).length > 0 ? { provenance } : {}),
  };
};
