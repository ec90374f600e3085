/**
 * Dates in JSON articles: RFC 3339 and the looser forms CMS exports write (a date alone, a space for
 * `T`, `UTC`/`GMT` for the offset, epoch seconds or milliseconds, TOML dates in front matter), read
 * into RFC 3339; what was assumed (no time, no time zone) is recorded in provenance.
 */
import { TomlDate } from 'smol-toml';
import type { Provenance } from '../../../domain/provenance.js';
import { invalidField } from './values.js';

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
