/**
 * Searching the article heads the console lists: by source, subject, language, status and time,
 * newest first, in pages. The query comes from a URL, so every value is checked and a bad one is
 * refused with a sentence that names it, rather than silently matching nothing.
 */
import type { ArticleHead } from '../domain/article.js';

export const PUB_STATUSES = ['usable', 'withheld', 'canceled'] as const;
export type ConsoleStatus = (typeof PUB_STATUSES)[number];

export interface ArticleQuery {
  readonly source?: string;
  /** A subject code (`medtop:11000000`): heads carry every ancestor, so a top-level code finds its children. */
  readonly subject?: string;
  readonly language?: string;
  readonly status?: ConsoleStatus;
  /** ISO 8601 bounds on the current version's `versionCreated`, inclusive. */
  readonly from?: string;
  readonly to?: string;
  /** Words that must all appear in the headline or the uri (case-insensitive). */
  readonly text?: string;
  readonly limit: number;
  /** How many matches to skip (the `next` of the previous page). */
  readonly offset: number;
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export class QueryError extends Error {}

function nonNegativeInteger(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new QueryError(`${name} must be a whole number, not '${value}'`);
  return Number(value);
}

/** A bound as an instant; a date alone is the start of that day (UTC) for `from` and its end for `to`. */
function instant(name: 'from' | 'to', value: string): string {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const time = Date.parse(value) + (dayOnly && name === 'to' ? 86_400_000 - 1 : 0);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time))
    throw new QueryError(
      `${name} must be an ISO 8601 date or time (2026-12-07 or 2026-12-07T10:00:00Z), not '${value}'`,
    );
  return new Date(time).toISOString();
}

/** Reads a URL query; unknown parameters are refused so that a misspelt filter is not ignored. */
export function parseArticleQuery(query: Readonly<Record<string, string | undefined>>): ArticleQuery {
  const known = new Set(['source', 'subject', 'language', 'status', 'from', 'to', 'q', 'limit', 'next']);
  const unknown = Object.keys(query).filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new QueryError(`unknown search parameter ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  const given = (name: string) => {
    const value = query[name]?.trim();
    return value ? value : undefined;
  };
  const status = given('status');
  if (status !== undefined && !(PUB_STATUSES as readonly string[]).includes(status))
    throw new QueryError(`status must be one of ${PUB_STATUSES.join(', ')}, not '${status}'`);
  const limit =
    given('limit') === undefined ? DEFAULT_PAGE_SIZE : nonNegativeInteger('limit', given('limit') as string);
  if (limit < 1 || limit > MAX_PAGE_SIZE)
    throw new QueryError(`limit must be 1 to ${MAX_PAGE_SIZE}, not ${limit}`);
  const from = given('from');
  const to = given('to');
  const parsed: ArticleQuery = {
    ...(given('source') ? { source: given('source') } : {}),
    ...(given('subject') ? { subject: given('subject') } : {}),
    ...(given('language') ? { language: given('language')?.toLowerCase() } : {}),
    ...(status ? { status: status as ConsoleStatus } : {}),
    ...(from ? { from: instant('from', from) } : {}),
    ...(to ? { to: instant('to', to) } : {}),
    ...(given('q') ? { text: given('q') } : {}),
    limit,
    offset: given('next') === undefined ? 0 : nonNegativeInteger('next', given('next') as string),
  };
  if (parsed.from && parsed.to && parsed.from > parsed.to)
    throw new QueryError(`from (${parsed.from}) is after to (${parsed.to})`);
  return parsed;
}

function matches(head: ArticleHead, query: ArticleQuery): boolean {
  if (query.source !== undefined && head.source !== query.source) return false;
  if (query.subject !== undefined && !head.subjectCodes.includes(query.subject)) return false;
  if (query.language !== undefined && head.language?.toLowerCase() !== query.language) return false;
  if (query.status !== undefined && head.pubStatus !== query.status) return false;
  const created = Date.parse(head.versionCreated);
  if (query.from !== undefined && created < Date.parse(query.from)) return false;
  if (query.to !== undefined && created > Date.parse(query.to)) return false;
  if (query.text !== undefined) {
    const haystack = `${head.headline} ${head.uri}`.toLowerCase();
    if (
      !query.text
        .toLowerCase()
        .split(/\s+/)
        .every((word) => haystack.includes(word))
    )
      return false;
  }
  return true;
}

export interface ArticlePage {
  readonly items: readonly ArticleHead[];
  readonly total: number;
  /** The offset of the next page; absent on the last. */
  readonly next?: number;
}

/** The matching heads, newest version first (ties by uri, so pages are stable), one page of them. */
export function searchArticles(heads: readonly ArticleHead[], query: ArticleQuery): ArticlePage {
  const found = heads
    .filter((head) => matches(head, query))
    .sort((a, b) => b.versionCreated.localeCompare(a.versionCreated) || a.uri.localeCompare(b.uri));
  const items = found.slice(query.offset, query.offset + query.limit);
  const end = query.offset + items.length;
  return { items, total: found.length, ...(end < found.length ? { next: end } : {}) };
}
