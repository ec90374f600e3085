/**
 * The feed index on DynamoDB (dynalite): entries on version items, read through the sharded `byFeed`
 * GSI across days; what the index holds (no documents); versions that never became current; the
 * feed route over the table; API keys in the table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbApiKeyStore } from '../../shared/adapters/dynamodb-api-keys.js';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { dynamoDbItemSize } from '../../shared/adapters/dynamodb-item-size.js';
import { InMemoryObjectStore, InMemoryQuarantine } from '../../shared/adapters/memory/in-memory.js';
import { rotateApiKey } from '../../shared/feeds/api-keys.js';
import { feedRoute } from '../../shared/feeds/route.js';
import { parsePartnerRegistry } from '../../shared/partners/registry.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { type LocalDynamoDb, startDynalite } from '../helpers/dynalite.js';

let dynamoDb: LocalDynamoDb;
let client: DynamoDBClient;
let tableCount = 0;

before(async () => {
  dynamoDb = await startDynalite();
  client = dynamoDb.client;
});

after(async () => {
  await dynamoDb?.close();
});

/** A fresh table laid out as the stack and the local runtime lay it out. */
async function freshTable(): Promise<string> {
  return dynamoDb.articlesTable(`articles-${++tableCount}`);
}

const START = Date.parse('2026-12-01T22:00:00.000Z');

async function world() {
  const table = await freshTable();
  let clock = START;
  const index = new DynamoDbArticleIndex(client, table, { clock: () => clock });
  const objects = new InMemoryObjectStore();
  const deps = { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(clock) };
  return {
    table,
    index,
    setClock: (ms: number) => {
      clock = ms;
    },
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
    async publish(key: string, subject: string, extra: Record<string, unknown> = {}) {
      const document = {
        headlines: [{ role: 'main', value: `Story ${key}` }],
        language: 'en',
        subjects: [{ uri: `http://cv.iptc.org/newscodes/mediatopic/${subject}` }],
        bodies: [
          { role: 'main', contentType: 'text/plain', value: `The story ${key} in a few words of text.` },
        ],
        ...extra,
      };
      objects.put('ingest', { key, bytes: Buffer.from(JSON.stringify(document)) });
      return ingestObject(deps, { bucket: 'ingest', key });
    },
  };
}

describe('the feed index on DynamoDB', () => {
  test('entries over three days and every shard come back in write order, both ways, within limits', async () => {
    const w = await world();
    // 30 stories, two hours apart: from 2026-12-01 22:00 to 2026-12-04 08:00, three UTC days and more.
    for (let n = 0; n < 30; n++) {
      await w.publish(`wire/s${String(n).padStart(2, '0')}.json`, '15000000');
      w.advance(2 * 3_600_000);
    }
    const uris = Array.from(
      { length: 30 },
      (_, n) => `urn:syndicate:wire/s${String(n).padStart(2, '0')}.json`,
    );
    const range = { after: '2026-12-01T00:00:00.000Z', before: '2026-12-05T00:00:00.000Z' };
    const ascending = await w.index.feedEntries({ ...range, order: 'ascending', limit: 100 });
    assert.deepEqual(
      ascending.map((entry) => entry.head.uri),
      uris,
    );
    const descending = await w.index.feedEntries({ ...range, order: 'descending', limit: 100 });
    assert.deepEqual(
      descending.map((entry) => entry.head.uri),
      [...uris].reverse(),
    );
    const firstSeven = await w.index.feedEntries({ ...range, order: 'ascending', limit: 7 });
    assert.deepEqual(
      firstSeven.map((entry) => entry.head.uri),
      uris.slice(0, 7),
    );
    // Strictly after a cursor: the entry the cursor names is not returned again.
    const afterFifth = await w.index.feedEntries({
      after: ascending[4]?.key as string,
      before: range.before,
      order: 'ascending',
      limit: 2,
    });
    assert.deepEqual(
      afterFifth.map((entry) => entry.head.uri),
      uris.slice(5, 7),
    );
    assert.ok(ascending.every((entry) => entry.eventType === 'article.published'));
  });

  test('the index holds the keys, uri, version, event and head, not the document: one write unit', async () => {
    const w = await world();
    await w.publish('wire/one.json', '04000000');
    const response = await client.send(
      new QueryCommand({
        TableName: w.table,
        IndexName: 'byFeed',
        KeyConditionExpression: 'byFeedPk = :p',
        ExpressionAttributeValues: {
          ':p': { S: `feed#2026-12-01#${shardOf('urn:syndicate:wire/one.json')}` },
        },
      }),
    );
    const item = response.Items?.[0];
    assert.ok(item);
    assert.deepEqual(Object.keys(item).sort(), [
      'byFeedPk',
      'byFeedSk',
      'feedEvent',
      'feedHead',
      'pk',
      'sk',
      'uri',
      'version',
    ]);
    // DynamoDB bills an index write per 1 KB of the index item.
    assert.ok(dynamoDbItemSize(item) <= 1024, `${dynamoDbItemSize(item)} bytes`);
  });

  test('a withheld (embargoed) version is not in the index', async () => {
    const w = await world();
    const outcome = await w.publish('wire/embargo.json', '04000000', {
      embargoedUntil: '2026-12-09T00:00:00Z',
    });
    assert.equal(outcome.status, 'withheld');
    const entries = await w.index.feedEntries({
      after: '2026-12-01T00:00:00.000Z',
      before: '2026-12-02T00:00:00.000Z',
      order: 'ascending',
      limit: 10,
    });
    assert.deepEqual(entries, []);
  });

  test('a version whose head was never written is an entry the feed leaves out', async () => {
    const w = await world();
    await w.publish('wire/kept.json', '15000000');
    w.advance(1000);
    // A writer that stops after the version item: the head write never happens.
    const crashing = new DynamoDbArticleIndex(
      {
        send: async (command: unknown) => {
          if (command instanceof PutItemCommand && command.input.Item?.sk?.S === 'head')
            throw new Error('the function was stopped');
          return client.send(command as PutItemCommand);
        },
      } as unknown as DynamoDBClient,
      w.table,
      { clock: w.now },
    );
    const objects = new InMemoryObjectStore();
    objects.put('ingest', {
      key: 'wire/orphan.json',
      bytes: Buffer.from(
        JSON.stringify({
          headlines: [{ role: 'main', value: 'Never current' }],
          language: 'en',
          bodies: [{ role: 'main', value: 'This version was stored, and its head never was.' }],
        }),
      ),
    });
    await assert.rejects(
      ingestObject(
        { objects, index: crashing, quarantine: new InMemoryQuarantine(), now: () => new Date(w.now()) },
        { bucket: 'ingest', key: 'wire/orphan.json' },
      ),
      /the function was stopped/,
    );
    const entries = await w.index.feedEntries({
      after: '2026-12-01T00:00:00.000Z',
      before: '2026-12-02T00:00:00.000Z',
      order: 'ascending',
      limit: 10,
    });
    assert.deepEqual(
      entries.map((entry) => entry.head.uri),
      ['urn:syndicate:wire/kept.json', 'urn:syndicate:wire/orphan.json'],
    );
    assert.ok(await w.index.feedVersion(entries[0] as (typeof entries)[0]));
    assert.equal(await w.index.feedVersion(entries[1] as (typeof entries)[0]), undefined);

    const keys = new DynamoDbApiKeyStore(client, w.table);
    const { key } = await rotateApiKey(keys, 'all-news-wire', { now: w.now });
    const route = feedRoute({
      index: w.index,
      keys,
      partners: parsePartnerRegistry({
        partners: [{ name: 'all-news-wire', delivery: { type: 'sqs' }, filters: {} }],
      }),
      now: () => w.now() + 120_000,
      settleMs: 60_000,
    });
    const response = await route({
      method: 'GET',
      path: '/feeds/all-news-wire.json',
      query: {},
      headers: { 'x-api-key': key },
      baseUrl: 'http://127.0.0.1:8080',
    });
    assert.equal(response.status, 200);
    const feed = JSON.parse(String(response.body)) as { items: { id: string }[] };
    assert.deepEqual(
      feed.items.map((item) => item.id),
      ['urn:syndicate:wire/kept.json'],
    );
  });

  test('saving a version after reading the head reads nothing more', async () => {
    const w = await world();
    await w.publish('wire/twice.json', '15000000');
    let gets = 0;
    const counting = new DynamoDbArticleIndex(
      {
        send: async (command: unknown) => {
          if (command instanceof GetItemCommand) gets++;
          return client.send(command as GetItemCommand);
        },
      } as unknown as DynamoDBClient,
      w.table,
      { clock: w.now },
    );
    const head = await counting.current('urn:syndicate:wire/twice.json');
    const stored = await counting.version('urn:syndicate:wire/twice.json', 1);
    assert.ok(head && stored);
    gets = 0;
    await counting.saveVersion(
      { ...head, version: 2, contentHash: 'f'.repeat(64) },
      { ...stored, version: 2, contentHash: 'f'.repeat(64) },
      1,
    );
    assert.equal(gets, 0);
    const entries = await w.index.feedEntries({
      after: '2026-12-01T00:00:00.000Z',
      before: '2026-12-02T00:00:00.000Z',
      order: 'ascending',
      limit: 10,
    });
    assert.deepEqual(
      entries.map((entry) => [entry.head.version, entry.eventType]),
      [
        [1, 'article.published'],
        [2, 'article.updated'],
      ],
    );
  });

  test('API keys: only the digest is in the table; the key reads its feed', async () => {
    const w = await world();
    const keys = new DynamoDbApiKeyStore(client, w.table);
    const { key } = await rotateApiKey(keys, 'sports-desk', { now: w.now });
    const stored = await keys.keysOf('sports-desk');
    assert.match(stored.current ?? '', /^[0-9a-f]{64}$/);
    const item = await client.send(
      new GetItemCommand({
        TableName: w.table,
        Key: { pk: { S: `apikey#${stored.current}` }, sk: { S: 'apikey' } },
      }),
    );
    assert.equal(item.Item?.partner?.S, 'sports-desk');
    assert.ok(!JSON.stringify(item.Item).includes(key.slice(4)));
  });
});

/** The shard of a uri, computed here as the layout describes it: Java-style string hash mod 8. */
function shardOf(uri: string): number {
  let hash = 0;
  for (const char of uri) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return hash % 8;
}
