/**
 * Reading untrusted JSON values: every value is read by explicit name from the parsed object's own
 * properties into fresh literals, so keys such as `__proto__`, `constructor` or `prototype` are inert
 * data; a value of the wrong shape is an INVALID_FIELD naming the field and quoting the value. Shared by
 * the ninjs upgrade (./ninjs.ts), the generic CMS mapping (./cms.ts) and Markdown front matter.
 */

import type { Provenance } from '../../../domain/provenance.js';
// The same URI test as the ninjs schema validator: a value accepted here cannot fail validation later.
import { isUri } from '../../../ninjs/formats.js';
import type { PubStatus } from '../../../ninjs/types.js';
import { htmlToParagraphs } from '../../body.js';
import { RejectedInputError } from '../../errors.js';
import { droppedKey } from '../../lenient.js';
import type { SourceBody } from '../../parts.js';
import { lineFeeds } from '../text.js';

export type JsonRecord = Readonly<Record<string, unknown>>;

/** Values quoted in messages are cut to this length: enough to find them, not a copy of the input. */
const QUOTED_VALUE_MAX_CHARS = 60;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A property only if the object itself holds it: inherited members (`constructor`...) never count. */
export function own(record: JsonRecord, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The first of `keys` the record holds with a value other than null or an empty string. */
export function firstOwn(
  record: JsonRecord,
  keys: readonly string[],
): { key: string; value: unknown } | undefined {
  for (const key of keys) {
    const value = own(record, key);
    if (value === undefined || value === null) continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    return { key, value };
  }
  return undefined;
}

export function quoted(value: unknown): string {
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

export function kindOf(value: unknown): string {
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

export function textField(record: JsonRecord, keys: readonly string[]): string | undefined {
  const found = firstOwn(record, keys);
  return found ? scalarText(found.value, found.key) : undefined;
}

/**
 * Plain text of an HTML fragment (headlines and descriptions some producers send as HTML), held to
 * the HTML limits (TOO_DEEP, TOO_LARGE) as every untrusted HTML is; `field` names it in a refusal.
 */
export function htmlText(html: string, maxDepth: number, field: string): string | undefined {
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

export function bodyOfText(value: string, kind: 'html' | 'text' | 'detect'): SourceBody | undefined {
  if (!value.trim()) return undefined;
  if (kind === 'html' || (kind === 'detect' && looksLikeHtml(value))) return { kind: 'html', html: value };
  const paragraphs = textParagraphs(value);
  return paragraphs.length > 0 ? { kind: 'text', paragraphs } : undefined;
}

export function uriField(value: unknown, path: string): string | undefined {
  const text = scalarText(value, path);
  if (text === undefined) return undefined;
  if (!isUri(text)) throw invalidField(path, text, 'a URI');
  return text;
}

// ---------------------------------------------------------------------------------------------------
// Values with rules: urgency, status, language
// ---------------------------------------------------------------------------------------------------

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
// Lists and optional texts
// ---------------------------------------------------------------------------------------------------

/** Free tags as a list: a comma- or semicolon-separated string, or an array of strings or named objects. */
export function keywordsOf(value: unknown): string[] {
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

/** The entries that hold text, for spreading into parts without `undefined` values. */
export function definedOnly<T extends Record<string, string | undefined>>(
  values: T,
): Partial<Record<keyof T, string>> {
  const result: Partial<Record<keyof T, string>> = {};
  for (const key of Object.keys(values) as (keyof T)[]) {
    const value = values[key];
    if (value) result[key] = value;
  }
  return result;
}
