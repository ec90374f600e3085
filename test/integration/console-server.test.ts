/**
 * The console's HTTP server over a LocalPipeline, without a browser: what it refuses (a rebound
 * Host, a foreign Origin, a POST without the start's token, an action not confirmed as prepared),
 * and what its API answers about a dropped, edited and rejected file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { localManifestQueues } from '../../local/console/api.js';
import { type RunningConsole, startConsole } from '../../local/console/server.js';
import { LocalPipeline } from '../../local/pipeline.js';
import { buildConsole } from '../../scripts/build-console.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { WIRE_ARTICLE } from '../helpers/paths.js';

const partners = parsePartnerRegistry({
  partners: [{ name: 'everything', delivery: { type: 'sqs' }, filters: {} }],
});
const KEY = 'wire/summit.txt';
const URI = 'urn:syndicate:wire/summit.txt';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, since fetch may not set Host: a rebinding page's request carries its own name there. */
function call(
  url: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      target,
      { method: options.method ?? 'GET', headers: { host: target.host, ...options.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    if (options.body !== undefined) outgoing.end(JSON.stringify(options.body));
    else outgoing.end();
  });
}

describe('console server', () => {
  let pipeline: LocalPipeline;
  let consoleServer: RunningConsole;
  let startedAt: Date;
  const json = (answer: Answer) => JSON.parse(answer.body);
  const post = (path: string, body: unknown, token = consoleServer.token) =>
    call(consoleServer.url, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-console-token': token },
      body,
    });

  before(async () => {
    await buildConsole();
    startedAt = new Date();
    pipeline = await LocalPipeline.start(partners);
    consoleServer = await startConsole({ pipeline });
    const text = readFileSync(WIRE_ARTICLE, 'utf8');
    await pipeline.upload(KEY, text);
    await pipeline.upload('wire/blank.txt', '   ');
    await pipeline.waitForIdle();
    await pipeline.upload(KEY, text.replace('on Syria', 'on Syria and Iraq'));
    await pipeline.waitForIdle();
  });

  after(async () => {
    await consoleServer?.close();
    await pipeline?.stop();
  });

  test('listens on 127.0.0.1 and serves the page with its token', async () => {
    assert.match(consoleServer.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await call(consoleServer.url, '/');
    assert.equal(page.status, 200);
    assert.ok(page.body.includes(`<meta name="console-token" content="${consoleServer.token}" />`));
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  });

  test('refuses a request for another host name (DNS rebinding) and a foreign Origin', async () => {
    const port = new URL(consoleServer.url).port;
    const rebound = await call(consoleServer.url, '/api/articles', {
      headers: { host: `attacker.example:${port}` },
    });
    assert.equal(rebound.status, 403);
    const foreign = await call(consoleServer.url, '/api/articles', {
      headers: { origin: 'http://attacker.example' },
    });
    assert.equal(foreign.status, 403);
  });

  test('refuses a POST without the token, and an action it did not prepare', async () => {
    const dlq = pipeline.resources.ingestDeadLetterQueue.name;
    assert.equal(
      (await post('/api/actions/prepare', { action: 'redrive', queue: dlq }, 'wrong')).status,
      403,
    );
    const prepared = json(await post('/api/actions/prepare', { action: 'redrive', queue: dlq }));
    assert.equal(
      prepared.summary,
      `Redrive ${dlq} (0 waiting, 0 in flight): move its messages back to syndicate-ingest.`,
    );
    const other = { action: 'redrive', queue: pipeline.resources.streamDeadLetterQueue.name };
    const mismatched = await post('/api/actions/run', { action: other, confirmation: prepared.confirmation });
    assert.equal(mismatched.status, 403);
    const run = await post('/api/actions/run', {
      action: prepared.action,
      confirmation: prepared.confirmation,
    });
    assert.equal(run.status, 200);
    assert.deepEqual({ moved: json(run).moved, failed: json(run).failed }, { moved: 0, failed: 0 });
  });

  test('lists the article with its two versions, the diff and the deliveries', async () => {
    const list = json(await call(consoleServer.url, '/api/articles?source=wire&status=usable'));
    assert.equal(list.total, 1);
    assert.equal(list.items[0].uri, URI);
    assert.equal(list.items[0].version, 2);
    const article = json(await call(consoleServer.url, `/api/article?uri=${encodeURIComponent(URI)}`));
    assert.deepEqual(
      article.versions.map((version: { version: number }) => version.version),
      [1, 2],
    );
    assert.deepEqual(
      article.deliveries.map((delivery: { partner: string; version: number; eventType: string }) => [
        delivery.partner,
        delivery.version,
        delivery.eventType,
      ]),
      [
        ['everything', 1, 'article.published'],
        ['everything', 2, 'article.updated'],
      ],
    );
    for (const delivery of article.deliveries) assert.ok(delivery.latencyMs >= 0);
    // Each delivery is timed from its own version's upload: v1's came before v1 was created, v2's
    // after v1 and before v2.
    const [first, second] = article.deliveries as { uploadedAt: string }[];
    const [v1, v2] = article.versions as { versionCreated: string }[];
    assert.ok(first && second && v1 && v2);
    assert.ok(Date.parse(first.uploadedAt) <= Date.parse(v1.versionCreated));
    assert.ok(Date.parse(v1.versionCreated) < Date.parse(second.uploadedAt));
    assert.ok(Date.parse(second.uploadedAt) <= Date.parse(v2.versionCreated));
    const diff = json(await call(consoleServer.url, `/api/diff?uri=${encodeURIComponent(URI)}&from=1&to=2`));
    const headline = diff.changes.find((change: { path: string }) => change.path === 'headlines[0].value');
    assert.equal(headline.after, 'Trump, Putin signal new effort to cooperate on Syria and Iraq');
    assert.equal(
      (await call(consoleServer.url, `/api/diff?uri=${encodeURIComponent(URI)}&from=1&to=3`)).status,
      400,
    );
  });

  test('answers a bad search with a sentence, an unknown article with 404', async () => {
    const bad = await call(consoleServer.url, '/api/articles?status=published');
    assert.equal(bad.status, 400);
    assert.match(json(bad).detail, /status must be one of usable, withheld, canceled/);
    assert.equal(
      (await call(consoleServer.url, `/api/article?uri=${encodeURIComponent('urn:syndicate:none')}`)).status,
      404,
    );
  });

  test('serves a rejection and its quarantined original, and no other object of that bucket', async () => {
    const rejections = json(await call(consoleServer.url, '/api/rejections'));
    assert.equal(rejections[0].objectKey, 'wire/blank.txt');
    assert.equal(rejections[0].code, 'EMPTY');
    const original = await call(consoleServer.url, rejections[0].original);
    assert.equal(original.body, '   ');
    assert.equal(original.headers['content-type'], 'application/octet-stream');
    const other = await call(consoleServer.url, '/api/rejections/original?key=wire%2Fsummit.txt');
    assert.equal(other.status, 404);
  });

  test('health says alarms are AWS-only and lists every dead-letter queue', async () => {
    const health = json(await call(consoleServer.url, '/api/health'));
    assert.equal(health.alarms.state, 'n/a locally');
    assert.deepEqual(
      health.queues
        .filter((queue: { role: string }) => queue.role === 'dead-letter')
        .map((queue: { name: string }) => queue.name),
      [
        pipeline.resources.ingestDeadLetterQueue.name,
        pipeline.resources.streamDeadLetterQueue.name,
        pipeline.resources.partnerQueues[0]?.deadLetterQueue.name,
      ],
    );
  });
  test("redrives the stream's failure records by republishing the articles they cover", async () => {
    const streamDlq = pipeline.resources.streamDeadLetterQueue;
    const arrival = startedAt.toISOString().replace(/\.\d+Z$/, 'Z');
    // Lambda's on-failure record for a DynamoDB stream batch, as AWS documents it.
    await pipeline.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: streamDlq.url,
        MessageBody: JSON.stringify({
          requestContext: {
            requestId: '316aa6d0-8154-xmpl-9af7-85d5f4a6bc81',
            functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:syndicate-publish',
            condition: 'RetryAttemptsExhausted',
            approximateInvokeCount: 1,
          },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          version: '1.0',
          timestamp: new Date().toISOString(),
          DDBStreamBatchInfo: {
            shardId: 'shardId-00000001573689847184-864758bb',
            startSequenceNumber: '800000000003126276362',
            endSequenceNumber: '800000000003126276362',
            approximateArrivalOfFirstRecord: arrival,
            approximateArrivalOfLastRecord: arrival,
            batchSize: 1,
            streamArn:
              'arn:aws:dynamodb:us-east-1:000000000000:table/syndicate-articles/stream/2026-12-07T00:00:00.000',
          },
        }),
      }),
    );
    const before = pipeline.deliveries.length;
    const action = { action: 'redrive', queue: streamDlq.name };
    const prepared = json(await post('/api/actions/prepare', action));
    assert.equal(
      prepared.summary,
      `Redrive ${streamDlq.name} (1 waiting, 0 in flight): republish the articles its failure records cover from the index.`,
    );
    const run = json(await post('/api/actions/run', { action, confirmation: prepared.confirmation }));
    assert.equal(run.summary, `${streamDlq.name}: 1 failure records, 1 articles republished`);
    await pipeline.waitForIdle();
    const republished = pipeline.deliveries
      .slice(before)
      .map((delivery) => [
        delivery.partner,
        delivery.envelope.uri,
        delivery.envelope.version,
        delivery.envelope.eventType,
      ]);
    assert.deepEqual(republished, [['everything', URI, 2, 'article.updated']]);
    const { Attributes } = await pipeline.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: streamDlq.url,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    assert.equal(Attributes?.ApproximateNumberOfMessages, '0');
  });
  test('finds queues by their role in a manifest, and refuses to redrive one with no way back', async () => {
    const deliveryDlq = 'http://127.0.0.1:1/000000000000/partner-everything-delivery-dlq';
    const withManifest = await startConsole({
      pipeline,
      manifest: {
        queues: [
          ...localManifestQueues(pipeline.resources),
          { role: 'delivery-dead-letter', url: deliveryDlq, partner: 'everything' },
        ],
      },
    });
    try {
      const answer = await call(withManifest.url, '/api/actions/prepare', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-console-token': withManifest.token },
        body: { action: 'redrive', queue: 'partner-everything-delivery-dlq' },
      });
      assert.equal(answer.status, 409);
      assert.match(json(answer).detail, /has no source queue to redrive into/);
    } finally {
      await withManifest.close();
    }
  });
});
