/**
 * The content API Lambda as deployed (functions/aws/content-api.ts) answering API Gateway HTTP API
 * events (payload format 2.0, as the developer guide shows them) for partner feeds, over a table on
 * dynalite: API keys read from the table, entries from its byFeed index, partners from the document
 * the stack ships in the bundle, linked summaries pointing at the API's own URL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { awsDependencies } from '../../functions/aws/content-api.js';
import { DynamoDbApiKeyStore } from '../../shared/adapters/dynamodb-api-keys.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { InMemoryObjectStore, InMemoryQuarantine } from '../../shared/adapters/memory/in-memory.js';
import { rotateApiKey } from '../../shared/feeds/api-keys.js';
import { feedPartnersDocument, parseFeedPartners } from '../../shared/feeds/feed-partners.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { type LocalDynamoDb, startDynalite } from '../helpers/dynalite.js';

const TABLE = 'articles';
const API_URL = 'https://r4nd0m1d.execute-api.us-east-1.amazonaws.com';
const WRITTEN_AT = Date.parse('2026-12-01T22:00:00.000Z');
/** An hour after the writes: past any settling interval the feeds wait for. */
const READ_AT = WRITTEN_AT + 3_600_000;

const PARTNERS = parsePartnerRegistry({
  partners: [
    {
      name: 'sports-desk',
      delivery: { type: 'sqs', accountId: '111122223333' },
      filters: { subjects: ['medtop:15000000'] },
    },
    {
      name: 'headline-ticker',
      delivery: { type: 'https', endpoint: 'https://ticker.partner.example/sns' },
      filters: {},
      payload: 'summary',
      fullTextLink: true,
    },
  ],
});

let local: LocalDynamoDb;
/** Clients the feed path must not call: an endpoint nothing listens on. */
const UNUSED_CLIENT = {
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
let dynamoDb: DynamoDBClient;
let handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
let sportsKey: string;

before(async () => {
  local = await startDynalite();
  dynamoDb = local.client;
  await local.articlesTable(TABLE);
  let clock = WRITTEN_AT;
  const index = new DynamoDbArticleIndex(dynamoDb, TABLE, { clock: () => clock });
  const objects = new InMemoryObjectStore();
  const deps = { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(clock) };
  for (const [key, subject] of [
    ['wire/match-report.json', '15000000'],
    ['wire/summit.json', '11000000'],
  ] as const) {
    const document = {
      headlines: [{ role: 'main', value: `Story ${key}` }],
      language: 'en',
      subjects: [{ uri: `http://cv.iptc.org/newscodes/mediatopic/${subject}` }],
      bodies: [{ role: 'main', contentType: 'text/plain', value: `The story ${key} in a few words.` }],
    };
    objects.put('ingest', { key, bytes: Buffer.from(JSON.stringify(document)) });
    await ingestObject(deps, { bucket: 'ingest', key });
    clock += 60_000;
  }
  sportsKey = (
    await rotateApiKey(new DynamoDbApiKeyStore(dynamoDb, TABLE), 'sports-desk', { now: () => WRITTEN_AT })
  ).key;
  handler = awsDependencies(
    {
      tableName: TABLE,
      contentBucket: undefined,
      linkSecretName: 'content-syndication-test/content-api/link-signing-key',
      contentApiUrl: API_URL,
      contentLinkExpirySeconds: 21_600,
    },
    // What the bundled function reads: the document the stack writes, read back.
    parseFeedPartners(feedPartnersDocument(PARTNERS)),
    {
      // S3 and SSM are never called: no document is out of its item, and the key is given.
      clients: {
        dynamoDb,
        s3: new S3Client(UNUSED_CLIENT),
        ssm: new SSMClient(UNUSED_CLIENT),
      },
      signingKey: async () => Buffer.from('lambda-feeds-test-key-lambda-fee', 'utf8'),
      now: () => new Date(READ_AT),
    },
  );
});

after(async () => {
  await local?.close();
});

/** GET /feeds/{feed} through the HTTP API, payload format 2.0. */
function feedEvent(feed: string, headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /feeds/{feed}',
    rawPath: `/feeds/${feed}`,
    rawQueryString: '',
    headers: {
      accept: 'application/feed+json',
      host: 'r4nd0m1d.execute-api.us-east-1.amazonaws.com',
      ...headers,
    },
    pathParameters: { feed },
    requestContext: {
      accountId: '123456789012',
      apiId: 'r4nd0m1d',
      domainName: 'r4nd0m1d.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'r4nd0m1d',
      http: {
        method: 'GET',
        path: `/feeds/${feed}`,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'curl/8.5.0',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'GET /feeds/{feed}',
      stage: '$default',
      time: '01/Dec/2026:23:00:00 +0000',
      timeEpoch: READ_AT,
    },
    isBase64Encoded: false,
  };
}

/** GET /aws/feeds/{feed}, signed with SigV4 by a role of `accountId`. */
function iamFeedEvent(feed: string, accountId: string): APIGatewayProxyEventV2WithIAMAuthorizer {
  const plain = feedEvent(feed, {});
  return {
    ...plain,
    routeKey: 'GET /aws/feeds/{feed}',
    rawPath: `/aws/feeds/${feed}`,
    requestContext: {
      ...plain.requestContext,
      routeKey: 'GET /aws/feeds/{feed}',
      http: { ...plain.requestContext.http, path: `/aws/feeds/${feed}` },
      authorizer: {
        iam: {
          accessKey: 'ASIAIOSFODNN7EXAMPLE',
          accountId,
          callerId: 'AROAEXAMPLEID:partner-session',
          cognitoIdentity: null as never,
          principalOrgId: 'o-abcdef1234',
          userArn: `arn:aws:sts::${accountId}:assumed-role/feed-reader/partner-session`,
          userId: 'AROAEXAMPLEID:partner-session',
        },
      },
    },
  };
}

interface JsonFeed {
  readonly items: { id: string; attachments?: { url: string }[] }[];
}

describe('the content API Lambda serves partner feeds', () => {
  test("a partner's API key reads its feed: only what its filter admits", async () => {
    const result = await handler(feedEvent('sports-desk.json', { 'x-api-key': sportsKey }));
    assert.equal(result.statusCode, 200, String(result.body));
    assert.match(String(result.headers?.['content-type']), /^application\/feed\+json/);
    const feed = JSON.parse(String(result.body)) as JsonFeed;
    assert.deepEqual(
      feed.items.map((item) => item.id),
      ['urn:syndicate:wire/match-report.json'],
    );
  });

  test("another partner's feed with that key is 403; no key is 401", async () => {
    const other = await handler(feedEvent('headline-ticker.json', { authorization: `Bearer ${sportsKey}` }));
    assert.equal(other.statusCode, 403);
    const none = await handler(feedEvent('sports-desk.json', {}));
    assert.equal(none.statusCode, 401);
    assert.equal(none.headers?.['www-authenticate'], 'Bearer realm="feeds"');
  });

  test("over IAM, the registry's account reads the feed and any other account is refused", async () => {
    const own = await handler(iamFeedEvent('sports-desk.json', '111122223333'));
    assert.equal(own.statusCode, 200, String(own.body));
    const stranger = await handler(iamFeedEvent('sports-desk.json', '444455556666'));
    assert.equal(stranger.statusCode, 403);
  });

  test("a linked summary's full text is a signed link to this API", async () => {
    const handlerAsTicker = await handler(iamFeedEvent('headline-ticker.json', '111122223333'));
    // The ticker delivers over HTTPS and has no account: IAM callers cannot read its feed.
    assert.equal(handlerAsTicker.statusCode, 403);
    const { key } = await rotateApiKey(new DynamoDbApiKeyStore(dynamoDb, TABLE), 'headline-ticker', {
      now: () => WRITTEN_AT,
    });
    const result = await handler(feedEvent('headline-ticker.json', { 'x-api-key': key }));
    assert.equal(result.statusCode, 200, String(result.body));
    const feed = JSON.parse(String(result.body)) as JsonFeed;
    assert.equal(feed.items.length, 2);
    for (const item of feed.items) {
      const url = item.attachments?.[0]?.url ?? '';
      assert.ok(url.startsWith(`${API_URL}/documents/`), url);
      assert.match(url, /[?&]sig=/);
    }
  });
});
