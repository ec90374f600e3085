import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import type { ApiRequest, ApiResponse, RouteHandler } from '../../../shared/content-api/http.js';
import { apiRequestOf, lambdaHandlerOf, lambdaResultOf } from '../../../shared/content-api/http-events.js';
import { contentApiRouter } from '../../../shared/content-api/router.js';
import { contentApi } from '../../../shared/pipeline/description.js';
import { loadSettings } from '../../../shared/pipeline/settings.js';

const request = (method: string, path: string): ApiRequest => ({
  method,
  path,
  query: {},
  headers: {},
  baseUrl: 'https://api.example.com',
});

const ok =
  (name: string): RouteHandler =>
  async (seen) => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: `${name} ${seen.path}` });

function titleOf(response: ApiResponse): string {
  assert.equal(response.headers['content-type'], 'application/problem+json');
  const problem = JSON.parse(String(response.body));
  assert.equal(problem.status, response.status);
  assert.equal(typeof problem.detail, 'string');
  return problem.title;
}

describe('content API router', () => {
  test('documents and feeds go to their handlers', async () => {
    const router = contentApiRouter({ documents: ok('documents'), feeds: ok('feeds') });
    assert.equal((await router(request('GET', '/documents/abc/v1'))).body, 'documents /documents/abc/v1');
    assert.equal(
      (await router(request('GET', '/feeds/all-news-wire.atom'))).body,
      'feeds /feeds/all-news-wire.atom',
    );
    assert.equal(
      (await router(request('GET', '/feeds/all-news-wire.json'))).body,
      'feeds /feeds/all-news-wire.json',
    );
  });

  test('without a feeds handler, feeds are not found', async () => {
    const router = contentApiRouter({ documents: ok('documents') });
    const response = await router(request('GET', '/feeds/all-news-wire.atom'));
    assert.equal(response.status, 404);
    assert.equal(titleOf(response), 'not-found');
  });

  test('any other path is 404; any method but GET and HEAD is 405 with Allow', async () => {
    const router = contentApiRouter({ documents: ok('documents'), feeds: ok('feeds') });
    for (const path of ['/', '/documents', '/feed/x.atom', '/admin']) {
      const response = await router(request('GET', path));
      assert.equal(response.status, 404, path);
      assert.equal(titleOf(response), 'not-found');
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await router(request(method, '/documents/abc/v1'));
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.allow, 'GET, HEAD');
      assert.equal(titleOf(response), 'method-not-allowed');
    }
  });

  test('HEAD answers as GET without the body', async () => {
    const router = contentApiRouter({ documents: ok('documents') });
    const response = await router(request('HEAD', '/documents/abc/v1'));
    assert.equal(response.status, 200);
    assert.equal(response.body, '');
  });

  test('a failing route is a 500 problem, and the error goes to onError', async () => {
    const seen: unknown[] = [];
    const router = contentApiRouter({
      documents: async () => {
        throw new Error('index unreachable');
      },
      onError: (error) => seen.push(error),
    });
    const response = await router(request('GET', '/documents/abc/v1'));
    assert.equal(response.status, 500);
    assert.equal(titleOf(response), 'internal-error');
    assert.doesNotMatch(String(response.body), /unreachable/);
    assert.equal((seen[0] as Error).message, 'index unreachable');
  });
});

/** API Gateway HTTP API, payload format 2.0, as the API Gateway developer guide shows it (values ours). */
const HTTP_API_EVENT: APIGatewayProxyEventV2 = {
  version: '2.0',
  routeKey: 'GET /documents/{proxy+}',
  rawPath: '/documents/dXJuOnN5bmRpY2F0ZTp3aXJlL3N0b3J5LnR4dA/v1',
  rawQueryString: 'expires=1795604400&sig=abc',
  headers: {
    accept: 'application/json',
    'if-none-match': '"x"',
    host: 'r4nd0m1d.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'curl/8.5.0',
  },
  queryStringParameters: { expires: '1795604400', sig: 'abc' },
  pathParameters: { proxy: 'dXJuOnN5bmRpY2F0ZTp3aXJlL3N0b3J5LnR4dA/v1' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'r4nd0m1d',
    domainName: 'r4nd0m1d.execute-api.us-east-1.amazonaws.com',
    domainPrefix: 'r4nd0m1d',
    http: {
      method: 'GET',
      path: '/documents/dXJuOnN5bmRpY2F0ZTp3aXJlL3N0b3J5LnR4dA/v1',
      protocol: 'HTTP/1.1',
      sourceIp: '192.0.2.1',
      userAgent: 'curl/8.5.0',
    },
    requestId: 'JKJaXmPLvHcESHA=',
    routeKey: 'GET /documents/{proxy+}',
    stage: '$default',
    time: '25/Nov/2026:10:30:00 +0000',
    timeEpoch: 1795602600000,
  },
  isBase64Encoded: false,
};

/** The same API's IAM-authorised route: `requestContext.authorizer.iam` as the developer guide shows it. */
const IAM_EVENT: APIGatewayProxyEventV2WithIAMAuthorizer = {
  ...HTTP_API_EVENT,
  routeKey: 'GET /aws/feeds/{feed}',
  rawPath: '/aws/feeds/all-news-wire.atom',
  rawQueryString: '',
  queryStringParameters: undefined,
  pathParameters: { feed: 'all-news-wire.atom' },
  requestContext: {
    ...HTTP_API_EVENT.requestContext,
    routeKey: 'GET /aws/feeds/{feed}',
    http: { ...HTTP_API_EVENT.requestContext.http, path: '/aws/feeds/all-news-wire.atom' },
    authorizer: {
      iam: {
        accessKey: 'ASIAIOSFODNN7EXAMPLE',
        accountId: '111122223333',
        callerId: 'AROAEXAMPLEID:partner-session',
        cognitoIdentity: null as never,
        principalOrgId: 'o-abcdef1234',
        userArn: 'arn:aws:sts::111122223333:assumed-role/feed-reader/partner-session',
        userId: 'AROAEXAMPLEID:partner-session',
      },
    },
  },
};

describe('the Lambda carrier (HTTP API payload 2.0, also a function URL event)', () => {
  test('an HTTP API event becomes the request the router sees', () => {
    assert.deepEqual(apiRequestOf(HTTP_API_EVENT), {
      method: 'GET',
      path: '/documents/dXJuOnN5bmRpY2F0ZTp3aXJlL3N0b3J5LnR4dA/v1',
      query: { expires: '1795604400', sig: 'abc' },
      headers: {
        accept: 'application/json',
        'if-none-match': '"x"',
        host: 'r4nd0m1d.execute-api.us-east-1.amazonaws.com',
        'user-agent': 'curl/8.5.0',
      },
      baseUrl: 'https://r4nd0m1d.execute-api.us-east-1.amazonaws.com',
    });
  });

  test('an IAM-authorised request names its caller and drops the /aws prefix', () => {
    const seen = apiRequestOf(IAM_EVENT);
    assert.equal(seen.path, '/feeds/all-news-wire.atom');
    assert.deepEqual(seen.query, {});
    assert.deepEqual(seen.iamCaller, {
      accountId: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/feed-reader/partner-session',
    });
  });

  test('without an IAM authorizer the /aws path stays as it is (and is not found)', async () => {
    const event = { ...HTTP_API_EVENT, rawPath: '/aws/feeds/all-news-wire.atom' };
    const seen = apiRequestOf(event);
    assert.equal(seen.path, '/aws/feeds/all-news-wire.atom');
    assert.equal(seen.iamCaller, undefined);
    const handler = lambdaHandlerOf(contentApiRouter({ documents: ok('documents'), feeds: ok('feeds') }));
    assert.equal((await handler(event)).statusCode, 404);
  });

  test('answers become Lambda results: JSON as text, other bytes base64', () => {
    const json = Buffer.from('{"uri":"urn:syndicate:wire/story.txt","headline":"Zürich"}', 'utf8');
    assert.deepEqual(
      lambdaResultOf({ status: 200, headers: { 'content-type': 'application/json' }, body: json }),
      {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"uri":"urn:syndicate:wire/story.txt","headline":"Zürich"}',
        isBase64Encoded: false,
      },
    );
    const binary = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0xff]);
    assert.deepEqual(lambdaResultOf({ status: 200, headers: {}, body: binary }), {
      statusCode: 200,
      headers: {},
      body: 'H4sIAP8=',
      isBase64Encoded: true,
    });
  });

  test('the handler answers an HTTP API event through the router', async () => {
    const handler = lambdaHandlerOf(contentApiRouter({ documents: ok('documents') }));
    assert.deepEqual(await handler(HTTP_API_EVENT), {
      statusCode: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'documents /documents/dXJuOnN5bmRpY2F0ZTp3aXJlL3N0b3J5LnR4dA/v1',
      isBase64Encoded: false,
    });
    const post = {
      ...HTTP_API_EVENT,
      requestContext: {
        ...HTTP_API_EVENT.requestContext,
        http: { ...HTTP_API_EVENT.requestContext.http, method: 'POST' },
      },
    };
    assert.equal((await handler(post)).statusCode, 405);
  });
});

describe('content API settings', () => {
  test('the function reads its table, bucket, signing secret, own URL and link expiry, and names whatever is missing', () => {
    assert.deepEqual(
      loadSettings(contentApi.settings, {
        TABLE_NAME: 'articles',
        LINK_SECRET_NAME: 'content-syndication-dev/content-api/link-signing-key',
        CONTENT_API_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
        CONTENT_LINK_EXPIRY_SECONDS: '21600',
      }),
      {
        tableName: 'articles',
        contentBucket: undefined,
        linkSecretName: 'content-syndication-dev/content-api/link-signing-key',
        contentApiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
        contentLinkExpirySeconds: 21_600,
      },
    );
    assert.throws(
      () => loadSettings(contentApi.settings, {}),
      /invalid settings: TABLE_NAME is not set; LINK_SECRET_NAME is not set; CONTENT_API_URL is not set; CONTENT_LINK_EXPIRY_SECONDS is not set/,
    );
    // A document link lives at most 7 days (604,800 seconds).
    assert.throws(
      () =>
        loadSettings(contentApi.settings, {
          TABLE_NAME: 'articles',
          LINK_SECRET_NAME: 'key',
          CONTENT_API_URL: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
          CONTENT_LINK_EXPIRY_SECONDS: '604801',
        }),
      /CONTENT_LINK_EXPIRY_SECONDS must be a whole number from 60 to 604800/,
    );
  });
});
