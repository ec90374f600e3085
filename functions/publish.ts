/**
 * publish: the article table's stream -> partner messages on the SNS topic (and embargo releases
 * scheduled for withheld versions). Documents too large for a message, and those summaries link to,
 * go to the content bucket (claim check). Reports the failed stream records; Lambda retries from
 * the earliest one (bisecting on error).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamoDbClient } from '../shared/adapters/clients/dynamodb.js';
import { s3Client } from '../shared/adapters/clients/s3.js';
import { schedulerClient } from '../shared/adapters/clients/scheduler.js';
import { snsClient } from '../shared/adapters/clients/sns.js';
import { ssmClient } from '../shared/adapters/clients/ssm.js';
import {
  DynamoDbArticleIndex,
  headFromItem,
  versionFromStreamImage,
} from '../shared/adapters/dynamodb-article-index.js';
import { EventBridgeEmbargoScheduler } from '../shared/adapters/eventbridge-scheduler.js';
import { S3ClaimCheck } from '../shared/adapters/s3-claim-check.js';
import { secretSigningKey } from '../shared/adapters/secret-signing-key.js';
import { SignedLinkContentStore } from '../shared/adapters/signed-link-content-store.js';
import { SnsNotifier } from '../shared/adapters/sns-notifier.js';
import { lazySigner } from '../shared/content-api/service.js';
import type { TopicRoutes } from '../shared/partners/topology.js';
import { type ArticleChange, eventTypeOf, publishChanges } from '../shared/usecases/publish-changes.js';
import { indexDocumentStore, requiredEnv } from './commons/config.js';
import {
  flushMetrics,
  logger,
  MetricUnit,
  metrics,
  recordPermanentFailure,
  traceClients,
} from './commons/observability.js';

traceClients(s3Client, dynamoDbClient, snsClient, schedulerClient);

const dependencies = {
  // TOPIC_ROUTES: the topics of each payload variant (JSON); TOPIC_ARN alone: one topic for both.
  notifier: new SnsNotifier(snsClient, topicRoutesFromEnv()),
  index: new DynamoDbArticleIndex(dynamoDbClient, requiredEnv('TABLE_NAME'), {
    documents: indexDocumentStore(),
  }),
  scheduler: new EventBridgeEmbargoScheduler(schedulerClient, {
    functionArn: requiredEnv('RELEASE_FUNCTION_ARN'),
    roleArn: requiredEnv('SCHEDULER_ROLE_ARN'),
    ...(process.env.SCHEDULE_GROUP ? { groupName: process.env.SCHEDULE_GROUP } : {}),
    ...(process.env.RELEASE_DLQ_ARN ? { deadLetterArn: process.env.RELEASE_DLQ_ARN } : {}),
  }),
  now: () => new Date(),
  // With the content API, a link is a signed URL to the indexed document and nothing is written.
  contentStore: process.env.CONTENT_API_URL
    ? new SignedLinkContentStore(
        lazySigner(secretSigningKey(ssmClient, requiredEnv('LINK_SECRET_NAME'))),
        process.env.CONTENT_API_URL,
        Number(requiredEnv('CONTENT_LINK_EXPIRY_SECONDS')),
        () => new Date(),
      )
    : new S3ClaimCheck(
        s3Client,
        requiredEnv('CONTENT_BUCKET'),
        Number(requiredEnv('CONTENT_LINK_EXPIRY_SECONDS')),
      ),
  // Set by the stack (and the local runtime) when some partner in the registry takes summaries
  // without a link, and when some summary partner is entitled to the full text (a link to it).
  summaries: process.env.PUBLISH_SUMMARIES === 'true',
  linkedSummaries: process.env.PUBLISH_LINKED_SUMMARIES === 'true',
};

function topicRoutesFromEnv(): TopicRoutes | string {
  const routes = process.env.TOPIC_ROUTES;
  return routes ? (JSON.parse(routes) as TopicRoutes) : requiredEnv('TOPIC_ARN');
}

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

function decode(image: StreamImage | undefined) {
  // The stream's attribute-value shape is the SDK's; the aws-lambda typings just spell it differently.
  return image ? headFromItem(image as Record<string, AttributeValue>) : undefined;
}

function changeOf(record: DynamoDBRecord): ArticleChange {
  const before = decode(record.dynamodb?.OldImage);
  const after = decode(record.dynamodb?.NewImage);
  return {
    id: record.dynamodb?.SequenceNumber ?? '',
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
  };
}

/** Versions sent, by event type, and how long after the version was indexed each went out. */
function recordDeliveries(changes: readonly ArticleChange[], failed: ReadonlySet<string>): void {
  const now = Date.now();
  for (const change of changes) {
    const eventType = eventTypeOf(change);
    if (!eventType || !change.after || failed.has(change.id)) continue;
    logger.info('version published', { uri: change.after.uri, version: change.after.version, eventType });
    const single = metrics.singleMetric();
    single.addDimension('eventType', eventType);
    single.addMetric('VersionsPublished', MetricUnit.Count, 1);
    metrics.addMetric(
      'IngestToPublishLatency',
      MetricUnit.Milliseconds,
      Math.max(0, now - Date.parse(change.after.versionCreated)),
    );
  }
  flushMetrics();
}

/** Version items written in this batch (their records come before their heads'): no second read. */
function versionsOf(records: readonly DynamoDBRecord[]) {
  return records.flatMap((record) => {
    const image = record.dynamodb?.NewImage;
    try {
      const version = image ? versionFromStreamImage(image as Record<string, AttributeValue>) : undefined;
      return version ? [version] : [];
    } catch (error) {
      // Not fatal: the version is then read from the table like any version not in the batch.
      logger.warn('version image not decoded', {
        record: record.dynamodb?.SequenceNumber,
        error: error as Error,
      });
      return [];
    }
  });
}

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const changes = event.Records.map(changeOf);
  try {
    const { failedIds, abandoned, published } = await publishChanges(
      dependencies,
      changes,
      versionsOf(event.Records),
    );
    for (const change of abandoned)
      recordPermanentFailure({ record: change.id, uri: change.uri, version: change.version }, change.error);
    if (failedIds.length > 0)
      logger.warn('changes not published, will be retried', { failed: failedIds.length });
    logger.info('stream batch published', { records: changes.length, published });
    recordDeliveries(changes, new Set(failedIds));
    return { batchItemFailures: failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
  } catch (error) {
    logger.error('stream batch failed', { error: error as Error });
    return { batchItemFailures: changes.map((change) => ({ itemIdentifier: change.id })) };
  }
}
