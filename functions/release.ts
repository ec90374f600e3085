/**
 * release: invoked by a one-time EventBridge Scheduler schedule at an embargo's end; makes the
 * withheld version usable, which the stream then publishes. Throws when it is too early or the
 * index fails, so the scheduler retries (and dead-letters after its retry policy).
 */
import { dynamoDbClient } from '../shared/adapters/clients/dynamodb.js';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import type { EmbargoRelease } from '../shared/ports/embargo-scheduler.js';
import { type ReleaseOutcome, releaseEmbargo } from '../shared/usecases/release-embargo.js';
import { requiredEnv } from './commons/config.js';
import { flushMetrics, logger, MetricUnit, metrics, traceClients } from './commons/observability.js';

traceClients(dynamoDbClient);

const dependencies = {
  index: new DynamoDbArticleIndex(dynamoDbClient, requiredEnv('TABLE_NAME')),
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

export async function handler(event: unknown): Promise<ReleaseOutcome> {
  if (!isRelease(event)) throw new Error('expected an embargo release { uri, version, at }');
  const outcome = await releaseEmbargo(dependencies, event);
  logger.info('embargo release', { ...outcome });
  if (outcome.status === 'released') metrics.addMetric('EmbargoesReleased', MetricUnit.Count, 1);
  flushMetrics();
  return outcome;
}
