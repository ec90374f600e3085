/**
 * Where each partner's delivery lives, at any registry size: the same answer for the CDK app and the
 * local runtime, from the registry alone.
 *
 * Shards. A partner's queues, DLQs, subscription and alarms go into one of PARTNER_SHARD_COUNT
 * shards (nested stacks in AWS), chosen by a hash of its permanent id. The count never changes, so
 * adding or removing a partner touches its own shard only and never moves another partner's queues
 * (moving a queue to another stack replaces it and loses its messages). A shard holds at most
 * PARTNERS_PER_SHARD partners, which keeps it far inside CloudFormation's 500 resources per stack.
 *
 * Topics. Each payload variant (full document, summary, summary with a link to the full text) has its own topics, so the variant takes no
 * filter key and partners may use all five. SNS allows a limited number of filter policies per topic
 * (200 by default, adjustable), so the shards' partners of one variant are packed, shard by shard in
 * shard order, into as many topics as the quota requires; the publisher sends each message to every
 * topic of its variant. Packing can move a shard's subscriptions to the next topic when a partner
 * joins: only subscriptions move (created before the old ones are deleted, so at worst a message
 * arrives twice, which partners deduplicate on idempotencyKey); queues stay where they are.
 */

import { ConfigurationError } from '../domain/errors.js';
import type { PayloadVariant } from '../domain/message.js';
import { filterPolicyFor, type Partner, partnerResourceId, payloadVariantOf } from './registry.js';

/** Every message variant, in the order their topics are listed. */
export const PAYLOAD_VARIANTS: readonly PayloadVariant[] = ['full', 'summary', 'summary-linked'];

/** Fixed forever: changing it would move most partners to another shard (and replace their queues). */
export const PARTNER_SHARD_COUNT = 64;
/**
 * At most 7 resources per partner (queue, its DLQ, the delivery DLQ, a policy each, the subscription)
 * plus one aggregated alarm per 10 DLQs: 60 partners stay under 500 resources with room to spare.
 */
export const PARTNERS_PER_SHARD = 60;
/** SNS's default quota of filter policies per topic (adjustable in Service Quotas). */
export const DEFAULT_FILTER_POLICIES_PER_TOPIC = 200;

/** FNV-1a (32-bit): a stable, well-spread hash that needs no dependency and never changes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard of a partner: by its permanent id, hyphen runs counted as one (as its resource ids are). */
export function shardOf(partner: Pick<Partner, 'id' | 'name'>): number {
  const key = partnerResourceId(partner)
    .split('-')
    .filter((part) => part.length > 0)
    .join('-');
  return fnv1a(key) % PARTNER_SHARD_COUNT;
}

export interface TopicSlot {
  readonly payload: PayloadVariant;
  /** 0 for the first topic of the variant. */
  readonly index: number;
}

export interface PartnerTopology {
  /** Partners by shard, only shards that hold any, in shard order; registry order within a shard. */
  readonly shards: ReadonlyMap<number, readonly Partner[]>;
  /** Every topic, full first, then summary (a variant nobody takes has none, except the first full one). */
  readonly topics: readonly TopicSlot[];
  /** The topic each partner subscribes to, by partner name. */
  readonly topicOf: ReadonlyMap<string, TopicSlot>;
  readonly filterPoliciesPerTopic: number;
}

/**
 * Shards and topics for a registry; throws a ConfigurationError naming every shard that is full or
 * a quota too small for a shard, all at once.
 */
export function partnerTopology(
  partners: readonly Partner[],
  filterPoliciesPerTopic = DEFAULT_FILTER_POLICIES_PER_TOPIC,
): PartnerTopology {
  const problems: string[] = [];
  if (!Number.isInteger(filterPoliciesPerTopic) || filterPoliciesPerTopic < 1)
    throw new ConfigurationError(
      `filterPoliciesPerTopic must be a whole number of at least 1, not ${filterPoliciesPerTopic}`,
    );
  const byShard = new Map<number, Partner[]>();
  for (const partner of partners) {
    const shard = shardOf(partner);
    byShard.set(shard, [...(byShard.get(shard) ?? []), partner]);
  }
  const shards = new Map([...byShard].sort(([a], [b]) => a - b));
  for (const [shard, members] of shards) {
    if (members.length > PARTNERS_PER_SHARD)
      problems.push(
        `shard ${shard} would hold ${members.length} partners (at most ${PARTNERS_PER_SHARD}): ` +
          `${members.map((partner) => partner.name).join(', ')}`,
      );
  }
  const topics: TopicSlot[] = [];
  const topicOf = new Map<string, TopicSlot>();
  for (const payload of PAYLOAD_VARIANTS) {
    let slot: TopicSlot | undefined;
    let used = 0;
    for (const [shard, members] of shards) {
      const ofVariant = members.filter((partner) => payloadVariantOf(partner) === payload);
      if (ofVariant.length === 0) continue;
      // Only a subscription with a filter policy counts against the quota.
      const taking = ofVariant.filter((partner) => Object.keys(filterPolicyFor(partner)).length > 0);
      if (taking.length > filterPoliciesPerTopic) {
        problems.push(
          `shard ${shard} has ${taking.length} ${payload} partners, more than ${filterPoliciesPerTopic} filter ` +
            'policies per topic: raise the SNS quota (and filterPoliciesPerTopic)',
        );
        continue;
      }
      if (!slot || used + taking.length > filterPoliciesPerTopic) {
        slot = { payload, index: slot ? slot.index + 1 : 0 };
        topics.push(slot);
        used = 0;
      }
      used += taking.length;
      for (const partner of ofVariant) topicOf.set(partner.name, slot);
    }
  }
  // The first full topic always exists: the stack's (and the runtime's) articles topic.
  if (!topics.some((topic) => topic.payload === 'full' && topic.index === 0))
    topics.unshift({ payload: 'full', index: 0 });
  if (problems.length > 0)
    throw new ConfigurationError(`partner topology is invalid:\n  - ${problems.join('\n  - ')}`);
  return { shards, topics, topicOf, filterPoliciesPerTopic };
}

const TOPIC_NAMES: Readonly<Record<PayloadVariant, string>> = {
  full: 'ArticlesTopic',
  summary: 'SummaryTopic',
  'summary-linked': 'LinkedSummaryTopic',
};

/** `ArticlesTopic`, `ArticlesTopic2`…, `SummaryTopic`…, `LinkedSummaryTopic`…: construct ids and local names. */
export function topicId(slot: TopicSlot): string {
  return `${TOPIC_NAMES[slot.payload]}${slot.index === 0 ? '' : slot.index + 1}`;
}

/** Which topics a message of each variant goes to: what the publisher needs (TOPIC_ROUTES). */
export type TopicRoutes = Readonly<Record<PayloadVariant, readonly string[]>>;

/** The routes of a topology, given each topic's ARN by its id. */
export function topicRoutesOf(topology: PartnerTopology, arnOf: (topicId: string) => string): TopicRoutes {
  const arns = (payload: PayloadVariant) =>
    topology.topics.filter((slot) => slot.payload === payload).map((slot) => arnOf(topicId(slot)));
  return { full: arns('full'), summary: arns('summary'), 'summary-linked': arns('summary-linked') };
}

/** Every variant to one topic: a single-topic deployment. */
export function singleTopicRoutes(topicArn: string): TopicRoutes {
  return { full: [topicArn], summary: [topicArn], 'summary-linked': [topicArn] };
}

/** `all-news-wire` -> `AllNewsWire`, for construct, output and queue labels. */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The construct id of a partner's delivery, from its permanent id (never its name): every logical id
 * under it, and so every queue, survives a rename of the partner. The CLI names queues after it too.
 */
export function partnerConstructId(partner: Pick<Partner, 'id' | 'name'>): string {
  return `Partner${pascalCase(partnerResourceId(partner))}`;
}

/** The kinds of queue a partner delivery may have (see infra/constructs/partner-delivery.ts). */
export type PartnerQueueKind = 'queue' | 'queueDlq' | 'deliveryDlq';

const QUEUE_SUFFIX: Readonly<Record<PartnerQueueKind, string>> = {
  queue: '',
  queueDlq: '-dlq',
  deliveryDlq: '-delivery-dlq',
};

/**
 * The name of a partner's queue in a stage: from the stage and the partner's permanent id, so the
 * manifest the CLI reads needs only the partner, and a queue URL is the region's SQS endpoint, the
 * account and this name. At most 4 + 20 + 1 + 40 + 13 = 78 characters (SQS allows 80).
 */
export function partnerQueueName(
  stage: string,
  partner: Pick<Partner, 'id' | 'name'>,
  kind: PartnerQueueKind,
): string {
  const id = partnerResourceId(partner)
    .split('-')
    .filter((part) => part.length > 0)
    .join('-');
  return `syn-${stage}-${id}${QUEUE_SUFFIX[kind]}`;
}

/** One shard's entry in the partner manifest (an SSM parameter per shard, JSON). */
export interface ShardManifest {
  readonly shard: number;
  /** `https://sqs.REGION.amazonaws.com/ACCOUNT/`: a queue's URL is this plus its name. */
  readonly queueUrlPrefix: string;
  readonly partners: readonly {
    readonly name: string;
    readonly id?: string;
    readonly queues: readonly PartnerQueueKind[];
  }[];
}

/** Where the shards' manifests live in SSM Parameter Store: one parameter per shard under this path. */
export function manifestPath(stage: string): string {
  return `/syndication/${stage}/partner-shards/`;
}
