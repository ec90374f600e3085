import type { ArticleRecord } from '../domain/article.js';
import { attributesFor, type EventType, envelopeFor, type OutboundMessage } from '../domain/message.js';
import type { Notifier } from '../ports/notifier.js';

/** One change of an article's current record, as the index's change stream reports it. */
export interface ArticleChange {
  /** Identifies the change in its batch (the stream sequence number in AWS). */
  readonly id: string;
  readonly before?: ArticleRecord;
  readonly after?: ArticleRecord;
}

export interface PublishDependencies {
  readonly notifier: Notifier;
  readonly now: () => Date;
}

/** What a change means for partners; undefined when it means nothing to them. */
export function eventTypeOf(change: ArticleChange): EventType | undefined {
  const { before, after } = change;
  if (!after) return undefined; // the record itself was deleted from the index: housekeeping, not news
  if (before && before.version >= after.version) return undefined; // no new version
  if (after.pubStatus === 'canceled')
    return before && before.pubStatus !== 'canceled' ? 'article.withdrawn' : undefined;
  if (after.pubStatus !== 'usable') return undefined;
  return before && before.pubStatus === 'usable' ? 'article.updated' : 'article.published';
}

/**
 * Publishes the partner-visible changes of one batch.
 * 1. Turn each change into an event type (published, updated, withdrawn) or skip it.
 * 2. Build the envelope and the filter attributes from the new record.
 * 3. Publish them all; return the ids of the changes whose message was not accepted.
 */
export async function publishChanges(
  deps: PublishDependencies,
  changes: readonly ArticleChange[],
): Promise<{ failedIds: readonly string[]; published: number }> {
  const publishedAt = deps.now().toISOString();
  const messages: OutboundMessage[] = [];
  for (const change of changes) {
    const eventType = eventTypeOf(change);
    if (!eventType || !change.after) continue;
    messages.push({
      id: change.id,
      body: JSON.stringify(envelopeFor(change.after, eventType, publishedAt)),
      attributes: attributesFor(change.after, eventType),
    });
  }
  if (messages.length === 0) return { failedIds: [], published: 0 };
  const { failedIds } = await deps.notifier.publish(messages);
  return { failedIds, published: messages.length - failedIds.length };
}
