/** The content API's dependencies on AWS (see ./normalise.ts): the handler over the index and the signing key. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { secretSigningKey } from '../../shared/adapters/secret-signing-key.js';
import { lambdaHandlerOf } from '../../shared/content-api/http-events.js';
import { contentApi as contentApiService } from '../../shared/content-api/service.js';
import type { contentApi } from '../../shared/pipeline/description.js';
import type { SettingValues } from '../../shared/pipeline/settings.js';
import { lambdaObservability, traceClients } from '../commons/observability.js';

export type ContentApiSettings = SettingValues<typeof contentApi.settings>;

export function awsDependencies(settings: ContentApiSettings) {
  const dynamoDb = new DynamoDBClient({});
  const s3 = new S3Client({});
  const ssm = new SSMClient({});
  traceClients(dynamoDb, s3, ssm);
  const { logger } = lambdaObservability();
  return lambdaHandlerOf(
    contentApiService({
      index: new DynamoDbArticleIndex(dynamoDb, settings.tableName, {
        ...(settings.contentBucket ? { documents: new S3DocumentStore(s3, settings.contentBucket) } : {}),
      }),
      signingKey: secretSigningKey(ssm, settings.linkSecretName),
      now: () => new Date(),
      onError: (error, request) =>
        logger.error('content API request failed', {
          method: request.method,
          path: request.path,
          error: error as Error,
        }),
    }),
  );
}
