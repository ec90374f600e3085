/**
 * Redrive: what exhausted its retries and landed in a dead-letter queue goes back to be processed
 * again, once the cause is fixed (a throttled table, a failing dependency, a bug).
 *
 * Two kinds of dead letters, two ways back:
 * - SQS dead-letter queues (ingest, partner queues) hold the original messages: they are moved back to
 *   their source queue, bodies and attributes unchanged (`redriveMessages`). The handlers are
 *   idempotent (a notification already handled is stale, the same content is no new version), so a
 *   message moved twice does no harm.
 * - The stream's on-failure destination holds Lambda's description of a failed batch (shard, sequence
 *   numbers, arrival times), not the records, which DynamoDB Streams keeps for 24 hours only. The
 *   index is the source of truth, so the articles whose current version changed in the failed window
 *   are published again from it, with the event the stream record would have produced
 *   (`redriveStreamFailures`). Partners deduplicate on `idempotencyKey` (uri#version), so an article
 *   they already had costs them nothing.
 *
 * Letters are deleted from the dead-letter queue only after they were sent (or republished); a run
 * that fails half-way leaves the rest in place, visible again after the receive's visibility timeout.
 */
import type { ArticleHead } from '../domain/article.js';
import { InvalidRequestError } from '../domain/errors.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { Letter, LetterAttribute, MessageQueues } from '../ports/message-queues.js';
import { type ArticleChange, type PublishDependencies, publishChanges } from './publish-changes.js';

export type { Letter, LetterAttribute, MessageQueues };

export interface RedriveRequest {
  /** The dead-letter queue. */
  readonly from: string;
  /** Where its messages go back to: the queue that dead-lettered them. */
  readonly to: string;
  /** Move at most this many (all of them when absent). */
  readonly limit?: number;
}

export interface RedriveResult {
  readonly moved: number;
  /** Received but not sent: they stay in the dead-letter queue. */
  readonly failed: number;
}

/** The most messages one receive asks for (the SQS maximum). */
const RECEIVE_MAX = 10;

/**
 * Moves messages from a dead-letter queue back to its source queue.
 * 1. Receive a batch (never more than the limit still allows).
 * 2. Send copies to the source queue: same body, same message attributes.
 * 3. Delete from the dead-letter queue only the messages that were sent.
 * 4. Stop at the limit, when the dead-letter queue is empty, or after a batch of which nothing could
 *    be sent (the cause is still there: no point in spinning).
 */
export async function redriveMessages(
  deps: { readonly queues: MessageQueues },
  request: RedriveRequest,
): Promise<RedriveResult> {
  if (request.from === request.to)
    throw new InvalidRequestError('redrive: a queue cannot be redriven into itself');
  const limit = request.limit ?? Number.POSITIVE_INFINITY;
  let moved = 0;
  let failed = 0;
  while (moved + failed < limit) {
    const letters = await deps.queues.receive(request.from, Math.min(RECEIVE_MAX, limit - moved - failed));
    if (letters.length === 0) break;
    const { failedIds } = await deps.queues.send(request.to, letters);
    const notSent = new Set(failedIds);
    const sent = letters.filter((letter) => !notSent.has(letter.id));
    if (sent.length > 0) await deps.queues.delete(request.from, sent);
    moved += sent.length;
    failed += letters.length - sent.length;
    if (sent.length === 0) break;
  }
  return { moved, failed };
}

// --- Stream failures --------------------------------------------------------------------------------

/** The part of Lambda's on-failure record for a stream batch that says when the batch happened. */
interface StreamFailureRecord {
  readonly timestamp?: string;
  readonly DDBStreamBatchInfo?: {
    readonly approximateArrivalOfFirstRecord?: string;
    readonly startSequenceNumber?: string;
    readonly batchSize?: number;
  };
}

export interface StreamRedriveRequest {
  /** The stream's on-failure destination (a queue). */
  readonly from: string;
  /** Process at most this many failure records (all of them when absent). */
  readonly limit?: number;
  /**
   * How far before a failure record's time to look when it does not say when its first record arrived
   * (Lambda says; the local runtime does not). @default 15 minutes
   */
  readonly lookbackMs?: number;
}

export interface StreamRedriveResult {
  /** Failure records read (and deleted once everything they cover was republished). */
  readonly records: number;
  /** Failure records that are not Lambda stream failure records: left in the queue. */
  readonly unreadable: number;
  /** The earliest version time looked at, ISO 8601. */
  readonly since?: string;
  /**
   * Articles whose change was handled again (uris): published, or found to need no message (a
   * withheld version gets its release scheduled instead).
   */
  readonly handled: readonly string[];
  /** Articles that could not be handled: their failure records stay in the queue. */
  readonly failed: readonly string[];
}

export interface StreamRedriveDependencies extends PublishDependencies {
  readonly queues: MessageQueues;
}

const DEFAULT_LOOKBACK_MS = 15 * 60_000;
/** A version's time is set before its write reaches the stream: look a little earlier than the arrival. */
const ARRIVAL_SLACK_MS = 60_000;
const PAGE = 100;
const PUBLISH_CHUNK = 50;

function windowStart(body: string, lookbackMs: number): number | undefined {
  let record: StreamFailureRecord;
  try {
    record = JSON.parse(body) as StreamFailureRecord;
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null || !record.DDBStreamBatchInfo) return undefined;
  const arrival = Date.parse(record.DDBStreamBatchInfo.approximateArrivalOfFirstRecord ?? '');
  if (!Number.isNaN(arrival)) return arrival - ARRIVAL_SLACK_MS;
  const failedAt = Date.parse(record.timestamp ?? '');
  return Number.isNaN(failedAt) ? undefined : failedAt - lookbackMs;
}

/**
 * The change the stream reported for the current version of an article: the version before it is
 * rebuilt from the stored versions (its status, and whether any earlier version reached partners),
 * which is all that decides the event (published, updated, withdrawn) and its audience.
 */
async function changeOf(index: ArticleIndex, head: ArticleHead): Promise<ArticleChange> {
  if (head.version <= 1) return { id: head.uri, after: head };
  const previous = await index.version(head.uri, head.version - 1);
  let everPublished = previous ? previous.ninjs.pubStatus === 'usable' : head.everPublished;
  for (let version = head.version - 2; previous && !everPublished && version >= 1; version--) {
    everPublished = (await index.version(head.uri, version))?.ninjs.pubStatus === 'usable';
  }
  const before: ArticleHead = {
    ...head,
    version: head.version - 1,
    pubStatus: previous?.ninjs.pubStatus ?? head.pubStatus,
    everPublished,
  };
  return { id: head.uri, before, after: head };
}

/**
 * Publishes again what failed stream batches would have published.
 * 1. Read the failure records (up to the limit) from the on-failure queue; each says when its batch
 *    arrived (or, locally, when it failed: then `lookbackMs` before that).
 * 2. List the articles whose current version was created since the earliest of those times.
 * 3. Rebuild each one's change and publish it as the publish function does (same envelope, same
 *    attributes, same idempotency key; embargoed versions get their release scheduled).
 * 4. Delete the failure records only when every article was published.
 */
export async function redriveStreamFailures(
  deps: StreamRedriveDependencies,
  request: StreamRedriveRequest,
): Promise<StreamRedriveResult> {
  const limit = request.limit ?? Number.POSITIVE_INFINITY;
  const lookbackMs = request.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  const readable: { letter: Letter; start: number }[] = [];
  let unreadable = 0;
  while (readable.length + unreadable < limit) {
    const letters = await deps.queues.receive(
      request.from,
      Math.min(RECEIVE_MAX, limit - readable.length - unreadable),
    );
    if (letters.length === 0) break;
    for (const letter of letters) {
      const start = windowStart(letter.body, lookbackMs);
      if (start === undefined) unreadable++;
      else readable.push({ letter, start });
    }
  }
  if (readable.length === 0) return { records: 0, unreadable, handled: [], failed: [] };

  const since = new Date(Math.min(...readable.map(({ start }) => start))).toISOString();
  const heads: ArticleHead[] = [];
  let next: string | undefined;
  do {
    const page = await deps.index.changedSince(since, PAGE, next);
    heads.push(...page.items);
    next = page.next;
  } while (next);

  const handled: string[] = [];
  const failed: string[] = [];
  for (let start = 0; start < heads.length; start += PUBLISH_CHUNK) {
    const chunk = heads.slice(start, start + PUBLISH_CHUNK);
    const changes: ArticleChange[] = [];
    for (const head of chunk) {
      try {
        changes.push(await changeOf(deps.index, head));
      } catch {
        failed.push(head.uri);
      }
    }
    const { failedIds, abandoned } = await publishChanges(deps, changes);
    const notPublished = new Set([...failedIds, ...abandoned.map((change) => change.id)]);
    for (const change of changes) (notPublished.has(change.id) ? failed : handled).push(change.id);
  }
  if (failed.length === 0) {
    await deps.queues.delete(
      request.from,
      readable.map(({ letter }) => letter),
    );
  }
  return { records: readable.length, unreadable, since, handled, failed };
}
