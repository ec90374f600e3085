/**
 * The stack's outputs: what operators, publishers and the CLI read after a deployment. The pipeline's
 * own queues, buckets, table and topics are listed in one `PipelineManifest` output (by role, never
 * found by name); partner queues, whatever their number, are in one SSM parameter per shard
 * (`PartnerManifestPath`). The single-resource outputs stay for the readers that use them.
 */

import type { Stack } from 'aws-cdk-lib';
import { CfnOutput } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { TopicRoutes } from '../../shared/partners/topology.js';
import { manifestPath } from '../../shared/partners/topology.js';
import { MAX_RECEIVE_COUNT, QUEUES, type QueueName } from '../../shared/pipeline/description.js';
import type { ManifestQueue, PipelineManifest } from '../../shared/pipeline/manifest.js';
import { publisherPrefix } from '../../shared/publishers/registry.js';
import type { OperatorAlerts } from '../constructs/operator-alerts.js';
import type { PipelineFunction } from '../constructs/pipeline-function.js';
import type { PipelineMonitoring } from '../constructs/pipeline-monitoring.js';
import type { PublisherAccess } from '../constructs/publisher-access.js';

/** What the outputs name: the syndication stack, as far as they read it. */
export interface OutputSources extends Stack {
  readonly ingestBucket: Bucket;
  readonly quarantineBucket: Bucket;
  readonly contentBucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly articlesTable: Table;
  readonly articlesTopic: Topic;
  readonly ingestQueue: Queue;
  readonly ingestDlq: Queue;
  readonly streamDlq: Queue;
  readonly releaseDlq: Queue;
  readonly normaliseFunction: PipelineFunction;
  readonly publishFunction: PipelineFunction;
  readonly releaseFunction: PipelineFunction;
  readonly publisherAccess: ReadonlyMap<string, PublisherAccess>;
  readonly alerts: OperatorAlerts;
  readonly monitoring: PipelineMonitoring;
  readonly contentLinkExpirySeconds: number;
  topicRoutes(): TopicRoutes;
}

export function addStackOutputs(stack: OutputSources, stage: string): void {
  new CfnOutput(stack, 'IngestBucketName', {
    value: stack.ingestBucket.bucketName,
    description: 'Drop news files here',
  });
  // One output for every publisher (CloudFormation allows 200 outputs per stack): a JSON object,
  // by publisher name, of the prefix it writes under and the access point it writes through.
  new CfnOutput(stack, 'PublisherAccess', {
    value: stack.toJsonString(
      Object.fromEntries(
        [...stack.publisherAccess].map(([name, access]) => [
          name,
          {
            prefix: publisherPrefix(access.publisher),
            accessPointArn: access.accessPointArn,
            accessPointAlias: access.accessPointAlias,
          },
        ]),
      ),
    ),
    description: 'Per publisher: the key prefix and the S3 access point to write through (JSON)',
  });
  new CfnOutput(stack, 'ArticlesTableName', { value: stack.articlesTable.tableName });
  new CfnOutput(stack, 'OperatorTopicArn', {
    value: stack.alerts.topic.topicArn,
    description: 'Alarm notifications: subscribe operators here (email, chat, paging)',
  });
  new CfnOutput(stack, 'DashboardName', {
    value: stack.monitoring.dashboard.dashboardName,
    description: 'CloudWatch dashboard of the pipeline',
  });
  new CfnOutput(stack, 'AccessLogsBucketName', {
    value: stack.accessLogsBucket.bucketName,
    description: 'S3 server access logs of the ingest, quarantine and content buckets (by prefix)',
  });
  for (const [name, fn] of [
    ['Normalise', stack.normaliseFunction],
    ['Publish', stack.publishFunction],
    ['Release', stack.releaseFunction],
  ] as const) {
    new CfnOutput(stack, `${name}FunctionName`, { value: fn.functionName });
    new CfnOutput(stack, `${name}LogGroupName`, {
      value: fn.logGroup.logGroupName,
      description: `Logs of the ${name.toLowerCase()} function (Logs Insights)`,
    });
  }
  new CfnOutput(stack, 'QuarantineBucketName', {
    value: stack.quarantineBucket.bucketName,
    description: 'Copies of rejected files (reason in the object metadata and the index)',
  });
  new CfnOutput(stack, 'ReleaseDlqUrl', {
    value: stack.releaseDlq.queueUrl,
    description: 'Embargo releases the scheduler could not deliver',
  });
  new CfnOutput(stack, 'ArticlesTopicArn', { value: stack.articlesTopic.topicArn });
  new CfnOutput(stack, 'IngestQueueUrl', { value: stack.ingestQueue.queueUrl });
  new CfnOutput(stack, 'IngestDlqUrl', {
    value: stack.ingestDlq.queueUrl,
    description: `S3 notifications normalise failed ${MAX_RECEIVE_COUNT} times`,
  });
  new CfnOutput(stack, 'StreamDlqUrl', {
    value: stack.streamDlq.queueUrl,
    description: 'Descriptions of table stream batches publish could not process',
  });
  new CfnOutput(stack, 'ContentBucketName', {
    value: stack.contentBucket.bucketName,
    description: 'Claim-check documents (too large for a message, or linked from summaries)',
  });
  // One manifest for every partner queue, whatever the number of partners (200 outputs per stack):
  // an SSM parameter per shard under this path.
  new CfnOutput(stack, 'PartnerManifestPath', {
    value: manifestPath(stage),
    description: 'SSM path of the partner manifest: one parameter per shard, listing its partners and queues',
  });
  new CfnOutput(stack, 'PipelineManifest', {
    value: stack.toJsonString(pipelineManifest(stack, stage)),
    description:
      "The pipeline's own queues by role, its buckets, table and topic routes (JSON); partner queues are " +
      'in the per-shard SSM manifests (PartnerManifestPath)',
  });
  new CfnOutput(stack, 'TopicRoutes', {
    value: stack.toJsonString(stack.topicRoutes()),
    description: 'Topics of each payload variant (JSON): publishers send each message to all of its variant',
  });
}

/**
 * What the pipeline is made of, for the CLI and the console: its own queues, each with its role (as
 * the description gives it) and the queue it redrives to; its buckets, table and topics.
 */
export function pipelineManifest(stack: OutputSources, stage: string): PipelineManifest {
  const queues: Readonly<Record<QueueName, Queue>> = {
    ingestQueue: stack.ingestQueue,
    ingestDlq: stack.ingestDlq,
    streamDlq: stack.streamDlq,
    releaseDlq: stack.releaseDlq,
  };
  return {
    manifestVersion: 1,
    stage,
    buckets: {
      ingest: stack.ingestBucket.bucketName,
      quarantine: stack.quarantineBucket.bucketName,
      content: stack.contentBucket.bucketName,
    },
    table: stack.articlesTable.tableName,
    topicRoutes: stack.topicRoutes(),
    queues: (Object.keys(QUEUES) as QueueName[]).map((name): ManifestQueue => {
      const { role, redrivesTo } = QUEUES[name];
      return {
        role,
        url: queues[name].queueUrl,
        arn: queues[name].queueArn,
        ...(redrivesTo ? { deadLetterQueueUrl: queues[redrivesTo].queueUrl } : {}),
      };
    }),
    contentLinkExpirySeconds: stack.contentLinkExpirySeconds,
  };
}
