/**
 * Caps on the free-text fields an input states (headlines, summary, byline, rights, subjects...),
 * applied to every format's parts before assembly, so that what partners receive always fits:
 * the summary message (identity, headlines, summary, subjects, byline, rights, ids) and its filter
 * attributes stay far below SNS's 262,144 bytes per message even when every capped field is at its
 * cap and written in 3-byte UTF-8 characters. The bodies are not capped: they are the article, and
 * a document too large for a message or an index item is stored aside (claim check).
 *
 * A capped text is cut at a word boundary where there is one near the cap and ends with `…`; an
 * identifier (uri, code, alternative id) over its cap is dropped instead, since a cut one would be
 * another identifier or no URI at all. Each cap is recorded in the article's provenance under the
 * ninjs field it applies to.
 */

import { FIELD_CHAR_LIMITS, FIELD_COUNT_LIMITS } from '../domain/limits.js';
import type { Provenance } from '../domain/provenance.js';
import type { AltId, Party, Place } from '../ninjs/types.js';
import type { ArticleParts, SourceSubject } from './parts.js';

/** The ninjs field each part becomes, which is where provenance records it. */
const NINJS_FIELD: Partial<Record<keyof ArticleParts, string>> = {
  headline: 'headlines',
  subheadline: 'headlines',
  summary: 'descriptions',
  byline: 'by',
  located: 'located',
  copyrightHolder: 'copyrightHolder',
  copyrightNotice: 'copyrightNotice',
  usageTerms: 'usageTerms',
  subjects: 'subjects',
  keywords: 'subjects',
  people: 'people',
  organisations: 'organisations',
  places: 'places',
  altIds: 'altIds',
};

/** `text` cut to at most `limit` code units: at a space in the last fifth if there is one, never inside a surrogate pair, with `…`. */
export function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = limit - 1; // room for the ellipsis
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--; // a high surrogate whose pair would be cut off
  const head = text.slice(0, cut);
  const space = head.lastIndexOf(' ');
  return `${(space >= cut * 0.8 ? head.slice(0, space) : head).trimEnd()}…`;
}

export interface CappedParts {
  readonly parts: ArticleParts;
  /** One entry per ninjs field that was capped: `capped-at-<n>-chars`, `capped-at-<n>-entries` or `values-capped`. */
  readonly provenance: Record<string, Provenance>;
}

/** An entry whose every field was an identifier too long to keep is left out of its list. */
function isKept(item: unknown): boolean {
  return typeof item !== 'object' || item === null || Object.keys(item).length > 0;
}

/** The parts with every free-text field within its cap, and a record of each cap applied. */
export function capFreeText(parts: ArticleParts): CappedParts {
  const provenance: Record<string, Provenance> = {};
  const record = (part: keyof ArticleParts, rule: string) => {
    const field = NINJS_FIELD[part] ?? part;
    const known = provenance[field];
    provenance[field] = {
      rule: known && known.rule !== rule ? `${known.rule}, ${rule}` : rule,
      confidence: 100,
    };
  };
  const text = <K extends keyof typeof FIELD_CHAR_LIMITS & keyof ArticleParts>(part: K) => {
    const value = parts[part] as string | undefined;
    const limit = FIELD_CHAR_LIMITS[part];
    if (value === undefined || value.length <= limit) return {};
    record(part, `capped-at-${limit}-chars`);
    return { [part]: capText(value, limit) };
  };
  const list = <T>(
    part: keyof ArticleParts,
    items: readonly T[] | undefined,
    limit: number,
    each: (item: T) => T,
  ) => {
    if (!items) return {};
    // The kept list is built only from the first entry that changes (nearly every list has none).
    let kept: T[] | undefined;
    const end = Math.min(items.length, limit);
    for (let index = 0; index < end; index++) {
      const item = items[index] as T;
      const result = each(item);
      if (result !== item && kept === undefined) kept = items.slice(0, index).filter(isKept);
      if (kept !== undefined && isKept(result)) kept.push(result);
    }
    if (items.length > limit) {
      record(part, `capped-at-${limit}-entries`);
      return { [part]: kept ?? items.slice(0, limit).filter(isKept) };
    }
    if (kept === undefined) return {};
    record(part, 'values-capped');
    return { [part]: kept };
  };
  const fit = (value: string | undefined, limit: number) =>
    value !== undefined && value.length > limit ? capText(value, limit) : value;
  /**
   * A copy with its named string fields within their caps — names cut, identifiers (uris, codes)
   * dropped, since a cut identifier would name something else or be no URI at all; the same object
   * when none needed it.
   */
  const capFields = <T extends object>(
    item: T,
    cut: Partial<Record<keyof T, number>>,
    drop: Partial<Record<keyof T, number>> = {},
  ): T => {
    let copy: T | undefined;
    for (const [field, limit] of Object.entries(cut) as [keyof T, number][]) {
      const value = item[field];
      if (typeof value === 'string' && value.length > limit) {
        copy ??= { ...item };
        copy[field] = fit(value, limit) as T[keyof T];
      }
    }
    for (const [field, limit] of Object.entries(drop) as [keyof T, number][]) {
      const value = item[field];
      if (typeof value === 'string' && value.length > limit) {
        copy ??= { ...item };
        delete copy[field];
      }
    }
    return copy ?? item;
  };
  const { name, code, uri, keyword, altIdValue } = FIELD_CHAR_LIMITS;
  const party = <P extends Party | Place>(item: P) =>
    capFields(
      item,
      { name } as Partial<Record<keyof P, number>>,
      { uri, literal: code } as Partial<Record<keyof P, number>>,
    );
  /** An alternative id too long to keep whole is dropped: a cut id identifies nothing. */
  const altId = (item: AltId): AltId =>
    (item.value?.length ?? 0) > altIdValue || (item.role?.length ?? 0) > code ? {} : item;

  const changes: Partial<ArticleParts> = {
    ...text('headline'),
    ...text('subheadline'),
    ...text('summary'),
    ...text('byline'),
    ...text('located'),
    ...text('copyrightHolder'),
    ...text('copyrightNotice'),
    ...text('usageTerms'),
    ...list<SourceSubject>('subjects', parts.subjects, FIELD_COUNT_LIMITS.subjects, (item) =>
      capFields(item, { name }, { code, uri }),
    ),
    ...list<string>(
      'keywords',
      parts.keywords,
      FIELD_COUNT_LIMITS.keywords,
      (item) => fit(item, keyword) as string,
    ),
    ...list<Party>('people', parts.people, FIELD_COUNT_LIMITS.parties, party),
    ...list<Party>('organisations', parts.organisations, FIELD_COUNT_LIMITS.parties, party),
    ...list<Place>('places', parts.places, FIELD_COUNT_LIMITS.parties, party),
    ...list<AltId>('altIds', parts.altIds, FIELD_COUNT_LIMITS.altIds, altId),
  };
  if (Object.keys(changes).length === 0) return { parts, provenance };
  return { parts: { ...parts, ...changes }, provenance };
}

/** Provenance with the caps added: a field's existing rule (how its value was found) is kept before the cap. */
export function withCapsRecorded(
  provenance: Readonly<Record<string, Provenance>>,
  caps: Readonly<Record<string, Provenance>>,
): Record<string, Provenance> {
  const merged: Record<string, Provenance> = { ...provenance };
  for (const [field, cap] of Object.entries(caps)) {
    const known = merged[field];
    merged[field] = known ? { rule: `${known.rule}, ${cap.rule}`, confidence: known.confidence } : cap;
  }
  return merged;
}
