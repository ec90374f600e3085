/**
 * The console API's Lambda handler on API Gateway HTTP API events, payload format 2.0 with a JWT
 * authoriser, written out as AWS documents them ("Working with AWS Lambda proxy integrations for HTTP
 * APIs"; claims as the JWT authoriser passes them), over the console service on fakes of its ports.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { createConsoleApiHandler } from '../../../functions/handlers/console-api.js';
import {
  InMemoryArticleIndex,
  InMemoryNotifier,
  InMemoryObjectStore,
  InMemoryQuarantine,
  InMemoryScheduler,
} from '../../../shared/adapters/memory/in-memory.js';
import { ConsoleService } from '../../../shared/console/api.js';
import { parsePartnerRegistry } from '../../../shared/partners/registry.js';
import type { Letter } from '../../../shared/ports/message-queues.js';
import { ingestObject } from '../../../shared/usecases/ingest-object.js';
import { WIRE_ARTICLE } from '../../helpers/paths.js';

const URI = 'urn:syndicate:wire/story.txt';
const Q = 'https://sqs.eu-west-1.amazonaws.com/123456789012/';
const OPERATOR = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const OTHER_OPERATOR = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222';

interface Request {
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: string;
  readonly base64?: boolean;
  readonly contentType?: string;
  readonly subject?: string | null;
}

/** An HTTP API request as API Gateway sends it to the function (payload format 2.0, JWT authoriser). */
function event(request: Request): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = request.method ?? 'GET';
  const rawQueryString = new URLSearchParams(request.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${request.path}`,
    rawPath: request.path,
    rawQueryString,
    cookies: [],
    headers: {
      accept: 'application/json',
      authorization: 'Bearer eyJraWQiOiJFWEFNUExFIiwiYWxnIjoiUlMyNTYifQ.e30.c2lnbmF0dXJl',
      'content-length': String(request.body?.length ?? 0),
      host: 'r4nd0m1d.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'Mozilla/5.0',
      'x-forwarded-for': '192.0.2.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(request.contentType !== undefined ? { 'content-type': request.contentType } : {}),
    },
    ...(request.query ? { queryStringParameters: request.query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'r4nd0m1d',
      authentication: null as never,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims:
            request.subject === null
              ? {}
              : {
                  sub: request.subject ?? OPERATOR,
                  iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE',
                  client_id: '1example23456789',
                  token_use: 'access',
                  scope: 'openid',
                  'cognito:groups': '[operators]',
                  username: 'operator-1',
                  exp: '1796691000',
                  iat: '1796687400',
                },
          scopes: ['openid'],
        },
      },
      domainName: 'r4nd0m1d.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'r4nd0m1d',
      http: {
        method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.10',
        userAgent: 'Mozilla/5.0',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: `${method} ${request.path}`,
      stage: '$default',
      time: '07/Dec/2026:23:50:00 +0000',
      timeEpoch: 1796687400000,
    },
    ...(request.body !== undefined ? { body: request.body } : {}),
    isBase64Encoded: request.base64 ?? false,
  };
}

async function handler() {
  const objects = new InMemoryObjectStore();
  const index = new InMemoryArticleIndex();
  const quarantine = new InMemoryQuarantine();
  const now = () => new Date('2026-12-07T23:50:00Z');
  objects.put('ingest', { key: 'wire/story.txt', bytes: readFileSync(WIRE_ARTICLE) });
  await ingestObject(
    { objects, index, quarantine, now },
    { bucket: 'ingest', key: 'wire/story.txt', sequencer: '01' },
  );
  objects.put('ingest', { key: 'wire/<evil>.html', bytes: Buffer.from('\u0000\u0001\u00ff') });
  await ingestObject(
    { objects, index, quarantine, now },
    { bucket: 'ingest', key: 'wire/<evil>.html', sequencer: '01' },
  );
  const dead: Letter[] = [{ id: 'm1', body: '{"Records":[]}', attributes: {}, receipt: 'r1' }];
  const moved: string[] = [];
  const errors: unknown[] = [];
  const audit: string[] = [];
  const service = new ConsoleService({
    index,
    articleHeads: { heads: async () => ({ items: [...index.heads.values()] }) },
    queues: [
      { role: 'ingest', url: `${Q}ingest`, deadLetterQueueUrl: `${Q}ingest-dlq` },
      { role: 'ingest-dead-letter', url: `${Q}ingest-dlq` },
    ],
    depths: { depth: async (url) => ({ waiting: url.endsWith('dlq') ? dead.length : 0, inFlight: 0 }) },
    partners: parsePartnerRegistry({
      partners: [{ name: 'everything', delivery: { type: 'sqs' }, filters: {} }],
    }).map((partner) => ({ partner })),
    deliveryMetrics: { perPartner: async () => [] },
    quarantine: {
      original: async (key) =>
        key === (await index.rejections(1))[0]?.quarantineKey ? Buffer.from([0, 1, 255]) : undefined,
    },
    alarms: {
      summary: async () => {
        throw new Error('ThrottlingException: Rate exceeded');
      },
    },
    target: 'stack Test',
    now,
    actions: {
      messageQueues: {
        receive: async () => dead.splice(0),
        send: async (_queue, letters) => {
          moved.push(...letters.map((letter) => letter.body));
          return { failedIds: [] };
        },
        delete: async () => {},
      },
      notifier: new InMemoryNotifier(),
      partnerNotifier: () => undefined,
      scheduler: new InMemoryScheduler(),
    },
  });
  const handle = createConsoleApiHandler(service, {
    confirmationKey: 'stack-uuid-1234',
    onError: (error) => errors.push(error),
    onAction: (action, caller) => audit.push(`${caller} ${action.action}`),
  });
  const call = async (request: Request) => {
    const result = await handle(event(request));
    const text = result.isBase64Encoded ? '' : (result.body ?? '');
    return { ...result, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  return { call, moved, errors, audit, quarantineKey: (await index.rejections(1))[0]?.quarantineKey };
}

const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });

describe('console API handler: reading', () => {
  test('GET /api/article answers JSON, not cached, not sniffed', async () => {
    const { call } = await handler();
    const answer = await call({ path: '/api/article', query: { uri: URI } });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers?.['content-type'], 'application/json; charset=utf-8');
    assert.equal(answer.headers?.['cache-control'], 'no-store');
    assert.equal(answer.headers?.['x-content-type-options'], 'nosniff');
    assert.equal((answer.json?.head as { uri?: string } | undefined)?.uri, URI);
  });

  test('an unknown route is 404; a known path with another method is 405 with Allow', async () => {
    const { call } = await handler();
    const missing = await call({ path: '/api/nothing' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.headers?.['content-type'], 'application/problem+json');
    assert.deepEqual(missing.json, { status: 404, detail: 'no route GET /api/nothing' });
    const wrongMethod = await call({ method: 'POST', path: '/api/health', ...json({}) });
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.headers?.allow, 'GET');
    const getAction = await call({ path: '/api/actions/run' });
    assert.equal(getAction.statusCode, 405);
    assert.equal(getAction.headers?.allow, 'POST');
  });

  test('bad input is 400 with the reason', async () => {
    const { call } = await handler();
    const cases: [Request, string][] = [
      [{ path: '/api/article' }, 'missing parameter uri'],
      [{ path: '/api/rejections', query: { limit: 'ten' } }, "limit must be a whole number, not 'ten'"],
      [{ path: '/api/diff', query: { uri: URI, from: '1' } }, 'missing parameter to'],
      [
        { path: '/api/diff', query: { uri: URI, from: '1', to: '3' } },
        `version must be 1 to 1 for ${URI}, not '3'`,
      ],
      [
        { path: '/api/articles', query: { status: 'gone' } },
        "status must be one of usable, withheld, canceled, not 'gone'",
      ],
      [{ path: '/api/partners', query: { bucket: '0' } }, "bucket must be 1 to 86400 seconds, not '0'"],
    ];
    for (const [request, detail] of cases) {
      const answer = await call(request);
      assert.equal(answer.statusCode, 400, detail);
      assert.deepEqual(answer.json, { status: 400, detail });
    }
    const misspelt = await call({ path: '/api/articles', query: { sorce: 'wire' } });
    assert.equal(misspelt.statusCode, 400);
    assert.match(String(misspelt.json?.detail), /unknown search parameter sorce/);
  });

  test('a quarantined original is a base64 download, sandboxed, with a safe file name', async () => {
    const { call, quarantineKey } = await handler();
    assert.ok(quarantineKey);
    const answer = await call({ path: '/api/rejections/original', query: { key: quarantineKey } });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.isBase64Encoded, true);
    assert.equal(answer.body, 'AAH/');
    assert.equal(answer.headers?.['content-type'], 'application/octet-stream');
    assert.equal(answer.headers?.['content-security-policy'], 'sandbox');
    assert.match(String(answer.headers?.['content-disposition']), /^attachment; filename="[A-Za-z0-9._-]+"$/);
    const other = await call({ path: '/api/rejections/original', query: { key: 'wire/story.txt' } });
    assert.equal(other.statusCode, 404);
  });

  test('a failure of a dependency is 500 naming the request id, the error logged, not shown', async () => {
    const { call, errors } = await handler();
    const answer = await call({ path: '/api/health' });
    assert.equal(answer.statusCode, 500);
    assert.deepEqual(answer.json, {
      status: 500,
      detail: "the console failed (request JKJaXmPLvHcESHA=): see the function's log",
    });
    assert.match(String(errors[0]), /ThrottlingException/);
  });

  test('a request without a verified subject is refused (401), whatever the route', async () => {
    const { call } = await handler();
    for (const path of ['/api/articles', '/api/nothing']) {
      const answer = await call({ path, subject: null });
      assert.equal(answer.statusCode, 401, path);
    }
  });
});

describe('console API handler: actions', () => {
  const redrive = { action: 'redrive', queue: 'ingest-dlq' };

  test('prepare describes the action; run with its confirmation moves the messages and is audited', async () => {
    const { call, moved, audit } = await handler();
    const prepared = await call({ method: 'POST', path: '/api/actions/prepare', ...json(redrive) });
    assert.equal(prepared.statusCode, 200);
    assert.equal(
      prepared.json?.summary,
      'Redrive ingest-dlq (1 waiting, 0 in flight): move its messages back to ingest.',
    );
    assert.equal(typeof prepared.json?.confirmation, 'string');
    const run = await call({
      method: 'POST',
      path: '/api/actions/run',
      ...json({ action: prepared.json?.action, confirmation: prepared.json?.confirmation }),
    });
    assert.equal(run.statusCode, 200);
    assert.equal(run.json?.summary, 'ingest-dlq: 1 moved back');
    assert.deepEqual(moved, ['{"Records":[]}']);
    assert.deepEqual(audit, [`${OPERATOR} redrive`]);
  });

  test('a base64-encoded body is read as API Gateway sends it', async () => {
    const { call } = await handler();
    const prepared = await call({
      method: 'POST',
      path: '/api/actions/prepare',
      body: Buffer.from(JSON.stringify(redrive)).toString('base64'),
      base64: true,
      contentType: 'application/json; charset=utf-8',
    });
    assert.equal(prepared.statusCode, 200);
  });

  test('run without a confirmation, with another action’s, or as another operator is 403', async () => {
    const { call, moved } = await handler();
    const prepared = await call({ method: 'POST', path: '/api/actions/prepare', ...json(redrive) });
    const confirmation = prepared.json?.confirmation;
    const attempts: Request[] = [
      { method: 'POST', path: '/api/actions/run', ...json({ action: redrive }) },
      {
        method: 'POST',
        path: '/api/actions/run',
        ...json({ action: { action: 'replay', uri: URI }, confirmation }),
      },
      {
        method: 'POST',
        path: '/api/actions/run',
        ...json({ action: redrive, confirmation }),
        subject: OTHER_OPERATOR,
      },
    ];
    for (const attempt of attempts) {
      const answer = await call(attempt);
      assert.equal(answer.statusCode, 403, attempt.body);
      assert.equal(
        answer.json?.detail,
        'this action was not confirmed: prepare it, then confirm exactly that action',
      );
    }
    assert.deepEqual(moved, []);
  });

  test('a body that is not JSON is 400, not declared JSON 415, over 16,384 bytes 413', async () => {
    const { call } = await handler();
    const notJson = await call({
      method: 'POST',
      path: '/api/actions/prepare',
      body: '{action',
      contentType: 'application/json',
    });
    assert.deepEqual(notJson.json, { status: 400, detail: 'the request body is not JSON' });
    const form = await call({
      method: 'POST',
      path: '/api/actions/prepare',
      body: 'action=redrive',
      contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(form.statusCode, 415);
    const large = await call({
      method: 'POST',
      path: '/api/actions/prepare',
      ...json({ action: 'redrive', queue: 'x'.repeat(16_384) }),
    });
    assert.equal(large.statusCode, 413);
    const unknown = await call({
      method: 'POST',
      path: '/api/actions/prepare',
      ...json({ action: 'purge' }),
    });
    assert.equal(unknown.statusCode, 400);
  });
});
