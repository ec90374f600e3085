/**
 * One page of a partner's feed: which entries it holds (exactly those the partner's SNS subscription
 * would admit, judged by the same evaluator on the same attributes publish sends) and, for those, the
 * envelope its queue would have received, in its payload variant.
 *
 * Two ways to read a feed:
 * - newest first (no `since`): the latest entries; `page` continues below the last one read;
 * - `since` a cursor: every entry after it, oldest first; the next page's `since` is the last entry
 *   read, and the feed's `cursor` is where to resume once caught up.
 * Both only read entries settled before the visibility boundary (./entries.ts), so a cursor never
 * passes over an entry that is not yet readable.
 */
import { createHash } from 'node:crypto';
import type { ArticleEnvelope } from '../domain/message.js';
import { attributesFor, envelopeFor } from '../domain/message.js';
import { evaluateFilterPolicy } from '../partners/filter-policy.js';
import { payloadVariantOf, subscriptionFilterPolicyFor } from '../partners/registry.js';
import type { ContentStore } from '../ports/content-store.js';
import type { FeedEntry, FeedIndex } from '../ports/feed-index.js';
import { partnerMessagesFor } from '../usecases/publish-changes.js';
import { FEED_RETENTION_MS, NEWEST_FIRST_REACH_MS, timeKey, timeOfKey, visibleBefore } from './entries.js';
import type { FeedPartner } from './feed-partners.js';

export const DEFAULT_PAGE_SIZE = 50;
/** Entries read per request at most: a partner with a narrow filter gets a short page and a next link. */
export const DEFAULT_SCAN_BUDGET = 1_000;
const READ_BATCH = 100;
const LOAD_CONCURRENCY = 8;

/** A cursor older than the feed reaches. */
export class CursorExpiredError extends Error {
  override readonly name = 'CursorExpiredError';
}

export interface FeedQuery {
  /** A parsed cursor: read everything after it, oldest first. */
  readonly since?: string;
  /** Newest first, continuing below this key. */
  readonly page?: string;
}

export interface FeedSettings {
  readonly index: FeedIndex;
  readonly now: () => number;
  readonly settleMs: number;
  readonly pageSize?: number;
  readonly scanBudget?: number;
  readonly retentionMs?: number;
  readonly newestFirstReachMs?: number;
}

/** The entries of a page, chosen from the index alone (enough to answer a conditional request). */
export interface FeedSelection {
  readonly order: 'newest-first' | 'oldest-first';
  readonly entries: readonly FeedEntry[];
  /** Where the next page starts, when there may be one. */
  readonly next?: { readonly since: string } | { readonly page: string };
  /** Where to resume with `since` once this page is processed (first newest-first pages and cursor reads). */
  readonly cursor?: string;
  /** Write time (ms) of the newest entry read, whether or not the partner takes it. */
  readonly newestRead?: number;
  /** Changes whenever what the page holds changes. */
  readonly validator: string;
}

/** Whether the partner's subscription admits this entry: its filter policy on publish's attributes. */
export function admits(partner: FeedPartner, entry: FeedEntry): boolean {
  const attributes = attributesFor(entry.head, entry.eventType, payloadVariantOf(partner));
  return evaluateFilterPolicy(subscriptionFilterPolicyFor(partner), attributes).matches;
}

export async function selectFeedPage(
  settings: FeedSettings,
  partner: FeedPartner,
  query: FeedQuery,
): Promise<FeedSelection> {
  const pageSize = settings.pageSize ?? DEFAULT_PAGE_SIZE;
  const budget = settings.scanBudget ?? DEFAULT_SCAN_BUDGET;
  const boundary = visibleBefore(settings.now(), settings.settleMs);
  const windowStart = timeKey(boundary - (settings.retentionMs ?? FEED_RETENTION_MS));
  const ascending = query.since !== undefined;
  if (query.since !== undefined && query.since < windowStart)
    throw new CursorExpiredError(
      `the cursor ${query.since} is older than the feed reaches (${windowStart}); ask for a replay`,
    );
  let low = query.since ?? timeKey(boundary - (settings.newestFirstReachMs ?? NEWEST_FIRST_REACH_MS));
  let high = query.page !== undefined && query.page < timeKey(boundary) ? query.page : timeKey(boundary);
  const taken: FeedEntry[] = [];
  let read = 0;
  let firstRead: string | undefined;
  let lastRead: string | undefined;
  let newestRead: number | undefined;
  let more = false;
  reading: while (true) {
    const batch = await settings.index.feedEntries({
      after: low,
      before: high,
      order: ascending ? 'ascending' : 'descending',
      limit: READ_BATCH,
    });
    for (const [position, entry] of batch.entries()) {
      read++;
      firstRead ??= entry.key;
      lastRead = entry.key;
      newestRead = Math.max(newestRead ?? 0, timeOfKey(entry.key));
      if (admits(partner, entry)) taken.push(entry);
      const last = position === batch.length - 1 && batch.length < READ_BATCH;
      if (taken.length === pageSize || read >= budget) {
        more = !last;
        break reading;
      }
    }
    if (batch.length < READ_BATCH || lastRead === undefined) break;
    if (ascending) low = lastRead;
    else high = lastRead;
  }
  const next =
    more && lastRead !== undefined ? (ascending ? { since: lastRead } : { page: lastRead }) : undefined;
  // Newest first, the first page's newest entry read is where "everything after this" starts.
  const cursor = ascending ? (lastRead ?? query.since) : query.page === undefined ? firstRead : undefined;
  const validator = createHash('sha256')
    .update(
      JSON.stringify([
        partner.name,
        payloadVariantOf(partner),
        subscriptionFilterPolicyFor(partner),
        taken.map((entry) => entry.key),
        next ?? null,
        cursor ?? null,
      ]),
    )
    .digest('base64url')
    .slice(0, 27);
  return {
    order: ascending ? 'oldest-first' : 'newest-first',
    entries: taken,
    ...(next ? { next } : {}),
    ...(cursor ? { cursor } : {}),
    ...(newestRead !== undefined ? { newestRead } : {}),
    validator,
  };
}

export interface FeedItem {
  readonly entry: FeedEntry;
  /** The message body the partner's queue receives for this change, in its payload variant. */
  readonly envelope: ArticleEnvelope;
}

/**
 * The envelopes of the selected entries, built as publish builds them (`partnerMessagesFor`), the
 * partner's variant taken. Entries whose version never became current are left out.
 */
export async function loadFeedItems(
  index: FeedIndex,
  partner: FeedPartner,
  entries: readonly FeedEntry[],
  contentStore?: ContentStore,
): Promise<FeedItem[]> {
  const variant = payloadVariantOf(partner);
  const items: (FeedItem | undefined)[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const position = next++;
      const entry = entries[position] as FeedEntry;
      const stored = await index.feedVersion(entry);
      if (!stored) continue;
      const envelope = envelopeFor(
        entry.head,
        stored.ninjs,
        entry.eventType,
        new Date(timeOfKey(entry.key)).toISOString(),
      );
      const messages = await partnerMessagesFor(entry.key, entry.head, stored.ninjs, envelope, {
        ...(contentStore ? { contentStore } : {}),
        summaries: variant === 'summary',
        linkedSummaries: variant === 'summary-linked',
      });
      const message = messages.find((candidate) => candidate.attributes.payload?.value === variant);
      if (!message) throw new Error(`no ${variant} message was built for ${entry.head.uri}`);
      items[position] = { entry, envelope: JSON.parse(message.body) as ArticleEnvelope };
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOAD_CONCURRENCY, entries.length) }, worker));
  return items.filter((item): item is FeedItem => item !== undefined);
}
