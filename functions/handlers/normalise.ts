/**
 * normalise: S3 notifications (through the ingest queue) -> read object -> ninjs -> article index.
 * Reports per-message failures so only the failed messages are retried (then dead-lettered).
 * A factory over its dependencies: ../aws/normalise.ts gives it the AWS adapters, the local runtime
 * its own, the tests fakes.
 */
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseS3Notifications } from '../../shared/adapters/s3-notifications.js';
import { ConcurrentUpdateError, isPermanent } from '../../shared/domain/errors.js';
import { isReceiptKey, receiptFor } from '../../shared/domain/receipt.js';
import type { normalise as described, MetricNameOf } from '../../shared/pipeline/description.js';
import type { Receipts } from '../../shared/ports/receipts.js';
import { type IngestDependencies, ingestObject } from '../../shared/usecases/ingest-object.js';
import { type WithdrawDependencies, withdrawObject } from '../../shared/usecases/withdraw-object.js';
import { type Observability, recordPermanentFailure } from './observability.js';
import { sourceDimension } from './publisher-dimension.js';

type NormaliseMetric = MetricNameOf<typeof described>;

export interface NormaliseHandlerDependencies
  extends IngestDependencies,
    WithdrawDependencies,
    Observability<NormaliseMetric> {
  /** Where each publisher is told what became of its object (its ingest bucket). */
  readonly receipts: Receipts;
}

export type NormaliseHandler = (
  event: SQSEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<SQSBatchResponse>;

/**
 * Time a record may take at most (a 5 MiB object read, normalised and indexed, with retries of its
 * calls): a record is started only with this much of the invocation left. The rest of the batch is
 * reported as failed, to be received again, rather than cut off by the timeout, which would fail the
 * whole batch, the records already done included (they would be processed again).
 */
export const RECORD_TIME_BUDGET_MS = 10_000;

/** The metric of each outcome (withheld versions are indexed like published ones). */
const OUTCOME_METRICS: Readonly<Record<string, NormaliseMetric>> = {
  published: 'ArticlesNormalised',
  withheld: 'ArticlesNormalised',
  unchanged: 'ArticlesUnchanged',
  rejected: 'ArticlesRejected',
  withdrawn: 'Withdrawals',
  stale: 'StaleNotifications',
};

interface Outcome {
  readonly status: string;
  readonly uri?: string;
  readonly version?: number;
  readonly code?: string;
  readonly reason?: string;
  readonly droppedFields?: readonly string[];
}

export function createNormaliseHandler(deps: NormaliseHandlerDependencies): NormaliseHandler {
  const { logger, metrics } = deps;

  /** One metric per outcome; rejections also by code, so an alarm or a graph can tell why. */
  function countOutcome({ status, code }: Outcome): void {
    const name = OUTCOME_METRICS[status];
    if (!name) return;
    metrics.add(name, 'Count', 1);
    if (code) metrics.add('ArticlesRejectedByCode', 'Count', 1, { code });
  }

  /** Per-publisher counts: accepted, rejected by code, and each optional field dropped on the way. */
  function countBySource(key: string, outcome: Outcome): void {
    const source = sourceDimension(key, deps.publishers);
    if (outcome.status === 'published' || outcome.status === 'withheld') {
      metrics.add('PublisherAccepted', 'Count', 1, { source });
      for (const field of outcome.droppedFields ?? [])
        metrics.add('DroppedFields', 'Count', 1, { source, field });
    }
    if (outcome.status === 'rejected')
      metrics.add('PublisherRejected', 'Count', 1, { source, code: outcome.code ?? 'UNKNOWN' });
  }

  /** Tells the publisher what became of its object; a failure to do so never fails the object. */
  async function writeReceipt(bucket: string, kind: 'created' | 'removed', key: string, outcome: Outcome) {
    const receipt = receiptFor(kind, key, outcome, deps.now().toISOString());
    if (!receipt) return;
    try {
      await deps.receipts.write(bucket, receipt);
    } catch (error) {
      logger.warn('receipt not written', { objectKey: key, error: error as Error });
      metrics.add('ReceiptFailures', 'Count', 1);
    }
  }

  async function handleRecord(record: SQSRecord): Promise<void> {
    const parsed = parseS3Notifications(record.body);
    if (parsed.kind === 'test-event') {
      // S3 sends it once when the notification is configured: nothing to ingest.
      logger.info('S3 test event acknowledged', { messageId: record.messageId });
      metrics.add('S3TestEvents', 'Count', 1);
      return;
    }
    for (const notification of parsed.notifications) {
      if (isReceiptKey(notification.key)) {
        // Our own receipts: the stack does not notify for them, but a bucket without a registry does.
        logger.debug('receipt notification ignored', { objectKey: notification.key });
        continue;
      }
      const event = {
        bucket: notification.bucket,
        key: notification.key,
        sequencer: notification.sequencer,
        ...(notification.sizeBytes !== undefined ? { sizeBytes: notification.sizeBytes } : {}),
        ...(notification.kind === 'created' && notification.eventTime
          ? { uploadedAt: notification.eventTime }
          : {}),
      };
      const outcome: Outcome =
        notification.kind === 'created' ? await ingestObject(deps, event) : await withdrawObject(deps, event);
      logger.info('object processed', { objectKey: notification.key, event: notification.kind, ...outcome });
      countOutcome(outcome);
      countBySource(notification.key, outcome);
      await writeReceipt(notification.bucket, notification.kind, notification.key, outcome);
    }
  }

  /**
   * Records are processed one at a time: a batch holds up to ten objects of up to 5 MiB, each
   * expanding several times while it is parsed, and one at a time keeps memory to one object's worth
   * and lets the time budget be checked before each record.
   */
  return async function normaliseHandler(event, context) {
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
          recordPermanentFailure(deps, { messageId: record.messageId }, error);
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
    metrics.flush();
    return { batchItemFailures };
  };
}
