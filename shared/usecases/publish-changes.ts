import type { ArticleHead } from '../domain/article.js';
import { attributesFor, type EventType, envelopeFor, type OutboundMessage } from '../domain/message.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { EmbargoScheduler } from '../ports/embargo-scheduler.js';
import type { Notifier } from '../ports/notifier.js';

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

/**
 * Publishes the partner-visible changes of one batch.
 * 1. Turn each change into an event type (published, updated, withdrawn) or skip it; schedule the
 *    release of newly withheld (embargoed) versions.
 * 2. Load each version's document and build the envelope and the filter attributes.
 * 3. Publish them all; return the ids of the changes that failed and must be retried.
 */
export async function publishChanges(
  deps: PublishDependencies,
  changes: readonly ArticleChange[],
): Promise<{ failedIds: readonly string[]; published: number }> {
  const publishedAt = deps.now().toISOString();
  const failedIds: string[] = [];
  const messages: OutboundMessage[] = [];
  for (const change of changes) {
    const { after } = change;
    if (!after) continue;
    try {
      if (needsRelease(change)) {
        await deps.scheduler.schedule({
          uri: after.uri,
          version: after.version,
          at: after.embargoedUntil as string,
        });
        continue;
      }
      const eventType = eventTypeOf(change);
      if (!eventType) continue;
      const stored = await deps.index.version(after.uri, after.version);
      if (!stored) throw new Error(`${after.uri}: version ${after.version} is missing from the index`);
      messages.push({
        id: change.id,
        body: JSON.stringify(envelopeFor(after, stored.ninjs, eventType, publishedAt)),
        attributes: attributesFor(after, eventType),
      });
    } catch {
      failedIds.push(change.id);
    }
  }
  if (messages.length === 0) return { failedIds, published: 0 };
  const result = await deps.notifier.publish(messages);
  return {
    failedIds: [...failedIds, ...result.failedIds],
    published: messages.length - result.failedIds.length,
  };
}
