import type { ArticleHead } from '../domain/article.js';
import { envelopeFor, type OutboundMessage, type PayloadVariant } from '../domain/message.js';
import type { ArticleIndex } from '../ports/article-index.js';
import type { ContentStore } from '../ports/content-store.js';
import type { Notifier } from '../ports/notifier.js';
import { partnerMessagesFor, variantOfMessageId } from './publish-changes.js';

export interface ReplayDependencies {
  readonly index: ArticleIndex;
  /** The topic (every matching partner) or one partner's own delivery. */
  readonly notifier: Notifier;
  readonly now: () => Date;
  /** Where a document goes that a message cannot carry (claim check), as when publishing. */
  readonly contentStore?: ContentStore;
  /** Which variants to send: those partners take (topic replay) or one partner's. */
  readonly variants: readonly PayloadVariant[];
  /**
   * For a replay straight to one partner's queue, which bypasses SNS: whether that partner's filter
   * policy takes the message. A message it does not take is skipped, as SNS would not deliver it.
   */
  readonly admits?: (message: OutboundMessage) => boolean;
}

export type ReplaySelection = { readonly uris: readonly string[] } | { readonly since: string };

export interface ReplayResult {
  readonly replayed: readonly string[];
  readonly skipped: readonly { uri: string; reason: string }[];
  readonly failed: readonly string[];
}

const PAGE = 100;

async function selected(index: ArticleIndex, selection: ReplaySelection): Promise<(ArticleHead | string)[]> {
  if ('uris' in selection)
    return Promise.all(selection.uris.map(async (uri) => (await index.current(uri)) ?? uri));
  const heads: ArticleHead[] = [];
  let next: string | undefined;
  do {
    const page = await index.changedSince(selection.since, PAGE, next);
    heads.push(...page.items);
    next = page.next;
  } while (next);
  return heads;
}

/**
 * Sends the current version of articles again, marked `article.replayed`, with the same envelope
 * and filter attributes as the original, so each partner's filter decides as it did.
 * 1. Select the articles: given uris, or every article changed since a time.
 * 2. Only published articles are replayed (withheld and withdrawn ones are skipped, with the reason).
 * 3. Publish in batches; report what was replayed, skipped and failed.
 */
export async function replayArticles(
  deps: ReplayDependencies,
  selection: ReplaySelection,
  partner?: string,
): Promise<ReplayResult> {
  const requestedAt = deps.now().toISOString();
  const skipped: { uri: string; reason: string }[] = [];
  const messages: OutboundMessage[] = [];
  for (const entry of await selected(deps.index, selection)) {
    if (typeof entry === 'string') {
      skipped.push({ uri: entry, reason: 'no such article' });
      continue;
    }
    if (entry.pubStatus !== 'usable') {
      skipped.push({ uri: entry.uri, reason: `its current version is ${entry.pubStatus}` });
      continue;
    }
    const stored = await deps.index.version(entry.uri, entry.version);
    if (!stored) {
      skipped.push({ uri: entry.uri, reason: `version ${entry.version} is missing` });
      continue;
    }
    const replay = { requestedAt, ...(partner ? { partner } : {}) };
    const envelope = envelopeFor(entry, stored.ninjs, 'article.replayed', requestedAt, replay);
    // The same variants as publishing (full, claim-checked when too large, summary), so a replay
    // reaches each partner in the payload it takes.
    const variants = await partnerMessagesFor(entry.uri, entry, stored.ninjs, envelope, {
      ...(deps.contentStore ? { contentStore: deps.contentStore } : {}),
      summaries: deps.variants.includes('summary'),
      linkedSummaries: deps.variants.includes('summary-linked'),
    });
    const wanted = variants.filter((message) => deps.variants.includes(variantOfMessageId(message.id)));
    const admitted = deps.admits ? wanted.filter(deps.admits) : wanted;
    if (admitted.length === 0 && wanted.length > 0) {
      skipped.push({ uri: entry.uri, reason: `${partner ?? 'the partner'}'s filter does not take it` });
      continue;
    }
    messages.push(...admitted);
  }
  const { failedIds } = messages.length > 0 ? await deps.notifier.publish(messages) : { failedIds: [] };
  const failed = new Set(failedIds);
  return {
    replayed: messages.map((message) => message.id).filter((uri) => !failed.has(uri)),
    skipped,
    failed: [...failed],
  };
}
