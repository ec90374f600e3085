/**
 * Object state on DynamoDB (dynalite): a key whose first version made its minted article keeps its
 * state on the head (no state item, a write unit less), and ordering by S3 sequencer, withdrawals,
 * re-uploads and ids given in content behave as they do with a state item.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AttributeValue, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbArticleIndex } from '../../shared/adapters/dynamodb-article-index.js';
import { InMemoryObjectStore, InMemoryQuarantine } from '../../shared/adapters/memory/in-memory.js';
import { ingestObject } from '../../shared/usecases/ingest-object.js';
import { withdrawObject } from '../../shared/usecases/withdraw-object.js';
import { type LocalDynamoDb, startDynalite } from '../helpers/dynalite.js';

let dynamoDb: LocalDynamoDb;
let tableCount = 0;

before(async () => {
  dynamoDb = await startDynalite();
});

after(async () => {
  await dynamoDb?.close();
});

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

function story(headline: string, extra: Record<string, unknown> = {}): Uint8Array {
  return Buffer.from(
    JSON.stringify({
      headlines: [{ role: 'main', value: headline }],
      language: 'en',
      bodies: [{ role: 'main', contentType: 'text/plain', value: `${headline}: the story in a few words.` }],
      ...extra,
    }),
  );
}

async function world() {
  const table = await dynamoDb.articlesTable(`state-${++tableCount}`);
  let clock = T0;
  const index = new DynamoDbArticleIndex(dynamoDb.client, table, { clock: () => clock });
  const objects = new InMemoryObjectStore();
  const deps = { objects, index, quarantine: new InMemoryQuarantine(), now: () => new Date(clock) };
  return {
    index,
    objects,
    advance(ms: number) {
      clock += ms;
    },
    /** A new index on the same table, as another Lambda instance would have. */
    freshDeps() {
      return { ...deps, index: new DynamoDbArticleIndex(dynamoDb.client, table, { clock: () => clock }) };
    },
    ingest: (key: string, sequencer: string, bytes?: Uint8Array) => {
      if (bytes) objects.put('ingest', { key, bytes });
      return ingestObject(deps, { bucket: 'ingest', key, sequencer });
    },
    withdraw: (key: string, sequencer: string) => {
      objects.delete('ingest', key);
      return withdrawObject(deps, { bucket: 'ingest', key, sequencer });
    },
    async stateItem(key: string): Promise<Record<string, AttributeValue> | undefined> {
      const response = await dynamoDb.client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: `object#${key}` }, sk: { S: 'state' } } }),
      );
      return response.Item;
    },
    async itemCount(): Promise<number> {
      return (await dynamoDb.client.send(new ScanCommand({ TableName: table }))).Count ?? 0;
    },
  };
}

describe('object state on DynamoDB', () => {
  test('a first version under the minted uri writes no state item; the state is read from the head', async () => {
    const w = await world();
    const outcome = await w.ingest('wire/first.json', '0055AED6DCD90281E5', story('First story'));
    assert.equal(outcome.status, 'published');
    assert.equal(await w.stateItem('wire/first.json'), undefined);
    // The version item and the head, nothing else.
    assert.equal(await w.itemCount(), 2);
    // Read by another instance, which saved nothing itself.
    const state = await w.freshDeps().index.objectState('wire/first.json');
    assert.deepEqual(state, {
      key: 'wire/first.json',
      uri: 'urn:syndicate:wire/first.json',
      lastEvent: 'created',
      at: '2026-12-01T10:00:00.000Z',
      sequencer: '0055AED6DCD90281E5',
    });
  });

  test('an older or repeated event for the key is stale with the state on the head', async () => {
    const w = await world();
    await w.ingest('wire/order.json', '0055AED6DCD90281E5', story('Ordered story'));
    assert.deepEqual(await w.ingest('wire/order.json', '0055AED6DCD90281E5'), { status: 'stale' });
    assert.deepEqual(await w.ingest('wire/order.json', '0055AED6DCD90281E4'), { status: 'stale' });
    assert.deepEqual(await w.withdraw('wire/order.json', '0055AED6DCD90281E0'), { status: 'stale' });
  });

  test('a deletion withdraws through the head, then the key has a state item; an older create is stale', async () => {
    const w = await world();
    await w.ingest('wire/gone.json', '0055AED6DCD90281E5', story('Gone story'));
    w.advance(60_000);
    const withdrawn = await w.withdraw('wire/gone.json', '0055AED6DCD90281F0');
    assert.deepEqual(withdrawn, { status: 'withdrawn', uri: 'urn:syndicate:wire/gone.json', version: 2 });
    const item = await w.stateItem('wire/gone.json');
    assert.equal(item?.lastEvent?.S, 'removed');
    assert.equal(item?.sequencer?.S, '0055AED6DCD90281F0');
    // The create event S3 sent before the deletion, delivered late.
    w.objects.put('ingest', { key: 'wire/gone.json', bytes: story('Gone story') });
    assert.deepEqual(await w.ingest('wire/gone.json', '0055AED6DCD90281E6'), { status: 'stale' });
  });

  test('a re-upload after a deletion keeps the state item current', async () => {
    const w = await world();
    await w.ingest('wire/again.json', '0055AED6DCD90281E5', story('Again story'));
    w.advance(60_000);
    await w.withdraw('wire/again.json', '0055AED6DCD90281F0');
    w.advance(60_000);
    const outcome = await w.ingest('wire/again.json', '0055AED6DCD9028200', story('Again story, revised'));
    assert.equal(outcome.status, 'published');
    const item = await w.stateItem('wire/again.json');
    assert.equal(item?.lastEvent?.S, 'created');
    assert.equal(item?.sequencer?.S, '0055AED6DCD9028200');
    assert.deepEqual(await w.withdraw('wire/again.json', '0055AED6DCD90281F0'), { status: 'stale' });
  });

  test('the same content uploaded again records its newer sequencer in a state item', async () => {
    const w = await world();
    await w.ingest('wire/same.json', '0055AED6DCD90281E5', story('Same story'));
    w.advance(60_000);
    const outcome = await w.ingest('wire/same.json', '0055AED6DCD90281F0', story('Same story'));
    assert.equal(outcome.status, 'unchanged');
    const item = await w.stateItem('wire/same.json');
    assert.equal(item?.sequencer?.S, '0055AED6DCD90281F0');
    assert.deepEqual(await w.ingest('wire/same.json', '0055AED6DCD90281E9'), { status: 'stale' });
  });

  test('an article with an id given in content keeps a state item: the key alone does not name it', async () => {
    const w = await world();
    const outcome = await w.ingest(
      'wire/own-id.json',
      '0055AED6DCD90281E5',
      story('Own id story', { uri: 'https://news.example.com/2026/12/01/own-id' }),
    );
    assert.equal(outcome.status, 'published');
    const item = await w.stateItem('wire/own-id.json');
    assert.equal(item?.uri?.S, 'https://news.example.com/2026/12/01/own-id');
    w.advance(60_000);
    const withdrawn = await w.withdraw('wire/own-id.json', '0055AED6DCD90281F0');
    assert.deepEqual(withdrawn, {
      status: 'withdrawn',
      uri: 'https://news.example.com/2026/12/01/own-id',
      version: 2,
    });
  });

  test('a rejected object has a state item saying so', async () => {
    const w = await world();
    const outcome = await w.ingest('wire/empty.json', '0055AED6DCD90281E5', Buffer.from('   '));
    assert.equal(outcome.status, 'rejected');
    assert.equal((await w.stateItem('wire/empty.json'))?.lastEvent?.S, 'rejected');
  });
});
