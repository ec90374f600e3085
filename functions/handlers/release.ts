/**
 * release: invoked by a one-time EventBridge Scheduler schedule at an embargo's end; makes the
 * withheld version usable, which the stream then publishes. Throws when it is too early or the
 * index fails, so the scheduler retries (and dead-letters after its retry policy). A factory over
 * its dependencies (see ./normalise.ts).
 */
import { InvalidEventError, isPermanent } from '../../shared/domain/errors.js';
import type { release as described, MetricNameOf } from '../../shared/pipeline/description.js';
import type { EmbargoRelease } from '../../shared/ports/embargo-scheduler.js';
import {
  type ReleaseDependencies,
  type ReleaseOutcome,
  releaseEmbargo,
} from '../../shared/usecases/release-embargo.js';
import { type Observability, recordPermanentFailure } from './observability.js';

export type ReleaseHandlerDependencies = ReleaseDependencies & Observability<MetricNameOf<typeof described>>;

export type ReleaseHandlerOutcome =
  | ReleaseOutcome
  | { readonly status: 'abandoned'; readonly reason: string };

export type ReleaseHandler = (event: unknown) => Promise<ReleaseHandlerOutcome>;

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
export function createReleaseHandler(deps: ReleaseHandlerDependencies): ReleaseHandler {
  const { logger, metrics } = deps;
  return async function releaseHandler(event) {
    try {
      if (!isRelease(event)) throw new InvalidEventError('expected an embargo release { uri, version, at }');
      const outcome = await releaseEmbargo(deps, event);
      logger.info('embargo release', { ...outcome });
      if (outcome.status === 'released') metrics.add('EmbargoesReleased', 'Count', 1);
      return outcome;
    } catch (error) {
      if (!isPermanent(error)) throw error;
      const release = isRelease(event) ? { uri: event.uri, version: event.version } : {};
      recordPermanentFailure(deps, release, error);
      return { status: 'abandoned', reason: (error as Error).message };
    } finally {
      metrics.flush();
    }
  };
}
