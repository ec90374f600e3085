/**
 * Feed entries: which versions are entries, where each stands in the feed, and when an entry may be
 * shown. Shared by the DynamoDB index and its in-memory fake, so both order and admit the same way.
 *
 * Order. An entry's key is `<ISO time its version item was written>~<16 hex of sha256(uri#version)>`:
 * unique, ordered by write time, and usable as a cursor as it is (URL-safe, readable).
 *
 * Visibility rule (why a cursor never skips an entry). Writers in different Lambda invocations stamp
 * their time, then write; a write stamped earlier can become readable later than one stamped after it
 * (a slow or retried request, the index's asynchronous propagation). A reader that handed out a
 * cursor past the later one would never see the earlier one. So a feed only shows entries stamped
 * before a boundary that lags the reader's clock by a settle interval: longer than a writer can take
 * between stamping and finishing (its function's timeout: past it, the invocation is stopped and a
 * retry stamps again) plus the index's propagation and clock skew. Everything stamped before the
 * boundary is then readable, and a cursor only moves over settled entries. The boundary is a whole
 * second, so that `Last-Modified` (whole seconds) grows with every change of what a feed shows.
 */
import { createHash } from 'node:crypto';
import type { ArticleHead } from '../domain/article.js';
import type { EventType } from '../domain/message.js';
import { normalise, release } from '../pipeline/description.js';
import { eventTypeOf } from '../usecases/publish-changes.js';

/** Separates an entry key's time from its hash; `~` sorts after every character of an ISO time. */
const KEY_SEPARATOR = '~';
const ENTRY_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z~[0-9a-f]{16}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Margin for the index's propagation (usually well under a second) and clock skew between functions. */
const PROPAGATION_MARGIN_MS = 30_000;

/**
 * How long after it is written an entry becomes visible in AWS: the longest a writer (normalise,
 * release) can run, plus the margin.
 */
export const FEED_SETTLE_MS =
  Math.max(normalise.timeoutSeconds, release.timeoutSeconds) * 1000 + PROPAGATION_MARGIN_MS;

/**
 * The local runtime's writers run in its own process against an in-process table and finish in
 * milliseconds; a short interval keeps the feed close to what was just ingested.
 */
export const LOCAL_FEED_SETTLE_MS = 2_000;

/** How far back a feed reaches: a cursor older than this is refused (410), not silently shortened. */
export const FEED_RETENTION_MS = 30 * 86_400_000;

/**
 * How far back newest-first pages go. Each UTC day read costs a query per shard, found entries or
 * not, so a feed whose partner takes little would otherwise walk 30 days (240 queries) to fill a
 * page; catching up on older entries is what `since` is for.
 */
export const NEWEST_FIRST_REACH_MS = 7 * 86_400_000;

/** The event a version is for partners (the publisher's rule), or undefined when it is none. */
export function feedEventFor(before: ArticleHead | undefined, after: ArticleHead): EventType | undefined {
  return eventTypeOf({ id: 'feed', ...(before ? { before } : {}), after });
}

export function feedKey(writtenAtMs: number, uri: string, version: number): string {
  const hash = createHash('sha256').update(`${uri}#${version}`).digest('hex').slice(0, 16);
  return `${new Date(writtenAtMs).toISOString()}${KEY_SEPARATOR}${hash}`;
}

/** The UTC day (`YYYY-MM-DD`) a key or bare ISO time falls on. */
export function dayOf(key: string): string {
  return key.slice(0, 10);
}

/** Every UTC day from the day of `from` to the day of `to`, inclusive, in that order. */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${dayOf(from)}T00:00:00.000Z`);
  const end = Date.parse(`${dayOf(to)}T00:00:00.000Z`);
  const step = start <= end ? 86_400_000 : -86_400_000;
  const days: string[] = [];
  for (let day = start; step > 0 ? day <= end : day >= end; day += step)
    days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}

/** The bare time a boundary is given as: entries stamped before it sort before it, the others after. */
export function timeKey(ms: number): string {
  return new Date(ms).toISOString();
}

/** The visibility boundary at `nowMs`: the whole second `settleMs` ago. */
export function visibleBefore(nowMs: number, settleMs: number): number {
  return Math.floor((nowMs - settleMs) / 1000) * 1000;
}

/**
 * A `since` value as a position: an entry key (what feeds hand out), or an RFC 3339 date-time meaning
 * "entries written at or after it". Undefined when it is neither.
 */
export function parseCursor(text: string): string | undefined {
  if (ENTRY_KEY.test(text)) return Number.isNaN(Date.parse(text.slice(0, 24))) ? undefined : text;
  if (!TIMESTAMP.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : timeKey(ms);
}

/** The write time (ms) a key or bare time stands for. */
export function timeOfKey(key: string): number {
  return Date.parse(key.slice(0, 24));
}
