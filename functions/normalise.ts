/**
 * normalise: S3 notifications (through the ingest queue) -> read object -> ninjs -> article index.
 * Reports per-message failures so only the failed messages are retried (then dead-lettered).
 */
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient } from '../shared/adapters/clients/dynamodb.js';
import { s3Client } from '../shared/adapters/clients/s3.js';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { S3ObjectStore } from '../shared/adapters/s3-object-store.js';
import { S3Quarantine } from '../shared/adapters/s3-quarantine.js';
import { ConcurrentUpdateError } from '../shared/domain/errors.js';
import { ingestObject } from '../shared/usecases/ingest-object.js';
import { withdrawObject } from '../shared/usecases/withdraw-object.js';
import { requiredEnv } from './commons/config.js';
import { flushMetrics, logger, MetricUnit, metrics, traceClients } from './commons/observability.js';
import { parseS3Notifications } from './commons/s3-notifications.js';

traceClients(s3Client, dynamoDbClient);

const dependencies = {
  objects: new S3ObjectStore(s3Client),
  index: new DynamoDbArticleIndex(dynamoDbClient, requiredEnv('TABLE_NAME')),
  quarantine: new S3Quarantine(s3Client, requiredEnv('QUARANTINE_BUCKET')),
  now: () => new Date(),
};

/** One metric per outcome; rejections also by code, so an alarm or a graph can tell why. */
function countOutcome(status: string, code: string | undefined): void {
  const name = {
    published: 'ArticlesNormalised',
    withheld: 'ArticlesNormalised',
    unchanged: 'ArticlesUnchanged',
    rejected: 'ArticlesRejected',
    withdrawn: 'Withdrawals',
    stale: 'StaleNotifications',
  }[status];
  if (!name) return;
  metrics.addMetric(name, MetricUnit.Count, 1);
  if (code) {
    const byCode = metrics.singleMetric();
    byCode.addDimension('code', code);
    byCode.addMetric('ArticlesRejectedByCode', MetricUnit.Count, 1);
  }
}

async function handleRecord(record: SQSRecord): Promise<void> {
  for (const notification of parseS3Notifications(record.body)) {
    const event = { bucket: notification.bucket, key: notification.key, sequencer: notification.sequencer };
    const outcome =
      notification.kind === 'created'
        ? await ingestObject(dependencies, event)
        : await withdrawObject(dependencies, event);
    logger.info('object processed', { objectKey: notification.key, event: notification.kind, ...outcome });
    countOutcome(outcome.status, 'code' in outcome ? outcome.code : undefined);
  }
}

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const results = await Promise.allSettled(event.Records.map(handleRecord));
  const batchItemFailures: SQSBatchItemFailure[] = [];
  results.forEach((result, position) => {
    if (result.status === 'fulfilled') return;
    const record = event.Records[position] as SQSRecord;
    // A lost race with a concurrent writer for the same article is expected under at-least-once delivery.
    const level = result.reason instanceof ConcurrentUpdateError ? 'warn' : 'error';
    logger[level]('message failed, will be retried', {
      messageId: record.messageId,
      error: result.reason as Error,
    });
    batchItemFailures.push({ itemIdentifier: record.messageId });
  });
  flushMetrics();
  return { batchItemFailures };
}
