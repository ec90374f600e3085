/**
 * content-api: the HTTP API's one integration. Turns the API Gateway event (payload format 2.0) into
 * an `ApiRequest`, answers it with the content API (signed documents read through the index, feeds),
 * and returns the answer as API Gateway expects it. Read-only on the table and the index documents.
 */
import { dynamoDbClient } from '../shared/adapters/clients/dynamodb.js';
import { s3Client } from '../shared/adapters/clients/s3.js';
import { ssmClient } from '../shared/adapters/clients/ssm.js';
import { DynamoDbArticleIndex } from '../shared/adapters/dynamodb-article-index.js';
import { secretSigningKey } from '../shared/adapters/secret-signing-key.js';
import { lambdaHandlerOf } from '../shared/content-api/http-events.js';
import { contentApi } from '../shared/content-api/service.js';
import { contentApi as description } from '../shared/pipeline/description.js';
import { loadSettings } from '../shared/pipeline/settings.js';
import { indexDocumentStore } from './commons/config.js';
import { logger, traceClients } from './commons/observability.js';

traceClients(dynamoDbClient, s3Client, ssmClient);

const settings = loadSettings(description.settings, process.env);

export const handler = lambdaHandlerOf(
  contentApi({
    index: new DynamoDbArticleIndex(dynamoDbClient, settings.tableName, { documents: indexDocumentStore() }),
    signingKey: secretSigningKey(ssmClient, settings.linkSecretName),
    now: () => new Date(),
    onError: (error, request) =>
      logger.error('content API request failed', {
        method: request.method,
        path: request.path,
        error: error as Error,
      }),
  }),
);
