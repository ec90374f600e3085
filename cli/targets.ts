/**
 * Where operator commands act: the running local runtime (`npm start` in another terminal), or a
 * deployed stack in AWS (`--stack NAME`, with the standard AWS profile/region environment or
 * `--profile`/`--region`), found through the stack's outputs. The commands use the same SDK calls
 * against both.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readRuntimeInfo } from '../local/runtime-file.js';
import {
  type PartnerQueueKind,
  partnerConstructId,
  partnerQueueName,
  type ShardManifest,
  singleTopicRoutes,
  type TopicRoutes,
} from '../shared/partners/topology.js';
import { CliError } from './support.js';

export interface TargetQueue {
  readonly name: string;
  readonly url: string;
  readonly role: 'ingest' | 'partner' | 'dead-letter';
  /** For a dead-letter queue: the queue its messages go back to on redrive, when that makes sense. */
  readonly redrivesTo?: string;
}

export interface Target {
  readonly description: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamoDb: DynamoDBClient;
  readonly bucket: string;
  readonly quarantineBucket?: string;
  /** Where claim-checked documents go (and replays put theirs). */
  readonly contentBucket?: string;
  readonly table: string;
  readonly topicArn: string;
  /** The topics of each payload variant: where replays send each message. */
  readonly topicRoutes: TopicRoutes;
  readonly queues: readonly TargetQueue[];
  close(): void;
}

export interface TargetOptions {
  readonly stack?: string;
  readonly profile?: string;
  readonly region?: string;
}

/** The target cannot be reached or is not a syndication stack: the user's to fix (see ./cli-support.ts). */
export class TargetError extends CliError {}

function localTarget(): Target {
  const info = readRuntimeInfo();
  if (!info) {
    throw new TargetError(
      'no local runtime is running for this project',
      'start one with `npm start` in another terminal, or name a deployed stack with --stack',
    );
  }
  const { region, credentials } = info;
  const s3 = new S3Client({
    region,
    credentials,
    endpoint: info.endpoints.s3,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const dynamoDb = new DynamoDBClient({ region, credentials, endpoint: info.endpoints.dynamodb });
  const sns = new SNSClient({ region, credentials, endpoint: info.endpoints.messaging });
  const sqs = new SQSClient({
    region,
    credentials,
    endpoint: info.endpoints.messaging,
    useQueueUrlAsEndpoint: false,
  });
  const { resources } = info;
  const queues: TargetQueue[] = [
    { name: resources.ingestQueue.name, url: resources.ingestQueue.url, role: 'ingest' },
    {
      name: resources.ingestDeadLetterQueue.name,
      url: resources.ingestDeadLetterQueue.url,
      role: 'dead-letter',
      redrivesTo: resources.ingestQueue.url,
    },
    // Stream failures are batch descriptions, not messages to resend: replay the articles instead.
    {
      name: resources.streamDeadLetterQueue.name,
      url: resources.streamDeadLetterQueue.url,
      role: 'dead-letter',
    },
    ...resources.partnerQueues.flatMap(({ queue, deadLetterQueue }) => [
      { name: queue.name, url: queue.url, role: 'partner' as const },
      {
        name: deadLetterQueue.name,
        url: deadLetterQueue.url,
        role: 'dead-letter' as const,
        redrivesTo: queue.url,
      },
    ]),
  ];
  return {
    description: `local runtime (pid ${info.pid})`,
    s3,
    sqs,
    sns,
    dynamoDb,
    bucket: resources.bucket,
    quarantineBucket: resources.quarantineBucket,
    contentBucket: resources.contentBucket,
    table: resources.table,
    topicArn: resources.topicArn,
    // A runtime started before topics per variant has one topic for everything.
    topicRoutes: resources.topicRoutes ?? singleTopicRoutes(resources.topicArn),
    queues,
    close: () => {
      for (const client of [s3, dynamoDb, sns, sqs]) client.destroy();
    },
  };
}

/** Queue outputs of the stack: `<Name>QueueUrl`, `<Name>DlqUrl` / `<Name>QueueDlqUrl` / `<Name>DeliveryDlqUrl`. */
export function queuesFromOutputs(outputs: Readonly<Record<string, string>>): TargetQueue[] {
  const queues: TargetQueue[] = [];
  for (const [key, url] of Object.entries(outputs)) {
    if (!key.endsWith('Url') || !url.includes('/')) continue;
    const name = key.slice(0, -'Url'.length);
    const dlq = name.match(/^(.*?)(Queue)?(Delivery)?Dlq$/);
    if (dlq) {
      const source = outputs[`${dlq[1]}QueueUrl`];
      queues.push({ name, url, role: 'dead-letter', ...(source ? { redrivesTo: source } : {}) });
    } else if (name.endsWith('Queue')) {
      queues.push({ name, url, role: name === 'IngestQueue' ? 'ingest' : 'partner' });
    }
  }
  return queues;
}

async function awsTarget(options: TargetOptions & { stack: string }): Promise<Target> {
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  const config = options.region ? { region: options.region } : {};
  const cloudFormation = new CloudFormationClient(config);
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: options.stack }));
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    );
  } catch (error) {
    throw new TargetError(
      `cannot read stack ${options.stack}: ${(error as Error).message}`,
      'set AWS_PROFILE/AWS_REGION or pass --profile/--region',
    );
  } finally {
    cloudFormation.destroy();
  }
  const required = (key: string) => {
    const value = outputs[key];
    if (!value)
      throw new TargetError(`stack ${options.stack} has no output ${key}`, 'is it a syndication stack?');
    return value;
  };
  const s3 = new S3Client(config);
  const sqs = new SQSClient(config);
  const sns = new SNSClient(config);
  const dynamoDb = new DynamoDBClient(config);
  const topicArn = required('ArticlesTopicArn');
  let partnerQueues: TargetQueue[] = [];
  if (outputs.PartnerManifestPath) {
    const ssm = new SSMClient(config);
    try {
      partnerQueues = queuesFromManifests(
        await readManifests(ssm, outputs.PartnerManifestPath),
        stageOf(outputs),
      );
    } catch (error) {
      throw new TargetError(
        `cannot read the partner manifest ${outputs.PartnerManifestPath} of stack ${options.stack}: ${(error as Error).message}`,
        'the CLI needs ssm:GetParametersByPath on that path',
      );
    } finally {
      ssm.destroy();
    }
  }
  return {
    description: `stack ${options.stack}${options.region ? ` in ${options.region}` : ''}`,
    s3,
    sqs,
    sns,
    dynamoDb,
    bucket: required('IngestBucketName'),
    ...(outputs.QuarantineBucketName ? { quarantineBucket: outputs.QuarantineBucketName } : {}),
    ...(outputs.ContentBucketName ? { contentBucket: outputs.ContentBucketName } : {}),
    table: required('ArticlesTableName'),
    topicArn,
    topicRoutes: outputs.TopicRoutes
      ? (JSON.parse(outputs.TopicRoutes) as TopicRoutes)
      : singleTopicRoutes(topicArn),
    queues: [...queuesFromOutputs(outputs), ...partnerQueues],
    close: () => {
      for (const client of [s3, dynamoDb, sns, sqs]) client.destroy();
    },
  };
}

/** The stage a manifest's queue names were made with: the last segment of `/syndication/<stage>/partner-shards/`. */
function stageOf(outputs: Readonly<Record<string, string>>): string {
  return outputs.PartnerManifestPath?.split('/').filter(Boolean)[1] ?? '';
}

/** Every shard's manifest under the path (one SSM parameter per shard, paged). */
async function readManifests(ssm: SSMClient, path: string): Promise<ShardManifest[]> {
  const manifests: ShardManifest[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: path, NextToken }));
    for (const parameter of page.Parameters ?? [])
      manifests.push(JSON.parse(parameter.Value ?? '{}') as ShardManifest);
    NextToken = page.NextToken;
  } while (NextToken);
  return manifests;
}

/**
 * Partner queues from the shards' manifests, named as the stack names them (`PartnerAllNewsWireQueue`,
 * `…QueueDlq`, `…DeliveryDlq`), so `redrive PartnerAllNewsWireQueueDlq` works at any number of partners.
 */
export function queuesFromManifests(manifests: readonly ShardManifest[], stage: string): TargetQueue[] {
  const queues: TargetQueue[] = [];
  for (const manifest of manifests) {
    for (const partner of manifest.partners) {
      const prefix = partnerConstructId(partner);
      const url = (kind: PartnerQueueKind) =>
        `${manifest.queueUrlPrefix}${partnerQueueName(stage, partner, kind)}`;
      const has = (kind: PartnerQueueKind) => partner.queues.includes(kind);
      if (has('queue')) queues.push({ name: `${prefix}Queue`, url: url('queue'), role: 'partner' });
      if (has('queueDlq'))
        queues.push({
          name: `${prefix}QueueDlq`,
          url: url('queueDlq'),
          role: 'dead-letter',
          ...(has('queue') ? { redrivesTo: url('queue') } : {}),
        });
      if (has('deliveryDlq'))
        queues.push({
          name: `${prefix}DeliveryDlq`,
          url: url('deliveryDlq'),
          role: 'dead-letter',
          ...(has('queue') ? { redrivesTo: url('queue') } : {}),
        });
    }
  }
  return queues;
}

export async function resolveTarget(options: TargetOptions): Promise<Target> {
  return options.stack ? awsTarget({ ...options, stack: options.stack }) : localTarget();
}

/** The command-line options every operator command takes. */
export const TARGET_OPTIONS = {
  stack: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
} as const;
