/**
 * Generic CMS exports (WordPress REST, Ghost, headless CMSs, hand-rolled feeds) read by their common
 * field names, to ArticleParts; Markdown front matter uses the same names and the same reader.
 */

import type { Provenance } from '../../../domain/provenance.js';
import type { AltId, PubStatus } from '../../../ninjs/types.js';
import { RejectedInputError } from '../../errors.js';
import { readOptional } from '../../lenient.js';
import { type ArticleParts, DEFAULT_PARSE_LIMITS, type SourceBody, type SourceSubject } from '../../parts.js';
import { type DateReading, readDateTime } from './dates.js';
import {
  bodyOfText,
  definedOnly,
  firstOwn,
  htmlText,
  isRecord,
  type JsonRecord,
  keywordsOf,
  kindOf,
  own,
  readLanguage,
  readPubStatus,
  readUrgency,
  scalarText,
  textField,
  textParagraphs,
  uriField,
  withheldIfUnreadable,
} from './values.js';

/** The names CMS exports use, most specific first. Exported so the documentation can list them. */
export const CMS_NAMES = {
  headline: ['title', 'headline', 'name', 'heading', 'hed'],
  subheadline: ['subtitle', 'subheadline', 'sub_headline', 'subHeadline', 'dek', 'deck', 'strapline'],
  htmlBody: ['body_html', 'bodyHtml', 'content_html', 'contentHtml', 'html'],
  body: ['body', 'content', 'article_body', 'articleBody', 'text', 'body_text', 'bodyText', 'plaintext'],
  byline: [
    'byline',
    'by',
    'author',
    'authors',
    'creator',
    'creators',
    'author_name',
    'authorName',
    'primary_author',
    'writer',
  ],
  published: [
    'published_at',
    'publishedAt',
    'published',
    'date_published',
    'datePublished',
    'publish_date',
    'publishDate',
    'pubDate',
    'pub_date',
    'date_gmt',
    'date',
    'first_published_at',
  ],
  created: ['created_at', 'createdAt', 'created', 'date_created', 'dateCreated'],
  updated: [
    'updated_at',
    'updatedAt',
    'updated',
    'modified_gmt',
    'modified',
    'modified_at',
    'modifiedAt',
    'date_modified',
    'dateModified',
    'lastmod',
    'last_modified',
    'lastModified',
  ],
  summary: [
    'summary',
    'excerpt',
    'description',
    'standfirst',
    'abstract',
    'lead',
    'custom_excerpt',
    'teaser',
  ],
  keywords: ['tags', 'keywords', 'categories', 'category', 'topics', 'subjects'],
  language: ['lang', 'language', 'locale', 'inLanguage'],
  /** Identifiers, the most stable first: the first becomes the id, the others altIds. */
  ids: [
    'uri',
    'guid',
    'uuid',
    'url',
    'canonical_url',
    'canonicalUrl',
    'permalink',
    'link',
    'id',
    'slug',
    'path',
  ],
  located: ['dateline', 'location', 'located'],
  copyrightNotice: ['copyright', 'copyrightNotice', 'rights'],
  usageTerms: ['license', 'licence', 'usageTerms'],
} as const;

/** Fields in UTC without saying so (WordPress `*_gmt`). */
const UTC_WITHOUT_ZONE = new Set(['date_gmt', 'modified_gmt']);

/** WordPress REST wraps strings as `{ rendered }` (HTML) or `{ raw }`. */
function renderedOf(value: unknown): { text: string; html: boolean } | undefined {
  if (typeof value === 'string') return { text: value, html: false };
  if (isRecord(value)) {
    const rendered = own(value, 'rendered');
    if (typeof rendered === 'string') return { text: rendered, html: true };
    const raw = own(value, 'raw');
    if (typeof raw === 'string') return { text: raw, html: false };
  }
  return undefined;
}

function cmsText(record: JsonRecord, keys: readonly string[], maxDepth: number): string | undefined {
  for (const key of keys) {
    const value = own(record, key);
    if (value === undefined || value === null) continue;
    const rendered = renderedOf(value);
    const text = rendered
      ? rendered.html
        ? htmlText(rendered.text, maxDepth, key)
        : rendered.text.trim()
      : scalarText(value, key);
    if (text) return text;
  }
  return undefined;
}

function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (isRecord(value)) {
    const name = firstOwn(value, ['name', 'display_name', 'displayName', 'full_name', 'fullName', 'title']);
    return typeof name?.value === 'string' ? name.value.trim() || undefined : undefined;
  }
  // Numbers are user ids (WordPress `author: 3`), not names.
  return undefined;
}

function cmsByline(record: JsonRecord): string | undefined {
  for (const key of CMS_NAMES.byline) {
    const value = own(record, key);
    const names = (Array.isArray(value) ? value : [value])
      .map(nameOf)
      .filter((name): name is string => !!name);
    if (names.length > 0) return names.join(', ');
  }
  return undefined;
}

function cmsBody(record: JsonRecord): SourceBody | undefined {
  for (const [keys, kind] of [
    [CMS_NAMES.htmlBody, 'html'],
    [CMS_NAMES.body, 'detect'],
  ] as const) {
    for (const key of keys) {
      const value = own(record, key);
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) {
        const paragraphs = value.flatMap((entry) => (typeof entry === 'string' ? textParagraphs(entry) : []));
        if (paragraphs.length > 0) return { kind: 'text', paragraphs };
        continue;
      }
      const rendered = renderedOf(value) ?? (isRecord(value) ? renderedOf(own(value, 'html')) : undefined);
      if (!rendered)
        throw new RejectedInputError('INVALID_FIELD', `${key}: expected text, got ${kindOf(value)}`);
      const body = bodyOfText(rendered.text, rendered.html ? 'html' : kind);
      if (body) return body;
    }
  }
  return undefined;
}

function cmsDate(
  record: JsonRecord,
  keys: readonly string[],
  field: string,
  provenance: Record<string, Provenance>,
): { key: string; reading: DateReading } | undefined {
  // Booleans are flags that share a name with dates (Jekyll `published: false`).
  const found = firstOwn(
    record,
    keys.filter((key) => typeof own(record, key) !== 'boolean'),
  );
  if (!found) return undefined;
  const reading = readOptional(provenance, field, found.key, found.value, () =>
    readDateTime(found.value, found.key, false),
  );
  if (!reading) return undefined;
  if (UTC_WITHOUT_ZONE.has(found.key) && reading.provenance?.rule === 'no-time-zone:utc') {
    return { key: found.key, reading: { value: reading.value } };
  }
  return { key: found.key, reading };
}

/** The fields of a generic article record; what is missing stays undefined (the caller decides). */
export interface GenericFields {
  readonly headline?: string;
  readonly subheadline?: string;
  readonly byline?: string;
  readonly located?: string;
  readonly language?: string;
  readonly summary?: string;
  readonly body?: SourceBody;
  readonly contentCreated?: string;
  readonly firstCreated?: string;
  readonly versionCreated?: string;
  readonly urgency?: number;
  readonly pubStatus?: PubStatus;
  readonly subjects?: readonly SourceSubject[];
  readonly keywords?: readonly string[];
  readonly id?: string;
  readonly altIds?: readonly AltId[];
  readonly copyrightNotice?: string;
  readonly usageTerms?: string;
  /** Identifier-like values (url, path, slug) where a date may be written, for a date fallback. */
  readonly idTexts: readonly string[];
  readonly provenance: Readonly<Record<string, Provenance>>;
}

const QUALIFIED_CODE = /^(?:medtop|subj):\d{8}$/;

/**
 * Reads a CMS export or a front-matter block by the common field names (CMS_NAMES). Dates are lenient
 * (a date alone is midnight UTC, recorded in provenance); values of the wrong shape are INVALID_FIELD.
 */
export interface GenericFieldOptions {
  /** Whether to look for the body among the fields (not in front matter, whose body follows it). */
  readonly body?: boolean;
  /** Deepest nesting allowed in fields given as HTML (WordPress `{ rendered }`). @default 64 */
  readonly maxDepth?: number;
}

export function readGenericFields(record: JsonRecord, options: GenericFieldOptions = {}): GenericFields {
  const maxDepth = options.maxDepth ?? DEFAULT_PARSE_LIMITS.maxDepth;
  const provenance: Record<string, Provenance> = {};
  const published = cmsDate(record, CMS_NAMES.published, 'contentCreated', provenance);
  const created = cmsDate(record, CMS_NAMES.created, 'firstCreated', provenance);
  const updated = cmsDate(record, CMS_NAMES.updated, 'versionCreated', provenance);
  // ninjs keeps one content date; a CMS's publication date is what readers know the article by.
  const content = published ?? created;
  if (content?.reading.provenance) provenance.contentCreated = content.reading.provenance;

  const tags = CMS_NAMES.keywords.flatMap((key) => keywordsOf(own(record, key)));
  const subjects = tags.filter((tag) => QUALIFIED_CODE.test(tag)).map((code) => ({ code }));
  const keywords = [...new Set(tags.filter((tag) => !QUALIFIED_CODE.test(tag)))];

  const ids: AltId[] = [];
  const idTexts: string[] = [];
  for (const key of CMS_NAMES.ids) {
    const rendered = renderedOf(own(record, key));
    const value = rendered
      ? rendered.text.trim()
      : readOptional(provenance, 'altIds', key, own(record, key), () => scalarText(own(record, key), key));
    if (!value) continue;
    idTexts.push(value);
    if (!ids.some((known) => known.value === value)) ids.push({ role: key, value });
  }
  // The id must be usable as a ninjs uri when it claims to be one; `uri` itself must be a URI.
  const explicitUri = readOptional(provenance, 'uri', 'uri', own(record, 'uri'), () =>
    uriField(own(record, 'uri'), 'uri'),
  );
  const [first, ...others] = ids;
  const id = explicitUri ?? first?.value;

  // Drafts (Hugo, Zola `draft = true`; Jekyll `published: false`) must not reach partners as usable.
  const unpublished = own(record, 'draft') === true || own(record, 'published') === false;
  const statusField = firstOwn(record, ['pubStatus', 'pubstatus']);
  const pubStatus = unpublished
    ? 'withheld'
    : withheldIfUnreadable(
        provenance,
        readOptional(provenance, 'pubStatus', statusField?.key ?? 'pubStatus', statusField?.value, () =>
          readPubStatus(statusField?.value, statusField?.key ?? 'pubStatus'),
        ),
      );
  const languageField = firstOwn(record, CMS_NAMES.language);
  /** A text field, dropped and recorded under `field` when it is not text. */
  const optionalText = (keys: readonly string[], field: string): string | undefined =>
    readOptional(provenance, field, keys.join('|'), firstOwn(record, keys)?.value, () =>
      cmsText(record, keys, maxDepth),
    );

  const optional = {
    // The headline is essential: a headline of the wrong shape still refuses the article.
    headline: cmsText(record, CMS_NAMES.headline, maxDepth),
    subheadline: optionalText(CMS_NAMES.subheadline, 'headlines'),
    byline: cmsByline(record),
    located: readOptional(provenance, 'located', 'located', firstOwn(record, CMS_NAMES.located)?.value, () =>
      textField(
        record,
        CMS_NAMES.located.filter((key) => typeof own(record, key) !== 'object'),
      ),
    ),
    language: languageField
      ? readOptional(provenance, 'language', languageField.key, languageField.value, () =>
          readLanguage(languageField.value, languageField.key),
        )
      : undefined,
    summary: optionalText(CMS_NAMES.summary, 'descriptions'),
    contentCreated: content?.reading.value,
    firstCreated: (created ?? published)?.reading.value,
    versionCreated: updated?.reading.value,
    id,
    copyrightNotice: optionalText(CMS_NAMES.copyrightNotice, 'copyrightNotice'),
    usageTerms: optionalText(CMS_NAMES.usageTerms, 'usageTerms'),
  };
  const urgency = readOptional(provenance, 'urgency', 'urgency', own(record, 'urgency'), () =>
    readUrgency(own(record, 'urgency'), 'urgency'),
  );
  const body = options.body === false ? undefined : cmsBody(record);
  const altIds = first && id !== first.value ? ids : others;
  return {
    ...definedOnly(optional),
    ...(body ? { body } : {}),
    ...(urgency !== undefined ? { urgency } : {}),
    ...(pubStatus ? { pubStatus } : {}),
    ...(subjects.length > 0 ? { subjects } : {}),
    ...(keywords.length > 0 ? { keywords } : {}),
    ...(altIds.length > 0 ? { altIds } : {}),
    idTexts,
    provenance,
  };
}

/** ArticleParts from generic fields: the parts contract without the reader's bookkeeping. */
export function partsOfGenericFields(
  fields: GenericFields,
  headline: string,
  body: SourceBody,
  extraProvenance: Readonly<Record<string, Provenance>> = {},
): ArticleParts {
  const {
    idTexts: _idTexts,
    provenance: fieldProvenance,
    headline: _headline,
    body: _body,
    ...rest
  } = fields;
  const provenance = { ...fieldProvenance, ...extraProvenance };
  return { ...rest, headline, body, ...(Object.keys(provenance).length > 0 ? { provenance } : {}) };
}

export function parseCms(record: JsonRecord, maxDepth: number): ArticleParts {
  const fields = readGenericFields(record, { maxDepth });
  if (!fields.headline) {
    throw new RejectedInputError(
      'NO_HEADLINE',
      `no ${CMS_NAMES.headline.join(', ')} field (nor ninjs headline)`,
    );
  }
  if (!fields.body) {
    throw new RejectedInputError(
      'NO_BODY',
      `no ${[...CMS_NAMES.htmlBody, ...CMS_NAMES.body].join(', ')} field with text (nor ninjs bodies)`,
    );
  }
  return partsOfGenericFields(fields, fields.headline, fields.body);
}
