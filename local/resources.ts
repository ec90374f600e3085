/**
 * Creates on the emulators the resources the CDK stack defines (infra/stacks/syndication-stack.ts):
 * ingest bucket, ingest queue with its DLQ, article table, stream DLQ, article topic, content bucket,
 * the partner topics (one per payload variant and filter-policy quota, as the stack), and one queue
 * per partner (with its DLQ) subscribed to its variant's topic with the filter policy derived from
 * the same registry.
 *
 * fauxqs delivers to SQS only, so every partner gets a local queue whatever its delivery type: `sqs`
 * partners read theirs (raw delivery, as in AWS); an HTTPS partner's queue receives the SNS JSON
 * notification and is relayed to its URL (./https-relay.ts); email and Lambda partners' queues hold
 * the SNS JSON notification their endpoint would get.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { articlesTableDefinition } from '../shared/adapters/table-layout.js';
import { type Partner, subscriptionFilterPolicyFor } from '../shared/partners/registry.js';
import { partnerTopology, type TopicRoutes, topicId, topicRoutesOf } from '../shared/partners/topology.js';
import type { FunctionName } from '../shared/pipeline/description.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws-event-bridge.js';

export interface QueueRef {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/**
 * How a partner's local queue stands in for its delivery: read like the partner's SQS queue, relayed
 * to an HTTPS URL on this machine, or only held (an email address, a Lambda function, or an HTTPS URL
 * the local runtime does not call).
 */
export type LocalDelivery = 'queue' | 'https-relay' | 'held';

export interface PartnerQueues {
  readonly partner: Partner;
  readonly queue: QueueRef;
  readonly deadLetterQueue: QueueRef;
  readonly subscriptionArn: string;
  /** Whether SNS delivers raw bodies (SQS partners) or the JSON notification (the others). */
  readonly raw: boolean;
  readonly localDelivery: LocalDelivery;
  /** The partner's shard and the topic it subscribes to, as in the stack. */
  readonly shard: number;
  readonly topicArn: string;
}

export interface LocalResources {
  readonly bucket: string;
  readonly quarantineBucket: string;
  readonly ingestQueue: QueueRef;
  readonly ingestDeadLetterQueue: QueueRef;
  readonly table: string;
  readonly streamDeadLetterQueue: QueueRef;
  /** The first topic of full documents (every topic: `topicRoutes`). */
  readonly topicArn: string;
  /** The topics of each payload variant: where the publisher sends each message. */
  readonly topicRoutes: TopicRoutes;
  /** Claim-check documents (too large for a message, or linked from summaries). */
  readonly contentBucket: string;
  readonly partnerQueues: readonly PartnerQueues[];
}

export interface ResourceClients {
  readonly s3: S3Client;
  readonly dynamoDb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

/**
 * Local stand-ins for the stack's settings. The ingest queue's visibility timeout is long, so that a
 * message processed successfully but slowly (a busy machine, a large batch) is never received again
 * and dead-lettered; failed messages come back after the short retry delay instead, so that failures
 * show up in seconds, not minutes.
 */
export const LOCAL_SETTINGS = {
  ingestVisibilityTimeoutSeconds: 300,
  ingestRetryDelaySeconds: 1,
  /** Fewer receives than the stack's MAX_RECEIVE_COUNT: a failing message reaches its DLQ in seconds. */
  maxReceiveCount: 3,
  /** Concurrent pollers of the ingest queue, as Lambda scales out on a busy queue. */
  ingestPollers: 4,
  /**
   * How long the local stream gathers records before invoking publish (the description's batching
   * window is 0; Lambda still batches what a shard holds when it polls, a few times a second).
   */
  streamPollMs: 20,
} as const;

/**
 * Every name the local runtime gives what the stack creates, in one place (the stack's own names are
 * CloudFormation's). Functions are not created: their ARNs name the targets the scheduler emulator
 * and the stream's on-failure records use.
 */
export const LOCAL_NAMES = {
  ingestBucket: 'syndicate-ingest',
  quarantineBucket: 'syndicate-quarantine',
  contentBucket: 'syndicate-content',
  articlesTable: 'syndicate-articles',
  ingestQueue: 'syndicate-ingest',
  streamDlq: 'syndicate-stream-dlq',
  /** The first topic of full documents; the others are `syndicate-<topic id in kebab case>`. */
  articlesTopic: 'syndicate-articles',
  topicPrefix: 'syndicate-',
  partnerQueuePrefix: 'partner-',
  deadLetterSuffix: '-dlq',
  schedulerRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/syndicate-scheduler`,
} as const;

/** The ARN a function of the pipeline has locally (`arn:aws:lambda:…:function:syndicate-release`). */
export function localFunctionArn(name: FunctionName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:syndicate-${name}`;
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<QueueRef> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const url = QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { name, url, arn: Attributes?.QueueArn as string };
}

async function createQueueWithDlq(sqs: SQSClient, name: string, visibilityTimeoutSeconds?: number) {
  const deadLetterQueue = await createQueue(sqs, `${name}${LOCAL_NAMES.deadLetterSuffix}`);
  const queue = await createQueue(sqs, name, {
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueue.arn,
      maxReceiveCount: LOCAL_SETTINGS.maxReceiveCount,
    }),
    ...(visibilityTimeoutSeconds ? { VisibilityTimeout: String(visibilityTimeoutSeconds) } : {}),
  });
  return { queue, deadLetterQueue };
}

/** Only loopback URLs are called from the local runtime: it never sends partner content off the machine. */
export function isLocalEndpoint(endpoint: string): boolean {
  try {
    const { hostname } = new URL(endpoint);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

function localDeliveryOf(partner: Partner): LocalDelivery {
  const { delivery } = partner;
  if (delivery.type === 'sqs') return 'queue';
  if (delivery.type === 'https' && isLocalEndpoint(delivery.endpoint)) return 'https-relay';
  return 'held';
}

/** `SummaryTopic2` -> `summary-topic-2`. */
function kebab(id: string): string {
  return id.replace(/([a-z])([A-Z0-9])/g, '$1-$2').toLowerCase();
}

export async function createLocalResources(
  clients: ResourceClients,
  partners: readonly Partner[],
  options: { readonly filterPoliciesPerTopic?: number } = {},
): Promise<LocalResources> {
  const bucket = LOCAL_NAMES.ingestBucket;
  const quarantineBucket = LOCAL_NAMES.quarantineBucket;
  const contentBucket = LOCAL_NAMES.contentBucket;
  const table = LOCAL_NAMES.articlesTable;
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await clients.s3.send(new CreateBucketCommand({ Bucket: quarantineBucket }));
  await clients.s3.send(new CreateBucketCommand({ Bucket: contentBucket }));
  await clients.dynamoDb.send(new CreateTableCommand(articlesTableDefinition(table)));
  const ingest = await createQueueWithDlq(
    clients.sqs,
    LOCAL_NAMES.ingestQueue,
    LOCAL_SETTINGS.ingestVisibilityTimeoutSeconds,
  );
  const streamDeadLetterQueue = await createQueue(clients.sqs, LOCAL_NAMES.streamDlq);
  // The same topics and shards as the stack, from the same registry (shared/partners/topology.ts).
  const topology = partnerTopology(partners, options.filterPoliciesPerTopic);
  const topicArns = new Map<string, string>();
  for (const slot of topology.topics) {
    const name =
      topicId(slot) === 'ArticlesTopic'
        ? LOCAL_NAMES.articlesTopic
        : `${LOCAL_NAMES.topicPrefix}${kebab(topicId(slot))}`;
    const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: name }));
    topicArns.set(topicId(slot), TopicArn as string);
  }
  const topicArn = topicArns.get('ArticlesTopic') as string;
  const topicRoutes = topicRoutesOf(topology, (id) => topicArns.get(id) as string);

  const partnerQueues: PartnerQueues[] = [];
  for (const [shard, members] of topology.shards) {
    for (const partner of members) {
      const { queue, deadLetterQueue } = await createQueueWithDlq(
        clients.sqs,
        `${LOCAL_NAMES.partnerQueuePrefix}${partner.name}`,
      );
      const raw = partner.delivery.type === 'sqs';
      const slot = topology.topicOf.get(partner.name);
      const partnerTopicArn = (slot && topicArns.get(topicId(slot))) ?? topicArn;
      const policy = subscriptionFilterPolicyFor(partner);
      const { SubscriptionArn } = await clients.sns.send(
        new SubscribeCommand({
          TopicArn: partnerTopicArn,
          Protocol: 'sqs',
          Endpoint: queue.arn,
          ReturnSubscriptionArn: true,
          Attributes: {
            RawMessageDelivery: String(raw),
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterQueue.arn }),
            // No filter, no policy: as in the stack, where an empty policy is not set at all.
            ...(Object.keys(policy).length > 0 ? { FilterPolicy: JSON.stringify(policy) } : {}),
          },
        }),
      );
      partnerQueues.push({
        partner,
        queue,
        deadLetterQueue,
        subscriptionArn: SubscriptionArn as string,
        raw,
        localDelivery: localDeliveryOf(partner),
        shard,
        topicArn: partnerTopicArn,
      });
    }
  }
  // Registry order, as before sharding: listings and journeys show partners as the registry lists them.
  const order = new Map(partners.map((partner, index) => [partner.name, index]));
  partnerQueues.sort((a, b) => (order.get(a.partner.name) ?? 0) - (order.get(b.partner.name) ?? 0));
  return {
    bucket,
    quarantineBucket,
    ingestQueue: ingest.queue,
    ingestDeadLetterQueue: ingest.deadLetterQueue,
    table,
    streamDeadLetterQueue,
    topicArn,
    topicRoutes,
    contentBucket,
    partnerQueues,
  };
}
