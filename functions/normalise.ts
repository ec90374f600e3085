/**
 * normalise: S3 notifications (through the ingest queue) -> read object -> ninjs -> article index.
 * Reports per-message failures so only the failed messages are retried (then dead-lettered).
 */
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDbClient } from '../shared/adapters/clients/dynamodb.js';
import { s3Client } from '../shared/adapters/clients/s3.js';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { S3ObjectStore } from '../shared/adapters/s3-object-store.js';
import { S3Quarantine } from '../shared/adapters/s3-quarantine.js';
import { ConcurrentUpdateError, isPermanent } from '../shared/domain/errors.js';
import { ingestObject } from '../shared/usecases/ingest-object.js';
import { withdrawObject } from '../shared/usecases/withdraw-object.js';
import { indexDocumentStore, registeredPublishers, requiredEnv } from './commons/config.js';
import {
  flushMetrics,
  logger,
  MetricUnit,
  metrics,
  recordPermanentFailure,
  traceClients,
} from './commons/observability.js';
import { parseS3Notifications } from './commons/s3-notifications.js';

traceClients(s3Client, dynamoDbClient);

const publishers = registeredPublishers();
const dependencies = {
  objects: new S3ObjectStore(s3Client),
  index: new DynamoDbArticleIndex(dynamoDbClient, requiredEnv('TABLE_NAME'), {
    documents: indexDocumentStore(),
  }),
  quarantine: new S3Quarantine(s3Client, requiredEnv('QUARANTINE_BUCKET')),
  now: () => new Date(),
  ...(publishers ? { publishers } : {}),
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
  const parsed = parseS3Notifications(record.body);
  if (parsed.kind === 'test-event') {
    // S3 sends it once when the notification is configured: nothing to ingest.
    logger.info('S3 test event acknowledged', { messageId: record.messageId });
    metrics.addMetric('S3TestEvents', MetricUnit.Count, 1);
    return;
  }
  for (const notification of parsed.notifications) {
    const event = { bucket: notification.bucket, key: notification.key, sequencer: notification.sequencer };
    const outcome =
      notification.kind === 'created'
        ? await ingestObject(dependencies, event)
        : await withdrawObject(dependencies, event);
    logger.info('object processed', { objectKey: notification.key, event: notification.kind, ...outcome });
    countOutcome(outcome.status, 'code' in outcome ? outcome.code : undefined);
  }
}

/**
 * Time a record may take at most (a 5 MiB object read, normalised and indexed, with retries of its
 * calls): a record is started only with this much of the invocation left. The rest of the batch is
 * reported as failed, to be received again, rather than cut off by the timeout, which would fail the
 * whole batch, the records already done included (they would be processed again).
 */
export const RECORD_TIME_BUDGET_MS = 10_000;

/**
 * Records are processed one at a time: a batch holds up to ten objects of up to 5 MiB, each
 * expanding several times while it is parsed, and one at a time keeps memory to one object's worth
 * and lets the time budget be checked before each record.
 */
export async function handler(
  event: SQSEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  const records = event.Records;
  for (let position = 0; position < records.length; position++) {
    const record = records[position] as SQSRecord;
    const remainingMs = context?.getRemainingTimeInMillis();
    if (remainingMs !== undefined && remainingMs < RECORD_TIME_BUDGET_MS) {
      const deferred = records.slice(position);
      logger.warn('time budget spent, records deferred to a later receive', {
        deferred: deferred.length,
        remainingMs,
      });
      batchItemFailures.push(...deferred.map(({ messageId }) => ({ itemIdentifier: messageId })));
      break;
    }
    try {
      await handleRecord(record);
    } catch (error) {
      if (isPermanent(error)) {
        recordPermanentFailure({ messageId: record.messageId }, error);
        continue;
      }
      // A lost race with a concurrent writer for the same article is expected under at-least-once delivery.
      const level = error instanceof ConcurrentUpdateError ? 'warn' : 'error';
      logger[level]('message failed, will be retried', {
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures };
}
