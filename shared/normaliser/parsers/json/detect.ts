/**
 * Which object of a JSON document is the article, and in which dialect it is written: the top level
 * or one wrapper level (`{ "data": { ... } }`, JSON:API `attributes`), never a top-level array (a
 * feed); ninjs 1.x, 2.x or 3.x by the names and shapes it uses, else a generic CMS export.
 */
import { RejectedInputError } from '../../errors.js';
import { CMS_NAMES } from './cms.js';
import { firstOwn, isRecord, type JsonRecord, kindOf, own } from './values.js';

export type JsonDialect = 'ninjs1' | 'ninjs2' | 'ninjs3' | 'cms';
export type NinjsVersion = 1 | 2 | 3;

/** Wrappers CMS and API exports put one article in (`{ "data": { ... }, "meta": ... }`). */
const WRAPPER_KEYS = ['article', 'data', 'item', 'post', 'entry', 'story', 'document', 'node'] as const;

function singleObject(value: unknown, what: string): JsonRecord {
  if (isRecord(value)) return value;
  if (Array.isArray(value) && value.length === 1 && isRecord(value[0])) return value[0];
  throw new RejectedInputError(
    'NO_ARTICLE',
    `expected one article object${what}, got ${kindOf(value)}; drop one article per object`,
  );
}

/**
 * The article object: the top level, or one wrapper level (an object, or the single object of a
 * one-item array, as APIs return `data: [ … ]`). An array at the top level is a feed or a list
 * export, not an article, even with one item: what it holds is not known to be one.
 */
export function articleRecord(document: unknown): JsonRecord {
  if (Array.isArray(document)) {
    throw new RejectedInputError(
      'NO_ARTICLE',
      `the document is a JSON array (${kindOf(document)}), a feed or list rather than an article; drop one article object per file`,
    );
  }
  const top = singleObject(document, '');
  if (jsonDialectOf(top) !== 'cms' || firstOwn(top, CMS_NAMES.headline)) return top;
  for (const key of WRAPPER_KEYS) {
    const wrapped = own(top, key);
    if (wrapped === undefined || wrapped === null) continue;
    const inner = singleObject(wrapped, ` in "${key}"`);
    // JSON:API and Strapi keep the fields one level further, in `attributes`.
    const attributes = own(inner, 'attributes');
    return isRecord(attributes) && !firstOwn(inner, CMS_NAMES.headline)
      ? withOuterIds(inner, attributes)
      : inner;
  }
  return top;
}

/** `attributes` plus the ids the JSON:API envelope keeps beside it, as a fresh object. */
function withOuterIds(envelope: JsonRecord, attributes: JsonRecord): JsonRecord {
  const merged: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(attributes)) merged[key] = attributes[key];
  for (const key of ['id', 'uuid', 'guid'] as const) {
    if (own(merged, key) === undefined && own(envelope, key) !== undefined) merged[key] = own(envelope, key);
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------------
// Dialect detection
// ---------------------------------------------------------------------------------------------------

const NINJS3_SIGNS = [
  'versionCreated',
  'firstCreated',
  'contentCreated',
  'embargoedUntil',
  'pubStatus',
  'copyrightHolder',
  'copyrightNotice',
  'usageTerms',
  'altIds',
  'representationType',
  'infoSources',
  'edNote',
] as const;
const LOWER_CASE_SIGNS = [
  'versioncreated',
  'firstcreated',
  'contentcreated',
  'embargoed',
  'pubstatus',
  'copyrightholder',
  'copyrightnotice',
  'usageterms',
  'altids',
  'representationtype',
  'ednote',
] as const;
const NINJS_DIALECTS = { 1: 'ninjs1', 2: 'ninjs2', 3: 'ninjs3' } as const;
const NINJS1_SHAPES = ['subject', 'person', 'organisation', 'place', '$standard', 'byline'] as const;

function standardMajor(record: JsonRecord): NinjsVersion | undefined {
  const standard = own(record, 'standard') ?? own(record, '$standard');
  if (!isRecord(standard)) return undefined;
  const name = own(standard, 'name');
  const version = own(standard, 'version');
  if (typeof name === 'string' && name.toLowerCase() !== 'ninjs') return undefined;
  const major = typeof version === 'string' ? Number.parseInt(version, 10) : undefined;
  return major === 1 || major === 2 || major === 3 ? major : undefined;
}

function itemsUse(record: JsonRecord, arrays: readonly string[], key: string): boolean {
  return arrays.some((name) => {
    const items = own(record, name);
    return Array.isArray(items) && items.some((item) => isRecord(item) && own(item, key) !== undefined);
  });
}

/**
 * Which ninjs major version a document follows, or `cms` when it is not ninjs. The `standard` object
 * decides when present; otherwise the shapes and the case of the property names do.
 */
export function jsonDialectOf(record: JsonRecord): JsonDialect {
  const major = standardMajor(record);
  if (major) return NINJS_DIALECTS[major];
  const hasArrays = ['headlines', 'bodies'].some((name) => Array.isArray(own(record, name)));
  const camel = NINJS3_SIGNS.some((name) => own(record, name) !== undefined);
  const lower = LOWER_CASE_SIGNS.some((name) => own(record, name) !== undefined);
  if (hasArrays) {
    if (camel || itemsUse(record, ['headlines', 'bodies', 'descriptions'], 'contentType')) return 'ninjs3';
    if (lower || itemsUse(record, ['headlines', 'bodies', 'descriptions'], 'contenttype')) return 'ninjs2';
    return 'ninjs3';
  }
  const hasBodyFormats = Object.keys(record).some((key) => /^(?:body|description)_[a-z0-9_]+$/i.test(key));
  if (typeof own(record, 'headline') === 'string' && (hasBodyFormats || lower)) return 'ninjs1';
  if (hasBodyFormats && NINJS1_SHAPES.some((name) => own(record, name) !== undefined)) return 'ninjs1';
  if (camel && (own(record, 'uri') !== undefined || own(record, 'by') !== undefined)) return 'ninjs3';
  return 'cms';
}
