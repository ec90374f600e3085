/**
 * publish: the article table's stream -> partner messages on the SNS topics (and embargo releases
 * scheduled for withheld versions). Documents too large for a message, and those summaries link to,
 * go to the content bucket (claim check). Reports the failed stream records; Lambda retries from
 * the earliest one (bisecting on error). A factory over its dependencies (see ./normalise.ts).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { headFromItem, versionFromStreamImage } from '../../shared/adapters/dynamodb-article-index.js';
import type { publish as described, MetricNameOf } from '../../shared/pipeline/description.js';
import {
  type ArticleChange,
  eventTypeOf,
  type PublishDependencies,
  publishChanges,
} from '../../shared/usecases/publish-changes.js';
import { type Observability, recordPermanentFailure } from './observability.js';

export type PublishHandlerDependencies = PublishDependencies & Observability<MetricNameOf<typeof described>>;

export type PublishHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

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

export function createPublishHandler(deps: PublishHandlerDependencies): PublishHandler {
  const { logger, metrics } = deps;

  /**
   * Versions sent, by event type, and how long after the version was indexed each went out, and after
   * its object was uploaded when the head knows that (heads written before it was kept do not).
   */
  function recordDeliveries(changes: readonly ArticleChange[], unsent: ReadonlySet<string>): void {
    const now = deps.now().getTime();
    for (const change of changes) {
      const eventType = eventTypeOf(change);
      if (!eventType || !change.after || unsent.has(change.id)) continue;
      logger.info('version published', { uri: change.after.uri, version: change.after.version, eventType });
      metrics.add('VersionsPublished', 'Count', 1, { eventType });
      metrics.add(
        'IngestToPublishLatency',
        'Milliseconds',
        Math.max(0, now - Date.parse(change.after.versionCreated)),
      );
      // Only a version its upload made: an embargo release keeps the head's origin, and counting it
      // would add the embargo's hours to the pipeline's upload-to-publish time.
      const upload = change.after.origin.uploadedAt;
      const uploadedAt = Date.parse(upload ?? '');
      if (Number.isFinite(uploadedAt) && change.before?.origin.uploadedAt !== upload)
        metrics.add('UploadToPublishLatency', 'Milliseconds', Math.max(0, now - uploadedAt));
    }
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

  return async function publishHandler(event) {
    const changes = event.Records.map(changeOf);
    try {
      const { failedIds, abandoned, published } = await publishChanges(
        deps,
        changes,
        versionsOf(event.Records),
      );
      for (const change of abandoned)
        recordPermanentFailure(
          deps,
          { record: change.id, uri: change.uri, version: change.version },
          change.error,
        );
      if (failedIds.length > 0)
        logger.warn('changes not published, will be retried', { failed: failedIds.length });
      logger.info('stream batch published', { records: changes.length, published });
      // Abandoned changes were never sent: neither were failed ones (yet).
      recordDeliveries(changes, new Set([...failedIds, ...abandoned.map((change) => change.id)]));
      return { batchItemFailures: failedIds.map((itemIdentifier) => ({ itemIdentifier })) };
    } catch (error) {
      logger.error('stream batch failed', { error: error as Error });
      return { batchItemFailures: changes.map((change) => ({ itemIdentifier: change.id })) };
    } finally {
      metrics.flush();
    }
  };
}
