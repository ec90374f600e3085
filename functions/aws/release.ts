/** release's dependencies on AWS (see ./normalise.ts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import type { release } from '../../shared/pipeline/description.js';
import type { SettingValues } from '../../shared/pipeline/settings.js';
import { lambdaObservability, traceClients } from '../commons/observability.js';
import type { ReleaseHandlerDependencies } from '../handlers/release.js';
import type { AwsDependencyOptions } from './normalise.js';

export type ReleaseSettings = SettingValues<typeof release.settings>;

export interface ReleaseClients {
  readonly s3: S3Client;
  readonly dynamoDb: DynamoDBClient;
}

export function awsDependencies(
  settings: ReleaseSettings,
  options: AwsDependencyOptions<ReleaseClients> = {},
): ReleaseHandlerDependencies {
  const clients = options.clients ?? { s3: new S3Client({}), dynamoDb: new DynamoDBClient({}) };
  if (!options.clients) traceClients(clients.s3, clients.dynamoDb);
  return {
    index: new DynamoDbArticleIndex(clients.dynamoDb, settings.tableName, {
      documents: settings.contentBucket ? new S3DocumentStore(clients.s3, settings.contentBucket) : undefined,
    }),
    now: options.now ?? (() => new Date()),
    ...(options.observability ?? lambdaObservability()),
  };
}
