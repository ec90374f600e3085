/**
 * The content API's dependencies on AWS (see ./normalise.ts): the handler over the index, the
 * signing key, and the partners' pull feeds (keys in the table, entries from its byFeed index).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbApiKeyStore } from '../../shared/adapters/dynamodb-api-keys.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { S3DocumentStore } from '../../shared/adapters/s3-document-store.js';
import { secretSigningKey } from '../../shared/adapters/secret-signing-key.js';
import { SignedLinkContentStore } from '../../shared/adapters/signed-link-content-store.js';
import { lambdaHandlerOf } from '../../shared/content-api/http-events.js';
import { contentApi as contentApiService, lazySigner } from '../../shared/content-api/service.js';
import { FEED_SETTLE_MS } from '../../shared/feeds/entries.js';
import type { FeedPartner } from '../../shared/feeds/feed-partners.js';
import { feedRoute } from '../../shared/feeds/route.js';
import type { contentApi } from '../../shared/pipeline/description.js';
import type { SettingValues } from '../../shared/pipeline/settings.js';
import { lambdaObservability, traceClients } from '../commons/observability.js';
import type { AwsDependencyOptions } from './normalise.js';

export type ContentApiSettings = SettingValues<typeof contentApi.settings>;

export interface ContentApiClients {
  readonly dynamoDb: DynamoDBClient;
  readonly s3: S3Client;
  readonly ssm: SSMClient;
}

export interface ContentApiDependencyOptions extends AwsDependencyOptions<ContentApiClients> {
  /** The link-signing key, when it is not read from the secret. */
  readonly signingKey?: () => Promise<Uint8Array>;
}

export function awsDependencies(
  settings: ContentApiSettings,
  /** Whose feeds are served: the registry file shipped in the bundle (../content-api.ts reads it). */
  partners: readonly FeedPartner[],
  options: ContentApiDependencyOptions = {},
) {
  const clients = options.clients ?? {
    dynamoDb: new DynamoDBClient({}),
    s3: new S3Client({}),
    ssm: new SSMClient({}),
  };
  if (!options.clients) traceClients(clients.dynamoDb, clients.s3, clients.ssm);
  const { logger } = options.observability ?? lambdaObservability();
  const now = options.now ?? (() => new Date());
  const signingKey = options.signingKey ?? secretSigningKey(clients.ssm, settings.linkSecretName);
  const index = new DynamoDbArticleIndex(clients.dynamoDb, settings.tableName, {
    ...(settings.contentBucket ? { documents: new S3DocumentStore(clients.s3, settings.contentBucket) } : {}),
  });
  return lambdaHandlerOf(
    contentApiService({
      index,
      signingKey,
      now,
      feeds: feedRoute({
        index,
        keys: new DynamoDbApiKeyStore(clients.dynamoDb, settings.tableName),
        partners,
        now: () => now().getTime(),
        settleMs: FEED_SETTLE_MS,
        // A linked summary's full-text link is a signed URL to this API, as publish makes it.
        contentStore: new SignedLinkContentStore(
          lazySigner(signingKey),
          settings.contentApiUrl,
          settings.contentLinkExpirySeconds,
          now,
        ),
      }),
      onError: (error, request) =>
        logger.error('content API request failed', {
          method: request.method,
          path: request.path,
          error: error as Error,
        }),
    }),
  );
}
