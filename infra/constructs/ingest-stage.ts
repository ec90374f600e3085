/**
 * Ingest: the ingest bucket's notifications go to the ingest queue, which normalise reads; normalise
 * indexes each article in the table, copies rejected originals to the quarantine bucket, writes
 * receipts for publishers and keeps documents too large for a table item in the content bucket.
 */
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct } from 'constructs';
import { normalise } from '../../shared/pipeline/description.js';
import { formatPublisherObjectLimits } from '../../shared/publishers/limits.js';
import { type Publisher, publisherPrefix } from '../../shared/publishers/registry.js';
import { PipelineFunction } from './pipeline-function.js';
import { bucketResource, tableResource } from './pipeline-resources.js';
import { type FunctionDefaults, PipelineStage } from './pipeline-stage.js';
import type { StatefulResources } from './stateful-resources.js';

export interface IngestStageProps {
  readonly resources: StatefulResources;
  readonly functionDefaults: FunctionDefaults;
  /** The registered publishers: only their prefixes notify, and normalise rejects anything else. */
  readonly publishers: readonly Publisher[];
  /** Most normalise instances the ingest queue's event source runs at once. */
  readonly maxConcurrency: number;
}

export class IngestStage extends PipelineStage {
  readonly normaliseFunction: PipelineFunction;

  constructor(scope: Construct, id: string, props: IngestStageProps) {
    super(scope, id);
    const { resources, publishers } = props;
    this.normaliseFunction = new PipelineFunction(this, 'Normalise', {
      describedBy: normalise,
      ...props.functionDefaults,
    });
    this.normaliseFunction.bindAll({
      ingestBucket: bucketResource(resources.ingestBucket),
      quarantineBucket: bucketResource(resources.quarantineBucket),
      contentBucket: bucketResource(resources.contentBucket),
      articlesTable: tableResource(resources.articlesTable),
    });
    // The registered sources: objects outside their prefixes are rejected UNKNOWN_SOURCE. Names are
    // at most 24 characters, so Lambda's 4 KB of environment holds about 150 of them.
    if (publishers.length > 0) {
      this.normaliseFunction.configure('publishers', publishers.map((publisher) => publisher.name).join(','));
    }
    // S3 policies cannot bound an object's size: normalise holds each publisher to its own limit.
    const objectLimits = formatPublisherObjectLimits(publishers);
    if (objectLimits !== '') this.normaliseFunction.configure('publisherObjectLimits', objectLimits);
    this.normaliseFunction.connectSource({
      queues: resources.queues,
      maxConcurrency: props.maxConcurrency,
    });
    notifyIngestQueue(resources.ingestBucket, resources, publishers);
  }
}

/** Created and removed objects of the ingest bucket go to the ingest queue. */
function notifyIngestQueue(
  bucket: IBucket,
  resources: StatefulResources,
  publishers: readonly Publisher[],
): void {
  const toIngestQueue = new SqsDestination(resources.queues.ingestQueue);
  if (publishers.length > 0) {
    // Registered publishers' prefixes only (they do not overlap: names hold no '/'), so the
    // receipts the pipeline writes under receipts/ never reach normalise. Nothing else can be
    // written here but by operators; normalise rejects what is outside a prefix UNKNOWN_SOURCE.
    for (const publisher of publishers) {
      const filter = { prefix: publisherPrefix(publisher) };
      bucket.addEventNotification(EventType.OBJECT_CREATED, toIngestQueue, filter);
      bucket.addEventNotification(EventType.OBJECT_REMOVED, toIngestQueue, filter);
    }
  } else {
    // No registry: every first-level folder is a source; normalise ignores receipt notifications.
    bucket.addEventNotification(EventType.OBJECT_CREATED, toIngestQueue);
    bucket.addEventNotification(EventType.OBJECT_REMOVED, toIngestQueue);
  }
}
