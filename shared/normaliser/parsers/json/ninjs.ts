/**
 * IPTC ninjs documents of any major version (1.x, 2.x, 3.x) upgraded field by field to ArticleParts.
 *
 * ninjs versions differ in names and shapes, not in meaning:
 * - 1.x: lower-case names, one `headline` and `byline`, bodies and descriptions as `body_<format>` and
 *   `description_<format>` properties, entities in `subject`/`person`/`organisation`/`place` arrays of
 *   `{ name, rel, scheme, code }`, `altids` as an object of role → value, `embargoed`.
 * - 2.x: lower-case names, `headlines`/`bodies`/`descriptions` arrays of `{ role, contenttype, value }`,
 *   `by`, entities in `subjects`/`people`/`organisations`/`places` of `{ name, rel, uri, literal }`,
 *   `altids` as an array, `embargoed`.
 * - 3.x: the 2.x shapes with camelCase names (`versionCreated`, `contentType`, `altIds`...);
 *   `embargoed` (3.0) became `embargoedUntil` (3.1+), `geojson` became `geoJSON`.
 */

import type { Provenance } from '../../../domain/provenance.js';
// The same URI test as the ninjs schema validator: a value accepted here cannot fail validation later.
import { isUri } from '../../../ninjs/formats.js';
import type { AltId, ContactInfo, Party, Place } from '../../../ninjs/types.js';
import { RejectedInputError } from '../../errors.js';
import { readOptional, recordDropped } from '../../lenient.js';
import type { ArticleParts, SourceBody, SourceSubject } from '../../parts.js';
import { readDateTime } from './dates.js';
import type { NinjsVersion } from './detect.js';
import {
  bodyOfText,
  definedOnly,
  firstOwn,
  htmlText,
  isRecord,
  type JsonRecord,
  keywordsOf,
  kindOf,
  looksLikeHtml,
  own,
  quoted,
  readLanguage,
  readPubStatus,
  readUrgency,
  scalarText,
  textField,
  textParagraphs,
  uriField,
  withheldIfUnreadable,
} from './values.js';

/** A ninjs property by its 3.x name, also found under its lower-case 1.x/2.x name (and vice versa). */
function ninjsField(
  record: JsonRecord,
  camelName: string,
  version: NinjsVersion,
): { key: string; value: unknown } {
  const lower = camelName.toLowerCase();
  const names = version === 3 ? [camelName, lower] : [lower, camelName];
  for (const key of names) {
    const value = own(record, key);
    if (value !== undefined && value !== null) return { key, value };
  }
  return { key: names[0] ?? camelName, value: undefined };
}

interface RoleValue {
  readonly role?: string;
  readonly contentType?: string;
  readonly value: string;
}

/** `headlines`, `bodies`, `descriptions`: arrays of `{ role, contentType|contenttype, value }`. */
function roleValues(record: JsonRecord, camelName: string, version: NinjsVersion): RoleValue[] {
  const { key, value } = ninjsField(record, camelName, version);
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new RejectedInputError('INVALID_FIELD', `${key}: expected an array, got ${kindOf(value)}`);
  const items: RoleValue[] = [];
  value.forEach((item, index) => {
    if (!isRecord(item))
      throw new RejectedInputError(
        'INVALID_FIELD',
        `${key}[${index}]: expected an object, got ${kindOf(item)}`,
      );
    const text = own(item, 'value');
    if (typeof text !== 'string') {
      if (text === undefined || text === null) return;
      throw new RejectedInputError(
        'INVALID_FIELD',
        `${key}[${index}].value: expected text, got ${kindOf(text)}`,
      );
    }
    const role = own(item, 'role');
    const contentType = own(item, 'contentType') ?? own(item, 'contenttype');
    items.push({
      value: text,
      ...(typeof role === 'string' ? { role: role.toLowerCase() } : {}),
      ...(typeof contentType === 'string'
        ? { contentType: contentType.toLowerCase().split(';')[0]?.trim() }
        : {}),
    });
  });
  return items;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const SUB_HEADLINE_ROLES = new Set(['sub', 'subheadline', 'subtitle', 'secondary']);
const NON_SUMMARY_ROLES = new Set(['caption', 'alt', 'alttext', 'ednote', 'internal']);

function plainOf(item: RoleValue, maxDepth: number, field: string): string | undefined {
  if (item.contentType && HTML_TYPES.has(item.contentType)) return htmlText(item.value, maxDepth, field);
  return item.value.replace(/\s+/g, ' ').trim() || undefined;
}

/** Body preference: HTML with role main (or no role), other HTML, then plain text; XML and the like never. */
function bodyRank(item: RoleValue): number | undefined {
  const main = item.role === undefined || item.role === 'main';
  const type = item.contentType ?? (looksLikeHtml(item.value) ? 'text/html' : 'text/plain');
  if (HTML_TYPES.has(type)) return main ? 0 : 1;
  if (type === 'text/plain') return main ? 2 : 3;
  return undefined;
}

function bestBody(items: readonly RoleValue[]): SourceBody | undefined {
  let best: { rank: number; body: SourceBody } | undefined;
  for (const item of items) {
    const rank = bodyRank(item);
    if (rank === undefined || (best && best.rank <= rank)) continue;
    const body = bodyOfText(item.value, rank <= 1 ? 'html' : 'text');
    if (body) best = { rank, body };
  }
  return best?.body;
}

/** 1.x bodies: `body_html`, `body_xhtml`, `body_richhtml`... before `body_text`; others are not read. */
function ninjs1Body(record: JsonRecord): SourceBody | undefined {
  const keys = Object.keys(record).filter((key) => /^body_[a-z0-9_]+$/i.test(key));
  const html = keys.filter((key) => /html/i.test(key));
  const text = keys.filter((key) => /text/i.test(key) && !/html/i.test(key));
  for (const [candidates, kind] of [
    [html, 'html'],
    [text, 'text'],
  ] as const) {
    for (const key of candidates) {
      const value = scalarText(own(record, key), key);
      const body = value === undefined ? undefined : bodyOfText(value, kind);
      if (body) return body;
    }
  }
  return undefined;
}

/** 1.x descriptions: `description_text` first, then any `description_<format>` as text. */
function ninjs1Description(record: JsonRecord, maxDepth: number): string | undefined {
  const keys = Object.keys(record).filter((key) => /^description_[a-z0-9_]+$/i.test(key));
  keys.sort((a, b) => Number(/html/i.test(a)) - Number(/html/i.test(b)));
  for (const key of keys) {
    const value = scalarText(own(record, key), key);
    const text =
      value && (/html/i.test(key) ? htmlText(value, maxDepth, key) : value.replace(/\s+/g, ' ').trim());
    if (text) return text;
  }
  return undefined;
}

const IPTC_CODE_URI = /^https?:\/\/cv\.iptc\.org\/newscodes\/(mediatopic|subjectcode)\/(\d{8})$/i;

/**
 * A qualified code for a subject. IPTC URIs give `medtop:`/`subj:`; a bare eight-digit code is read
 * as an IPTC Subject Code, which is what Superdesk, NTB and TT send without a scheme.
 */
function subjectCode(literal: string | undefined, uri: string | undefined): string | undefined {
  const fromUri = uri ? IPTC_CODE_URI.exec(uri) : null;
  if (fromUri) return `${fromUri[1]?.toLowerCase() === 'mediatopic' ? 'medtop' : 'subj'}:${fromUri[2]}`;
  if (!literal) return undefined;
  if (/^\d{8}$/.test(literal)) return `subj:${literal}`;
  const qualified = /^(medtop|mediatopic|subj|subjectcode|iptc):(\d{8})$/i.exec(literal);
  if (qualified)
    return `${/^(medtop|mediatopic)$/i.test(qualified[1] ?? '') ? 'medtop' : 'subj'}:${qualified[2]}`;
  return literal;
}

interface ConceptFields {
  readonly name?: string;
  readonly rel?: string;
  readonly uri?: string;
  readonly literal?: string;
}

/** `{ name, rel, uri, literal }` (2.x/3.x) or `{ name, rel, scheme, code }` (1.x) as 3.x fields. */
function conceptOf(item: JsonRecord, path: string): ConceptFields {
  const name = scalarText(own(item, 'name'), `${path}.name`);
  const rel = scalarText(own(item, 'rel'), `${path}.rel`);
  let uri = uriField(own(item, 'uri'), `${path}.uri`);
  let literal = scalarText(own(item, 'literal'), `${path}.literal`);
  const code = scalarText(own(item, 'code') ?? own(item, 'qcode'), `${path}.code`);
  const scheme = scalarText(own(item, 'scheme'), `${path}.scheme`);
  if (code !== undefined) {
    // 1.x: the scheme is a URI the code completes (when the pair is not a URI, the code alone stays).
    const joined = scheme && /[/#:]$/.test(scheme) ? `${scheme}${code}` : undefined;
    if (!uri && joined && isUri(joined)) uri = joined;
    literal ??= code;
  }
  return {
    ...(name ? { name } : {}),
    ...(rel ? { rel } : {}),
    ...(uri ? { uri } : {}),
    ...(literal ? { literal } : {}),
  };
}

/**
 * The objects of the first list among `names`, each with its path. A list of the wrong shape is
 * dropped and recorded under `field`, as is an item with an unusable value (a `javascript:` uri).
 */
function recordsOf(
  record: JsonRecord,
  names: readonly string[],
  field: string,
  provenance: Record<string, Provenance>,
): { path: string; item: JsonRecord; concept: ConceptFields }[] {
  const found = firstOwn(record, names);
  if (!found) return [];
  if (!Array.isArray(found.value)) {
    recordDropped(
      provenance,
      field,
      `dropped: ${found.key}: expected an array, got ${kindOf(found.value)}`,
      found.value,
    );
    return [];
  }
  return found.value.flatMap((item, index) => {
    if (!isRecord(item)) return [];
    const path = `${found.key}[${index}]`;
    const concept = readOptional(provenance, field, path, item, () => conceptOf(item, path));
    return concept ? [{ path, item, concept }] : [];
  });
}

function subjectsOf(
  record: JsonRecord,
  names: readonly string[],
  provenance: Record<string, Provenance>,
): SourceSubject[] {
  return recordsOf(record, names, 'subjects', provenance).flatMap(({ concept }) => {
    const code = subjectCode(concept.literal, concept.uri);
    if (!code && !concept.name && !concept.uri) return [];
    return [
      {
        ...(code ? { code } : {}),
        ...(concept.name ? { name: concept.name } : {}),
        ...(concept.uri ? { uri: concept.uri } : {}),
      },
    ];
  });
}

function contactInfoOf(item: JsonRecord): ContactInfo[] {
  const list = own(item, 'contactInfo') ?? own(item, 'contactinfo');
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    if (!isRecord(entry)) return [];
    const contact: ContactInfo = {};
    for (const key of ['type', 'role', 'lang', 'name', 'value'] as const) {
      const value = own(entry, key);
      if (typeof value === 'string' && value.trim()) contact[key] = value.trim();
    }
    const address = own(entry, 'address');
    if (isRecord(address)) {
      const copy: Record<string, unknown> = {};
      const lines = own(address, 'lines');
      if (Array.isArray(lines)) copy.lines = lines.filter((line): line is string => typeof line === 'string');
      for (const [from, to] of [
        ['locality', 'locality'],
        ['area', 'area'],
        ['postalCode', 'postalCode'],
        ['postalcode', 'postalCode'],
        ['country', 'country'],
      ] as const) {
        const value = own(address, from);
        if (typeof value === 'string' && value.trim()) copy[to] = value.trim();
      }
      if (Object.keys(copy).length > 0) contact.address = copy;
    }
    // The schema wants a value or an address in every contact.
    return contact.value || contact.address ? [contact] : [];
  });
}

const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
]);
/** MultiPolygon, the deepest geometry, nests coordinates four arrays deep. */
const MAX_COORDINATE_DEPTH = 4;

function coordinatesOf(value: unknown, depth: number): unknown[] | undefined {
  if (!Array.isArray(value) || depth > MAX_COORDINATE_DEPTH) return undefined;
  const copy: unknown[] = [];
  for (const entry of value) {
    if (typeof entry === 'number' && Number.isFinite(entry)) copy.push(entry);
    else {
      const nested = coordinatesOf(entry, depth + 1);
      if (!nested) return undefined;
      copy.push(nested);
    }
  }
  return copy;
}

/** A GeoJSON geometry rebuilt from its type and numbers; anything else is left out, not rejected. */
function geometryOf(item: JsonRecord): Record<string, unknown> | undefined {
  const geo = own(item, 'geoJSON') ?? own(item, 'geojson');
  if (!isRecord(geo)) return undefined;
  const type = own(geo, 'type');
  const coordinates = coordinatesOf(own(geo, 'coordinates'), 1);
  if (typeof type !== 'string' || !GEOMETRY_TYPES.has(type) || !coordinates) return undefined;
  return { type, coordinates };
}

function partiesOf(
  record: JsonRecord,
  names: readonly string[],
  field: 'people' | 'organisations',
  provenance: Record<string, Provenance>,
): Party[] {
  return recordsOf(record, names, field, provenance).flatMap(({ item, concept }) => {
    if (!concept.name && !concept.uri) return [];
    const contactInfo = contactInfoOf(item);
    return [{ ...concept, ...(contactInfo.length > 0 ? { contactInfo } : {}) }];
  });
}

function placesOf(
  record: JsonRecord,
  names: readonly string[],
  provenance: Record<string, Provenance>,
): Place[] {
  return recordsOf(record, names, 'places', provenance).flatMap(({ item, concept }) => {
    if (!concept.name && !concept.uri) return [];
    const geoJSON = geometryOf(item);
    const contactInfo = contactInfoOf(item);
    return [
      { ...concept, ...(geoJSON ? { geoJSON } : {}), ...(contactInfo.length > 0 ? { contactInfo } : {}) },
    ];
  });
}

/** `altids`: an object of role → value in 1.x, an array of `{ role, value }` from 2.x on. */
function altIdsOf(record: JsonRecord, version: NinjsVersion): AltId[] {
  const { value } = ninjsField(record, 'altIds', version);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (!isRecord(item)) return [];
      const role = own(item, 'role');
      const id = own(item, 'value');
      if (typeof id !== 'string' || !id.trim()) return [];
      return [{ ...(typeof role === 'string' ? { role } : {}), value: id.trim() }];
    });
  }
  if (isRecord(value)) {
    return Object.keys(value).flatMap((role) => {
      const id = own(value, role);
      return typeof id === 'string' && id.trim() ? [{ role, value: id.trim() }] : [];
    });
  }
  return [];
}

/** Superdesk's `authors` when there is no byline: writers first, everyone named otherwise. */
function bylineOfAuthors(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const authors = value.filter(isRecord);
  const writers = authors.filter((author) =>
    /^(?:author|writer|reporter)$/i.test(String(own(author, 'role') ?? '')),
  );
  const names = (writers.length > 0 ? writers : authors)
    .map((author) => own(author, 'name'))
    .filter((name): name is string => typeof name === 'string' && name.trim() !== '');
  return names.length > 0 ? names.join(', ') : undefined;
}

const ARTICLE_TYPES = new Set(['text', 'composite']);

export function parseNinjs(record: JsonRecord, version: NinjsVersion, maxDepth: number): ArticleParts {
  const type = own(record, 'type');
  if (typeof type === 'string' && !ARTICLE_TYPES.has(type)) {
    throw new RejectedInputError(
      'NO_ARTICLE',
      `the ninjs item is of type ${quoted(type)}, not a text article`,
    );
  }
  const provenance: Record<string, Provenance> = {};
  const altIds: AltId[] = [];

  // Identity: `uri` must be a URI (the schema says so); Superdesk's 1.x `guid` is an id, not a URI.
  const uri = readOptional(provenance, 'uri', 'uri', own(record, 'uri'), () =>
    uriField(own(record, 'uri'), 'uri'),
  );
  const guid = readOptional(provenance, 'altIds', 'guid', own(record, 'guid'), () =>
    scalarText(own(record, 'guid'), 'guid'),
  );
  if (uri && guid && guid !== uri) altIds.push({ role: 'guid', value: guid });
  const inputVersion = readOptional(provenance, 'altIds', 'version', own(record, 'version'), () =>
    scalarText(own(record, 'version'), 'version'),
  );
  if (inputVersion) altIds.push({ role: 'inputVersion', value: inputVersion });
  altIds.push(...altIdsOf(record, version));

  // Headline: 1.x `headline`; 2.x/3.x `headlines[]` (role main, else the first); `title` as last resort.
  let headline: string | undefined;
  let subheadline: string | undefined;
  if (version === 1) {
    headline = scalarText(own(record, 'headline'), 'headline');
    subheadline = textField(record, ['headline_sub', 'headline_subheadline', 'headline_subtitle']);
  } else {
    const headlines = roleValues(record, 'headlines', version);
    const main =
      headlines.find((item) => item.role === 'main') ??
      headlines.find((item) => !SUB_HEADLINE_ROLES.has(item.role ?? ''));
    headline = main && plainOf(main, maxDepth, 'headlines');
    const sub = headlines.find((item) => SUB_HEADLINE_ROLES.has(item.role ?? ''));
    subheadline = sub && plainOf(sub, maxDepth, 'headlines');
  }
  if (!headline) {
    headline = scalarText(own(record, 'title'), 'title');
    if (headline) provenance.headlines = { rule: 'ninjs:title', confidence: 80 };
  }
  if (!headline) {
    throw new RejectedInputError(
      'NO_HEADLINE',
      version === 1 ? 'ninjs has no "headline"' : 'ninjs has no "headlines" value',
    );
  }

  // Summary and body.
  let summary: string | undefined;
  let body: SourceBody | undefined;
  if (version === 1) {
    summary = readOptional(provenance, 'descriptions', 'description_*', undefined, () =>
      ninjs1Description(record, maxDepth),
    );
    body = ninjs1Body(record);
  } else {
    const descriptionsField = ninjsField(record, 'descriptions', version);
    const descriptions =
      readOptional(provenance, 'descriptions', descriptionsField.key, descriptionsField.value, () =>
        roleValues(record, 'descriptions', version),
      ) ?? [];
    const described =
      descriptions.find((item) => item.role === 'summary') ??
      descriptions.find((item) => !NON_SUMMARY_ROLES.has(item.role ?? ''));
    summary = described && plainOf(described, maxDepth, 'descriptions');
    body = bestBody(roleValues(record, 'bodies', version));
  }
  if (body?.kind === 'html')
    body = { kind: 'html', html: withoutLeadingHeadline(body.html, headline, maxDepth) };
  if (!body && summary) {
    // Short items (NTB briefs) carry their only text as the description.
    body = { kind: 'text', paragraphs: textParagraphs(summary) };
    provenance.bodies = { rule: 'ninjs:description-as-body', confidence: 50 };
  }
  if (!body) {
    throw new RejectedInputError(
      'NO_BODY',
      version === 1
        ? 'ninjs has no "body_html", "body_xhtml" or "body_text"'
        : 'ninjs has no HTML or plain-text "bodies" value',
    );
  }

  /** A text field of the item, dropped and recorded when it is not text. */
  const optionalText = (camelName: string, field = camelName): string | undefined => {
    const { key, value } = ninjsField(record, camelName, version);
    return readOptional(provenance, field, key, value, () => scalarText(value, key));
  };
  const byline =
    optionalText(version === 1 ? 'byline' : 'by', 'by') ??
    (version === 1 ? bylineOfAuthors(own(record, 'authors')) : optionalText('byline', 'by'));

  const dates: Partial<
    Record<'contentCreated' | 'firstCreated' | 'versionCreated' | 'embargoedUntil', string>
  > = {};
  for (const name of ['contentCreated', 'firstCreated', 'versionCreated'] as const) {
    const { key, value } = ninjsField(record, name, version);
    const reading = readOptional(provenance, name, key, value, () => readDateTime(value, key, true));
    if (reading) dates[name] = reading.value;
  }
  const embargo = ninjsField(record, 'embargoedUntil', version);
  const embargoField = embargo.value === undefined ? ninjsField(record, 'embargoed', version) : embargo;
  const embargoedUntil = readOptional(
    provenance,
    'embargoedUntil',
    embargoField.key,
    embargoField.value,
    () => readDateTime(embargoField.value, embargoField.key, true),
  );
  if (embargoedUntil) dates.embargoedUntil = embargoedUntil.value;

  const urgencyField = ninjsField(record, 'urgency', version);
  const urgency = readOptional(provenance, 'urgency', urgencyField.key, urgencyField.value, () =>
    readUrgency(urgencyField.value, urgencyField.key),
  );
  const statusField = ninjsField(record, 'pubStatus', version);
  let pubStatus = readOptional(provenance, 'pubStatus', statusField.key, statusField.value, () =>
    readPubStatus(statusField.value, statusField.key),
  );
  pubStatus = withheldIfUnreadable(provenance, pubStatus);
  const languageField = ninjsField(record, 'language', version);
  const language = readOptional(provenance, 'language', languageField.key, languageField.value, () =>
    readLanguage(languageField.value, languageField.key),
  );

  const subjects = subjectsOf(
    record,
    version === 1 ? ['subject', 'subjects'] : ['subjects', 'subject'],
    provenance,
  );
  const people = partiesOf(
    record,
    version === 1 ? ['person', 'people'] : ['people', 'person'],
    'people',
    provenance,
  );
  const organisations = partiesOf(
    record,
    version === 1 ? ['organisation', 'organisations'] : ['organisations', 'organisation'],
    'organisations',
    provenance,
  );
  const places = placesOf(record, version === 1 ? ['place', 'places'] : ['places', 'place'], provenance);
  const keywords = keywordsOf(own(record, 'keywords'));

  const optional = {
    subheadline,
    byline,
    located: optionalText('located'),
    language,
    summary,
    copyrightHolder: optionalText('copyrightHolder'),
    copyrightNotice: optionalText('copyrightNotice'),
    usageTerms: optionalText('usageTerms'),
  };
  return {
    ...(uri || guid ? { id: uri ?? guid } : {}),
    headline,
    body,
    ...definedOnly(optional),
    ...dates,
    ...(urgency !== undefined ? { urgency } : {}),
    ...(pubStatus ? { pubStatus } : {}),
    ...(subjects.length > 0 ? { subjects } : {}),
    ...(keywords.length > 0 ? { keywords } : {}),
    ...(people.length > 0 ? { people } : {}),
    ...(organisations.length > 0 ? { organisations } : {}),
    ...(places.length > 0 ? { places } : {}),
    ...(altIds.length > 0 ? { altIds } : {}),
    ...(Object.keys(provenance).length > 0 ? { provenance } : {}),
  };
}

/** A heading longer than this is not a repeated headline. */
const MAX_HEADING_CHARS = 2000;

/**
 * Full-page HTML bodies (TT's html5) repeat the headline as their first `<h1>`; partners show the
 * headline themselves, so the copy goes.
 */
function withoutLeadingHeadline(html: string, headline: string, maxDepth: number): string {
  // Located with indexOf rather than one lazy regex, which hostile HTML could make quadratic.
  const start = html.search(/<h1[\s>]/i);
  const contentStart = start === -1 ? -1 : html.indexOf('>', start) + 1;
  const close =
    contentStart <= 0 ? -1 : html.slice(contentStart, contentStart + MAX_HEADING_CHARS).search(/<\/h1\s*>/i);
  if (close === -1) return html;
  const contentEnd = contentStart + close;
  const comparable = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
  const heading = htmlText(html.slice(contentStart, contentEnd), maxDepth, 'the first <h1> of the body');
  if (comparable(heading ?? '') !== comparable(headline)) return html;
  return html.slice(0, start) + html.slice(html.indexOf('>', contentEnd) + 1);
}
