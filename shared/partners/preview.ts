/**
 * Would a partner receive this article version, under which rule, and as which message? Evaluated
 * with our own filter-policy code on the attributes and message the publisher would send, so it
 * needs no emulator and no AWS (`syndicate partners preview PARTNER FILE`).
 */
import type { ArticleHead } from '../domain/article.js';
import {
  type ArticleEnvelope,
  type EventType,
  envelopeFor,
  type OutboundMessage,
} from '../domain/message.js';
import { mediaTopic, withAncestors } from '../enrich/mediatopics.js';
import type { Ninjs } from '../ninjs/types.js';
import type { ContentStore } from '../ports/content-store.js';
import { partnerMessagesFor } from '../usecases/publish-changes.js';
import { describeVerdict, evaluateFilterPolicy, type PolicyVerdict } from './filter-policy.js';
import {
  type Partner,
  payloadVariantOf,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
  subscriptionFilterPolicyFor,
} from './registry.js';

export interface DeliveryPreview {
  readonly partner: Partner;
  readonly eventType: EventType;
  readonly receives: boolean;
  readonly verdict: PolicyVerdict;
  /** One line per filter key: which condition matched which value, or why none did. */
  readonly reasons: readonly string[];
  /** The message the partner would get (its payload variant), whether or not it passes the filter. */
  readonly message: OutboundMessage;
  readonly envelope: ArticleEnvelope;
}

/**
 * `"medtop:11000000" matched (politics), parent of the article's medtop:20000574`: the partner's
 * code, and the article's own subjects it stands for when it matched as an ancestor.
 */
function explainSubject(code: string, ninjs: Ninjs): string {
  const label = mediaTopic(code)?.labels.en;
  const own = (ninjs.subjects ?? [])
    .map((subject) => subject.literal ?? '')
    .filter((literal) => literal !== code && withAncestors(literal).includes(code));
  const parent = own.length > 0 ? `, parent of the article's ${own.join(', ')}` : '';
  return `${JSON.stringify(code)} matched${label ? ` (${label})` : ''}${parent}`;
}

export async function previewDelivery(
  partner: Partner,
  registry: readonly Partner[],
  article: ArticleHead,
  ninjs: Ninjs,
  eventType: EventType,
  contentStore: ContentStore,
  now: Date = new Date(),
): Promise<DeliveryPreview> {
  const envelope = envelopeFor(article, ninjs, eventType, now.toISOString());
  const messages = await partnerMessagesFor('preview', article, ninjs, envelope, {
    contentStore,
    summaries: registryWantsSummaries(registry),
    linkedSummaries: registryWantsLinkedSummaries(registry),
  });
  const variant = payloadVariantOf(partner);
  const message = messages.find((candidate) => candidate.attributes.payload?.value === variant);
  if (!message) throw new Error(`no ${variant} variant was built for ${article.uri}`);
  const verdict = evaluateFilterPolicy(subscriptionFilterPolicyFor(partner), message.attributes);
  const reasons = verdict.keys.map((key) =>
    key.key === 'subjects' && key.matched && typeof key.value === 'string'
      ? `subjects: ${explainSubject(key.value, ninjs)}`
      : describeVerdict(key),
  );
  return {
    partner,
    eventType,
    receives: verdict.matches,
    verdict,
    reasons: reasons.length > 0 ? reasons : ['no filter: every message'],
    message,
    envelope: JSON.parse(message.body) as ArticleEnvelope,
  };
}
