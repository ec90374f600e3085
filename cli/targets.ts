/**
 * Where operator commands act: the running local runtime (`npm start` in another terminal), or a
 * deployed stack in AWS (`--stack NAME`, with the standard AWS profile/region environment or
 * `--profile`/`--region`). Either way what the commands act on is found in one manifest
 * (shared/pipeline/manifest.ts): the one the runtime wrote into its runtime file, or the stack's
 * `PipelineManifest` output completed with the partner queues its shards list in SSM. The commands use
 * the same SDK calls against both.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readRuntimeInfo } from '../local/runtime-file.js';
import type { PayloadVariant } from '../shared/domain/message.js';
import { manifestPath, type ShardManifest, type TopicRoutes } from '../shared/partners/topology.js';
import type { PipelineManifest } from '../shared/pipeline/manifest.js';
import {
  checkManifest,
  parseManifest,
  parseShardManifest,
  partnerQueuesFromShards,
  publishedVariants,
  type TargetQueue,
  targetQueues,
  topicRoutesOf,
} from './manifest.js';
import { CliError } from './support.js';

export type { TargetQueue } from './manifest.js';

export interface Target {
  readonly description: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamoDb: DynamoDBClient;
  /** What the target is made of (with the partner queues, in AWS, from the shards' manifests). */
  readonly manifest: PipelineManifest;
  readonly bucket: string;
  readonly quarantineBucket: string;
  /** Where claim-checked documents go (and replays put theirs). */
  readonly contentBucket: string;
  readonly table: string;
  /** The topics of each payload variant: where replays send each message. */
  readonly topicRoutes: TopicRoutes;
  /** The payload variants the pipeline publishes (a replay sends the same). */
  readonly variants: readonly PayloadVariant[];
  /** How long document links in messages are valid (replays sign theirs for as long). */
  readonly contentLinkExpirySeconds: number;
  readonly queues: readonly TargetQueue[];
  /** The local runtime's operator console (its JSON API answers `status`'s per-partner figures). */
  readonly consoleUrl?: string;
  close(): void;
}

export interface TargetOptions {
  readonly stack?: string;
  readonly profile?: string;
  readonly region?: string;
}

/** The target cannot be reached or is not a syndication stack: the user's to fix (see ./support.ts). */
export class TargetError extends CliError {}

interface Clients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly dynamoDb: DynamoDBClient;
}

/** A target acting through `clients` on what `manifest` lists. */
export function targetOf(description: string, manifest: PipelineManifest, clients: Clients): Target {
  return {
    description,
    ...clients,
    manifest,
    bucket: manifest.buckets.ingest,
    quarantineBucket: manifest.buckets.quarantine,
    contentBucket: manifest.buckets.content,
    table: manifest.table,
    topicRoutes: topicRoutesOf(manifest),
    variants: publishedVariants(manifest),
    contentLinkExpirySeconds: manifest.contentLinkExpirySeconds,
    queues: targetQueues(manifest),
    close: () => {
      for (const client of [clients.s3, clients.dynamoDb, clients.sns, clients.sqs]) client.destroy();
    },
  };
}

function localTarget(): Target {
  const info = readRuntimeInfo();
  if (!info) {
    throw new TargetError(
      'no local runtime is running for this project',
      'start one with `npm start` in another terminal, or name a deployed stack with --stack',
    );
  }
  let manifest: PipelineManifest;
  try {
    manifest = checkManifest((info as { manifest?: unknown }).manifest);
  } catch (error) {
    throw new TargetError(
      `the local runtime (pid ${info.pid}) wrote no usable manifest: ${(error as Error).message}`,
      'it was started by an older version: stop it and run `npm start` again',
    );
  }
  const { region, credentials } = info;
  const target = targetOf(`local runtime (pid ${info.pid})`, manifest, {
    s3: new S3Client({
      region,
      credentials,
      endpoint: info.endpoints.s3,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
    dynamoDb: new DynamoDBClient({ region, credentials, endpoint: info.endpoints.dynamodb }),
    sns: new SNSClient({ region, credentials, endpoint: info.endpoints.messaging }),
    sqs: new SQSClient({
      region,
      credentials,
      endpoint: info.endpoints.messaging,
      useQueueUrlAsEndpoint: false,
    }),
  });
  return info.consoleUrl ? { ...target, consoleUrl: info.consoleUrl } : target;
}

/** The stack output holding the pipeline's manifest (its own queues; partner queues are in SSM). */
export const MANIFEST_OUTPUT = 'PipelineManifest';

/**
 * The manifest of `stack`: its `PipelineManifest` output, with the partner queues every shard's
 * manifest lists under the stage's SSM path (shared/partners/topology.ts `manifestPath`).
 */
export async function stackManifest(
  stack: string,
  clients: { readonly cloudFormation: CloudFormationClient; readonly ssm: SSMClient },
): Promise<PipelineManifest> {
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    outputs = Object.fromEntries(
      (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    );
  } catch (error) {
    throw new TargetError(
      `cannot read stack ${stack}: ${(error as Error).message}`,
      'set AWS_PROFILE/AWS_REGION or pass --profile/--region',
    );
  }
  const output = outputs[MANIFEST_OUTPUT];
  if (output === undefined || output === '')
    throw new TargetError(
      `stack ${stack} has no output ${MANIFEST_OUTPUT}`,
      'it was deployed by an older version, or is not a syndication stack: redeploy it with `npx cdk deploy`',
    );
  let manifest: PipelineManifest;
  try {
    manifest = parseManifest(output);
  } catch (error) {
    throw new TargetError(
      `the ${MANIFEST_OUTPUT} output of stack ${stack} is not usable: ${(error as Error).message}`,
      'redeploy the stack with this version of the project',
    );
  }
  const path = manifestPath(manifest.stage);
  let shards: ShardManifest[];
  try {
    shards = await readShardManifests(clients.ssm, path);
  } catch (error) {
    throw new TargetError(
      `cannot read the partner manifest ${path} of stack ${stack}: ${(error as Error).message}`,
      'the CLI needs ssm:GetParametersByPath on that path',
    );
  }
  // A queue the output lists already is not listed twice.
  const listed = new Set(manifest.queues.map((queue) => queue.url));
  const partnerQueues = partnerQueuesFromShards(shards, manifest.stage).filter(
    (queue) => !listed.has(queue.url),
  );
  return { ...manifest, queues: [...manifest.queues, ...partnerQueues] };
}

async function awsTarget(options: TargetOptions & { stack: string }): Promise<Target> {
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  const config = options.region ? { region: options.region } : {};
  const cloudFormation = new CloudFormationClient(config);
  const ssm = new SSMClient(config);
  let manifest: PipelineManifest;
  try {
    manifest = await stackManifest(options.stack, { cloudFormation, ssm });
  } finally {
    cloudFormation.destroy();
    ssm.destroy();
  }
  return targetOf(`stack ${options.stack}${options.region ? ` in ${options.region}` : ''}`, manifest, {
    s3: new S3Client(config),
    sqs: new SQSClient(config),
    sns: new SNSClient(config),
    dynamoDb: new DynamoDBClient(config),
  });
}

/** Every shard's manifest under the path (one SSM parameter per shard, paged). */
async function readShardManifests(ssm: SSMClient, path: string): Promise<ShardManifest[]> {
  const manifests: ShardManifest[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: path, NextToken }));
    for (const parameter of page.Parameters ?? []) {
      try {
        manifests.push(parseShardManifest(parameter.Value ?? ''));
      } catch (error) {
        throw new Error(`parameter ${parameter.Name}: ${(error as Error).message}`);
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return manifests;
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
