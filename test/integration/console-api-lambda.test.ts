/**
 * The console API function as deployed (functions/aws/console-api.ts: its settings, its AWS SDK
 * adapters) against the local emulators: the articles table on dynalite (the list from the byFeed
 * index), queues and topics on fauxqs, the quarantine on s3rver. Driven with HTTP API 2.0 events as
 * API Gateway sends them. CloudWatch has no emulator here: its client is a stub answering
 * DescribeAlarms in the shape the CloudWatch API reference documents.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { awsDependencies } from '../../functions/aws/console-api.js';
import { localManifestQueues } from '../../local/console/api.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { consoleApi } from '../../shared/pipeline/description.js';
import { loadSettings } from '../../shared/pipeline/settings.js';
import { WIRE_ARTICLE } from '../helpers/paths.js';

const partners = parsePartnerRegistry({
  partners: [
    { name: 'everything', delivery: { type: 'sqs' }, filters: {} },
    { name: 'sports-desk', delivery: { type: 'sqs' }, filters: { subjects: ['medtop:15000000'] } },
  ],
});
const KEY = 'wire/summit.txt';
const URI = 'urn:syndicate:wire/summit.txt';

function event(
  method: 'GET' | 'POST',
  path: string,
  query?: Record<string, string>,
  body?: unknown,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(query ?? {}).toString(),
    headers: {
      authorization: 'Bearer eyJraWQiOiJFWEFNUExFIiwiYWxnIjoiUlMyNTYifQ.e30.c2lnbmF0dXJl',
      host: 'r4nd0m1d.execute-api.eu-west-1.amazonaws.com',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'r4nd0m1d',
      authentication: null as never,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: { sub: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', token_use: 'access' },
          scopes: ['openid'],
        },
      },
      domainName: 'r4nd0m1d.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'r4nd0m1d',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'Mozilla/5.0' },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '07/Dec/2026:23:50:00 +0000',
      timeEpoch: 1796687400000,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    isBase64Encoded: false,
  };
}

describe('console API function on the local emulators', () => {
  let pipeline: LocalPipeline;
  let handle: ReturnType<typeof awsDependencies>;
  const describeAlarmsInputs: unknown[] = [];

  const call = async (
    method: 'GET' | 'POST',
    path: string,
    query?: Record<string, string>,
    body?: unknown,
  ) => {
    const result = await handle(event(method, path, query, body));
    return {
      status: result.statusCode,
      json: result.isBase64Encoded
        ? undefined
        : (JSON.parse(result.body ?? 'null') as Record<string, unknown>),
      result,
    };
  };

  before(async () => {
    pipeline = await LocalPipeline.start(partners);
    const { resources, clients } = pipeline;
    const ingestUrl = resources.ingestQueue.url;
    const queueUrlPrefix = ingestUrl.slice(0, ingestUrl.lastIndexOf('/') + 1);
    // The stack names partner queues syn-<stage>-<partner>; the local runtime does not: make them here.
    for (const name of [
      'syn-test-everything',
      'syn-test-everything-dlq',
      'syn-test-everything-delivery-dlq',
      'syn-test-sports-desk',
      'syn-test-sports-desk-dlq',
      'syn-test-sports-desk-delivery-dlq',
    ])
      await clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: `${queueUrlPrefix}syn-test-everything-dlq`,
        MessageBody: 'undelivered',
      }),
    );
    const settings = loadSettings(consoleApi.settings, {
      TABLE_NAME: resources.table,
      CONTENT_BUCKET: resources.contentBucket,
      QUARANTINE_BUCKET: resources.quarantineBucket,
      TOPIC_ROUTES: JSON.stringify(resources.topicRoutes),
      PIPELINE_QUEUES: JSON.stringify(
        localManifestQueues(resources).filter((queue) => !queue.role.startsWith('partner')),
      ),
      QUEUE_URL_PREFIX: queueUrlPrefix,
      ALARM_NAME_PREFIX: 'ConsoleTest-',
      STACK_NAME: 'ConsoleTest',
      CONFIRMATION_KEY: '8f0c1e2a-1234-11ef-9a3b-0a1b2c3d4e5f',
      CONTENT_LINK_EXPIRY_SECONDS: '21600',
      DELIVERY_LOG_SAMPLE_RATE: '10',
    });
    const cloudWatch = {
      send: async (command: { input: unknown }) => {
        describeAlarmsInputs.push(command.input);
        return {
          MetricAlarms: [
            {
              AlarmName: 'ConsoleTest-IngestDlqNotEmpty',
              StateValue: 'ALARM',
              StateReason:
                'Threshold Crossed: 1 datapoint [3.0 (07/12/26 23:40:00)] was greater than or equal to the threshold (1.0).',
              StateUpdatedTimestamp: new Date('2026-12-07T23:41:00Z'),
            },
            {
              AlarmName: 'ConsoleTest-PublishErrors',
              StateValue: 'OK',
              StateReason: 'Threshold Crossed: no datapoints were received for 1 period',
              StateUpdatedTimestamp: new Date('2026-12-07T20:00:00Z'),
            },
          ],
          CompositeAlarms: [],
        };
      },
    } as unknown as CloudWatchClient;
    handle = awsDependencies(settings, { stage: 'test', partners }, { clients: { ...clients, cloudWatch } });
    const text = readFileSync(WIRE_ARTICLE, 'utf8');
    await pipeline.upload(KEY, text);
    await pipeline.upload('wire/blank.txt', '   ');
    await pipeline.waitForIdle();
    await pipeline.upload(KEY, text.replace('on Syria', 'on Syria and Iraq'));
    await pipeline.waitForIdle();
  });

  after(async () => {
    await pipeline?.stop();
  });

  test('the list comes from the feed index: the article once, at its newest version, with the basis', async () => {
    const { status, json } = await call('GET', '/api/articles');
    assert.equal(status, 200);
    const items = json?.items as { uri: string; version: number; deliveries: number }[];
    assert.deepEqual(
      items.map((item) => [item.uri, item.version, item.deliveries]),
      [[URI, 2, 1]],
    );
    assert.match(String(json?.basis), /newest 300 changes sent to partners in the last 7 days/);
  });

  test('an article: both versions, and the partners its filter routes it to, not confirmed', async () => {
    const { json } = await call('GET', '/api/article', { uri: URI });
    assert.deepEqual(
      ((json?.versions ?? []) as { version: number }[]).map((version) => version.version),
      [1, 2],
    );
    assert.deepEqual(json?.deliveries, [
      {
        partner: 'everything',
        uri: URI,
        version: 2,
        eventType: 'article.updated',
        payload: 'full',
        receivedAt: null,
        uploadedAt: null,
        latencyMs: null,
        confirmed: false,
      },
    ]);
    assert.match(String(json?.deliveriesBasis), /^routed, not confirmed/);
  });

  test('health: queue depths from SQS, the stack’s alarms from DescribeAlarms by prefix', async () => {
    const { json } = await call('GET', '/api/health');
    assert.equal(json?.target, 'stack ConsoleTest');
    const queues = json?.queues as { name: string; role: string; waiting: number; redrivable?: boolean }[];
    assert.deepEqual(
      queues.find((queue) => queue.name === 'syn-test-everything-dlq'),
      { name: 'syn-test-everything-dlq', role: 'dead-letter', redrivable: true, waiting: 1, inFlight: 0 },
    );
    assert.equal(
      queues.find((queue) => queue.name === 'syn-test-everything-delivery-dlq')?.redrivable,
      false,
    );
    const alarms = json?.alarms as {
      state: string;
      detail: string;
      alarms: { name: string; state: string }[];
    };
    assert.equal(alarms.state, '1 in ALARM');
    assert.equal(alarms.detail, 'ConsoleTest-IngestDlqNotEmpty');
    assert.deepEqual(
      alarms.alarms.map((alarm) => [alarm.name, alarm.state]),
      [
        ['ConsoleTest-IngestDlqNotEmpty', 'ALARM'],
        ['ConsoleTest-PublishErrors', 'OK'],
      ],
    );
    assert.deepEqual(describeAlarmsInputs.at(-1), {
      AlarmNamePrefix: 'ConsoleTest-',
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
    });
    assert.equal(json?.deliveries, null);
  });

  test('partners: queues by their stack names, no delivery figures without a reader, said so', async () => {
    const { json } = await call('GET', '/api/partners');
    const everything = (
      json as unknown as {
        name: string;
        queue: unknown;
        deadLetterQueue: unknown;
        deliveries: unknown;
        basis: string;
      }[]
    )[0];
    assert.deepEqual(everything?.queue, { name: 'syn-test-everything', waiting: 0, inFlight: 0 });
    assert.deepEqual(everything?.deadLetterQueue, {
      name: 'syn-test-everything-dlq',
      waiting: 1,
      inFlight: 0,
    });
    assert.equal(everything?.deliveries, null);
    assert.match(everything?.basis ?? '', /no delivery metrics reader/);
  });

  test('a rejection and its quarantined original, byte for byte, from S3', async () => {
    const { json } = await call('GET', '/api/rejections');
    const [rejection] = json as unknown as { code: string; quarantineKey: string; original: string }[];
    assert.equal(rejection?.code, 'EMPTY');
    const original = await call('GET', '/api/rejections/original', { key: rejection?.quarantineKey ?? '' });
    assert.equal(original.status, 200);
    assert.equal(Buffer.from(original.result.body ?? '', 'base64').toString('utf8'), '   ');
  });

  test('redrive of a partner DLQ moves its message back to the partner queue (SQS)', async () => {
    const prepared = await call('POST', '/api/actions/prepare', undefined, {
      action: 'redrive',
      queue: 'syn-test-everything-dlq',
    });
    assert.equal(prepared.status, 200);
    const run = await call('POST', '/api/actions/run', undefined, {
      action: prepared.json?.action,
      confirmation: prepared.json?.confirmation,
    });
    assert.equal(run.status, 200);
    assert.equal(run.json?.summary, 'syn-test-everything-dlq: 1 moved back');
    const ingestUrl = pipeline.resources.ingestQueue.url;
    const { Attributes } = await pipeline.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: `${ingestUrl.slice(0, ingestUrl.lastIndexOf('/') + 1)}syn-test-everything`,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    assert.equal(Attributes?.ApproximateNumberOfMessages, '1');
  });

  test('replay to every partner goes through SNS: the partner whose filter takes it receives it', async () => {
    const before = pipeline.deliveries.length;
    const prepared = await call('POST', '/api/actions/prepare', undefined, { action: 'replay', uri: URI });
    const run = await call('POST', '/api/actions/run', undefined, {
      action: prepared.json?.action,
      confirmation: prepared.json?.confirmation,
    });
    assert.equal(run.json?.summary, `replayed ${URI} (1 message)`);
    await pipeline.waitForIdle();
    const replayed = pipeline.deliveries
      .slice(before)
      .filter((delivery) => delivery.envelope.eventType === 'article.replayed');
    assert.deepEqual(
      replayed.map((delivery) => [delivery.partner, delivery.envelope.uri, delivery.envelope.version]),
      [['everything', URI, 2]],
    );
  });
});
