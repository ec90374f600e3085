/**
 * normalise's dependencies on AWS: its settings (validated at cold start, ../../shared/pipeline/)
 * turned into adapters over SDK clients. Lambda creates the clients here, from the standard AWS
 * environment; the local runtime passes its own, pointed at the emulators.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { S3ObjectStore } from '../../shared/adapters/s3-object-store.js';
import { S3Quarantine } from '../../shared/adapters/s3-quarantine.js';
import { S3Receipts } from '../../shared/adapters/s3-receipts.js';
import type { normalise } from '../../shared/pipeline/description.js';
import type { SettingValues } from '../../shared/pipeline/settings.js';
import { lambdaObservability, traceClients } from '../commons/observability.js';
import type { NormaliseHandlerDependencies } from '../handlers/normalise.js';
import type { Observability } from '../handlers/observability.js';
import { registeredPublishers } from '../handlers/publisher-dimension.js';

export type NormaliseSettings = SettingValues<typeof normalise.settings>;

export interface NormaliseClients {
  readonly s3: S3Client;
  readonly dynamoDb: DynamoDBClient;
}

export interface AwsDependencyOptions<Clients> {
  readonly clients?: Clients;
  readonly observability?: Observability;
  readonly now?: () => Date;
}

export function awsDependencies(
  settings: NormaliseSettings,
  options: AwsDependencyOptions<NormaliseClients> = {},
): NormaliseHandlerDependencies {
  const clients = options.clients ?? { s3: new S3Client({}), dynamoDb: new DynamoDBClient({}) };
  if (!options.clients) traceClients(clients.s3, clients.dynamoDb);
  const publishers = registeredPublishers(settings.publishers);
  return {
    objects: new S3ObjectStore(clients.s3),
    // Without a content bucket, a version too large for its item fails (ItemTooLargeError) and is
    // retried until a deployment provides one.
    index: new DynamoDbArticleIndex(clients.dynamoDb, settings.tableName, {
      documents: settings.contentBucket ? new S3DocumentStore(clients.s3, settings.contentBucket) : undefined,
    }),
    quarantine: new S3Quarantine(clients.s3, settings.quarantineBucket),
    receipts: new S3Receipts(clients.s3),
    now: options.now ?? (() => new Date()),
    ...(publishers ? { publishers } : {}),
    ...(settings.publisherObjectLimits.size > 0
      ? { publisherObjectLimits: settings.publisherObjectLimits }
      : {}),
    ...(options.observability ?? lambdaObservability()),
  };
}
