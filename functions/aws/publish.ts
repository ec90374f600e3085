/** publish's dependencies on AWS (see ./normalise.ts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { EventBridgeEmbargoScheduler } from '../../shared/adapters/eventbridge-scheduler.js';
import { S3ClaimCheck } from '../../shared/adapters/s3-claim-check.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { secretSigningKey } from '../../shared/adapters/secret-signing-key.js';
import { SignedLinkContentStore } from '../../shared/adapters/signed-link-content-store.js';
import { SnsNotifier } from '../../shared/adapters/sns-notifier.js';
import { lazySigner } from '../../shared/content-api/service.js';
import type { TopicRoutes } from '../../shared/partners/topology.js';
import type { publish } from '../../shared/pipeline/description.js';
import type { SettingValues } from '../../shared/pipeline/settings.js';
import { lambdaObservability, traceClients } from '../commons/observability.js';
import type { PublishHandlerDependencies } from '../handlers/publish.js';
import type { AwsDependencyOptions } from './normalise.js';

export type PublishSettings = SettingValues<typeof publish.settings>;

export interface PublishClients {
  readonly s3: S3Client;
  readonly dynamoDb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly scheduler: SchedulerClient;
  /** Reads the link-signing secret; only with the content API. */
  readonly ssm?: SSMClient;
}

export interface PublishDependencyOptions extends AwsDependencyOptions<PublishClients> {
  /** The link-signing key, when it is not read from the secret (the local runtime holds its own). */
  readonly signingKey?: () => Promise<Uint8Array>;
  /** How precisely embargo schedules fire, in seconds: EventBridge Scheduler's 60 unless said. */
  readonly schedulePrecisionSeconds?: number;
}

export function awsDependencies(
  settings: PublishSettings,
  options: PublishDependencyOptions = {},
): PublishHandlerDependencies {
  const clients = options.clients ?? {
    s3: new S3Client({}),
    dynamoDb: new DynamoDBClient({}),
    sns: new SNSClient({}),
    scheduler: new SchedulerClient({}),
    ssm: new SSMClient({}),
  };
  if (!options.clients) traceClients(clients.s3, clients.dynamoDb, clients.sns, clients.scheduler);
  const now = options.now ?? (() => new Date());
  return {
    notifier: new SnsNotifier(clients.sns, settings.topicRoutes as TopicRoutes),
    index: new DynamoDbArticleIndex(clients.dynamoDb, settings.tableName, {
      documents: new S3DocumentStore(clients.s3, settings.contentBucket),
    }),
    scheduler: new EventBridgeEmbargoScheduler(clients.scheduler, {
      functionArn: settings.releaseFunctionArn,
      roleArn: settings.schedulerRoleArn,
      ...(settings.scheduleGroup ? { groupName: settings.scheduleGroup } : {}),
      ...(settings.releaseDlqArn ? { deadLetterArn: settings.releaseDlqArn } : {}),
      ...(options.schedulePrecisionSeconds ? { precisionSeconds: options.schedulePrecisionSeconds } : {}),
    }),
    now,
    // With the content API a link is a signed URL to the indexed document and nothing is written;
    // without it (a stack from before the API) documents are copied to the content bucket.
    contentStore:
      settings.contentApiUrl && settings.linkSecretName
        ? new SignedLinkContentStore(
            lazySigner(
              options.signingKey ??
                secretSigningKey(clients.ssm ?? new SSMClient({}), settings.linkSecretName),
            ),
            settings.contentApiUrl,
            settings.contentLinkExpirySeconds,
            now,
          )
        : new S3ClaimCheck(clients.s3, settings.contentBucket, settings.contentLinkExpirySeconds, now),
    summaries: settings.summaries,
    linkedSummaries: settings.linkedSummaries,
    ...(options.observability ?? lambdaObservability()),
  };
}
