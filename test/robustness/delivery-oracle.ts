/**
 * What each partner should have received, decided independently of SNS and of the filter policies the
 * pipeline builds: the partner's filters (README "Partners") applied to the article as the index
 * holds it. Shared by the hostile batch, the fault-injection and the load tests.
 */

import type { Delivery } from '../../local/pipeline.js';
import type { ArticleHead } from '../../shared/domain/article.js';
import type { Partner } from '../../shared/partners/registry.js';

/** Whether a first publication of `head` passes the partner's filters: every filter, any of its values. */
export function partnerWants(partner: Partner, head: ArticleHead): boolean {
  const { subjects, languages, sources, minUrgency, eventTypes } = partner.filters;
  if (subjects && !subjects.some((code) => head.subjectCodes.includes(code))) return false;
  if (languages && !(head.language !== undefined && languages.includes(head.language))) return false;
  if (sources && !sources.includes(head.source)) return false;
  if (minUrgency !== undefined && !(head.urgency !== undefined && head.urgency <= minUrgency)) return false;
  if (eventTypes && !eventTypes.includes('article.published')) return false;
  return true;
}

export interface DeliveryCount {
  /** Messages received, duplicates included (delivery is at least once). */
  readonly messages: number;
  /** Distinct idempotency keys: what a partner that deduplicates keeps. */
  readonly distinct: number;
}

/** Per partner, per uri: how many messages and how many distinct idempotency keys arrived. */
export function countDeliveries(deliveries: readonly Delivery[]): Map<string, Map<string, DeliveryCount>> {
  const seen = new Map<string, Map<string, Set<string>>>();
  const counts = new Map<string, Map<string, { messages: number; distinct: number }>>();
  for (const { partner, envelope } of deliveries) {
    const byUri = counts.get(partner) ?? new Map<string, { messages: number; distinct: number }>();
    counts.set(partner, byUri);
    const keys = seen.get(partner) ?? new Map<string, Set<string>>();
    seen.set(partner, keys);
    const count = byUri.get(envelope.uri) ?? { messages: 0, distinct: 0 };
    byUri.set(envelope.uri, count);
    const known = keys.get(envelope.uri) ?? new Set<string>();
    keys.set(envelope.uri, known);
    count.messages++;
    if (!known.has(envelope.idempotencyKey)) {
      known.add(envelope.idempotencyKey);
      count.distinct++;
    }
  }
  return counts;
}

/**
 * Every mismatch between what partners received and what they should have: for each article, each
 * partner whose filters match must hold exactly one distinct idempotency key for it, the others none.
 * With `exactMessages`, duplicates count as mismatches too (no faults, no redelivery expected).
 */
export function deliveryProblems(
  partners: readonly Partner[],
  heads: readonly ArticleHead[],
  deliveries: readonly Delivery[],
  options: { readonly exactMessages?: boolean } = {},
): string[] {
  const counts = countDeliveries(deliveries);
  const problems: string[] = [];
  const known = new Set(heads.map((head) => head.uri));
  for (const partner of partners) {
    const byUri = counts.get(partner.name) ?? new Map<string, DeliveryCount>();
    for (const head of heads) {
      const expected = partnerWants(partner, head) ? 1 : 0;
      const got = byUri.get(head.uri) ?? { messages: 0, distinct: 0 };
      if (got.distinct !== expected)
        problems.push(`${partner.name} ${head.uri}: ${got.distinct} distinct, expected ${expected}`);
      else if (options.exactMessages && got.messages !== expected)
        problems.push(`${partner.name} ${head.uri}: ${got.messages} messages, expected ${expected}`);
    }
    for (const uri of byUri.keys())
      if (!known.has(uri)) problems.push(`${partner.name} received ${uri}, which is not in the index`);
  }
  return problems;
}
