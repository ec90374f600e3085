/**
 * The manifest of a local runtime: what it created on the emulators (./resources.ts), as the one
 * document the CLI and the partner kit read to find a queue by its role — the same document a
 * deployed stack publishes (shared/pipeline/manifest.ts).
 */
import type { ManifestQueue, PipelineManifest } from '../shared/pipeline/manifest.js';
import type { LocalResources } from './resources.js';

/** The stage a local runtime's manifest names (a deployed stack names its own). */
export const LOCAL_STAGE = 'local';

export function localManifest(
  resources: LocalResources,
  settings: { readonly contentLinkExpirySeconds: number },
): PipelineManifest {
  const { ingestQueue, ingestDeadLetterQueue, streamDeadLetterQueue } = resources;
  const queues: ManifestQueue[] = [
    {
      role: 'ingest',
      url: ingestQueue.url,
      arn: ingestQueue.arn,
      deadLetterQueueUrl: ingestDeadLetterQueue.url,
    },
    { role: 'ingest-dead-letter', url: ingestDeadLetterQueue.url, arn: ingestDeadLetterQueue.arn },
    { role: 'stream-failures', url: streamDeadLetterQueue.url, arn: streamDeadLetterQueue.arn },
  ];
  for (const { partner, queue, deadLetterQueue } of resources.partnerQueues) {
    const owner = {
      partner: partner.name,
      ...(partner.id !== undefined && partner.id !== partner.name ? { partnerId: partner.id } : {}),
    };
    // Locally one dead-letter queue takes both what the partner's consumer failed and what SNS could
    // not deliver (the subscription's redrive policy names it too): it redrives into the queue.
    queues.push(
      { role: 'partner', url: queue.url, arn: queue.arn, ...owner, deadLetterQueueUrl: deadLetterQueue.url },
      { role: 'partner-dead-letter', url: deadLetterQueue.url, arn: deadLetterQueue.arn, ...owner },
    );
  }
  return {
    manifestVersion: 1,
    stage: LOCAL_STAGE,
    buckets: {
      ingest: resources.bucket,
      quarantine: resources.quarantineBucket,
      content: resources.contentBucket,
    },
    table: resources.table,
    topicRoutes: resources.topicRoutes,
    queues,
    contentLinkExpirySeconds: settings.contentLinkExpirySeconds,
  };
}
