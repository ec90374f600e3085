/**
 * JSON articles: IPTC ninjs documents of any major version (1.x, 2.x, 3.x) upgraded field by field to
 * ArticleParts, and generic CMS exports (WordPress REST, Ghost, headless CMSs, hand-rolled feeds) read
 * by their common field names.
 *
 * Safety: nesting depth is checked by a linear scan before `JSON.parse`, so a hostile document fails
 * fast instead of exhausting the stack; untrusted objects are never merged or copied wholesale — every
 * value is read by explicit name from the parsed object's own properties into fresh literals, so keys
 * such as `__proto__`, `constructor` or `prototype` are inert data.
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
import { TomlDate } from 'smol-toml';
import { RejectedInputError } from '../../domain/errors.js';
import type { Provenance } from '../../domain/provenance.js';
// The same URI test as the ninjs schema validator: a value accepted here cannot fail validation later.
import { isUri } from '../../ninjs/formats.js';
import type { AltId, ContactInfo, Party, Place, PubStatus } from '../../ninjs/types.js';
import { htmlToParagraphs } from '../body.js';
import { droppedKey, readOptional, recordDropped } from '../lenient.js';
import {
  type ArticleParts,
  DEFAULT_PARSE_LIMITS,
  type FormatParser,
  type ParseContext,
  type SourceBody,
  type SourceSubject,
} from '../parts.js';
import { lineFeeds } from './text.js';

export type JsonRecord = Readonly<Record<string, unknown>>;
export type JsonDialect = 'ninjs1' | 'ninjs2' | 'ninjs3' | 'cms';
type NinjsVersion = 1 | 2 | 3;

/** Values quoted in messages are cut to this length: enough to find them, not a copy of the input. */
const QUOTED_VALUE_MAX_CHARS = 60;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

// ---------------------------------------------------------------------------------------------------
// Reading untrusted values
// ---------------------------------------------------------------------------------------------------

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property only if the object itself holds it: inherited members (`constructor`...) never count. */
export function own(record: JsonRecord, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The first of `keys` the record holds with a value other than null or an empty string. */
function firstOwn(record: JsonRecord, keys: readonly string[]): { key: string; value: unknown } | undefined {
  for (const key of keys) {
    const value = own(record, key);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    return { key, value };
  }
  return undefined;
}

function quoted(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  } catch {
    // Cyclic (YAML aliases) or BigInt values have no JSON form; their kind is enough to find them.
    text = kindOf(value);
  }
  return text.length > QUOTED_VALUE_MAX_CHARS ? `${text.slice(0, QUOTED_VALUE_MAX_CHARS)}…` : text;
}

export function invalidField(path: string, value: unknown, expected: string): RejectedInputError {
  return new RejectedInputError('INVALID_FIELD', `${path}: ${quoted(value)} is not ${expected}`);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Text from a scalar: strings trimmed, numbers and booleans as written; objects are an error. */
export function scalarText(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
    return String(value);
  throw new RejectedInputError('INVALID_FIELD', `${path}: expected text, got ${kindOf(value)}`);
}

function textField(record: JsonRecord, keys: readonly string[]): string | undefined {
  const found = firstOwn(record, keys);
  return found ? scalarText(found.value, found.key) : undefined;
}

/**
 * Plain text of an HTML fragment (headlines and descriptions some producers send as HTML), held to
 * the HTML limits (TOO_DEEP, TOO_LARGE) as every untrusted HTML is; `field` names it in a refusal.
 */
function htmlText(html: string, maxDepth: number, field: string): string | undefined {
  return htmlToParagraphs(html, { maxDepth, what: field }).join(' ').trim() || undefined;
}

// Attributes are bounded so that text full of unclosed `<p` cannot make the test quadratic.
const HTML_TAG =
  /<\/?(?:p|div|br|h[1-6]|ul|ol|li|blockquote|strong|em|b|i|u|a|span|figure|img|table|section|article|pre|code)\b[^<>]{0,500}>/i;

export function looksLikeHtml(text: string): boolean {
  return HTML_TAG.test(text);
}

/** Paragraphs of plain text: blank lines separate them; without blank lines, each line is one. */
export function textParagraphs(text: string): string[] {
  const normalised = lineFeeds(text);
  const blocks = /\n[ \t]*\n/.test(normalised) ? normalised.split(/\n[ \t]*\n/) : normalised.split('\n');
  return blocks.map((block) => block.replace(/\s+/g, ' ').trim()).filter((block) => block.length > 0);
}

function bodyOfText(value: string, kind: 'html' | 'text' | 'detect'): SourceBody | undefined {
  if (!value.trim()) return undefined;
  if (kind === 'html' || (kind === 'detect' && looksLikeHtml(value))) return { kind: 'html', html: value };
  const paragraphs = textParagraphs(value);
  return paragraphs.length > 0 ? { kind: 'text', paragraphs } : undefined;
}

function uriField(value: unknown, path: string): string | undefined {
  const text = scalarText(value, path);
  if (text === undefined) return undefined;
  if (!isUri(text)) throw invalidField(path, text, 'a URI');
  return text;
}

// ---------------------------------------------------------------------------------------------------
// Values with rules: dates, urgency, status, language
// ---------------------------------------------------------------------------------------------------

export interface DateReading {
  /** RFC 3339, the offset as the input states it (`Z` or `±HH:MM`). */
  readonly value: string;
  /** Set when part of the value was assumed (no time, no time zone). */
  readonly provenance?: Provenance;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
const HAS_ZONE = /(?:\b(?:GMT|UTC|Z)\b|[+-]\d{2}:?\d{2}\s*$)/;
/** Longer strings are not dates, whatever Date.parse would make of them. */
const MAX_DATE_CHARS = 80;
/** Epoch numbers below this are seconds, above milliseconds (1e11 s is the year 5138). */
const EPOCH_MS_THRESHOLD = 1e11;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/**
 * A valid date whose year RFC 3339 can write (four digits): JavaScript writes years beyond 9999 or
 * before 0 as `+010000` or `-000001`, which ninjs's date-time format refuses.
 */
function hasRfc3339Year(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(year) && year >= 0 && year <= 9999;
}

function isoOf(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function validCalendar(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
) {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1;
}

/**
 * A date-time from an input field. `strict` (ninjs, whose schema says RFC 3339) wants a time and a
 * time zone; otherwise (CMS exports, front matter) a date alone is midnight UTC and a time without
 * a zone is UTC, both recorded as assumptions. Anything else is an INVALID_FIELD naming the field.
 */
export function readDateTime(value: unknown, path: string, strict: boolean): DateReading | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const expected = strict ? 'an RFC 3339 date-time with a time zone' : 'a date or date-time';
  if (value instanceof Date) return dateObjectReading(value, path);
  if (typeof value === 'number') {
    if (strict || !Number.isFinite(value)) throw invalidField(path, value, expected);
    const date = new Date(value < EPOCH_MS_THRESHOLD ? value * 1000 : value);
    if (!hasRfc3339Year(date)) throw invalidField(path, value, expected);
    return { value: isoOf(date) };
  }
  if (typeof value !== 'string') throw invalidField(path, value, expected);
  const text = value.trim();
  const match = DATE_TIME.exec(text);
  if (match) {
    const [, year, month, day, hour, minute, second, fraction, zone] = match;
    const hasTime = hour !== undefined;
    if (strict && (!hasTime || !zone)) throw invalidField(path, value, expected);
    const numbers = [year, month, day, hour ?? '0', minute ?? '0', second ?? '0'].map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const offset = zoneOffset(zone);
    if (!validCalendar(...numbers) || offset === null) throw invalidField(path, value, expected);
    const time = `${pad(numbers[3])}:${pad(numbers[4])}:${pad(numbers[5])}${fraction ?? ''}`;
    const rfc3339 = `${year}-${month}-${day}T${time}${offset ?? 'Z'}`;
    if (!hasTime) return { value: rfc3339, provenance: { rule: 'date-only:midnight-utc', confidence: 70 } };
    if (!offset) return { value: rfc3339, provenance: { rule: 'no-time-zone:utc', confidence: 60 } };
    return { value: rfc3339 };
  }
  // RFC 2822 and similar (`Tue, 10 Jun 2003 04:00:00 GMT`, RSS pubDate), only with a stated zone.
  if (!strict && text.length <= MAX_DATE_CHARS && HAS_ZONE.test(text)) {
    const parsed = Date.parse(text);
    if (!Number.isNaN(parsed)) return { value: isoOf(new Date(parsed)) };
  }
  throw invalidField(path, value, expected);
}

/** `Z`, `±HH:MM`, undefined without a zone, or null for an offset out of range. */
function zoneOffset(zone: string | undefined): string | undefined | null {
  if (!zone) return undefined;
  if (/^(?:Z|UTC|GMT)$/i.test(zone)) return 'Z';
  const hours = zone.slice(1, 3);
  const minutes = zone.slice(3).replace(':', '') || '00';
  if (Number(hours) > 23 || Number(minutes) > 59) return null;
  return `${zone[0]}${hours}:${minutes}`;
}

/** Dates TOML front matter already made: offset date-times, local date-times, local dates. */
function dateObjectReading(date: Date, path: string): DateReading {
  const expected = 'a date or date-time';
  if (!hasRfc3339Year(date)) throw invalidField(path, String(date), expected);
  if (!(date instanceof TomlDate)) return { value: isoOf(date) };
  if (date.isTime()) throw invalidField(path, date.toISOString(), expected);
  if (date.isDate()) {
    const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    return { value: `${day}T00:00:00Z`, provenance: { rule: 'date-only:midnight-utc', confidence: 70 } };
  }
  // A local date-time is stored as if it were UTC; an offset one prints with its own offset.
  if (date.isLocal()) {
    return {
      value: isoOf(new Date(date.getTime())),
      provenance: { rule: 'no-time-zone:utc', confidence: 60 },
    };
  }
  return { value: date.toISOString().replace(/\.000(?=Z|[+-])/, '') };
}

export function readUrgency(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 9) {
    throw invalidField(path, value, 'an integer from 1 to 9');
  }
  return value;
}

const PUB_STATUSES: Readonly<Record<string, PubStatus>> = {
  usable: 'usable',
  withheld: 'withheld',
  canceled: 'canceled',
  // The British spelling is common and unambiguous.
  cancelled: 'canceled',
};

export function readPubStatus(value: unknown, path: string): PubStatus | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const status = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  const known = status && Object.hasOwn(PUB_STATUSES, status) ? PUB_STATUSES[status] : undefined;
  if (!known) throw invalidField(path, value, 'usable, withheld or canceled');
  return known;
}

/**
 * pubStatus and embargo decide whether partners may publish. When either was stated but dropped as
 * unreadable, the article is indexed as withheld (kept, not published): it might be an embargo or a
 * withdrawal we would otherwise break.
 */
export function withheldIfUnreadable(
  provenance: Record<string, Provenance>,
  pubStatus: PubStatus | undefined,
): PubStatus | undefined {
  const unreadable = ['pubStatus', 'embargoedUntil'].some((field) => provenance[droppedKey(field)]);
  if (!unreadable || pubStatus === 'canceled' || pubStatus === 'withheld') return pubStatus;
  return 'withheld';
}

/**
 * Canonical tags by tag as written: Intl.getCanonicalLocales costs ~10 µs a call, and a feed states
 * the same few tags again and again. Bounded, so that hostile input cannot grow it without end.
 */
const canonicalTags = new Map<string, string>();
const MAX_CACHED_TAGS = 256;

/** A BCP 47 tag in canonical case (`en_us` → `en-US`); not a tag → INVALID_FIELD. */
export function readLanguage(value: unknown, path: string): string | undefined {
  const text = scalarText(value, path);
  if (text === undefined) return undefined;
  const cached = canonicalTags.get(text);
  if (cached !== undefined) return cached;
  try {
    const [canonical] = Intl.getCanonicalLocales(text.replace(/_/g, '-'));
    if (canonical) {
      if (canonicalTags.size >= MAX_CACHED_TAGS) canonicalTags.clear();
      canonicalTags.set(text, canonical);
      return canonical;
    }
  } catch {
    // Reported below, with the field name.
  }
  throw invalidField(path, text, 'a BCP 47 language tag');
}

// ---------------------------------------------------------------------------------------------------
// Safe parsing
// ---------------------------------------------------------------------------------------------------

/**
 * Throws TOO_DEEP when objects and arrays nest deeper than `maxDepth`. One pass over the text, strings
 * skipped whole, so it runs in linear time and constant stack whatever the input.
 */
export function checkJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = endOfString(text, index);
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) {
        throw new RejectedInputError(
          'TOO_DEEP',
          `JSON nests deeper than ${maxDepth} levels at position ${index}`,
        );
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
}

/** The index of the quote closing the string opened at `start` (or the end of the text). */
function endOfString(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

function parseJsonText(text: string, context: ParseContext): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  checkJsonDepth(source, context.limits.maxDepth);
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new RejectedInputError('MALFORMED', `invalid JSON: ${jsonErrorMessage(error, source)}`);
  }
}

function jsonErrorMessage(error: unknown, source: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = syntaxErrorOffset(source);
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  // V8 quotes a snippet of the document in some messages; the position is what a publisher needs.
  const reason = (message.split(/, (?:\.\.\.)?"/)[0] ?? message).replace(
    / (?:in JSON )?at position \d+.*$/s,
    '',
  );
  return `${reason} at position ${offset} (line ${line} column ${column})`;
}

const JSON_WHITESPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);
const JSON_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const JSON_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * Where the first syntax error of a document is (JSON.parse does not always say). Iterative, so any
 * nesting is fine; used only after JSON.parse has failed, so speed does not matter.
 */
function syntaxErrorOffset(text: string): number {
  const containers: number[] = [];
  type Expected = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'next' | 'end';
  let expected: Expected = 'value';
  let index = 0;
  const afterValue = (): Expected => (containers.length === 0 ? 'end' : 'next');
  while (true) {
    while (index < text.length && JSON_WHITESPACE.has(text.charCodeAt(index))) index++;
    if (index >= text.length) return expected === 'end' ? text.length : index;
    const code = text.charCodeAt(index);
    const top = containers.at(-1);
    if (expected === 'end') return index;
    if (expected === 'colon') {
      if (code !== 0x3a) return index;
      index++;
      expected = 'value';
    } else if (expected === 'next') {
      if (code === 0x2c) {
        index++;
        expected = top === OPEN_BRACE ? 'key' : 'value';
      } else if (
        (code === CLOSE_BRACE && top === OPEN_BRACE) ||
        (code === CLOSE_BRACKET && top === OPEN_BRACKET)
      ) {
        containers.pop();
        index++;
        expected = afterValue();
      } else return index;
    } else if (expected === 'key' || expected === 'keyOrClose') {
      if (expected === 'keyOrClose' && code === CLOSE_BRACE) {
        containers.pop();
        index++;
        expected = afterValue();
      } else if (code === QUOTE) {
        const end = stringSyntaxEnd(text, index);
        if (end < 0) return -end;
        index = end;
        expected = 'colon';
      } else return index;
    } else if (expected === 'valueOrClose' && code === CLOSE_BRACKET) {
      containers.pop();
      index++;
      expected = afterValue();
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      containers.push(code);
      index++;
      expected = code === OPEN_BRACE ? 'keyOrClose' : 'valueOrClose';
    } else if (code === QUOTE) {
      const end = stringSyntaxEnd(text, index);
      if (end < 0) return -end;
      index = end;
      expected = afterValue();
    } else {
      JSON_LITERAL.lastIndex = index;
      if (!JSON_LITERAL.test(text)) return index;
      index = JSON_LITERAL.lastIndex;
      expected = afterValue();
    }
  }
}

/** The index after the string opened at `start`, or minus the offset of the error inside it. */
function stringSyntaxEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) return index + 1;
    if (code < 0x20) return -index;
    if (code === BACKSLASH) {
      JSON_ESCAPE.lastIndex = index;
      if (!JSON_ESCAPE.test(text)) return -index;
      index = JSON_ESCAPE.lastIndex - 1;
    }
  }
  return -text.length;
}

// ---------------------------------------------------------------------------------------------------
// Finding the article object
// ---------------------------------------------------------------------------------------------------

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
function articleRecord(document: unknown): JsonRecord {
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

// ---------------------------------------------------------------------------------------------------
// ninjs
// ---------------------------------------------------------------------------------------------------

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

function keywordsOf(value: unknown): string[] {
  if (typeof value === 'string')
    return value
      .split(/[,;]/)
      .map((word) => word.trim())
      .filter(Boolean);
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (typeof entry === 'string') return entry.trim() ? [entry.trim()] : [];
    if (isRecord(entry)) {
      const name = firstOwn(entry, ['name', 'title', 'label', 'value', 'slug']);
      return typeof name?.value === 'string' ? [name.value.trim()] : [];
    }
    return [];
  });
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

function parseNinjs(record: JsonRecord, version: NinjsVersion, maxDepth: number): ArticleParts {
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

function definedOnly<T extends Record<string, string | undefined>>(
  values: T,
): Partial<Record<keyof T, string>> {
  const result: Partial<Record<keyof T, string>> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    const value = values[key];
    if (value) result[key] = value;
  }
  return result;
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

// ---------------------------------------------------------------------------------------------------
// Generic CMS exports (and Markdown front matter, which uses the same names)
// ---------------------------------------------------------------------------------------------------

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

function parseCms(record: JsonRecord, maxDepth: number): ArticleParts {
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

// ---------------------------------------------------------------------------------------------------

export const parseJson: FormatParser = (text, context) => {
  const record = articleRecord(parseJsonText(text, context));
  const dialect = jsonDialectOf(record);
  switch (dialect) {
    case 'ninjs1':
      return parseNinjs(record, 1, context.limits.maxDepth);
    case 'ninjs2':
      return parseNinjs(record, 2, context.limits.maxDepth);
    case 'ninjs3':
      return parseNinjs(record, 3, context.limits.maxDepth);
    case 'cms':
      return parseCms(record, context.limits.maxDepth);
  }
};
