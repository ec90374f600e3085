import type { ArticleHead, ArticleVersion } from '../domain/article.js';
import { isPermanent, MessageTooLargeError, MissingVersionError } from '../domain/errors.js';
import {
  type ArticleEnvelope,
  attributesFor,
  type DocumentLink,
  type EventType,
  envelopeFor,
  linkedEnvelope,
  messageSize,
  type OutboundMessage,
  type PayloadVariant,
  SNS_MAX_MESSAGE_BYTES,
  summaryEnvelope,
} from '../domain/message.js';
import type { Ninjs } from '../ninjs/types.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { ContentStore } from '../ports/content-store.js';
import type { EmbargoScheduler } from '../ports/embargo-scheduler.js';
import type { Notifier } from '../ports/notifier.js';

/** How many changes of a batch are prepared (document loaded, messages built) at the same time. */
const PREPARE_CONCURRENCY = 8;

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** `work` over every item, at most `limit` at a time; each item's outcome in the items' order. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<Outcome<R>[]> {
  const outcomes: Outcome<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        outcomes[index] = { ok: true, value: await work(items[index] as T) };
      } catch (error) {
        outcomes[index] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return outcomes;
}

/** One change of an article's head record, as the index's change stream reports it. */
export interface ArticleChange {
  /** Identifies the change in its batch (the stream sequence number in AWS). */
  readonly id: string;
  readonly before?: ArticleHead;
  readonly after?: ArticleHead;
}

export interface PublishDependencies {
  readonly notifier: Notifier;
  readonly index: ArticleIndex;
  readonly scheduler: EmbargoScheduler;
  readonly now: () => Date;
  /** Where documents go that a message cannot carry, and that summaries link to. */
  readonly contentStore?: ContentStore;
  /** Publish the summary variant (no link) as well: some partner takes summaries. */
  readonly summaries?: boolean;
  /** Publish the linked summary variant as well: some summary partner is entitled to the full text. */
  readonly linkedSummaries?: boolean;
}

/** Building the messages of one article version (shared with replays). */
export interface MessageOptions {
  readonly contentStore?: ContentStore;
  readonly summaries?: boolean;
  readonly linkedSummaries?: boolean;
}

/** The suffix of each variant's message id after the change id (the full variant has none). */
const VARIANT_SUFFIXES: Readonly<Record<Exclude<PayloadVariant, 'full'>, string>> = {
  summary: '/summary',
  'summary-linked': '/summary-linked',
};

/** The variant a message id names. */
export function variantOfMessageId(messageId: string): PayloadVariant {
  for (const [variant, suffix] of Object.entries(VARIANT_SUFFIXES))
    if (messageId.endsWith(suffix)) return variant as PayloadVariant;
  return 'full';
}

export { MessageTooLargeError };

/**
 * The partner messages for one article version: the full variant (the document inline, or a summary
 * and a link when it would exceed the SNS limit) and, when asked, the summary variant (no bodies, no
 * link: a summary partner gets the full text only when entitled) and the linked summary variant.
 * Each carries the `payload` attribute its subscribers' filter policies match on. Message ids are
 * `id` for the full variant and `id` + `/summary` or `/summary-linked` for the others.
 */
export async function partnerMessagesFor(
  id: string,
  article: ArticleHead,
  document: Ninjs,
  envelope: ArticleEnvelope,
  options: MessageOptions,
): Promise<OutboundMessage[]> {
  let link: DocumentLink | undefined;
  const linkToDocument = async (): Promise<DocumentLink> => {
    if (!options.contentStore)
      throw new MessageTooLargeError(`${article.uri} v${article.version}: no content store for a link`);
    link ??= await options.contentStore.put(article.uri, article.version, document);
    return link;
  };
  const eventType = envelope.eventType;
  const fullAttributes = attributesFor(article, eventType, 'full');
  let full: OutboundMessage = { id, body: JSON.stringify(envelope), attributes: fullAttributes };
  if (messageSize(full) > SNS_MAX_MESSAGE_BYTES) {
    // Claim check: same envelope, the document replaced by its summary and a link to the whole.
    full = { ...full, body: JSON.stringify(linkedEnvelope(envelope, await linkToDocument(), 'full')) };
  }
  const messages = [full];
  if (options.summaries) {
    messages.push({
      id: `${id}${VARIANT_SUFFIXES.summary}`,
      body: JSON.stringify(summaryEnvelope(envelope)),
      attributes: attributesFor(article, eventType, 'summary'),
    });
  }
  if (options.linkedSummaries) {
    messages.push({
      id: `${id}${VARIANT_SUFFIXES['summary-linked']}`,
      body: JSON.stringify(linkedEnvelope(envelope, await linkToDocument(), 'summary')),
      attributes: attributesFor(article, eventType, 'summary-linked'),
    });
  }
  for (const message of messages) {
    if (messageSize(message) > SNS_MAX_MESSAGE_BYTES)
      throw new MessageTooLargeError(
        `${article.uri} v${article.version}: even its summary exceeds the SNS limit`,
      );
  }
  return messages;
}

/** The change (or replay) id a message id belongs to. */
export function sourceIdOf(messageId: string): string {
  const variant = variantOfMessageId(messageId);
  return variant === 'full' ? messageId : messageId.slice(0, -VARIANT_SUFFIXES[variant].length);
}

/** What a change means for partners; undefined when it means nothing to them. */
export function eventTypeOf(change: ArticleChange): EventType | undefined {
  const { before, after } = change;
  if (!after) return undefined; // the record itself was deleted from the index: housekeeping, not news
  if (before && before.version >= after.version) return undefined; // no new version
  // Partners that received any earlier version hear of every later change, including a withdrawal.
  const partnersHaveIt = before?.everPublished === true;
  if (after.pubStatus === 'canceled')
    return partnersHaveIt && before?.pubStatus !== 'canceled' ? 'article.withdrawn' : undefined;
  if (after.pubStatus !== 'usable') return undefined; // withheld: embargoed, nothing to send yet
  return partnersHaveIt ? 'article.updated' : 'article.published';
}

/** A new withheld version needs a release at its embargo time. */
function needsRelease(change: ArticleChange): boolean {
  const { before, after } = change;
  return (
    after?.pubStatus === 'withheld' &&
    after.embargoedUntil !== undefined &&
    (!before || before.version < after.version)
  );
}

/** A change that can never be published as it is, and why. */
export interface AbandonedChange {
  readonly id: string;
  readonly uri?: string;
  readonly version?: number;
  readonly error: Error;
}

export interface PublishOutcome {
  /** Changes to retry. */
  readonly failedIds: readonly string[];
  /** Changes that failed permanently: not to retry. */
  readonly abandoned: readonly AbandonedChange[];
  readonly published: number;
}

/**
 * Publishes the partner-visible changes of one batch.
 * 1. Turn each change into an event type (published, updated, withdrawn) or skip it; schedule the
 *    release of newly withheld (embargoed) versions.
 * 2. Load each version's document and build its messages: the envelope and the filter attributes,
 *    with a claim-check link when the document is too large, plus the summary variant when asked.
 * 3. Publish them all; return the ids of the changes that failed and must be retried (a change
 *    counts as published when every message of it was accepted), and apart from them the changes
 *    that failed permanently (a retry would fail the same way: see `isPermanent`), which the caller
 *    records and acknowledges.
 */
export async function publishChanges(
  deps: PublishDependencies,
  changes: readonly ArticleChange[],
  /**
   * Versions the caller already holds — the version items written just before their heads usually
   * arrive in the same stream batch — used instead of reading them from the index again when their
   * content hash is the one the head names.
   */
  known: readonly ArticleVersion[] = [],
): Promise<PublishOutcome> {
  const knownVersions = new Map(known.map((version) => [`${version.uri}#${version.version}`, version]));
  const publishedAt = deps.now().toISOString();
  // Each change waits on the index (its version's document) and maybe the content store: a batch
  // holds up to 100 changes, so they are prepared a few at a time rather than one after another.
  // Messages keep the batch's order (two versions of one article in a batch go out oldest first).
  const prepared = await mapConcurrently(changes, PREPARE_CONCURRENCY, async (change) => {
    const { after } = change;
    if (!after) return [];
    if (needsRelease(change)) {
      await deps.scheduler.schedule({
        uri: after.uri,
        version: after.version,
        at: after.embargoedUntil as string,
      });
      return [];
    }
    const eventType = eventTypeOf(change);
    if (!eventType) return [];
    const held = knownVersions.get(`${after.uri}#${after.version}`);
    const stored =
      held?.contentHash === after.contentHash ? held : await deps.index.version(after.uri, after.version);
    if (!stored)
      throw new MissingVersionError(`${after.uri}: version ${after.version} is missing from the index`);
    const envelope = envelopeFor(after, stored.ninjs, eventType, publishedAt);
    return partnerMessagesFor(change.id, after, stored.ninjs, envelope, deps);
  });
  const failedIds: string[] = [];
  const abandoned: AbandonedChange[] = [];
  const messages: OutboundMessage[] = [];
  prepared.forEach((outcome, index) => {
    const change = changes[index] as ArticleChange;
    if (outcome.ok) messages.push(...outcome.value);
    else if (isPermanent(outcome.error))
      abandoned.push({
        id: change.id,
        ...(change.after ? { uri: change.after.uri, version: change.after.version } : {}),
        error: outcome.error as Error,
      });
    else failedIds.push(change.id);
  });
  if (messages.length === 0) return { failedIds, abandoned, published: 0 };
  const result = await deps.notifier.publish(messages);
  const failedChanges = new Set(result.failedIds.map(sourceIdOf));
  const publishedChanges = new Set(messages.map((message) => sourceIdOf(message.id)));
  return {
    failedIds: [...failedIds, ...failedChanges],
    abandoned,
    published: [...publishedChanges].filter((id) => !failedChanges.has(id)).length,
  };
}
