/**
 * release: invoked by a one-time EventBridge Scheduler schedule at an embargo's end; makes the
 * withheld version usable, which the stream then publishes. Throws when it is too early or the
 * index fails, so the scheduler retries (and dead-letters after its retry policy).
 */
import { dynamoDbClient } from '../shared/adapters/clients/dynamodb.js';
import { s3Client } from '../shared/adapters/clients/s3.js';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { InvalidEventError, isPermanent } from '../shared/domain/errors.js';
import type { EmbargoRelease } from '../shared/ports/embargo-scheduler.js';
import { type ReleaseOutcome, releaseEmbargo } from '../shared/usecases/release-embargo.js';
import { indexDocumentStore, requiredEnv } from './commons/config.js';
import {
  flushMetrics,
  logger,
  MetricUnit,
  metrics,
  recordPermanentFailure,
  traceClients,
} from './commons/observability.js';

traceClients(dynamoDbClient, s3Client);

const dependencies = {
  index: new DynamoDbArticleIndex(dynamoDbClient, requiredEnv('TABLE_NAME'), {
    documents: indexDocumentStore(),
  }),
  now: () => new Date(),
};

function isRelease(event: unknown): event is EmbargoRelease {
  const candidate = event as Partial<EmbargoRelease> | null;
  return (
    typeof candidate?.uri === 'string' &&
    typeof candidate.version === 'number' &&
    typeof candidate.at === 'string'
  );
}

/**
 * A release that can never succeed (not a release at all, or its version missing from the index) is
 * recorded and answered `abandoned`: thrown, the scheduler would retry it into the release DLQ for
 * nothing. Anything else that fails is thrown, and retried.
 */
export async function handler(
  event: unknown,
): Promise<ReleaseOutcome | { readonly status: 'abandoned'; readonly reason: string }> {
  try {
    if (!isRelease(event)) throw new InvalidEventError('expected an embargo release { uri, version, at }');
    const outcome = await releaseEmbargo(dependencies, event);
    logger.info('embargo release', { ...outcome });
    if (outcome.status === 'released') metrics.addMetric('EmbargoesReleased', MetricUnit.Count, 1);
    return outcome;
  } catch (error) {
    if (!isPermanent(error)) throw error;
    const release = isRelease(event) ? { uri: event.uri, version: event.version } : {};
    recordPermanentFailure(release, error);
    return { status: 'abandoned', reason: (error as Error).message };
  } finally {
    flushMetrics();
  }
}
