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
import { S3Receipts } from '../shared/adapters/s3-receipts.js';
import { ConcurrentUpdateError, isPermanent } from '../shared/domain/errors.js';
import { isReceiptKey, receiptFor } from '../shared/domain/receipt.js';
import { ingestObject } from '../shared/usecases/ingest-object.js';
import { withdrawObject } from '../shared/usecases/withdraw-object.js';
import { indexDocumentStore, registeredPublishers, requiredEnv, sourceDimension } from './commons/config.js';
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

const receipts = new S3Receipts(s3Client);

/** Per-publisher counts: accepted, rejected by code, and each optional field dropped on the way. */
function countBySource(
  key: string,
  outcome: { status: string; code?: string; droppedFields?: readonly string[] },
): void {
  const source = sourceDimension(key, publishers);
  if (outcome.status === 'published' || outcome.status === 'withheld') {
    const accepted = metrics.singleMetric();
    accepted.addDimension('source', source);
    accepted.addMetric('PublisherAccepted', MetricUnit.Count, 1);
    for (const field of outcome.droppedFields ?? []) {
      const dropped = metrics.singleMetric();
      dropped.addDimensions({ source, field });
      dropped.addMetric('DroppedFields', MetricUnit.Count, 1);
    }
  }
  if (outcome.status === 'rejected') {
    const rejected = metrics.singleMetric();
    rejected.addDimensions({ source, code: outcome.code ?? 'UNKNOWN' });
    rejected.addMetric('PublisherRejected', MetricUnit.Count, 1);
  }
}

/** Tells the publisher what became of its object; a failure to do so never fails the object. */
async function writeReceipt(
  bucket: string,
  kind: 'created' | 'removed',
  key: string,
  outcome: { status: string; uri?: string; version?: number; code?: string; reason?: string },
): Promise<void> {
  const receipt = receiptFor(kind, key, outcome, new Date().toISOString());
  if (!receipt) return;
  try {
    await receipts.write(bucket, receipt);
  } catch (error) {
    logger.warn('receipt not written', { objectKey: key, error: error as Error });
    metrics.addMetric('ReceiptFailures', MetricUnit.Count, 1);
  }
}

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
    if (isReceiptKey(notification.key)) {
      // Our own receipts: the stack does not notify for them, but a bucket without a registry does.
      logger.debug('receipt notification ignored', { objectKey: notification.key });
      continue;
    }
    const event = { bucket: notification.bucket, key: notification.key, sequencer: notification.sequencer };
    const outcome =
      notification.kind === 'created'
        ? await ingestObject(dependencies, event)
        : await withdrawObject(dependencies, event);
    logger.info('object processed', { objectKey: notification.key, event: notification.kind, ...outcome });
    countOutcome(outcome.status, 'code' in outcome ? outcome.code : undefined);
    countBySource(notification.key, outcome);
    await writeReceipt(notification.bucket, notification.kind, notification.key, outcome);
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
